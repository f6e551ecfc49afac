// On the embedded database the Prisma client prepares its statements too (parsed and planned once
// per PGlite, src/db/pglite-prepared.ts), unless MEIBO_PG_PREPARED_STATEMENTS=false turns that
// off. Both clients here share one in-memory PGlite, so one session and one statement list.
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDirectory, type Directory } from '../../src/db/open.js';
import { closeAllDatabases, getPGlite } from '../../src/db/adapter.js';
import { MAX_PGLITE_STATEMENTS } from '../../src/db/pglite-prepared.js';

describe('the PGlite internals src/db/pglite-prepared.ts relies on', () => {
  it('are still there in the installed version (else that module must follow PGlite)', async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    for (const member of ['_checkReady', '_runExclusiveTransaction', '_runExclusiveQuery', 'execProtocolStream', 'syncToFs']) {
      expect(typeof (PGlite.prototype as unknown as Record<string, unknown>)[member], member).toBe('function');
    }
  });
});

describe('prepared statements on PGlite', () => {
  let prepared: Directory;
  let unprepared: Directory;
  let db: PGlite;

  beforeAll(async () => {
    prepared = await openDirectory({ kind: 'pglite', dataDir: null }, { migrate: true, seed: true });
    unprepared = await openDirectory({ kind: 'pglite', dataDir: null, preparedStatements: false });
    db = await getPGlite(null);
  }, 120_000);

  afterAll(async () => {
    await prepared?.close();
    await unprepared?.close();
    await closeAllDatabases();
  });

  // Read from the raw PGlite: a query through the prepared client would itself be prepared.
  const statements = async () =>
    (await db.query<{ name: string; statement: string }>(`SELECT name, statement FROM pg_prepared_statements ORDER BY name`)).rows;

  it('prepares a query once and reuses it, with the same answer as unprepared', async () => {
    const query = (d: Directory) => d.prisma.seat.findMany({ where: { role: 'CHAIR' }, include: { post: { include: { organization: true } } }, orderBy: { id: 'asc' } });
    const first = await query(prepared);
    expect(first.length).toBeGreaterThan(0);
    const names = await statements();
    expect(names.some((s) => s.name.startsWith('meibo_') && s.statement.includes('"seat"'))).toBe(true);
    expect(await query(prepared)).toEqual(first);
    expect(await statements()).toEqual(names); // the same statements: none prepared anew
    expect(await query(unprepared)).toEqual(first);
  });

  it('prepares nothing with MEIBO_PG_PREPARED_STATEMENTS=false', async () => {
    await unprepared.prisma.$queryRawUnsafe('SELECT 4242 AS marker');
    expect((await statements()).filter((s) => s.statement.includes('4242'))).toEqual([]);
    await prepared.prisma.$queryRawUnsafe('SELECT 4242 AS marker');
    expect((await statements()).filter((s) => s.statement.includes('4242'))).toHaveLength(1);
  });

  it("passes PostgreSQL's error on, and the next statement still runs", async () => {
    const divide = (by: number) => prepared.prisma.$queryRawUnsafe<Array<{ q: number }>>('SELECT 12 / $1::int AS q', by);
    expect(await divide(4)).toEqual([{ q: 3 }]);
    await expect(divide(0)).rejects.toThrow(/division by zero/);
    expect(await divide(3)).toEqual([{ q: 4 }]); // the cached statement, after the failed one
    await expect(prepared.prisma.$queryRawUnsafe('SELEC 1')).rejects.toThrow(/syntax error/);
    expect(await prepared.prisma.seat.count()).toBe(await unprepared.prisma.seat.count());
  });

  it('prepares a statement again when DDL has changed what it returns', async () => {
    await db.exec('CREATE TABLE scratch (a int); INSERT INTO scratch VALUES (1)');
    try {
      expect(await prepared.prisma.$queryRawUnsafe('SELECT * FROM scratch')).toEqual([{ a: 1 }]);
      await db.exec('ALTER TABLE scratch ADD COLUMN b int DEFAULT 7');
      expect(await prepared.prisma.$queryRawUnsafe('SELECT * FROM scratch')).toEqual([{ a: 1, b: 7 }]);
      // the stale statement is closed, not left behind
      expect((await statements()).filter((s) => s.statement === 'SELECT * FROM scratch')).toHaveLength(1);
    } finally {
      await db.exec('DROP TABLE scratch');
    }
  });

  it('keeps a bounded number of statements, closing the least recently used', async () => {
    const busy = () => prepared.prisma.$queryRawUnsafe('SELECT 777 AS busy');
    await busy();
    const named = async (text: string) => (await statements()).filter((s) => s.statement === text).map((s) => s.name);
    const [busyName] = await named('SELECT 777 AS busy');
    expect(busyName).toBeDefined();
    for (let i = 0; i < MAX_PGLITE_STATEMENTS + 50; i++) {
      expect(await prepared.prisma.$queryRawUnsafe(`SELECT ${i} AS n`)).toEqual([{ n: i }]);
      await busy(); // used all along: never the least recently used
    }
    expect((await statements()).length).toBeLessThanOrEqual(MAX_PGLITE_STATEMENTS);
    expect(await named('SELECT 777 AS busy')).toEqual([busyName]); // the same statement, never closed
    expect(await named('SELECT 0 AS n')).toEqual([]); // closed long ago
    expect(await prepared.prisma.$queryRawUnsafe('SELECT 0 AS n')).toEqual([{ n: 0 }]); // prepared again
  }, 60_000);
});
