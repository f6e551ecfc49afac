// What changed in a body between two lists — by days, by revisions, or what one revision did — all
// through one function (diffListings), so the three ways of asking agree by construction.
import { fromDate, type IsoDay } from '../domain/dates.js';
import { diffSeats } from '../domain/diff.js';
import type { Body, Revision, Seat } from '../generated/prisma/client.js';
import type { ReadContext } from './loaders.js';
import { ReadRefusal } from './refusal.js';
import { renameKind, type RenameKind } from './renames.js';
import { listingsInForce, listingsOfRevision, revisionBefore } from './seats.js';

export interface ListingDiff {
  body: Body;
  /** the revisions whose lists are compared, and the days asked (or the days they take effect) */
  fromRevision: number;
  toRevision: number;
  fromDay: IsoDay;
  toDay: IsoDay;
  /** the lists compared, as listed: `from` first */
  from: Seat[];
  to: Seat[];
  added: Seat[];
  removed: Seat[];
  renamed: Array<{ before: Seat; after: Seat; kind: RenameKind }>;
  /** the same seats (tenures) on both sides, as listed on `to` */
  unchanged: Seat[];
}

/**
 * Diffs two lists of a body. A rename's kind is judged from the earlier listing to the later one
 * in time, so a diff asked backwards names the same kinds.
 */
async function diffListings(
  ctx: ReadContext, body: Body, sides: Pick<ListingDiff, 'fromRevision' | 'toRevision' | 'fromDay' | 'toDay'>, from: Seat[], to: Seat[], knownAt: IsoDay | null,
): Promise<ListingDiff> {
  const diff = diffSeats(from.map(asDiffable), to.map(asDiffable));
  const renamed = await Promise.all(
    diff.renamed.map(async ({ before, after }) => {
      const [earlier, later] = before.row.validFrom <= after.row.validFrom ? [before.row, after.row] : [after.row, before.row];
      return { before: before.row, after: after.row, kind: await renameKind(ctx, earlier, later, knownAt) };
    }),
  );
  return {
    body, ...sides, from, to, renamed,
    added: diff.added.map((s) => s.row),
    removed: diff.removed.map((s) => s.row),
    unchanged: diff.unchanged.map((s) => s.row),
  };
}

const asDiffable = (row: Seat) => ({ seatKey: row.seatKey, tenureId: row.tenureId!, row });

/** By days: the lists in force on `from` and on `to` (either order), as decided by `knownAt`. */
export async function diffByDays(ctx: ReadContext, body: Body, from: IsoDay, to: IsoDay, knownAt: IsoDay | null): Promise<ListingDiff> {
  const [a, b] = await Promise.all([listingsInForce(ctx, body, from, null, knownAt), listingsInForce(ctx, body, to, null, knownAt)]);
  const [ra, rb] = await Promise.all([ctx.loaders.inForce(from, knownAt).load(body.id), ctx.loaders.inForce(to, knownAt).load(body.id)]);
  return diffListings(ctx, body, { fromRevision: ra.revisionId!, toRevision: rb.revisionId!, fromDay: from, toDay: to }, a, b, knownAt);
}

/** By revisions: the lists the two revisions print (either order), whatever days they take effect. */
export async function diffByRevisions(ctx: ReadContext, body: Body, from: Revision, to: Revision): Promise<ListingDiff> {
  for (const r of [from, to]) {
    if (r.instrumentId !== body.instrumentId) {
      throw new ReadRefusal('BAD_USER_INPUT', `Revision ${r.sequence} is not a revision of the instrument that lists ${body.name} (${body.code}).`, { body: body.code, revision: r.sequence });
    }
  }
  const [a, b] = await Promise.all([listingsOfRevision(ctx, body, from), listingsOfRevision(ctx, body, to)]);
  const day = (r: Revision) => fromDate(r.inForceFrom ?? r.effectiveOn ?? r.decidedOn);
  return diffListings(ctx, body, { fromRevision: from.id, toRevision: to.id, fromDay: day(from), toDay: day(to) }, a, b, null);
}

/**
 * What a revision did to a body: from the list in force just before it (the revision that took
 * effect before it) to the list it prints. OUT_OF_COVERAGE when either text is not in the data.
 */
export async function diffOfRevision(ctx: ReadContext, body: Body, revision: Revision): Promise<ListingDiff> {
  const before = await revisionBefore(ctx, revision);
  if (!before) {
    throw new ReadRefusal('OUT_OF_COVERAGE', `Revision ${revision.sequence} is the first of its instrument: there is no list before it to compare with.`, { body: body.code, revision: revision.sequence });
  }
  return diffByRevisions(ctx, body, before, revision);
}
