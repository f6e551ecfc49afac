// Seat: one post in one body in one role at a listing position, in force over a date range,
// with the instrument, revision and clause it comes from.
import DataLoader from 'dataloader';
import { describeRanges, type DayRange } from '../domain/coverage.js';
import { outOfCoverage } from '../errors.js';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { fromDate, toDate, type IsoDay } from '../domain/dates.js';
import { Prisma, type Role } from '../generated/prisma/client.js';
import { InstrumentRef } from './revision.js';

export const RoleEnum = builder.enumType('Role', {
  description: 'The role a seat gives its post: 議長, 副議長, 構成員, オブザーバー.',
  values: {
    CHAIR: { description: '議長' },
    VICE_CHAIR: { description: '副議長' },
    MEMBER: { description: '構成員' },
    OBSERVER: { description: 'オブザーバー' },
  } as const,
});

export const SourceRef = builder.prismaObject('Seat', {
  variant: 'Source',
  description: 'Where a seat comes from: the instrument, the revision whose text lists it, the clause and the role.',
  fields: (t) => ({
    instrument: t.field({
      type: InstrumentRef,
      select: { revision: { select: { instrument: true } } },
      resolve: (seat) => seat.revision.instrument,
    }),
    revision: t.relation('revision'),
    clause: t.exposeString('clause', { description: '第1項, 第2項…' }),
    role: t.expose('role', { type: RoleEnum }),
  }),
});

export const SeatRef = builder.prismaNode('Seat', {
  // node(id) of a row that does not exist answers null (Relay's convention), not an error
  nullable: true,
  // A seat is a tenure: its id is the id of the tenure's first listing (node(id) answers that
  // listing), whatever listing of it a question lands on.
  // (Pothos's types allow `field` or `resolve`; at run time `field` parses ids and loads rows, and
  // `resolve` makes them.) `field: 'id'` keeps every row reloadable as itself.
  id: { field: 'id', resolve: (seat: { id: number; tenureId: number | null }) => seat.tenureId ?? seat.id } as unknown as { field: 'id' },
  select: { tenureId: true, tenureFrom: true, tenureTo: true, validFrom: true },
  description:
    'One post’s continuous tenure in one body and role: re-listed unchanged by later revisions it stays the same seat ' +
    '(same id, same validFrom). A retitled post ends its seat and starts a new one, linked by seatKey (a rename). ' +
    '`position` and `source` are those of the listing in force on the day asked.',
  fields: (t) => ({
    role: t.expose('role', { type: RoleEnum }),
    position: t.exposeInt('position', { description: '1-based listing order within the role, as printed by the revision in force on the day asked.' }),
    post: t.relation('post'),
    body: t.relation('body'),
    seatKey: t.exposeString('seatKey', {
      description: 'Identifies the place across retitles: a rename (REPLACE) keeps it, a new seat gets a new one.',
    }),
    validFrom: t.field({
      type: 'Date',
      description: 'First day of the tenure; see validFromIsCoverageStart: the first day the data covers says "at least since", not "since".',
      resolve: (seat) => seat.tenureFrom ?? seat.validFrom,
    }),
    validFromIsCoverageStart: t.boolean({
      description:
        'True when validFrom is the first day of the data’s coverage for this body: the post was listed since at least ' +
        'that day, and earlier days are unknown. False: the tenure began on validFrom.',
      select: { bodyId: true },
      resolve: async (seat, _args, ctx) => {
        const from = fromDate(seat.tenureFrom ?? seat.validFrom);
        const ranges = await ctx.loaders.coverage.load(`${seat.bodyId}|`);
        return ranges.some((r) => r.from === from);
      },
    }),
    validTo: t.field({
      type: 'Date',
      nullable: true,
      description: 'First day the tenure no longer holds; null while it continues (as known on `knownAt`, when asked so).',
      resolve: (seat) => seat.tenureTo,
    }),
    basis: t.exposeString('basis', {
      nullable: true,
      description: 'What founds the post’s membership, where the instrument says (e.g. the rule that defines サイバーセキュリティ参与).',
    }),
    source: t.variant(SourceRef),
  }),
});

/**
 * A tenure as known on `knownAt`: an end decided after that day was not known then, so the
 * tenure was still continuing. (A copy: the same row may answer another alias without knownAt.)
 */
function asKnownOn<S extends { tenureTo?: Date | null; tenureEndDecidedOn?: Date | null }>(seat: S, knownAt: IsoDay | null): S {
  if (!knownAt || !seat.tenureTo || !seat.tenureEndDecidedOn || fromDate(seat.tenureEndDecidedOn) <= knownAt) return seat;
  return { ...seat, tenureTo: null };
}

