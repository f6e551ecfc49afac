// Which days the data covers for each body (as decided by a day): the revisions of its instrument,
// read in one statement for any number of bodies, and the pure rule of src/domain/coverage.ts.
import { Prisma } from '../generated/prisma/client.js';
import { coveredRanges, type DayRange } from '../domain/coverage.js';
import { fromDate } from '../domain/dates.js';
import type { Db } from './rows.js';
import { revisionInForceSql } from './in-force.js';

/**
 * Whether the data covers the day before each `${instrumentId}|${day}`: the revision in force then
 * has a known text. One statement for any number of keys, each an index probe
 * (revision_in_force_idx), so flat however long the history — unlike the whole coverage, which
 * reads every revision.
 */
export async function loadCoveredDayBefore(db: Db, keys: readonly string[]): Promise<boolean[]> {
  const pairs = keys.map((k) => k.split('|'));
  const rows = await db.$queryRaw<Array<{ instrument_id: number; day: Date; covered: boolean | null }>>`
    SELECT q.instrument_id, q.day, r.content_known AS covered
    FROM unnest(${pairs.map((p) => Number(p[0]))}::int[], ${pairs.map((p) => p[1])}::date[]) AS q(instrument_id, day)
    LEFT JOIN LATERAL (${revisionInForceSql(Prisma.sql`q.instrument_id`, Prisma.sql`q.day - 1`, null)}) r ON true`;
  const covered = new Set(rows.filter((r) => r.covered === true).map((r) => `${r.instrument_id}|${fromDate(r.day)}`));
  return keys.map((k) => covered.has(k));
}

/** One statement for any number of `${bodyId}|${knownAt ?? ''}`: the revisions of each body's instrument decided by knownAt. */
export async function loadCoverage(db: Db, keys: readonly string[]): Promise<DayRange[][]> {
  const parsed = keys.map((k) => {
    const [id, knownAt] = k.split('|');
    return { id: Number(id), knownAt: knownAt || null };
  });
  const rows = await db.$queryRaw<Array<{ body_id: number; decided_on: Date; in_force_from: Date; content_known: boolean }>>`
    SELECT b.id AS body_id, r.decided_on, r.in_force_from, r.content_known
    FROM body b JOIN revision r ON r.instrument_id = b.instrument_id
    WHERE b.id = ANY(${[...new Set(parsed.map((p) => p.id))]}::int[])`;
  return parsed.map(({ id, knownAt }) =>
    coveredRanges(
      rows
        .filter((r) => r.body_id === id && (knownAt === null || fromDate(r.decided_on) <= knownAt))
        .map((r) => ({ inForceFrom: fromDate(r.in_force_from), contentKnown: r.content_known })),
    ),
  );
}
