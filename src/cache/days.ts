// Days in cache keys. Every day between two consecutive days on which something takes effect (a
// revision comes into force, a provision starts or ends) has the same answer to an as-of question:
// the lists, listings, coverage and provisions in force are those of the same revisions. So a
// dashboard scrubbing through time finds the answer to a day it has never asked in the cache,
// under the interval the day falls in, instead of computing it again.
//
// Only valid-time days are treated so (`asOf`, `from`, `to`); `knownAt` stays exact. The one thing an
// answer may not share is a day it echoes: the fields whose value is the day asked are
// MembershipDiff's `from` and `to` (and Coverage's `checkedOn`, which may be the knownAt asked), so a
// document selecting a field so named keys its days exactly. A day that is data (a listing's
// validFrom that happens to be the day asked) is the same for every day of the interval. Errors,
// which name the day, are never cached at all.
import { Kind, parse, print, visit, type DocumentNode, type ValueNode } from 'graphql';
import { parseDay } from '../domain/dates.js';

/** Arguments whose Date value an answer depends on only through the interval it falls in. */
export const INTERVAL_ARGS = new Set(['asOf', 'from', 'to']);
/** Date arguments keyed exactly (tests/cache-days.test.ts checks the schema has no other). */
export const EXACT_DATE_ARGS = new Set(['knownAt', 'effectiveOn']);
/** Fields that may echo an asked day: a document selecting one keys its days exactly. */
const ECHO_FIELDS = new Set(['from', 'to', 'checkedOn']);

/** A request with its interval days taken out: the rest of its key, and the days (ISO), in order. */
export interface DayTemplate {
  /** the document and variables with each interval day replaced by a placeholder */
  query: string;
  variables: Record<string, unknown> | null;
  /** the ISO days taken out, in order */
  days: string[];
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
  /** variables used only as interval days */
  dayVariables: string[];
}

/**
 * A document's days, or null when none can be shared: it does not parse, selects an echoing field,
 * or has a literal interval day that does not parse (the request will be refused anyway). `parsed`:
 * the query already parsed, if it was.
 */
export function documentDays(query: string, parsed?: DocumentNode): DocumentDays | null {
  let document: DocumentNode;
  try {
    document = parsed ?? parse(query, { noLocation: true });
  } catch {
    return null;
  }
  let echo = false;
  // variables: used only as interval days (true), or also elsewhere (false)
  const uses = new Map<string, boolean>();
  const useOf = (value: ValueNode, interval: boolean) => {
    visit(value, { Variable: (v) => void uses.set(v.name.value, interval && (uses.get(v.name.value) ?? true)) });
  };
  visit(document, {
    Field(field) {
      if (ECHO_FIELDS.has(field.name.value)) echo = true;
    },
    Argument(arg) {
      useOf(arg.value, INTERVAL_ARGS.has(arg.name.value) && arg.value.kind === Kind.VARIABLE);
    },
    VariableDefinition(def) {
      // a default value is part of the document: keyed exactly
      if (def.defaultValue) uses.set(def.variable.name.value, false);
    },
  });
  if (echo) return null;
  const literalDays: string[] = [];
  let failed = false;
  const normalized = visit(document, {
    Argument(arg) {
      if (!INTERVAL_ARGS.has(arg.name.value) || arg.value.kind !== Kind.STRING) return undefined;
      const day = asDay(arg.value.value);
      if (!day) {
        failed = true;
        return undefined;
      }
      literalDays.push(day);
      return { ...arg, value: { kind: Kind.STRING, value: `@literal${literalDays.length - 1}` } };
    },
  });
  if (failed) return null;
  return { query: print(normalized), literalDays, dayVariables: [...uses].filter(([, interval]) => interval).map(([name]) => name) };
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
  let vars: Record<string, unknown> | null = variables ?? null;
  for (const name of doc.dayVariables) {
    if (!vars || !(name in vars) || vars[name] === null) continue;
    const day = asDay(vars[name]);
    if (!day) return null;
    if (vars === variables) vars = { ...variables };
    vars[name] = `@day${days.length}`;
    days.push(day);
  }
  if (days.length === 0) return null;
  return { query: doc.query, variables: vars, days };
}

/**
 * The days on which something takes effect, ascending: each day's interval is the number of them
 * on or before it. Read in the same statement as the data version they belong to.
 */
export function intervalOf(boundaries: readonly string[], day: string): number {
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (boundaries[mid] <= day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** SQL: the data version and the days things take effect, in one snapshot. */
export function boundariesQuery(schema?: string): string {
  const t = (name: string) => (schema ? `"${schema.replace(/"/g, '""')}"."${name}"` : `"${name}"`);
  return `SELECT (SELECT epoch || ':' || version::text FROM ${t('data_version')} WHERE id) AS version,
    ARRAY(SELECT DISTINCT to_char(d, 'YYYY-MM-DD') FROM (
      SELECT in_force_from AS d FROM ${t('revision')}
      UNION SELECT valid_from FROM ${t('provision')}
      UNION SELECT valid_to FROM ${t('provision')} WHERE valid_to IS NOT NULL
      UNION SELECT valid_from FROM ${t('seat')}
      UNION SELECT valid_to FROM ${t('seat')} WHERE valid_to IS NOT NULL) days ORDER BY 1) AS days`;
}
