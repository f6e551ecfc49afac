// Days in cache keys. Every day between two consecutive days on which something takes effect (a
// revision comes into force, a provision starts or ends) has the same answer to an as-of question:
// the lists, listings, coverage and provisions in force are those of the same revisions. So a
// dashboard scrubbing through time finds the answer to a day it has never asked in the cache,
// under the interval the day falls in, instead of computing it again.
//
// The same holds on the second time axis: every `knownAt` between two consecutive days on which
// something was decided (a revision's 決定日) has the same answer, since an answer depends on
// `knownAt` only through `decided_on <= knownAt`, and names not the day asked but the decision day
// the step starts on, in its ids and in Coverage.checkedOn (src/read/decisions.ts). So each day is
// keyed by the interval it falls in on its own axis: valid time for `asOf`, `from` and `to`,
// decisions for `knownAt`.
//
// The one thing an answer may not share is a day it echoes: the fields whose value is the day
// asked are MembershipDiff's `from` and `to`, so a document selecting a field so named keys its
// days exactly. A day that is data (a listing's validFrom that happens to be the day asked) is the
// same for every day of the interval. Errors, which name the day, are never cached at all.
import { Kind, parse, print, visit, type DocumentNode } from 'graphql';
import { walkDocument } from './walk.js';
import { LIMITS } from '../limits.js';
import { intervalOf, parseDay } from '../domain/dates.js';
import { decisionDaysSql } from '../read/decisions.js';

export { intervalOf };

/**
 * The two time axes a day is keyed on: `v`alid time (the days things take effect) and `k`nowledge
 * (the days things were decided).
 */
export type Axis = 'v' | 'k';
/** Arguments whose Date value an answer depends on only through the interval it falls in, with its axis. */
export const INTERVAL_ARGS: ReadonlyMap<string, Axis> = new Map([['asOf', 'v'], ['from', 'v'], ['to', 'v'], ['knownAt', 'k']]);
/** Date arguments keyed exactly (tests/cache-days.test.ts checks the schema has no other). */
export const EXACT_DATE_ARGS = new Set(['effectiveOn']);
/** Fields that may echo an asked day: a document selecting one keys its days exactly. */
const ECHO_FIELDS = new Set(['from', 'to']);

/** A request with its interval days taken out: the rest of its key, and the days (ISO), in order. */
export interface DayTemplate {
  /** the document and variables with each interval day replaced by a placeholder */
  query: string;
  variables: Record<string, unknown> | null;
  /** the ISO days taken out, in order */
  days: string[];
  /** the axis of each of them (one character each) */
  axes: string;
}

export const asDay = (value: unknown): string | null => {
  if (typeof value !== 'string') return null;
  try {
    return parseDay(value);
  } catch {
    return null;
  }
};

/** What a document's text says of its days, worked out once per text. */
interface DocumentDays {
  /** the document with its literal interval days replaced by placeholders, printed */
  query: string;
  /** its literal interval days (ISO), in order */
  literalDays: string[];
  /** their axes, one character each */
  literalAxes: string;
  /** variables used only as interval days of one axis, with it */
  dayVariables: Array<[name: string, axis: Axis]>;
}

/**
 * The cache's parse of a request's document (throws as graphql-js does): without locations, and
 * stopped past the tokens a request may have (LIMITS.tokens). The cache reads a request before Yoga
 * does, so this parse is the first: without the bound, a 1 MiB document of half a million tokens
 * cost 0.35–0.9 s here before graphql-armor refused it after 2,000.
 */
export const parseForKey = (query: string): DocumentNode => parse(query, { noLocation: true, maxTokens: LIMITS.tokens });

/**
 * A document's days, or null when none can be shared: it does not parse, selects an echoing field,
 * or has a literal interval day that does not parse (the request will be refused anyway). `parsed`:
 * the query already parsed, if it was.
 */
