// The seats in force on a day (the as-of rule over seat listings and revisions), for the schema
// files, the exports and the benchmarks alike: plain functions over Prisma, no GraphQL types
// (OUT_OF_COVERAGE is thrown as the coded error src/errors.ts makes).
import DataLoader from 'dataloader';
import { describeRanges, type DayRange } from '../domain/coverage.js';
import { fromDate, type IsoDay } from '../domain/dates.js';
import { byListingOrder } from '../domain/seat.js';
import { outOfCoverage } from '../errors.js';
import { Prisma, type Role } from '../generated/prisma/client.js';
import type { Context } from '../context.js';
import { inForceOn, inForceSql, revisionInForce } from './in-force.js';

/** What a read needs of the request: the client and the request's loaders. */
export type ReadContext = Pick<Context, 'prisma' | 'loaders'>;

/**
 * A tenure as known on `knownAt`: an end decided after that day was not known then, so the
 * tenure was still continuing. (A copy: the same row may answer another alias without knownAt.)
 */
export function asKnownOn<S extends { tenureTo?: Date | null; tenureEndDecidedOn?: Date | null }>(seat: S, knownAt: IsoDay | null): S {
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
async function inForce(ctx: ReadContext, bodyIds: number[], day: IsoDay, role: Role | null, knownAt: IsoDay | null): Promise<Map<number, InForce>> {
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
            AND ${inForceSql('s', day)}
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

export type SeatQuery = { include?: Prisma.SeatInclude; select?: Prisma.SeatSelect };
type BodyRef = { id: number; code: string; name: string };

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
  ctx: ReadContext, query: SeatQuery, body: BodyRef & { instrumentId: number | null }, day: IsoDay, role: Role | null, knownAt: IsoDay | null = null,
): Promise<T[]> {
  const revision = body.instrumentId === null ? null : await ctx.prisma.revision.findFirst({
    ...revisionInForce(body.instrumentId, day, knownAt),
    // Of the revision in force, normally all its listings; the range filter keeps the ranges
    // authoritative, as in the batched statement (a range may end early when written by hand). Not
    // with knownAt: a range closed by a revision decided after knownAt was still open as known then.
    select: { contentKnown: true, seats: { where: { bodyId: body.id, ...(role ? { role } : {}), ...(knownAt ? {} : inForceOn(day)) }, ...withOrderFields(query) } },
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
  ctx: ReadContext, query: SeatQuery, body: BodyRef, day: IsoDay, role: Role | null, knownAt: IsoDay | null = null,
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
const inListingOrder = <S extends SeatRow>(seats: S[]) => seats.sort(byListingOrder);

/**
 * Throws OUT_OF_COVERAGE, naming the days the data does cover for the body. Only a refusal needs
 * the whole coverage (one more statement), to name them.
 */
async function refuseOutOfCoverage(ctx: ReadContext, body: BodyRef, day: IsoDay, knownAt: IsoDay | null): Promise<never> {
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

/**
 * The listings of these bodies that no revision has ended yet, in listing order, with their
 * posts' titles: the lists an amendment starts from (src/write/amendments.ts), whatever day they
 * took effect — an amendment decided today may follow one that takes effect later.
 */
export function listingsWithoutEnd(prisma: Pick<Context['prisma'], 'seat'>, bodyIds: number[]) {
  return prisma.seat.findMany({
    where: { bodyId: { in: bodyIds }, validTo: null },
    include: { post: { select: { title: true } } },
    orderBy: [{ role: 'asc' }, { position: 'asc' }],
  });
}

/**
 * Whether each post was in the data before a day, by `${postId}|${day}`: seated anywhere, or named
 * by a provision (a rename's incoming post that existed is a succession, not a retitle). One
 * statement for any number of keys.
 */
export async function loadPostExistedBefore(prisma: Context['prisma'], keys: readonly string[]): Promise<boolean[]> {
  const pairs = keys.map((k) => k.split('|'));
  const rows = await prisma.$queryRaw<Array<{ post_id: number; before: Date }>>`
    SELECT q.post_id, q.before FROM unnest(${pairs.map((p) => Number(p[0]))}::int[], ${pairs.map((p) => p[1])}::date[]) AS q(post_id, before)
    WHERE EXISTS (SELECT 1 FROM seat s WHERE s.post_id = q.post_id AND s.valid_from < q.before)
       OR EXISTS (SELECT 1 FROM provision p WHERE p.post_id = q.post_id AND p.valid_from < q.before)`;
  const found = new Set(rows.map((r) => `${r.post_id}|${fromDate(r.before)}`));
  return keys.map((k) => found.has(k));
}
