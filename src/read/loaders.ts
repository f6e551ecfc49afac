// The read layer's per-request state: row loaders (src/read/rows.ts) and the batched as-of,
// coverage and rename lookups. One per request (and one per subscription event), so one request
// never asks the database the same thing twice and a list never asks once per item.
import DataLoader from 'dataloader';
import { Prisma } from '../generated/prisma/client.js';
import { fromDate, type IsoDay } from '../domain/dates.js';
import type { DayRange } from '../domain/coverage.js';
import { loadCoverage, loadCoveredDayBefore } from './coverage.js';
import { revisionInForceSql } from './in-force.js';
import { createRowLoaders, type Db } from './rows.js';

export interface InForce { covered: boolean; revisionId: number | null }

/** What a read needs of the request: the client and the request's loaders. */
export interface ReadContext {
  prisma: Db;
  loaders: ReadLoaders;
}

export function createReadLoaders(db: () => Db) {
  const inForceByDay = new Map<string, DataLoader<number, InForce>>();
  return {
    ...createRowLoaders(db),
    /** per day and decision day: the revision in force for each body (by body id) and whether its text is known */
    inForce(day: IsoDay, knownAt: IsoDay | null): DataLoader<number, InForce> {
      const key = `${day}|${knownAt ?? ''}`;
      let loader = inForceByDay.get(key);
      if (!loader) {
        loader = new DataLoader(async (bodyIds) => {
          const found = await loadInForce(db(), [...bodyIds], day, knownAt);
          return bodyIds.map((id) => found.get(id) ?? { covered: false, revisionId: null });
        });
        inForceByDay.set(key, loader);
      }
      return loader;
    },
    /** covered day ranges of a body, by `${bodyId}|${knownAt ?? ''}` */
    coverage: new DataLoader<string, DayRange[]>((keys) => loadCoverage(db(), keys)),
    /** whether the data covers the day before, by `${instrumentId}|${day}` (validFromIsCoverageStart) */
    coveredDayBefore: new DataLoader<string, boolean>((keys) => loadCoveredDayBefore(db(), keys)),
    /** whether a post was in the data before a day, by `${postId}|${day}|${knownAt ?? ''}` (a rename's kind) */
    postExistedBefore: new DataLoader<string, boolean>((keys) => loadPostExistedBefore(db(), keys)),
  };
}

export type ReadLoaders = ReturnType<typeof createReadLoaders>;

/**
 * For each body: the revision in force on `day` as decided by `knownAt`, and whether its text is
 * known. One statement for any number of bodies. One body (the usual question) is asked with `=`:
 * then PostgreSQL keeps one generic plan for the prepared statement instead of planning it anew
 * each time, as it does for `= ANY(array)`, whose length it cannot know.
 */
async function loadInForce(db: Db, bodyIds: number[], day: IsoDay, knownAt: IsoDay | null): Promise<Map<number, InForce>> {
  const bodies = bodyIds.length === 1 ? Prisma.sql`b.id = ${bodyIds[0]}::int` : Prisma.sql`b.id = ANY(${bodyIds}::int[])`;
  const rows = await db.$queryRaw<Array<{ body_id: number; revision_id: number | null; covered: boolean | null }>>`
    SELECT b.id AS body_id, r.id AS revision_id, r.content_known AS covered
    FROM body b LEFT JOIN LATERAL (${revisionInForceSql(Prisma.sql`b.instrument_id`, Prisma.sql`${day}::date`, knownAt)}) r ON true
    WHERE ${bodies}`;
  return new Map(rows.map((r) => [r.body_id, { covered: r.covered === true, revisionId: r.revision_id }]));
}

/**
 * Whether each post was in the data before a day, as decided by a day, by
 * `${postId}|${day}|${knownAt}`: seated anywhere, or named by a provision (a rename's incoming post
 * that existed is a succession). One statement for any number of keys.
 */
async function loadPostExistedBefore(db: Db, keys: readonly string[]): Promise<boolean[]> {
  const parts = keys.map((k) => k.split('|'));
  const rows = await db.$queryRaw<Array<{ post_id: number; before: Date; known_at: Date | null }>>`
    SELECT q.post_id, q.before, q.known_at
    FROM unnest(${parts.map((p) => Number(p[0]))}::int[], ${parts.map((p) => p[1])}::date[], ${parts.map((p) => p[2] || null)}::date[]) AS q(post_id, before, known_at)
    WHERE EXISTS (SELECT 1 FROM seat s JOIN revision r ON r.id = s.revision_id
                  WHERE s.post_id = q.post_id AND s.valid_from < q.before AND (q.known_at IS NULL OR r.decided_on <= q.known_at))
       OR EXISTS (SELECT 1 FROM provision p JOIN revision r ON r.id = p.revision_id
                  WHERE p.post_id = q.post_id AND p.valid_from < q.before AND (q.known_at IS NULL OR r.decided_on <= q.known_at))`;
  const found = new Set(rows.map((r) => `${r.post_id}|${fromDate(r.before)}|${r.known_at ? fromDate(r.known_at) : ''}`));
  return keys.map((k) => found.has(k));
}
