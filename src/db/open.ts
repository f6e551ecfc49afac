// Opens meibo's database: migrated and seeded when asked (a fresh embedded one as a copy of the
// prebuilt template, src/db/template.ts), and what the server checks before it serves (a data
// directory it can write to, migrations the database lacks).
import { closeSync, existsSync, openSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { SeedResult } from '../../prisma/seed.js';
import type { Dataset } from '../domain/dataset.js';
import { startMemoryDatabaseFrom } from './adapter.js';
import { createPrismaClient, type DbClient, type PrismaClientOptions } from './client.js';
import type { DbConfig } from './config.js';
import { deployMigrations } from './migrate.js';
import { queryRows, statementOf } from './raw.js';
import { copyTemplateInto, isEmptyDataDir, templateDumpBlob } from './template.js';

export interface OpenOptions {
  /** apply pending migrations first (the embedded default always does) */
  migrate?: boolean;
  /** seed the directory from prisma/data when the database holds none */
  seed?: boolean;
  prismaOptions?: PrismaClientOptions;
  /** what to seed (default: prisma/data/directory.yaml) */
  dataset?: Dataset;
}

export interface Directory extends DbClient {
  applied: string[];
  seeded: SeedResult | null;
  /** a fresh embedded database made from the prebuilt template (already migrated and seeded) */
  fromTemplate: boolean;
  /**
   * The migrations it lacks, when opening found none to apply ([]); null when opening did not look
   * (not asked to migrate) or applied some: pendingMigrations then tells.
   */
  pending: string[] | null;
}

/** The embedded data directory cannot be written (a read-only mount, another user's files). */
export class DataDirNotWritable extends Error {
  override readonly name = 'DataDirNotWritable';
  readonly code = 'DATA_DIR_NOT_WRITABLE';
  constructor(readonly dataDir: string, readonly path: string, reason: string) {
    super(
      `The embedded database in ${dataDir} cannot be written (${reason} at ${path}). PGlite writes to its data ` +
        'directory even to read it: give this process write access, copy the directory somewhere writable and ' +
        'point MEIBO_DATA_DIR at the copy, or use MEIBO_DATA_DIR=memory for a throwaway database.',
    );
  }
}

/**
 * Refuses a data directory this process cannot write: PGlite would otherwise fail deep in its
 * wasm (a raw stack) or half-open it. Probes the directory and its first-level folders (where
 * PostgreSQL writes: base/, global/, pg_wal/…) by creating and removing a file, which, unlike
 * access(2), also tells a read-only mount from root's permission to write anything.
 */
export function requireWritableDataDir(dataDir: string): void {
  if (!existsSync(dataDir)) return;
  const dirs = [dataDir, ...readdirSync(dataDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(dataDir, e.name))];
  for (const dir of dirs) {
    const probe = join(dir, `.meibo-write-probe-${process.pid}`);
    try {
      closeSync(openSync(probe, 'wx'));
      unlinkSync(probe);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      if (code === 'EEXIST') continue;
      throw new DataDirNotWritable(dataDir, dir, code === 'EROFS' ? 'a read-only file system' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code);
    }
  }
}

export async function openDirectory(config: DbConfig, options: OpenOptions = {}): Promise<Directory> {
  if (config.kind === 'pglite' && config.dataDir) requireWritableDataDir(config.dataDir);
  // A fresh embedded database for the default dataset is the template's copy: no initdb, schema
  // engine or seed here. Whatever the template misses (or a directory of an older schema) is
  // migrated below as before.
  let fromTemplate = false;
  if (config.kind === 'pglite' && options.migrate && options.seed && !options.dataset) {
    if (config.dataDir) {
      if (isEmptyDataDir(config.dataDir)) fromTemplate = await copyTemplateInto(config.dataDir);
    } else {
      const dump = templateDumpBlob();
      if (dump) fromTemplate = startMemoryDatabaseFrom(dump);
    }
  }
  const client = createPrismaClient(config, options.prismaOptions);
  try {
    // The schema engine (wasm, tens of MB that stay) only when there is something to apply.
    const lacking = options.migrate ? await pendingMigrations(client) : null;
    const applied = lacking && lacking.length > 0 ? await deployMigrations(config) : [];
    // Every later start finds the directory seeded: one statement, not the dataset's YAML parsed
    // (~100 ms). It and pendingMigrations's are sent by src/db/raw.ts, which starts no Prisma engine.
    const seeded = !options.seed || fromTemplate
      ? null
      : (await queryRows<{ seeded: boolean }>(client.prisma, statementOf('SELECT EXISTS (SELECT 1 FROM body) AS seeded')))[0]!.seeded
        ? { seeded: false, counts: {} }
        // the seed and its YAML parser (~0.3 MB of modules) only when there is something to seed
        : await (await import('../../prisma/seed.js')).seedDatabase(client.prisma, options.dataset);
    return { ...client, applied, seeded, fromTemplate, pending: lacking?.length === 0 ? [] : null };
  } catch (error) {
    await client.close();
    throw error;
  }
}

/**
 * Names of migrations in the folder that the database has not applied (empty when up to date).
 * With `config`, an embedded data directory that holds no database yet is answered without
 * opening it: PGlite would first create a whole cluster (initdb, seconds) only to find no tables.
 */
export async function pendingMigrations(client: DbClient, config?: DbConfig): Promise<string[]> {
  const folder = new URL('../../prisma/migrations/', import.meta.url);
  // Read on this thread (a dozen entries): a start asks twice, and a read on libuv's pool waited
  // there behind other work for up to 0.14 s of an embedded start (a profile of 2026-12-06).
  const names = readdirSync(folder, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  if (config?.kind === 'pglite' && config.dataDir && !existsSync(join(config.dataDir, 'PG_VERSION'))) return names;
  let applied: string[] = [];
  // No _prisma_migrations table: nothing applied yet. Any other failure (a database that cannot be
  // read) is not "lacks migrations", and is thrown as itself.
  const [{ found }] = await queryRows<{ found: string | null }>(client.prisma, statementOf(`SELECT to_regclass('_prisma_migrations')::text AS found`));
  if (found) {
    const rows = await queryRows<{ migration_name: string }>(client.prisma,
      statementOf('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL'));
    applied = rows.map((r) => r.migration_name);
  }
  return names.filter((n) => !applied.includes(n)).sort();
}
