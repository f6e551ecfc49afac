/**
 * Which days the data covers for a body: the stretches in force of the revisions whose text is
 * known. A revision known by date only opens a gap, and the sources' silence before the first
 * known text is a gap too; a question about a day in a gap is answered "not covered".
 */
import { compareDays, type IsoDay } from './dates.js';

export interface RevisionSpan {
  /** the day its text takes effect (施行日, or the decision day where no 施行日 is stated) */
  inForceFrom: IsoDay;
  contentKnown: boolean;
}

/** [from, to): to is null while no later revision is known. */
export interface DayRange { from: IsoDay; to: IsoDay | null }

/** Covered ranges, merged, in date order. `revisions` may come in any order. */
export function coveredRanges(revisions: readonly RevisionSpan[]): DayRange[] {
  const sorted = [...revisions].sort((a, b) => compareDays(a.inForceFrom, b.inForceFrom));
  const ranges: DayRange[] = [];
  // The next revision in force on another day, found by one walk forward (linear in revisions).
  let next = 0;
  sorted.forEach((revision, i) => {
    if (!revision.contentKnown) return;
    next = Math.max(next, i + 1);
    while (next < sorted.length && sorted[next].inForceFrom === revision.inForceFrom) next++;
    const range = { from: revision.inForceFrom, to: next < sorted.length ? sorted[next].inForceFrom : null };
    const last = ranges.at(-1);
    if (last && last.to === range.from) last.to = range.to;
    else ranges.push(range);
  });
  return ranges;
}

export function covers(ranges: readonly DayRange[], day: IsoDay): boolean {
  return ranges.some((r) => compareDays(r.from, day) <= 0 && (r.to === null || compareDays(day, r.to) < 0));
}

/** "2024-03-25 – 2025-06-30, 2026-01-01 onwards" — for error messages people read. */
export function describeRanges(ranges: readonly DayRange[]): string {
  if (ranges.length === 0) return 'no day at all';
  return ranges
    .map((r) => (r.to === null ? `from ${r.from} onwards` : `from ${r.from} up to (not including) ${r.to}`))
    .join(', ');
}
