// On PostgreSQL the Prisma client prepares its statements (parsed and planned once per
// connection, src/db/adapter.ts), unless MEIBO_PG_PREPARED_STATEMENTS=false turns that off.
// Runs when MEIBO_TEST_PG_URL is set (.ci/run sets it).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDirectory, type Directory } from '../../src/db/open.js';
import { closeAllDatabases } from '../../src/db/adapter.js';
import { parseDay } from '../../src/domain/dates.js';
import { inForceStatement } from '../../src/read/loaders.js';
import { PG_URL, withPg } from '../support/harness.js';

describe.skipIf(!PG_URL)('prepared statements on PostgreSQL', () => {
  const schema = `t_prep_${randomBytes(4).toString('hex')}`;
  let url: string;
  let prepared: Directory;
  let unprepared: Directory;

  beforeAll(async () => {
    const u = new URL(PG_URL!);
    u.searchParams.set('schema', schema);
    url = u.toString();
    await withPg((c) => c.query('CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public'));
    prepared = await openDirectory({ kind: 'postgres', url, schema }, { migrate: true, seed: true });
    unprepared = await openDirectory({ kind: 'postgres', url, schema, preparedStatements: false });
  }, 120_000);

  afterAll(async () => {
    await prepared?.close();
    await unprepared?.close();
    await closeAllDatabases();
    await withPg((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  });

  // One connection at a time in these sequential calls: the pool hands back the one just released.
  const preparedNames = async (d: Directory) =>
    (await d.prisma.$queryRaw<Array<{ name: string }>>`SELECT name FROM pg_prepared_statements`).map((r) => r.name);

  it('prepares a query once and reuses it, with the same answer as unprepared', async () => {
    const query = () => prepared.prisma.seat.findMany({ where: { role: 'CHAIR' }, include: { post: true }, orderBy: { id: 'asc' } });
    const first = await query();
    const names = await preparedNames(prepared);
    expect(names.some((n) => n.startsWith('meibo_'))).toBe(true);
    expect(await query()).toEqual(first);
    // Run again: the same statements, none prepared anew.
    expect((await preparedNames(prepared)).sort()).toEqual([...names].sort());
    const plain = await unprepared.prisma.seat.findMany({ where: { role: 'CHAIR' }, include: { post: true }, orderBy: { id: 'asc' } });
    expect(plain).toEqual(first);
  });

  it('keeps one generic plan per prepared statement from its first run (plan_cache_mode), never re-planning it', async () => {
    const query = () => prepared.prisma.seat.findMany({ where: { role: 'MEMBER', position: 3 }, orderBy: { id: 'asc' } });
    for (let i = 0; i < 7; i++) await query();
    const plans = await prepared.prisma.$queryRaw<Array<{ generic: number; custom: number }>>`
      SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE name LIKE 'meibo_%'`;
    expect(plans.length).toBeGreaterThan(0);
    expect(plans.reduce((n, p) => n + p.custom, 0)).toBe(0);
    expect(plans.some((p) => p.generic >= 5)).toBe(true);
  });

  it('prepares nothing with MEIBO_PG_PREPARED_STATEMENTS=false', async () => {
    await unprepared.prisma.seat.count();
    expect(await preparedNames(unprepared)).toEqual([]);
  });

  it('reads the chair question’s listing alone, through the index, in the generic plan of the list in force', async () => {
    const body = (await prepared.prisma.body.findUniqueOrThrow({ where: { code: 'secretariat' } })).id;
    const plan = async (role: 'CHAIR' | null) => {
      const { text, values } = inForceStatement(true, role !== null).bind({ bodies: body, day: parseDay('2025-07-01'), knownAt: null, role });
      const literal = (v: unknown) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`);
      return withPg(async (c) => {
        await c.query(`SET search_path = "${schema}"; SET plan_cache_mode = force_generic_plan`);
        await c.query(`PREPARE list_in_force AS ${text}`);
        const rows = await c.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE list_in_force(${values.map(literal).join(', ')})`);
        return rows.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
      });
    };
    const chair = await plan('CHAIR');
    // the role is a condition of the index scan, not a filter over the body's 39 listings (the
    // chair's listings of other revisions may still be read and dropped: a few)
    expect(chair).toMatch(/Index Scan using \w+ on seat s .*\n\s*Index Cond: \(.*\(role = \(\$\d+\)::"Role"\)\)/);
    const dropped = [...chair.matchAll(/Rows Removed by Filter: (\d+)/g)].map((m) => Number(m[1]));
    expect(Math.max(0, ...dropped)).toBeLessThan(5);
    // all roles: the same statement without the role, and the same rows as the list in force
    expect(await plan(null)).toContain('on seat s');
  });
});
