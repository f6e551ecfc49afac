// On PostgreSQL the Prisma client prepares its statements (parsed and planned once per
// connection, src/db/adapter.ts), unless MEIBO_PG_PREPARED_STATEMENTS=false turns that off.
// Runs when MEIBO_TEST_PG_URL is set (.ci/run sets it).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDirectory, type Directory } from '../../src/db/open.js';
import { closeAllDatabases } from '../../src/db/adapter.js';
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
});
