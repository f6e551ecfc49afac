// The migration layer against the databases meibo runs on: deploy writes what
// `prisma migrate deploy` writes and is idempotent, and the committed migrations match
// prisma/schema.prisma (a forgotten `npm run db:migrate` fails here).
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { closeAllDatabases, getPGlite } from '../../src/db/adapter.js';
import { createPrismaClient } from '../../src/db/client.js';
import { postgresConfigFromUrl, type DbConfig } from '../../src/db/config.js';
import { checkDrift, deployMigrations } from '../../src/db/migrate.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));
const SCHEMA_PATH = fileURLToPath(new URL('../../prisma/schema.prisma', import.meta.url));
const TABLES = ['_prisma_migrations', 'body', 'instrument', 'organization', 'post', 'provision', 'revision', 'seat'];

type MigrationRow = { migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null; applied_steps_count: number; logs: string | null };

async function committedMigrations(): Promise<{ name: string; sha256: string }[]> {
  const dirs = (await readdir(MIGRATIONS_DIR, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  return Promise.all(
    dirs.map(async (name) => ({ name, sha256: createHash('sha256').update(await readFile(join(MIGRATIONS_DIR, name, 'migration.sql'))).digest('hex') })),
  );
}

function expectRecorded(rows: MigrationRow[], expected: { name: string; sha256: string }[]) {
  expect(rows.map((r) => r.migration_name)).toEqual(expected.map((m) => m.name));
  for (const [i, row] of rows.entries()) {
    expect(row.checksum).toBe(expected[i]!.sha256);
    expect(row.finished_at).toBeInstanceOf(Date);
    expect(row.rolled_back_at).toBeNull();
    expect(row.applied_steps_count).toBe(1);
  }
}

afterAll(closeAllDatabases);

describe('deploy on in-memory PGlite', () => {
  const config: DbConfig = { kind: 'pglite', dataDir: null };

  it('creates the tables and records _prisma_migrations with the sha256 of each file', async () => {
    const expected = await committedMigrations();
    expect(expected.length).toBeGreaterThan(0);
    expect(await deployMigrations(config)).toEqual(expected.map((m) => m.name));

    const db = await getPGlite(null);
    const tables = await db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`);
    expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(TABLES));
    const rows = await db.query<MigrationRow>(`SELECT * FROM _prisma_migrations ORDER BY migration_name`);
    expectRecorded(rows.rows, expected);
  });

  it('applies nothing the second time', async () => {
    expect(await deployMigrations(config)).toEqual([]);
  });

  it('serves the Prisma client, which callers can $extends to count statements', async () => {
    const { prisma, close } = createPrismaClient(config);
    let operations = 0;
    const counted = prisma.$extends({ query: { $allOperations: ({ args, query }) => (operations++, query(args)) } });
    const org = await counted.organization.create({ data: { name: '内閣官房', position: 1 } });
    expect(await counted.organization.findUnique({ where: { id: org.id } })).toMatchObject({ name: '内閣官房', collective: false });
    expect(operations).toBe(2);
    await close();
  });
});

describe('drift check', () => {
  it('finds no drift between prisma/schema.prisma and the committed migrations', async () => {
    const report = await checkDrift();
    // On failure the message is the SQL of the missing migration: run `npm run db:migrate <name>`.
    expect(report.drift ? report.script : '').toBe('');
  });

  it('ignores hand-written SQL Prisma cannot express, and reports a model with no migration', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meibo-drift-'));
    const migrationsDir = join(dir, 'migrations');
    await cp(MIGRATIONS_DIR, migrationsDir, { recursive: true });
    await mkdir(join(migrationsDir, '99999999999999_hand_written'));
    await writeFile(
      join(migrationsDir, '99999999999999_hand_written', 'migration.sql'),
      `CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE "seat" ADD CONSTRAINT "seat_key_no_overlap"
  EXCLUDE USING gist ("seat_key" WITH =, daterange("valid_from", "valid_to") WITH &&);
CREATE INDEX "seat_validity" ON "seat" USING gist ("body_id", daterange("valid_from", "valid_to"));
ALTER TABLE "seat" ADD CONSTRAINT "seat_range_ordered" CHECK ("valid_to" IS NULL OR "valid_to" > "valid_from");
DO $$ BEGIN PERFORM 1; END $$; -- a ';' inside dollar quotes must survive
`,
    );
    const schemaPath = join(dir, 'schema.prisma');
    const committedSchema = await readFile(SCHEMA_PATH, 'utf8');
    await writeFile(schemaPath, committedSchema);
    // The committed schema may itself be ahead of its migrations; that is the first test's
    // business. Here only the hand-written migration is added, so no new difference may appear.
    const base = await checkDrift(undefined, { migrationsDir: MIGRATIONS_DIR, schemaPath });
    const withHandWritten = await checkDrift(undefined, { migrationsDir, schemaPath });
    expect(withHandWritten).toEqual(base);

    await writeFile(schemaPath, `${committedSchema}\nmodel DriftProbe {\n  id Int @id\n  @@map("drift_probe")\n}\n`);
    const report = await checkDrift(undefined, { migrationsDir, schemaPath });
    expect(report.drift).toBe(true);
    expect(report.script).toContain('CREATE TABLE "drift_probe"');
  });
});

describe('a failing migration', () => {
  it('rejects (no crash) and is recorded as failed, as the native engine does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meibo-fail-'));
    const migrationsDir = join(dir, 'migrations');
    await mkdir(join(migrationsDir, '00000000000001_broken'), { recursive: true });
    await writeFile(join(migrationsDir, '00000000000001_broken', 'migration.sql'), 'CREATE TABLE "ok" (id int);\nSELECT * FROM "no_such_table";\n');
    const config: DbConfig = { kind: 'pglite', dataDir: join(dir, 'pglite') };
    await mkdir(config.dataDir!);
    await expect(deployMigrations(config, { migrationsDir })).rejects.toThrow(/no_such_table/);
    const rows = await (await getPGlite(config.dataDir)).query<MigrationRow>(`SELECT * FROM _prisma_migrations`);
    expect(rows.rows).toMatchObject([{ migration_name: '00000000000001_broken', finished_at: null, rolled_back_at: null }]);
  });
});

const PG_URL = process.env.MEIBO_TEST_PG_URL;

describe.skipIf(!PG_URL)('on PostgreSQL, in a fresh schema', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const url = new URL(PG_URL ?? 'postgresql://localhost/test');
  url.searchParams.set('schema', schema);
  const config = postgresConfigFromUrl(url.toString());
  const admin = new pg.Client({ connectionString: PG_URL });

  beforeAll(() => admin.connect());
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('creates the schema and tables, records _prisma_migrations, then applies nothing', async () => {
    expect(config).toMatchObject({ kind: 'postgres', schema });
    const expected = await committedMigrations();
    expect(await deployMigrations(config)).toEqual(expected.map((m) => m.name));

    const tables = await admin.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [schema]);
    expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(TABLES));
    const rows = await admin.query<MigrationRow>(`SELECT * FROM "${schema}"._prisma_migrations ORDER BY migration_name`);
    expectRecorded(rows.rows, expected);

    expect(await deployMigrations(config)).toEqual([]);
  });

  it('serves the Prisma client in that schema', async () => {
    const { prisma, close } = createPrismaClient(config);
    await prisma.organization.create({ data: { name: 'デジタル庁', position: 2 } });
    const inSchema = await admin.query(`SELECT name FROM "${schema}".organization`);
    expect(inSchema.rows).toEqual([{ name: 'デジタル庁' }]);
    await close();
  });

  it('finds no drift using a PostgreSQL shadow database, and leaves none behind', async () => {
    const report = await checkDrift(config);
    expect(report.drift ? report.script : '').toBe('');
    const shadows = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'`);
    expect(shadows.rows).toEqual([]);
  });
});
