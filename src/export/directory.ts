// What an export holds, read through the public GraphQL API (any executor: yoga.fetch in the
// server, so each answer is cached and invalidated like every other one): the bodies, and the
// seats of one body or all, as of a day (exactly `members(body, asOf)`) or over their whole history.
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

export interface ExportSeat {
  id: string;
  seatKey: string;
  body: string;
  role: 'CHAIR' | 'VICE_CHAIR' | 'MEMBER' | 'OBSERVER';
  position: number;
  validFrom: string;
  validTo: string | null;
  post: { id: string; title: string; organization: ExportOrganization };
  source: { clause: string; instrument: { code: string; title: string }; revision: { sequence: number; decidedOn: string; effectiveOn: string | null } };
}

export interface ExportData {
  asOf: IsoDay | null;
  /** the bodies exported: all, or the one asked for and the bodies above it */
  bodies: ExportBody[];
  /** the one body asked for, if any */
  body: string | null;
  seats: ExportSeat[];
}

// A listing and the seat (tenure) it prints: the seat's id, key and days; the listing's position and source.
const LISTING = `role position body { code }
  post { id title organization { id name nameEn } }
  source { clause instrument { code title } revision { sequence decidedOn effectiveOn } }
  seat { id seatKey validFrom validTo }`;
const BODIES = `{ bodies { id code name nameEn parent { code } coverage { rosterKnown } } }`;
const MEMBERS = `query ExportMembers($body: ID!, $asOf: Date!) { members(body: $body, asOf: $asOf) { ${LISTING} } }`;
// 25 posts a page keeps each page well inside the cost limit (8 seats a post, ~25 fields a seat).
const POSTS_PAGE = 25;
const HISTORY = `query ExportHistory($after: String) { posts(first: ${POSTS_PAGE}, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { seats { firstListing { ${LISTING} } } } } } }`;

const ROLE_ORDER = { CHAIR: 0, VICE_CHAIR: 1, MEMBER: 2, OBSERVER: 3 } as const;

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

/** The day asked for, as an ISO day (or a BAD_USER_INPUT refusal naming why not). */
export function parseAsOf(asOf: string | null | undefined): IsoDay | null {
  if (asOf === undefined || asOf === null) return null;
  try {
    return parseDay(asOf);
  } catch (error) {
    if (error instanceof DayParseError) throw new ExportError(error.message, 'BAD_USER_INPUT', { asOf: asOf.slice(0, 80) });
    throw error;
  }
}

export async function readExport(execute: Execute, params: ExportParams): Promise<ExportData> {
  const asOf = parseAsOf(params.asOf);
  const all: ExportBody[] = (await ask(execute, BODIES)).bodies.map((b: any) => ({
    id: b.id,
    code: b.code,
    name: b.name,
    nameEn: b.nameEn ?? null,
    parent: b.parent?.code ?? null,
    rosterKnown: b.coverage.rosterKnown,
  }));
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

  let seats: ExportSeat[];
  if (asOf !== null) {
    // Exactly `members`: for one body, whatever it answers (OUT_OF_COVERAGE included); for all,
    // every body whose roster the sources give (the promotion council's they do not).
    const asked = code !== null ? [code] : all.filter((b) => b.rosterKnown).map((b) => b.code);
    seats = [];
    for (const body of asked) seats.push(...(await ask(execute, MEMBERS, { body, asOf })).members.map(toSeat));
  } else {
    const found = new Map<string, ExportSeat>();
    let after: string | null = null;
    for (;;) {
      const page: any = (await ask(execute, HISTORY, { after })).posts;
      for (const edge of page.edges) for (const { firstListing: s } of edge.node.seats) if (code === null || s.body.code === code) found.set(s.seat.id, toSeat(s));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const order = new Map(all.map((b, i) => [b.code, i]));
    seats = [...found.values()].sort(
      (a, b) =>
        order.get(a.body)! - order.get(b.body)! ||
        (a.validFrom < b.validFrom ? -1 : a.validFrom > b.validFrom ? 1 : 0) ||
        ROLE_ORDER[a.role] - ROLE_ORDER[b.role] ||
        a.position - b.position ||
        (a.id < b.id ? -1 : 1),
    );
  }
  return { asOf, bodies, body: code, seats };
}

function toSeat(s: any): ExportSeat {
  return {
    id: s.seat.id,
    seatKey: s.seat.seatKey,
    body: s.body.code,
    role: s.role,
    position: s.position,
    validFrom: s.seat.validFrom,
    validTo: s.seat.validTo ?? null,
    post: { id: s.post.id, title: s.post.title, organization: { id: s.post.organization.id, name: s.post.organization.name, nameEn: s.post.organization.nameEn ?? null } },
    source: {
      clause: s.source.clause,
      instrument: { code: s.source.instrument.code, title: s.source.instrument.title },
      revision: { sequence: s.source.revision.sequence, decidedOn: s.source.revision.decidedOn, effectiveOn: s.source.revision.effectiveOn ?? null },
    },
  };
}
