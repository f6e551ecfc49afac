// Seats and their listings on a day, as decided by a day: plain functions over the request's
// loaders (src/read/loaders.ts) for the schema files, the exports, the write path and the
// benchmarks alike. A listing is one revision's printing of a seat (a row of `seat`: position,
// source, basis); a seat is a tenure, the listings of one post in one body and role over
// contiguous days, named by its first listing (tenure_id).
import type { IsoDay } from '../domain/dates.js';
import { fromDate } from '../domain/dates.js';
import { describeRanges, type DayRange } from '../domain/coverage.js';
import { byListingOrder, type RoleName } from '../domain/seat.js';
import type { Body, Revision, Seat } from '../generated/prisma/client.js';
import type { ReadContext } from './loaders.js';
import { byTakingEffect, decidedBy, inForceOnDay } from './in-force.js';
import { ReadRefusal } from './refusal.js';

export type { ReadContext };
type BodyLike = Pick<Body, 'id' | 'code' | 'name'>;

/**
 * The listings of a body in force on `day` as decided by `knownAt`, in listing order; one role when
 * `role` is given. OUT_OF_COVERAGE when the data does not cover the day for that body. Batched: every
 * body asked about for one day costs one statement together (src/read/loaders.ts), their rows one more.
 */
export async function listingsInForce(ctx: ReadContext, body: BodyLike, day: IsoDay, role: RoleName | null, knownAt: IsoDay | null): Promise<Seat[]> {
  const found = await ctx.loaders.inForce(day, knownAt, role).load(body.id);
  if (!found.covered) return refuseOutOfCoverage(ctx, body, day, knownAt);
  const rows = found.listings;
  // The listing's own days stay authoritative (a row written by hand may start or end inside its
  // revision's time); as decided by knownAt, an end decided later is not known yet.
  return rows
    .filter((s) => s.bodyId === body.id && (role === null || s.role === role) && inForceOnDay({ validFrom: s.validFrom, validTo: knownAt === null ? s.validTo : null }, day))
    .sort(byListingOrder);
}

/**
 * The listings a revision prints for a body, in listing order; OUT_OF_COVERAGE when its text is
 * not in the data.
 */
export async function listingsOfRevision(ctx: ReadContext, body: BodyLike, revision: Revision): Promise<Seat[]> {
  if (!revision.contentKnown) {
    const ranges = await ctx.loaders.coverage.load(`${body.id}|`);
    throw new ReadRefusal(
      'OUT_OF_COVERAGE',
      `The text of revision ${revision.sequence} (decided ${fromDate(revision.decidedOn)}) is not in the data, so its list of ${body.name} (${body.code}) is unknown; ` +
        `the data covers ${describeRanges(ranges)}.`,
      { body: body.code, revision: revision.sequence, covered: ranges },
    );
  }
  const rows = await ctx.loaders.revisionListings.load(revision.id);
  return rows.filter((s) => s.bodyId === body.id).sort(byListingOrder);
}

/** The revision that took effect just before `revision` (of its instrument), or null for the first. */
export async function revisionBefore(ctx: ReadContext, revision: Revision): Promise<Revision | null> {
  const all = [...(await ctx.loaders.instrumentRevisions.load(revision.instrumentId))].sort(byTakingEffect);
  const at = all.findIndex((r) => r.id === revision.id);
  return at > 0 ? all[at - 1] : null;
}

/** A tenure's last day (exclusive) as decided by `knownAt`: an end decided later is not known. */
export function tenureEnd(listing: Seat, knownAt: IsoDay | null): Date | null {
  if (!listing.tenureTo) return null;
  if (knownAt && listing.tenureEndDecidedOn && fromDate(listing.tenureEndDecidedOn) > knownAt) return null;
  return listing.tenureTo;
}

/**
 * The last day (exclusive) of a row printed by a revision — a listing, a provision — as decided by
 * `knownAt`: the day the next revision of its instrument took effect, known only once that
 * revision had been decided.
 */
export async function listingEnd(ctx: ReadContext, listing: Pick<Seat, 'revisionId' | 'validTo'>, knownAt: IsoDay | null): Promise<Date | null> {
  if (!listing.validTo || knownAt === null) return listing.validTo;
  const own = await ctx.loaders.revision.load(listing.revisionId);
  if (!own) return listing.validTo;
  const end = fromDate(listing.validTo);
  const revisions = await ctx.loaders.instrumentRevisions.load(own.instrumentId);
  const ender = revisions.find((r) => r.sequence > own.sequence && r.inForceFrom && fromDate(r.inForceFrom) === end);
  return ender && !decidedBy(ender, knownAt) ? null : listing.validTo;
}

