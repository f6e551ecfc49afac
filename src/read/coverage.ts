// Which days the data covers for each body (as known on a day): the revisions of its instrument,
// read in one statement for any number of bodies, and the pure rule of src/domain/coverage.ts.
import { coveredRanges, type DayRange } from '../domain/coverage.js';
import { fromDate } from '../domain/dates.js';
import type { PrismaClient } from '../generated/prisma/client.js';

/**
 * One statement for any number of bodies: the revisions of each body's instrument (decided by
 * knownAt, when the question is asked as known on a past day).
 */
/**
 * Whether the data covers the day before each `${bodyId}|${day}`: the revision in force then has a
 * known text. One statement for any number of keys, each an index probe (revision_in_force_idx),
 * so flat however long the history — unlike the whole coverage, which reads every revision.
 */
export async function loadCoveredDayBefore(prisma: PrismaClient, keys: readonly string[]): Promise<boolean[]> {
  const pairs = keys.map((k) => k.split('|'));
  const rows = await prisma.$queryRaw<Array<{ body_id: number; day: Date; covered: boolean | null }>>`
    SELECT q.body_id, q.day, r.content_known AS covered
    FROM unnest(${pairs.map((p) => Number(p[0]))}::int[], ${pairs.map((p) => p[1])}::date[]) AS q(body_id, day)
    JOIN body b ON b.id = q.body_id
    LEFT JOIN LATERAL (
      SELECT r.content_known FROM revision r
      WHERE r.instrument_id = b.instrument_id AND r.in_force_from <= q.day - 1
      ORDER BY r.in_force_from DESC, r.sequence DESC
      LIMIT 1) r ON true`;
  const covered = new Set(rows.filter((r) => r.covered === true).map((r) => `${r.body_id}|${fromDate(r.day)}`));
  return keys.map((k) => covered.has(k));
}

export async function loadCoverage(prisma: PrismaClient, keys: readonly string[]): Promise<DayRange[][]> {
  const parsed = keys.map((k) => {
    const [id, knownAt] = k.split('|');
    return { id: Number(id), knownAt: knownAt || null };
  });
  const rows = await prisma.$queryRaw<Array<{ body_id: number; decided_on: Date; in_force_from: Date; content_known: boolean }>>`
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