interface InForce { covered: boolean; seatIds: number[] }

/**
 * For each body: whether the data covers `day` (the revision in force that day has a known text)
 * and the ids of its seats in force — one statement for any number of bodies, and flat however
 * long the history: the revision is found through revision_in_force_idx, the seats through the
 * GiST index on (body_id, daterange(valid_from, valid_to)), correlated on one body at a time so
 * both are index conditions (BENCHMARKS.md). With `knownAt` it answers from what had been decided
 * by then (bitemporal): the list of the latest revision decided by `knownAt` and in force by `day`.
 */
async function inForce(ctx: Context, bodyIds: number[], day: IsoDay, role: Role | null, knownAt: IsoDay | null): Promise<Map<number, InForce>> {
  // Two statement texts rather than one CASE: each is planned (and, prepared, cached) alone. One
  // body (the usual question) is asked with `=`: then PostgreSQL keeps one generic plan for the
  // prepared statement instead of planning it anew each time, as it does for `= ANY(array)`, whose
  // length it cannot know (0.5 → 0.4 ms a lookup).
  const bodies = bodyIds.length === 1 ? Prisma.sql`b.id = ${bodyIds[0]}::int` : Prisma.sql`b.id = ANY(${bodyIds}::int[])`;
  const rows = knownAt === null
    ? await ctx.prisma.$queryRaw<InForceRow[]>`
      SELECT b.id AS body_id,
        (SELECT r.content_known FROM revision r
          WHERE r.instrument_id = b.instrument_id AND r.in_force_from <= ${day}::date
          ORDER BY r.in_force_from DESC, r.sequence DESC
          LIMIT 1) AS covered,
        ARRAY(
          SELECT s.id FROM seat s
          WHERE s.body_id = b.id
            AND daterange(s.valid_from, s.valid_to, '[)') @> ${day}::date
            AND (${role}::text IS NULL OR s.role::text = ${role}::text)
        ) AS seat_ids
      FROM body b
      WHERE ${bodies}`
    : await ctx.prisma.$queryRaw<InForceRow[]>`
      SELECT b.id AS body_id, r.content_known AS covered,
        ARRAY(
          SELECT s.id FROM seat s
          WHERE s.revision_id = r.id AND s.body_id = b.id
            AND (${role}::text IS NULL OR s.role::text = ${role}::text)
        ) AS seat_ids
      FROM body b
      LEFT JOIN LATERAL (
        SELECT r.id, r.content_known FROM revision r
        WHERE r.instrument_id = b.instrument_id
          AND r.decided_on <= ${knownAt}::date
          AND r.in_force_from <= ${day}::date
        ORDER BY r.in_force_from DESC, r.sequence DESC
        LIMIT 1) r ON true
      WHERE ${bodies}`;
  return new Map(rows.map((r) => [r.body_id, { covered: r.covered === true, seatIds: r.seat_ids.map(Number) }]));
}

type InForceRow = { body_id: number; covered: boolean | null; seat_ids: number[] };

type SeatQuery = { include?: Prisma.SeatInclude; select?: Prisma.SeatSelect };
type BodyRef = { id: number; code: string; name: string };

/**
 * Seats valid on the day. Of the revision in force, that is normally all its seats; the filter
 * keeps the ranges authoritative, as in the batched statement (a range may end early when written
 * by hand). Not with knownAt: a range closed by a revision decided after knownAt was still open
 * as known then.
 */
const validOn = (day: IsoDay): Prisma.SeatWhereInput => ({
  validFrom: { lte: toDate(day) },
  OR: [{ validTo: null }, { validTo: { gt: toDate(day) } }],
});

/** The client's seat query, plus what listing order and the tenure as known on a day need. */
const withOrderFields = (query: SeatQuery): SeatQuery =>
  query.select
    ? { select: { ...query.select, id: true, role: true, position: true, tenureId: true, tenureTo: true, tenureEndDecidedOn: true } }
    : { include: query.include };

/**
 * The seats of ONE body in force on a day, in listing order, in one Prisma query: the revision in
 * force that day (revision_in_force_idx walked backwards from the day: one row, however long the
 * history) with its seats of this body joined in. The seats in force on a day are exactly those
 * of the revision in force (each revision's text lists them all). For root fields, which name one
 * body; a body's own fields, which may stand in a list of bodies, use the batched
 * loadSeatsInForce. OUT_OF_COVERAGE as there.
 */
