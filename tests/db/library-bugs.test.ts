// Canaries for the library bugs src/db/adapter.ts patches. Each drives the UNPATCHED library the way
// the bug shows and asserts the bug is still there: the day a release fixes it, its canary fails and
// says which patch to remove. Next to each, the patched adapter (createAdapterFactory) is checked to
// behave right. PostgreSQL parts run when MEIBO_TEST_PG_URL is set (.ci/run sets it).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { ColumnTypeEnum, type SqlDriverAdapter, type SqlQuery } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { closeAllDatabases, createAdapterFactory, createSchema, getPGlite, type DbAdapterFactory } from '../../src/db/adapter.js';
import { postgresConfigFromUrl } from '../../src/db/config.js';
import { PG_URL, withPg } from '../support/harness.js';

const PATCHED = ['pglite-prisma-adapter', '@prisma/adapter-pg'] as const;
type Library = (typeof PATCHED)[number];

const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as Record<string, any>;
/** The installed version, as the canary's message must name it. */
const installed = (library: Library): string => readJson(`../../node_modules/${library}/package.json`).version;
const fixed = (library: Library, fn: string) =>
  `${library} ${installed(library)} no longer has this bug: remove the patch in src/db/adapter.ts (${fn})`;

const query = (sql: string): SqlQuery => ({ sql, args: [], argTypes: [] });

/** How a promise settles, without letting it reject unobserved. */
const settle = <T>(p: Promise<T>) => p.then((value) => ({ resolved: true as const, value }), (error: unknown) => ({ resolved: false as const, error }));

/** The text of a driver-adapter error (DriverAdapterError keeps the database's message in its cause). */
const errorText = (e: unknown) => JSON.stringify({ message: (e as Error)?.message, cause: (e as { cause?: unknown })?.cause });

describe('the patched libraries are pinned exactly', () => {
  it.each(PATCHED)('%s', (library) => {
    const declared = readJson('../../package.json').dependencies[library];
    expect(declared, `package.json must pin ${library} to one version (the one its patches were written for)`).toMatch(/^\d+\.\d+\.\d+$/);
    expect(installed(library), `node_modules holds another ${library} than package.json pins: npm install`).toBe(declared);
  });
});

afterAll(closeAllDatabases);

