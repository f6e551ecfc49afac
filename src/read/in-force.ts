// The one rule of time (DOMAIN.md): a row counts on a day when validFrom <= day < validTo (validTo
// null: no end known), and the revision in force on a day is the latest one in force by then
// (in_force_from = effectiveOn, else decidedOn; on one day, the later sequence). Written once,
// as a Prisma filter and as SQL, for every read that asks "in force on".
import { Prisma } from '../generated/prisma/client.js';
import { toDate, type IsoDay } from '../domain/dates.js';

/** Prisma filter for a model with validFrom / validTo (seat listings, provisions). */
export function inForceOn(day: IsoDay): { validFrom: { lte: Date }; OR: Array<{ validTo: null } | { validTo: { gt: Date } }> } {
  const d = toDate(day);
  return { validFrom: { lte: d }, OR: [{ validTo: null }, { validTo: { gt: d } }] };
}

/**
 * SQL: the row `alias` is in force on `day`. A range containment, so that the GiST index on
 * (body_id, daterange(valid_from, valid_to)) answers it (BENCHMARKS.md: flat however long the history).
 */
export function inForceSql(alias: string, day: IsoDay): Prisma.Sql {
  return Prisma.sql`daterange(${Prisma.raw(`${alias}.valid_from`)}, ${Prisma.raw(`${alias}.valid_to`)}, '[)') @> ${day}::date`;
}

/** Prisma: the revision of an instrument in force on `day` (as known on `knownAt`), walked from revision_in_force_idx. */
export function revisionInForce(instrumentId: number, day: IsoDay, knownAt: IsoDay | null) {
  return {
    where: { instrumentId, inForceFrom: { lte: toDate(day) }, ...(knownAt ? { decidedOn: { lte: toDate(knownAt) } } : {}) },
    orderBy: [{ inForceFrom: 'desc' as const }, { sequence: 'desc' as const }],
  };
}
