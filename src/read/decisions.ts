// The second time axis in steps. An answer depends on `knownAt` only through `decided_on <=
// knownAt` (a revision's 決定日; a tenure's end is its ending revision's: tenure_end_decided_on is
// written from it, by src/write/amendments.ts and the migration that made it). So every `knownAt`
// from one decision day up to the day before the next has the same answer as the decision day
// itself: the answer *stands on* that decision. The graph names that day, not the day asked, in
// its ids (`Seat:1@2024-03-25`) and in Coverage.checkedOn, so that one id has one value whichever
// day of the step was asked, in a client's normalized cache and in the response cache, which keys
// `knownAt` by the same steps (src/cache/days.ts).
import { addDays, intervalOf, type IsoDay } from '../domain/dates.js';

/** SQL: the distinct decision days, ascending, as ISO text, from `revision` (a quoted table name). */
export const decisionDaysSql = (revision = '"revision"') =>
  `SELECT DISTINCT to_char(decided_on, 'YYYY-MM-DD') AS day FROM ${revision} ORDER BY 1`;

/** The day before any decision when there is none at all: nothing decided, whatever day is asked. */
const NOTHING_DECIDED = '0001-01-01' as IsoDay;

/**
 * The decision an answer as decided by `k` stands on: the last decision day on or before `k`; before
 * the first decision, the day before it (nothing decided yet, as on any earlier day).
 */
export function decisionStep(days: readonly IsoDay[], k: IsoDay): IsoDay {
  const at = intervalOf(days, k);
  if (at > 0) return days[at - 1];
  return days.length > 0 ? addDays(days[0], -1) : NOTHING_DECIDED;
}