describe('pglite-prisma-adapter: executeScript does not await exec()', () => {
  it('canary: a failing script reports success, and its rejection is left unhandled', async () => {
    const db = await getPGlite(null);
    // The PGlite the adapter gets hands out exec() promises that record whether anyone listens to
    // them. Each is also caught here: unheard, its rejection would end the test process.
    const execs: { result: Promise<unknown>; listened: boolean }[] = [];
    const spied = new Proxy(db, {
      get(target, property) {
        if (property === 'exec') {
          return (sql: string) => {
            const result = target.exec(sql);
            result.catch(() => {});
            const exec = { result, listened: false };
            execs.push(exec);
            const listen = () => ((exec.listened = true), result);
            return {
              then: (ok?: (v: unknown) => unknown, ko?: (e: unknown) => unknown) => listen().then(ok, ko),
              catch: (ko: (e: unknown) => unknown) => listen().catch(ko),
              finally: (f: () => void) => listen().finally(f),
            };
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as PGlite;
    const adapter = await new PrismaPGlite(spied).connect();

    // (0.7.2's executeScript is not async: wrapped, so that a synchronous throw counts as a rejection)
    const outcome = await settle((async () => adapter.executeScript('SELECT * FROM "no_such_table"'))());
    const message = fixed('pglite-prisma-adapter', 'fixExecuteScript');
    expect(outcome.resolved, message).toBe(true);
    expect(execs, 'the adapter no longer runs scripts with exec(): look again at fixExecuteScript').toHaveLength(1);
    expect(execs[0]!.listened, message).toBe(false);
    const exec = await settle(execs[0]!.result);
    expect(exec.resolved).toBe(false);
    expect(errorText(!exec.resolved && exec.error)).toMatch(/no_such_table/);
  });

  it('patched: a failing script rejects with the database error', async () => {
    const factory = createAdapterFactory({ kind: 'pglite', dataDir: null });
    const adapter = await factory.connect();
    const outcome = await settle(adapter.executeScript('SELECT * FROM "no_such_table"'));
    expect(outcome.resolved).toBe(false);
    expect(errorText(!outcome.resolved && outcome.error)).toMatch(/no_such_table/);
    await factory.close();
  });
});

describe.skipIf(!PG_URL)('@prisma/adapter-pg, on PostgreSQL', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const url = new URL(PG_URL ?? 'postgresql://localhost/test');
  url.searchParams.set('schema', schema);
  let pool: pg.Pool;
  let unpatched: SqlDriverAdapter;
  let factory: DbAdapterFactory;
  let patched: SqlDriverAdapter;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: PG_URL });
    unpatched = await new PrismaPg(pool).connect();
    await createSchema(url.toString(), schema);
    factory = createAdapterFactory(postgresConfigFromUrl(url.toString()));
    patched = await factory.connect();
  });
  afterAll(async () => {
    await factory?.close();
    await pool?.end();
    await withPg((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  });

  describe("executeScript splits scripts on ';'", () => {
    it.each([
      ['a dollar-quoted body', 'DO $$ BEGIN PERFORM 1; END $$', /unterminated dollar-quoted string/],
      ['a string literal', `SELECT 'a;b'`, /unterminated quoted string/],
    ])("canary: a ';' in %s breaks the script", async (_, script, error) => {
      const outcome = await settle(unpatched.executeScript(script));
      const message = fixed('@prisma/adapter-pg', 'runScriptsWith, called by patchPgAdapter');
      expect(outcome.resolved, message).toBe(false);
      expect(errorText(!outcome.resolved && outcome.error), message).toMatch(error);
    });

    it("patched: runs a script whole, ';' in dollar quotes and string literals included, and rejects a failing one", async () => {
      await patched.executeScript(`CREATE TABLE probe (t text); INSERT INTO probe VALUES ('a;b'); DO $$ BEGIN INSERT INTO probe VALUES ('c;d'); END $$;`);
      expect((await patched.queryRaw(query('SELECT t FROM probe ORDER BY t'))).rows).toEqual([['a;b'], ['c;d']]);
      const failing = await settle(patched.executeScript('SELECT * FROM "no_such_table"'));
      expect(failing.resolved).toBe(false);
      expect(errorText(!failing.resolved && failing.error)).toMatch(/no_such_table/);
    });
  });

  describe('columns of type "char" (OID 18) are refused', () => {
    // as the schema engine's introspection selects them
    const CHAR_COLUMN = 'SELECT contype FROM pg_catalog.pg_constraint LIMIT 1';

    it('canary: queryRaw throws UnsupportedNativeDataType "char"', async () => {
      const outcome = await settle(unpatched.queryRaw(query(CHAR_COLUMN)));
      const message = fixed('@prisma/adapter-pg', 'readCharColumns');
      expect(outcome.resolved, message).toBe(false);
      expect(!outcome.resolved && (outcome.error as { cause?: unknown }).cause, message).toEqual({ kind: 'UnsupportedNativeDataType', type: 'char' });
    });

    it('patched: a "char" column reads as Character, in and out of transactions', async () => {
      const charQuery = query(`SELECT 'x'::"char" AS c, 'y'::text AS t`);
      const expected = { columnNames: ['c', 't'], columnTypes: [ColumnTypeEnum.Character, ColumnTypeEnum.Text], rows: [['x', 'y']] };
      expect(await patched.queryRaw(charQuery)).toMatchObject(expected);
      expect((await patched.queryRaw(query(CHAR_COLUMN))).columnTypes).toEqual([ColumnTypeEnum.Character]);
      const tx = await patched.startTransaction();
      try {
        expect(await tx.queryRaw(charQuery)).toMatchObject(expected);
      } finally {
        await tx.executeRaw(query('ROLLBACK')); // the engine's part: adapter-pg's rollback() only releases the connection
        await tx.rollback();
      }
    });
  });
});
