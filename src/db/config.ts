// Which database meibo talks to, decided once from the environment. PostgreSQL is the one
// Prisma provider; PGlite (PostgreSQL compiled to wasm) is the embedded default, so a checkout
// works with no server at all.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

export type DbConfig =
  | { kind: 'pglite'; dataDir: string | null /* null = in-memory */ }
  | {
      kind: 'postgres';
      url: string;
      schema?: string;
      /** named prepared statements (default on); off behind a pooler that cannot keep them */
      preparedStatements?: boolean;
    };

export const DEFAULT_PGLITE_DIR = './.meibo/pglite';

/**
 * DATABASE_URL `postgres://` or `postgresql://` → PostgreSQL (a `?schema=` parameter selects the
 * schema, as in Prisma URLs); no DATABASE_URL → PGlite in MEIBO_DATA_DIR (default
 * ./.meibo/pglite, created if missing), or in memory when MEIBO_DATA_DIR=memory.
 */
export function dbConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DbConfig {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    const config = postgresConfigFromUrl(url);
    const prepared = env.MEIBO_PG_PREPARED_STATEMENTS?.trim().toLowerCase();
    if (prepared === undefined || prepared === '') return config;
    if (!['true', 'false', '1', '0'].includes(prepared)) {
      throw new Error(`MEIBO_PG_PREPARED_STATEMENTS must be true or false, not ${JSON.stringify(env.MEIBO_PG_PREPARED_STATEMENTS)}`);
    }
    return { ...config, preparedStatements: prepared === 'true' || prepared === '1' };
  }
  const dir = env.MEIBO_DATA_DIR?.trim() || DEFAULT_PGLITE_DIR;
  if (dir === 'memory') return { kind: 'pglite', dataDir: null };
  const dataDir = resolve(dir);
  // PGlite refuses a data directory whose parent does not exist.
  mkdirSync(dataDir, { recursive: true });
  return { kind: 'pglite', dataDir };
}

export function postgresConfigFromUrl(url: string): Extract<DbConfig, { kind: 'postgres' }> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    throw new Error(
      `DATABASE_URL has unsupported scheme "${scheme ?? url}": meibo speaks PostgreSQL only ` +
        '(postgresql://user@host:5432/db?schema=name). Unset DATABASE_URL to use the embedded ' +
        'PGlite database (MEIBO_DATA_DIR, default ./.meibo/pglite; "memory" for in-memory).',
    );
  }
  const schema = new URL(url).searchParams.get('schema') ?? undefined;
  return schema ? { kind: 'postgres', url, schema } : { kind: 'postgres', url };
}

/** A short label for logs, without credentials. */
export function describeDbConfig(config: DbConfig): string {
  if (config.kind === 'pglite') return `pglite:${config.dataDir ?? 'memory'}`;
  const u = new URL(config.url);
  return `postgres://${u.hostname}:${u.port || 5432}${u.pathname}${config.schema ? `?schema=${config.schema}` : ''}`;
}
