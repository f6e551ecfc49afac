// Opens meibo's database: migrated and seeded when asked, and what the server checks before it
// serves (migrations the database lacks).
import { readdir } from 'node:fs/promises';
import { seedDatabase, type SeedResult } from '../../prisma/seed.js';
import type { Dataset } from '../domain/dataset.js';
import { createPrismaClient, type DbClient, type PrismaClientOptions } from './client.js';
import type { DbConfig } from './config.js';
import { deployMigrations } from './migrate.js';

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
}

export async function openDirectory(config: DbConfig, options: OpenOptions = {}): Promise<Directory> {
  const applied = options.migrate ? await deployMigrations(config) : [];
  const client = createPrismaClient(config, options.prismaOptions);
  try {
    const seeded = options.seed ? await seedDatabase(client.prisma, options.dataset) : null;
    return { ...client, applied, seeded };
  } catch (error) {
    await client.close();
    throw error;
  }
}

/** Names of migrations in the folder that the database has not applied (empty when up to date). */
export async function pendingMigrations(client: DbClient): Promise<string[]> {
  const folder = new URL('../../prisma/migrations/', import.meta.url);
  const names = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  let applied: string[] = [];
  try {
    const rows = await client.prisma.$queryRaw<Array<{ migration_name: string }>>`
      SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    applied = rows.map((r) => r.migration_name);
  } catch {
    // no _prisma_migrations table: nothing applied yet
  }
  return names.filter((n) => !applied.includes(n)).sort();
}
