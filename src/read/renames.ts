// What kind of rename a diff reports, from evidence only: the sources print one post in place of
// another, and say no more unless the data holds more.
import { fromDate, type IsoDay } from '../domain/dates.js';
import type { Seat, Unit } from '../generated/prisma/client.js';
import type { ReadContext } from './loaders.js';

export type RenameKind = 'RETITLE' | 'SUCCESSION' | 'REPLACEMENT';

/**
 * The kind of the rename from `earlier` to `later` (in time, whichever order a diff is asked in):
 * - SUCCESSION: the incoming post was in the data before it took the seat (seated, or named by a
 *   provision), as decided by `knownAt` — another existing post takes the seat;
 * - RETITLE: the same office renamed, where the data records why: the titles differ exactly by a
 *   unit's recorded rename (内閣サイバーセキュリティセンター → 国家サイバー統括室) on the day it happened;
 * - REPLACEMENT: otherwise — the 新旧対照表 prints one post in place of another, and no more.
 */
export async function renameKind(ctx: ReadContext, earlier: Seat, later: Seat, knownAt: IsoDay | null): Promise<RenameKind> {
  const day = fromDate(later.tenureFrom ?? later.validFrom);
  if (await ctx.loaders.postExistedBefore.load(`${later.postId}|${day}|${knownAt ?? ''}`)) return 'SUCCESSION';
  const [before, after, { units }] = await Promise.all([ctx.loaders.post.load(earlier.postId), ctx.loaders.post.load(later.postId), ctx.loaders.static()]);
  if (before && after && retitledByUnitRename(before.title, after.title, day, units)) return 'RETITLE';
  return 'REPLACEMENT';
}

/** Pure: `after` is `before` with a unit's name replaced by its successor's, on the day the unit was renamed. */
export function retitledByUnitRename(before: string, after: string, day: IsoDay, units: readonly Pick<Unit, 'id' | 'name' | 'successorId' | 'validTo'>[]): boolean {
  return units.some((unit) => {
    const successor = unit.successorId === null ? undefined : units.find((u) => u.id === unit.successorId);
    return successor !== undefined && unit.validTo !== null && fromDate(unit.validTo) === day
      && before.includes(unit.name) && before.replaceAll(unit.name, successor.name) === after;
  });
}