export function documentDays(query: string, parsed?: DocumentNode): DocumentDays | null {
  let document: DocumentNode;
  try {
    document = parsed ?? parseForKey(query);
  } catch {
    return null;
  }
  let echo = false;
  let literals = false;
  // variables: used only as interval days of one axis (the axis), or otherwise too (false)
  const uses = new Map<string, Axis | false>();
  walkDocument(document, {
    field(field) {
      if (ECHO_FIELDS.has(field.name.value)) return (echo = true);
    },
    argument(arg) {
      if (arg.value.kind === Kind.STRING && INTERVAL_ARGS.has(arg.name.value)) literals = true;
    },
    variable(v, arg) {
      const axis = (arg.value === v && INTERVAL_ARGS.get(arg.name.value)) || false;
      const before = uses.get(v.name.value);
      uses.set(v.name.value, before === undefined || before === axis ? axis : false);
    },
    variableDefinition(def) {
      // a default value is part of the document: keyed exactly
      if (def.defaultValue) uses.set(def.variable.name.value, false);
    },
  });
  if (echo) return null;
  const dayVariables = [...uses].filter((use): use is [string, Axis] => use[1] !== false);
  // Without literal days the document is its own template: its text, not printed again.
  if (!literals) return { query, literalDays: [], literalAxes: '', dayVariables };
  const literalDays: string[] = [];
  let literalAxes = '';
  let failed = false;
  const normalized = visit(document, {
    Argument(arg) {
      const axis = INTERVAL_ARGS.get(arg.name.value);
      if (!axis || arg.value.kind !== Kind.STRING) return undefined;
      const day = asDay(arg.value.value);
      if (!day) {
        failed = true;
        return undefined;
      }
      literalDays.push(day);
      literalAxes += axis;
      return { ...arg, value: { kind: Kind.STRING, value: `@literal${literalDays.length - 1}` } };
    },
  });
  if (failed) return null;
  return { query: print(normalized), literalDays, literalAxes, dayVariables };
}

/**
 * The request's interval days, or null when it has none that can be shared (none asked, a day
 * that does not parse, a variable also used elsewhere, or an echoing field selected). `doc` is
 * documentDays(query), which callers keep per document text.
 */
export function dayTemplate(
  query: string, variables: Record<string, unknown> | null | undefined, doc: DocumentDays | null = documentDays(query),
): DayTemplate | null {
  if (!doc) return null;
  const days = [...doc.literalDays];
  let axes = doc.literalAxes;
  let vars: Record<string, unknown> | null = variables ?? null;
  for (const [name, axis] of doc.dayVariables) {
    if (!vars || !(name in vars) || vars[name] === null) continue;
    const day = asDay(vars[name]);
    if (!day) return null;
    if (vars === variables) vars = { ...variables };
    vars[name] = `@day${days.length}`;
    days.push(day);
    axes += axis;
  }
  if (days.length === 0) return null;
  return { query: doc.query, variables: vars, days, axes };
}

/**
 * The days on which something changes on each axis, ascending: each day's interval is the number
 * of them on or before it. Read in the same statement as the data version they belong to.
 */
export interface Boundaries {
  /** days on which something takes effect (a revision comes into force, a provision or seat starts or ends) */
  v: readonly string[];
  /** days on which something was decided (a revision's 決定日: src/read/decisions.ts) */
  k: readonly string[];
}

/** Each of `days` by its interval on its axis: the part of a key that stands for them. */
export const intervalsOf = (boundaries: Boundaries, days: readonly string[], axes: string): string =>
  days.map((d, i) => intervalOf(boundaries[axes[i] as Axis], d)).join('.');

/** SQL: the data version and the days things take effect and were decided, in one snapshot. */
export function boundariesQuery(schema?: string): string {
  const t = (name: string) => (schema ? `"${schema.replace(/"/g, '""')}"."${name}"` : `"${name}"`);
  return `SELECT (SELECT epoch || ':' || version::text FROM ${t('data_version')} WHERE id) AS version,
    ARRAY(SELECT DISTINCT to_char(d, 'YYYY-MM-DD') FROM (
      SELECT in_force_from AS d FROM ${t('revision')}
      UNION SELECT valid_from FROM ${t('provision')}
      UNION SELECT valid_to FROM ${t('provision')} WHERE valid_to IS NOT NULL
      UNION SELECT valid_from FROM ${t('seat')}
      UNION SELECT valid_to FROM ${t('seat')} WHERE valid_to IS NOT NULL) days ORDER BY 1) AS v,
    ARRAY(${decisionDaysSql(t('revision'))}) AS k`;
}
