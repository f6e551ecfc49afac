// The second time axis in steps. An answer depends on `knownAt` only through `decided_on <=
// knownAt` (a revision's 決定日; a tenure's end is its ending revision's: tenure_end_decided_on is
// written from it, by src/write/amendments.ts and the migration that made it). So every `knownAt`
// from one decision day up to the day before the next has the same answer as the decision day
// itself: the answer *stands on* that decision. The graph names that day, not the day asked, in
// its ids (`Seat:1@2024-03-25`) and in Coverage.checkedOn, so that one id has one value whichever
// day of the step was asked, in a client's normalized cache and in the response cache, which keys
// `knownAt` by the same steps (src/cache/days.ts).
import { intervalOf, type IsoDay } from '../domain/dates.js';

/** SQL: the distinct decision days, ascending, as ISO text, from `revision` (a quoted table name). */
export const decisionDaysSql = (revision = '"revision"') =>
  `SELECT DISTINCT to_char(decided_on, 'YYYY-MM-DD') AS day FROM ${revision} ORDER BY 1`;

/**
 * What an answer as decided by a day before every decision stands on: nothing decided. One day for
 * all of them, the first the calendar has, so that such an answer never names a day after the one
 * asked, whatever decisions the data holds or comes to hold.
 */
export const NOTHING_DECIDED = '0001-01-01' as IsoDay;

/**
 * The decision an answer as decided by `k` stands on: the last decision day on or before `k`;
 * NOTHING_DECIDED before the first decision.
 */
export function decisionStep(days: readonly IsoDay[], k: IsoDay): IsoDay {
  const at = intervalOf(days, k);
  return at > 0 ? days[at - 1] : NOTHING_DECIDED;
}
