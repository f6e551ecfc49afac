// What an export holds, read through the public GraphQL API (any executor: yoga.fetch in the
// server, so each answer is cached and invalidated like every other one): the bodies, and the
// listings of one body or all — as of a day (exactly `members(body, asOf, knownAt)`) or over the
// whole history (every listing that was ever in force, as decided by knownAt), with the renames
// between them (`membershipDiff`). Which seats are in force, tenure ends, coverage and rename
// kinds are the API's answers: nothing here decides them again.
import { DayParseError, parseDay, type IsoDay } from '../domain/dates.js';

/** Runs one GraphQL request against meibo's public schema. */
export type Execute = (query: string, variables?: Record<string, unknown>) => Promise<GraphQLAnswer>;
export interface GraphQLAnswer {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export type ExportErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'OUT_OF_COVERAGE' | 'SERVICE_UNAVAILABLE' | 'INTERNAL_SERVER_ERROR';

/** A refusal, with the code (and extensions) GraphQL would give for the same question. */
export class ExportError extends Error {
  override readonly name = 'ExportError';
  constructor(message: string, readonly code: ExportErrorCode, readonly extensions: Record<string, unknown> = {}) {
    super(message);
  }
}

export interface ExportParams {
  /** body code; all bodies when absent */
  body?: string | null;
  /** a day (ISO or 和暦); the whole history when absent */
  asOf?: string | null;
  /** 決定日: answer from the revisions decided by this day (ISO or 和暦); everything recorded when absent */
  knownAt?: string | null;
}

export interface ExportBody {
  id: string;
  code: string;
  name: string;
  nameEn: string | null;
  parent: string | null;
  rosterKnown: boolean;
}

export interface ExportOrganization {
  id: string;
  name: string;
  nameEn: string | null;
}

export type ExportRole = 'CHAIR' | 'VICE_CHAIR' | 'MEMBER' | 'OBSERVER';

/** A seat (a tenure: one post's continuous time in one body and role), as the API answers it. */
export interface ExportSeat {
  id: string;
  seatKey: string;
  body: string;
  role: ExportRole;
  /** the tenure's first day; "at least since" when validFromIsCoverageStart */
  validFrom: string;
  validFromIsCoverageStart: boolean;
  /** the first day the tenure no longer holds (as decided by knownAt); null: continuing */
  validTo: string | null;
  post: { id: string; title: string; organization: ExportOrganization };
}

/**
 * A listing: a seat as one revision prints it (its position and source), in force from the day
 * that revision is (listedFrom) up to the day the next revision known on knownAt is (listedTo,
 * exclusive; null: none known).
 */
export interface ExportListing {
  /** the API's Listing id: one seat as one revision prints it */
  id: string;
  seat: ExportSeat;
  position: number;
  listedFrom: string;
  listedTo: string | null;
  source: {
    clause: string;
    instrument: { code: string; title: string };
    revision: { id: string; sequence: number; decidedOn: string; effectiveOn: string | null; inForceFrom: string };
  };
}

/** A post taking another's place in a seat, between two listings of the export. */
export interface ExportRename {
  /** the API's RenameKind, passed through as given (RETITLE, SUCCESSION, …) */
  kind: string;
  before: string;
  after: string;
}

export interface ExportData {
  asOf: IsoDay | null;
  knownAt: IsoDay | null;
  /** the bodies exported: all, or the one asked for and the bodies above it */
  bodies: ExportBody[];
  /** the one body asked for, if any */
  body: string | null;
  /** as of a day: the listings in force, in `members` order; else every listing, by body, day, role, position */
  listings: ExportListing[];
  /** the renames between two listings of `listings` (the whole history only) */
  renames: ExportRename[];
}

interface RevisionDays {
  /** the days a revision known on knownAt comes into force, ascending, each once */
  days: string[];
  /** days on which a revision with a known text comes into force */
  withText: Set<string>;
}

// A listing (a seat as one revision prints it: position, source, its own days) and its seat.
const SEAT = `id role position validFrom validTo body { code }
  post { id title organization { id name nameEn } }
  source { clause instrument { code title } revision { id sequence decidedOn effectiveOn inForceFrom } }
  seat { id seatKey validFrom validFromIsCoverageStart validTo }`;
const BODIES = `query ExportBodies($knownAt: Date) { bodies { id code name nameEn parent { code }
  coverage(knownAt: $knownAt) { rosterKnown } revisions(knownAt: $knownAt) { inForceFrom contentKnown } } }`;
const MEMBERS = `query ExportMembers($body: ID!, $asOf: Date!, $knownAt: Date) { members(body: $body, asOf: $asOf, knownAt: $knownAt) { ${SEAT} } }`;
const RENAMES = `query ExportRenames($body: ID!, $from: Date!, $to: Date!, $knownAt: Date) {
  membershipDiff(body: $body, from: $from, to: $to, knownAt: $knownAt) { renamed { kind before { id } after { id } } } }`;
// (renamed.before / after are listings: their ids are the export's membership ids)

const ROLE_ORDER: Record<ExportRole, number> = { CHAIR: 0, VICE_CHAIR: 1, MEMBER: 2, OBSERVER: 3 };

/** The answer's data, or its first error as an ExportError. */
async function ask(execute: Execute, query: string, variables?: Record<string, unknown>): Promise<Record<string, any>> {
  const answer = await execute(query, variables);
  const error = answer.errors?.[0];
  if (error) {
    const { code, requestId: _id, ...extensions } = error.extensions ?? {};
    const known: ExportErrorCode[] = ['BAD_USER_INPUT', 'NOT_FOUND', 'OUT_OF_COVERAGE', 'SERVICE_UNAVAILABLE'];
    const c = known.includes(code as ExportErrorCode) ? (code as ExportErrorCode) : 'INTERNAL_SERVER_ERROR';
    throw new ExportError(c === 'INTERNAL_SERVER_ERROR' ? 'Unexpected error.' : error.message, c, c === 'INTERNAL_SERVER_ERROR' ? {} : extensions);
  }
  if (!answer.data) throw new ExportError('Unexpected error.', 'INTERNAL_SERVER_ERROR');
  return answer.data;
}

/** A day parameter as an ISO day (or a BAD_USER_INPUT refusal naming the parameter and why not). */
export function parseDayParam(name: 'asOf' | 'knownAt', value: string | null | undefined): IsoDay | null {
  if (value === undefined || value === null) return null;
  try {
    return parseDay(value);
  } catch (error) {
    if (error instanceof DayParseError) throw new ExportError(`${name}: ${error.message}`, 'BAD_USER_INPUT', { [name]: value.slice(0, 80) });
    throw error;
  }
}

/** The day asked for, as an ISO day (or a BAD_USER_INPUT refusal naming why not). */
export const parseAsOf = (asOf: string | null | undefined) => parseDayParam('asOf', asOf);

export async function readExport(execute: Execute, params: ExportParams): Promise<ExportData> {
  const asOf = parseDayParam('asOf', params.asOf);
  const knownAt = parseDayParam('knownAt', params.knownAt);
  const answered: any[] = (await ask(execute, BODIES, { knownAt })).bodies;
  const all: ExportBody[] = answered.map((b) => ({
    id: b.id,
    code: b.code,
    name: b.name,
    nameEn: b.nameEn ?? null,
    parent: b.parent?.code ?? null,
    rosterKnown: b.coverage.rosterKnown,
  }));
  const revisionDays = new Map<string, RevisionDays>(
    answered.map((b) => [
      b.code,
      {
        days: [...new Set<string>(b.revisions.map((r: any) => r.inForceFrom))].sort(),
        withText: new Set<string>(b.revisions.filter((r: any) => r.contentKnown).map((r: any) => r.inForceFrom)),
      },
    ]),
  );
  const byCode = new Map(all.map((b) => [b.code, b]));
  let bodies = all;
  const code = params.body ?? null;
  if (code !== null) {
    if (!byCode.has(code)) {
      throw new ExportError(`No body has the code "${code.slice(0, 80)}". Known codes: ${all.map((b) => b.code).join(', ')}.`, 'NOT_FOUND', { body: code.slice(0, 80) });
    }
    // the body and those above it, so that every parent_id names an organization of the export
    const chain = new Set<string>();
    for (let c: string | null = code; c && !chain.has(c); c = byCode.get(c)?.parent ?? null) chain.add(c);
    bodies = all.filter((b) => chain.has(b.code));
  }
  const members = async (body: string, day: string) => ((await ask(execute, MEMBERS, { body, asOf: day, knownAt })).members as any[]).map(toListing);

  const listings: ExportListing[] = [];
  const renames: ExportRename[] = [];
  if (asOf !== null) {
    // Exactly `members`: for one body, whatever it answers (OUT_OF_COVERAGE included); for all,
    // every body whose roster the sources give (the promotion council's they do not).
    const asked = code !== null ? [code] : all.filter((b) => b.rosterKnown).map((b) => b.code);
    for (const body of asked) listings.push(...(await members(body, asOf)));
  } else {
    // Every listing ever in force: a revision's listings are in force from the day it comes into
    // force, so asking `members` on each such day (as decided by knownAt) finds each listing once.
    // Days on which no revision with a text comes into force are not covered: not asked.
    const asked = all.filter((b) => (code === null || b.code === code) && b.rosterKnown);
    for (const body of asked) {
      const { days, withText } = revisionDays.get(body.code)!;
      let previous: { day: string; ids: Set<string> } | null = null;
      for (const day of days) {
        let found: ExportListing[] | null = null;
        if (withText.has(day)) {
          try {
            found = await members(body.code, day);
          } catch (error) {
            // the revision in force that day is one known by date only
            if (!(error instanceof ExportError && error.code === 'OUT_OF_COVERAGE')) throw error;
          }
        }
        if (found === null) {
          previous = null;
          continue;
        }
        listings.push(...found);
        const ids = new Set(found.map((l) => l.id));
        if (previous) {
          const diff = (await ask(execute, RENAMES, { body: body.code, from: previous.day, to: day, knownAt })).membershipDiff;
          for (const r of diff.renamed) {
            if (previous.ids.has(r.before.id) && ids.has(r.after.id)) renames.push({ kind: r.kind, before: r.before.id, after: r.after.id });
          }
        }
        previous = { day, ids };
      }
    }
    const order = new Map(all.map((b, i) => [b.code, i]));
    listings.sort(
      (a, b) =>
        order.get(a.seat.body)! - order.get(b.seat.body)! ||
        compare(a.listedFrom, b.listedFrom) ||
        ROLE_ORDER[a.seat.role] - ROLE_ORDER[b.seat.role] ||
        a.position - b.position ||
        compare(a.id, b.id),
    );
  }
  return { asOf, knownAt, bodies, body: code, listings, renames };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function toListing(s: any): ExportListing {
  const revision = s.source.revision;
  return {
    id: s.id,
    seat: {
      id: s.seat.id,
      seatKey: s.seat.seatKey,
      body: s.body.code,
      role: s.role,
      validFrom: s.seat.validFrom,
      validFromIsCoverageStart: s.seat.validFromIsCoverageStart,
      validTo: s.seat.validTo ?? null,
      post: { id: s.post.id, title: s.post.title, organization: { id: s.post.organization.id, name: s.post.organization.name, nameEn: s.post.organization.nameEn ?? null } },
    },
    position: s.position,
    listedFrom: s.validFrom,
    // the API's Listing.validTo: the next revision's day in force, as decided by knownAt
    listedTo: s.validTo ?? null,
    source: {
      clause: s.source.clause,
      instrument: { code: s.source.instrument.code, title: s.source.instrument.title },
      revision: { id: revision.id, sequence: revision.sequence, decidedOn: revision.decidedOn, effectiveOn: revision.effectiveOn ?? null, inForceFrom: revision.inForceFrom },
    },
  };
}

/** Whether the listing is the seat's first and the seat's start is only the data's coverage start ("at least since"). */
export const startUnknown = (l: ExportListing) => l.seat.validFromIsCoverageStart && l.listedFrom === l.seat.validFrom;
