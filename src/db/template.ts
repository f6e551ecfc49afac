// The embedded database, migrated and seeded once (at `npm ci`, by postinstall) and then copied:
// a fresh data directory starts as a copy of the template instead of running initdb, the schema
// engine and the seed (seconds, and the schema engine's wasm stays in memory), and an in-memory
// database (the tests') loads the template's dump. The template is keyed by a hash of everything
// it is built from (migrations, the dataset, the seed, PGlite's version), so a template built from
// an older schema or dataset is never used: it is rebuilt, or, where it cannot be, meibo migrates
// and seeds as before.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Where templates live: `<stamp>/` (a closed PGlite data directory) and `<stamp>.tar` (its dump). */
export const TEMPLATE_ROOT = join(ROOT, '.meibo/template');
/** What a template is built from: a change to any of these makes a new one. */
export const TEMPLATE_INPUTS = ['prisma/migrations', 'prisma/data', 'prisma/seed.ts', 'src/domain'];

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => filesUnder(join(path, e.name)));
}

let stampCache: string | undefined;

/** The hash of the template's inputs (a few hundred kB of files: about a millisecond); `root` for tests. */
export function templateStamp(root = ROOT): string {
  if (root !== ROOT) return stampOf(root);
  stampCache ??= stampOf(ROOT);
  return stampCache;
}

function stampOf(root: string): string {
  const hash = createHash('sha256');
  // PGlite's version (its on-disk format): its package.json, found from its resolved entry
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const pkg = join(entry.slice(0, entry.lastIndexOf('/node_modules/@electric-sql/pglite/') + '/node_modules/@electric-sql/pglite/'.length), 'package.json');
  hash.update(`pglite ${(JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version}\n`);
  for (const file of TEMPLATE_INPUTS.flatMap((p) => filesUnder(join(root, p)))) {
    hash.update(`${relative(root, file)}\0`).update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

const templateDir = () => join(TEMPLATE_ROOT, templateStamp());
const templateDump = () => `${templateDir()}.tar`;

/** Whether the current template (not one of older inputs) is there. */
export function templateReady(): boolean {
  return existsSync(join(templateDir(), 'PG_VERSION')) && existsSync(templateDump());
}

/**
 * Builds the current template unless it is there (and removes templates of older inputs): a
 * data directory of its own, migrated and seeded, closed, then moved into place, so that a
 * half-built one is never used and two processes building at once both end with a good one.
 * Returns false when it was already there.
 */
export async function buildTemplate(): Promise<boolean> {
  if (templateReady()) return false;
  // loaded here, not at the top: a check that finds the template up to date stays cheap
  const [{ seedDatabase }, { closeDatabase, getPGlite }, { createPrismaClient }, { deployMigrations }] = await Promise.all([
    import('../../prisma/seed.js'),
    import('./adapter.js'),
    import('./client.js'),
    import('./migrate.js'),
  ]);
  mkdirSync(TEMPLATE_ROOT, { recursive: true });
  const building = join(TEMPLATE_ROOT, `${templateStamp()}.building-${process.pid}`);
  rmSync(building, { recursive: true, force: true });
  const config = { kind: 'pglite' as const, dataDir: building };
  try {
    await deployMigrations(config);
    const client = createPrismaClient(config);
    try {
      await seedDatabase(client.prisma);
      // the dump for in-memory databases, taken from the same closed-over state
      const db = await getPGlite(building);
      await db.exec('CHECKPOINT');
      const dump = await db.dumpDataDir('none');
      writeFileSync(`${building}.tar`, Buffer.from(await dump.arrayBuffer()));
    } finally {
      await client.close();
      await closeDatabase(config);
    }
    try {
      renameSync(building, templateDir());
    } catch (error) {
      // another process moved its own in first: as good as this one
      if (!['ENOTEMPTY', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
    renameSync(`${building}.tar`, templateDump());
  } finally {
    rmSync(building, { recursive: true, force: true });
    rmSync(`${building}.tar`, { force: true });
  }
  for (const name of readdirSync(TEMPLATE_ROOT)) {
    if (!name.startsWith(templateStamp())) rmSync(join(TEMPLATE_ROOT, name), { recursive: true, force: true });
  }
  return true;
}

/** Whether a data directory holds no database yet (missing, or empty as config.ts creates it). */
export function isEmptyDataDir(dataDir: string): boolean {
  return !existsSync(dataDir) || readdirSync(dataDir).length === 0;
}

/**
 * Makes an empty data directory a copy of the current template, building the template first when
 * it is missing or of older inputs. False (and the directory left empty) when no template could
 * be had, e.g. in a read-only checkout: the caller then migrates and seeds in place.
 */
export async function copyTemplateInto(dataDir: string): Promise<boolean> {
  try {
    await buildTemplate();
  } catch {
    return false;
  }
  if (!templateReady()) return false;
  await copyTree(templateDir(), dataDir);
  return true;
}

/**
 * Copies a directory as cpSync(from, to, { recursive: true }) does (modes too), but its ~1,000
 * files all at once on libuv's threads: a PGlite data directory is ~40 MB in ~1,000 files, and
 * cpSync spent 0.5-0.7 s of the main thread on them (ext4, this machine), where the server now
 * loads its modules meanwhile (src/server.ts).
 */
async function copyTree(from: string, to: string): Promise<void> {
  const files: Array<[string, string]> = [];
  const walk = (source: string, target: string) => {
    if (!existsSync(target)) {
      mkdirSync(target);
      chmodSync(target, statSync(source).mode & 0o7777);
    }
    for (const entry of readdirSync(source, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(source, entry.name), join(target, entry.name));
      else files.push([join(source, entry.name), join(target, entry.name)]);
    }
  };
  walk(from, to);
  await Promise.all(files.map(([source, target]) => copyFile(source, target)));
}

/** The dump of the current template, for an in-memory database; null when there is none (it is not built here). */
export function templateDumpBlob(): Blob | null {
  if (!templateReady()) return null;
  return new Blob([readFileSync(templateDump())]);
}
