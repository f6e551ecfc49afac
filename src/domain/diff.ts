/**
 * What changed in a body between two days, from the seats in force on each. Seats are matched by
 * seat key: the same key with the same post is unchanged, with another post a rename (DOMAIN.md:
 * a title that changes while the seat stays is not one seat leaving and another arriving).
 */

export interface DiffableSeat { seatKey: string; postId: number }

export interface SeatDiff<S extends DiffableSeat> {
  added: S[];
  removed: S[];
  renamed: Array<{ before: S; after: S }>;
  unchanged: S[];
}

export function diffSeats<S extends DiffableSeat>(before: readonly S[], after: readonly S[]): SeatDiff<S> {
  const afterByKey = new Map(after.map((s) => [s.seatKey, s]));
  const beforeKeys = new Set(before.map((s) => s.seatKey));
  const diff: SeatDiff<S> = { added: [], removed: [], renamed: [], unchanged: [] };
  for (const b of before) {
    const a = afterByKey.get(b.seatKey);
    if (!a) diff.removed.push(b);
    else if (a.postId === b.postId) diff.unchanged.push(a);
    else diff.renamed.push({ before: b, after: a });
  }
  diff.added = after.filter((a) => !beforeKeys.has(a.seatKey));
  return diff;
}
