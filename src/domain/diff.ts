/**
 * What changed in a body between two days, from the seats in force on each. The same seat (one
 * tenure: same post, body and role, whatever its position) on both days is unchanged; another seat
 * under the same seat key is a rename (docs/domain.md: a title that changes while the seat stays is not
 * one seat leaving and another arriving); anything else was added or removed.
 */

/** A seat as the diff sees it: the key a retitle keeps, and its tenure (same post, body and role). */
export interface DiffableSeat { seatKey: string; tenureId: number | string }

export interface SeatDiff<S extends DiffableSeat> {
  added: S[];
  removed: S[];
  renamed: Array<{ before: S; after: S }>;
  unchanged: S[];
}

export function diffSeats<S extends DiffableSeat>(before: readonly S[], after: readonly S[]): SeatDiff<S> {
  const diff: SeatDiff<S> = { added: [], removed: [], renamed: [], unchanged: [] };
  // The same seat first, whatever its key or position; then, among the rest, a new seat under an
  // ended seat's key is its rename.
  const afterTenures = new Set(after.map((s) => s.tenureId));
  const beforeTenures = new Set(before.map((s) => s.tenureId));
  diff.unchanged = after.filter((a) => beforeTenures.has(a.tenureId));
  const ended = before.filter((b) => !afterTenures.has(b.tenureId));
  const started = new Map(after.filter((a) => !beforeTenures.has(a.tenureId)).map((a) => [a.seatKey, a]));
  for (const b of ended) {
    const a = started.get(b.seatKey);
    if (a) {
      diff.renamed.push({ before: b, after: a });
      started.delete(b.seatKey);
    } else {
      diff.removed.push(b);
    }
  }
  diff.added = [...started.values()];
  return diff;
}