export async function seatsInForceOfOne<T>(
  ctx: Context, query: SeatQuery, body: BodyRef & { instrumentId: number | null }, day: IsoDay, role: Role | null, knownAt: IsoDay | null = null,
): Promise<T[]> {
  const revision = body.instrumentId === null ? null : await ctx.prisma.revision.findFirst({
    where: { instrumentId: body.instrumentId, inForceFrom: { lte: toDate(day) }, ...(knownAt ? { decidedOn: { lte: toDate(knownAt) } } : {}) },
    orderBy: [{ inForceFrom: 'desc' }, { sequence: 'desc' }],
    select: { contentKnown: true, seats: { where: { bodyId: body.id, ...(role ? { role } : {}), ...(knownAt ? {} : validOn(day)) }, ...withOrderFields(query) } },
  });
  if (!revision?.contentKnown) return refuseOutOfCoverage(ctx, body, day, knownAt);
  return inListingOrder((revision.seats as unknown as Array<T & SeatRow>).map((s) => asKnownOn(s, knownAt)) as Array<T & SeatRow>);
}

/**
 * The seats of a body in force on a day, in listing order; OUT_OF_COVERAGE when the data does
 * not cover the day for that body. Batched per request: every body asked about for one day is
 * looked up in one statement, and every seat of one query shape (the fields the client asked
 * for) is loaded with one findMany (relations joined in, see schema.prisma).
 */
export async function loadSeatsInForce<T>(
  ctx: Context, query: SeatQuery, body: BodyRef, day: IsoDay, role: Role | null, knownAt: IsoDay | null = null,
): Promise<T[]> {
  const key = `${day}|${role ?? ''}|${knownAt ?? ''}`;
  let lookup = ctx.loaders.inForce.get(key);
  if (!lookup) {
    lookup = new DataLoader(async (bodyIds: readonly number[]) => {
      const found = await inForce(ctx, [...bodyIds], day, role, knownAt);
      return bodyIds.map((id) => found.get(id) ?? { covered: false, seatIds: [] });
    });
    ctx.loaders.inForce.set(key, lookup);
  }
  const { covered, seatIds } = await lookup.load(body.id);
  if (!covered) return refuseOutOfCoverage(ctx, body, day, knownAt);
  if (seatIds.length === 0) return [];

  const shape = JSON.stringify(query);
  let rows = ctx.loaders.seatRows.get(shape) as DataLoader<number, T & SeatRow> | undefined;
  if (!rows) {
    rows = new DataLoader<number, T & SeatRow>(async (ids) => {
      const seats = (await ctx.prisma.seat.findMany({ ...withOrderFields(query), where: { id: { in: [...ids] } } } as Prisma.SeatFindManyArgs)) as unknown as Array<T & SeatRow>;
      const byId = new Map(seats.map((s) => [s.id, s]));
      return ids.map((id) => byId.get(id) ?? new Error(`seat ${id} vanished`));
    });
    ctx.loaders.seatRows.set(shape, rows as DataLoader<number, unknown>);
  }
  const seats = await rows.loadMany(seatIds);
  const failed = seats.find((s) => s instanceof Error);
  if (failed) throw failed;
  return inListingOrder((seats as Array<T & SeatRow>).map((s) => asKnownOn(s, knownAt)) as Array<T & SeatRow>);
}

type SeatRow = { id: number; role: Role; position: number; tenureTo?: Date | null; tenureEndDecidedOn?: Date | null };
const ROLE_ORDER: Role[] = ['CHAIR', 'VICE_CHAIR', 'MEMBER', 'OBSERVER'];
const inListingOrder = <S extends SeatRow>(seats: S[]) =>
  seats.sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.position - b.position);

/**
 * Throws OUT_OF_COVERAGE, naming the days the data does cover for the body. Only a refusal needs
 * the whole coverage (one more statement), to name them.
 */
async function refuseOutOfCoverage(ctx: Context, body: BodyRef, day: IsoDay, knownAt: IsoDay | null): Promise<never> {
  const ranges = await ctx.loaders.coverage.load(`${body.id}|${knownAt ?? ''}`);
  throw outOfCoverageError(body, day, ranges, knownAt);
}

function outOfCoverageError(body: BodyRef, day: IsoDay, ranges: DayRange[], knownAt: IsoDay | null) {
  const known = knownAt ? ` as known on ${knownAt}` : '';
  const what = ranges.length === 0
    ? `The sources do not give the composition of ${body.name} (${body.code}) for any day${known}`
    : `The data covers ${body.name} (${body.code}) ${describeRanges(ranges)}${known}, not ${day}`;
  return outOfCoverage(`${what}. meibo does not answer with the nearest list.`, {
    body: body.code,
    asOf: day,
    covered: ranges,
    ...(knownAt ? { knownAt } : {}),
  });
}
