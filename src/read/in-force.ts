// The one rule of time, written once for every read that asks "in force on": a listing or a
// provision counts on a day when validFrom <= day < validTo (validTo null: no end known), and the
// revision in force on a day is the latest one in force by then (in_force_from = effectiveOn, else
// decidedOn; on one day, the later sequence), as decided by `knownAt` when a question is asked so.
// The list in force on a day is the list that revision prints (each revision's text lists them all).
import { Prisma } from '../generated/prisma/client.js';
import { fromDate, type IsoDay } from '../domain/dates.js';

/** Plain values: whether a [validFrom, validTo) row is in force on `day`. */
export function inForceOnDay(row: { validFrom: Date; validTo: Date | null }, day: IsoDay): boolean {
  return fromDate(row.validFrom) <= day && (row.validTo === null || fromDate(row.validTo) > day);
}

/**
 * SQL: the revision of instrument `instrument` (an SQL expression) in force on `day` (an SQL
 * expression of type date), as decided by `knownAt` (null: everything recorded). One row at most,
 * found by walking revision_in_force_idx backwards from the day: flat however long the history.
 */
export function revisionInForceSql(instrument: Prisma.Sql, day: Prisma.Sql, knownAt: IsoDay | null): Prisma.Sql {
  return Prisma.sql`
    SELECT r.* FROM revision r
    WHERE r.instrument_id = ${instrument} AND r.in_force_from <= ${day}
      AND (${knownAt}::date IS NULL OR r.decided_on <= ${knownAt}::date)
    ORDER BY r.in_force_from DESC, r.sequence DESC
    LIMIT 1`;
}

/** Revisions in the order they take effect (the order "in force" walks): by in-force day, then sequence. */
export function byTakingEffect(a: { inForceFrom: Date | null; decidedOn: Date; sequence: number }, b: { inForceFrom: Date | null; decidedOn: Date; sequence: number }): number {
  const day = (r: typeof a) => (r.inForceFrom ?? r.decidedOn).getTime();
  return day(a) - day(b) || a.sequence - b.sequence;
}

/** Whether a revision had been decided by `knownAt` (null: everything recorded counts). */
export const decidedBy = (revision: { decidedOn: Date }, knownAt: IsoDay | null): boolean =>
  knownAt === null || fromDate(revision.decidedOn) <= knownAt;