/**
 * Whether `day` starts a stretch the data covers for the instrument that printed the row (the day
 * before is not covered): a seat or provision starting then is "at least since", not "since".
 */
export async function startsCoverage(ctx: ReadContext, revisionId: number, day: Date): Promise<boolean> {
  const revision = (await ctx.loaders.revision.load(revisionId))!;
  return !(await ctx.loaders.coveredDayBefore.load(`${revision.instrumentId}|${fromDate(day)}`));
}

/** Whether a listing (or any row of a revision) is part of what had been decided by `knownAt`. */
export async function listingKnown(ctx: ReadContext, listing: Seat, knownAt: IsoDay | null): Promise<boolean> {
  if (knownAt === null) return true;
  const revision = await ctx.loaders.revision.load(listing.revisionId);
  return revision !== null && decidedBy(revision, knownAt);
}

/** The listings of a tenure that had been decided by `knownAt`, first day first. */
export async function listingsOfTenure(ctx: ReadContext, tenureId: number, knownAt: IsoDay | null): Promise<Seat[]> {
  const rows = await ctx.loaders.tenureListings.load(tenureId);
  const known = await Promise.all(rows.map((r) => listingKnown(ctx, r, knownAt)));
  return rows.filter((_, i) => known[i]);
}

/**
 * A post's seats (tenures, by their first listing): all it has held as decided by `knownAt`,
 * oldest first; or, given `day`, those in force that day, which needs every body the post sits in
 * to be covered that day (else OUT_OF_COVERAGE, as members answers: an empty list would claim it
 * sat nowhere).
 */
export async function seatsOfPost(ctx: ReadContext, postId: number, day: IsoDay | null, knownAt: IsoDay | null): Promise<Seat[]> {
  const rows = await ctx.loaders.postListings.load(postId);
  if (day === null) {
    const firsts = rows.filter((r) => r.id === r.tenureId);
    const known = await Promise.all(firsts.map((r) => listingKnown(ctx, r, knownAt)));
    return firsts.filter((_, i) => known[i]);
  }
  const { bodies } = await ctx.loaders.static();
  const bodyIds = [...new Set(rows.map((r) => r.bodyId))];
  const inForce = await Promise.all(bodyIds.map((id) => listingsInForce(ctx, bodies.find((b) => b.id === id)!, day, null, knownAt)));
  const tenureIds = inForce.flat().filter((s) => s.postId === postId).map((s) => s.tenureId!);
  return Promise.all(tenureIds.map(async (id) => (await ctx.loaders.listing.load(id))!));
}

/**
 * Throws OUT_OF_COVERAGE, naming the days the data does cover for the body. Only a refusal needs
 * the whole coverage (one more statement), to name them.
 */
export async function refuseOutOfCoverage(ctx: ReadContext, body: BodyLike, day: IsoDay, knownAt: IsoDay | null): Promise<never> {
  const ranges = await ctx.loaders.coverage.load(`${body.id}|${knownAt ?? ''}`);
  throw outOfCoverage(body, day, ranges, knownAt);
}

export function outOfCoverage(body: BodyLike, day: IsoDay, ranges: DayRange[], knownAt: IsoDay | null): ReadRefusal {
  const known = knownAt ? ` as decided by ${knownAt}` : '';
  const what = ranges.length === 0
    ? `The sources do not give the composition of ${body.name} (${body.code}) for any day${known}`
    : `The data covers ${body.name} (${body.code}) ${describeRanges(ranges)}${known}, not ${day}`;
  return new ReadRefusal('OUT_OF_COVERAGE', `${what}. meibo does not answer with the nearest list.`, {
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
export function listingsWithoutEnd(prisma: Pick<ReadContext['prisma'], 'seat'>, bodyIds: number[]) {
  return prisma.seat.findMany({
    where: { bodyId: { in: bodyIds }, validTo: null },
    include: { post: { select: { title: true } } },
    orderBy: [{ role: 'asc' }, { position: 'asc' }],
  });
}
