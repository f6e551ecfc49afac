// Which database meibo talks to, decided once from the environment. PostgreSQL is the one
// Prisma provider; PGlite (PostgreSQL compiled to wasm) is the embedded default, so a checkout
// works with no server at all.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

export type DbConfig =
  | {
      kind: 'pglite';
      dataDir: string | null /* null = in-memory */;
      /** prepared statements (default on; src/db/pglite-prepared.ts) */
      preparedStatements?: boolean;
    }
  | {
      kind: 'postgres';
      url: string;
      schema?: string;
      /** named prepared statements (default on); off behind a pooler that cannot keep them */
      preparedStatements?: boolean;
      /** read replicas (streaming standbys of `url`) that answer queries; writes stay on `url` */
      replicaUrls?: string[];
      /** MEIBO_PG_CONNECT_TIMEOUT_MS (default DEFAULT_TIMEOUTS.connectMs) */
      connectTimeoutMs?: number;
      /** MEIBO_PG_STATEMENT_TIMEOUT_MS (default DEFAULT_TIMEOUTS.statementMs); 0: unbounded */
      statementTimeoutMs?: number;
    };

/**
 * How long meibo waits for PostgreSQL. A request gives up at the first bound it meets, so a
 * stopped or hung server costs a client at most these, then HTTP 503 (src/db/unavailable.ts):
 * - connectMs: a new connection (or a free one from the pool) — a healthy server on a LAN answers
 *   in milliseconds, and 5 s rides out a failover's brief refusal without holding a client long;
 * - statementMs: one statement, enforced by the server (statement_timeout) and, should the server
 *   itself hang, by the client a second later — meibo's statements take milliseconds; 10 s is
 *   a runaway, not a slow answer;
 * - requestMs: every statement of one query request together (MEIBO_REQUEST_TIMEOUT_MS), above
 *   the other two so that one slow connect or statement is reported as itself.
 */
export const DEFAULT_TIMEOUTS = { connectMs: 5_000, statementMs: 10_000, requestMs: 15_000 } as const;

export const DEFAULT_PGLITE_DIR = './.meibo/pglite';

/**
 * Settings every PGlite starts with (after PGlite's own start parameters). Its data directories
 * come from initdb with shared_buffers = 128MB, which PGlite allocates and clears inside its wasm
 * memory: 128 MB resident for a database of 40 MB on disk, whose pages the operating system
 * caches anyway. 16 MB holds meibo's working set (the whole seeded directory is ~4 MB of
 * relations); fewer connection slots shrink the lock and process tables of a database that
 * only ever has one backend. Measured: BENCHMARKS.md, "Start".
 */
export const PGLITE_SETTINGS = ['-c', 'shared_buffers=16MB', '-c', 'max_connections=10'];

/**
 * Settings of every PostgreSQL connection meibo opens (startup parameters: no round trip).
 * plan_cache_mode=force_generic_plan: meibo's statements are prepared once per connection
 * (src/db/adapter.ts), and under the default (auto) PostgreSQL plans each one afresh for its first
 * five runs on every connection before it keeps a generic plan; pooled connections come and go,
 * so most runs were custom plans. Their generic plans use the same indexes. Measured at 1M seat
 * rows (BENCHMARKS.md, "plan cache"): an EXECUTE of the as-of statement 0.094 ms forced generic,
 * 0.116 ms auto, 0.171 ms custom. Unnamed statements (prepared statements off, migrations) are
 * planned per run whatever this says.
 */
export const PG_SESSION_OPTIONS = '-c plan_cache_mode=force_generic_plan';

/**
 * DATABASE_URL `postgres://` or `postgresql://` → PostgreSQL (a `?schema=` parameter selects the
 * schema, as in Prisma URLs), with DATABASE_REPLICA_URLS (comma-separated) as read replicas; no
 * DATABASE_URL → PGlite in MEIBO_DATA_DIR (default ./.meibo/pglite, created if missing), or in
 * memory when MEIBO_DATA_DIR=memory.
 */
export function dbConfigFromEnv(env: NodeJS.ProcessEnv): DbConfig {
  const prepared = preparedStatementsFromEnv(env);
  const flag = prepared === undefined ? {} : { preparedStatements: prepared };
  const connectTimeoutMs = millisecondsFromEnv(env, 'MEIBO_PG_CONNECT_TIMEOUT_MS', { zero: false });
  const statementTimeoutMs = millisecondsFromEnv(env, 'MEIBO_PG_STATEMENT_TIMEOUT_MS', { zero: true });
  const timeouts = {
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
    ...(statementTimeoutMs === undefined ? {} : { statementTimeoutMs }),
  };
  const url = env.DATABASE_URL?.trim();
  const replicas = (env.DATABASE_REPLICA_URLS ?? '').split(',').map((u) => u.trim()).filter(Boolean);
  if (url) {
    const config: Extract<DbConfig, { kind: 'postgres' }> = postgresConfigFromUrl(url);
    if (replicas.length > 0) {
      config.replicaUrls = replicas.map((r, i) => {
        try {
          return postgresConfigFromUrl(r, 'DATABASE_REPLICA_URLS').url;
        } catch (error) {
          throw new Error(`${(error as Error).message} (replica ${i + 1} of ${replicas.length})`);
        }
      });
    }
    return { ...config, ...flag, ...timeouts };
  }
  if (replicas.length > 0) {
    throw new Error('DATABASE_REPLICA_URLS needs DATABASE_URL: read replicas are replicas of a PostgreSQL primary, not of the embedded database.');
  }
  const dir = env.MEIBO_DATA_DIR?.trim() || DEFAULT_PGLITE_DIR;
  if (dir === 'memory') return { kind: 'pglite', dataDir: null, ...flag };
  const dataDir = resolve(dir);
  // PGlite refuses a data directory whose parent does not exist.
  mkdirSync(dataDir, { recursive: true });
  return { kind: 'pglite', dataDir, ...flag };
}

/** MEIBO_REQUEST_TIMEOUT_MS: how long the statements of one query request may take together. */
export function requestTimeoutMsFromEnv(env: NodeJS.ProcessEnv): number {
  return millisecondsFromEnv(env, 'MEIBO_REQUEST_TIMEOUT_MS', { zero: false }) ?? DEFAULT_TIMEOUTS.requestMs;
}

/** A whole number of ms from the environment, undefined when unset. */
function millisecondsFromEnv(env: NodeJS.ProcessEnv, name: string, { zero }: { zero: boolean }): number | undefined {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return undefined;
  const ms = Number(text);
  // A timer cannot wait longer than 2^31-1 ms (Node fires it at once instead).
  if (!/^\d+$/.test(text) || ms > 2 ** 31 - 1 || (!zero && ms === 0)) {
    throw new Error(`${name} must be a whole number of milliseconds${zero ? ' (0: no limit)' : ' above 0'}, not ${JSON.stringify(env[name])}`);
  }
  return ms;
}

/** MEIBO_PG_PREPARED_STATEMENTS, on either engine: undefined when unset (the default: on). */
function preparedStatementsFromEnv(env: NodeJS.ProcessEnv): boolean | undefined {
  const prepared = env.MEIBO_PG_PREPARED_STATEMENTS?.trim().toLowerCase();
  if (prepared === undefined || prepared === '') return undefined;
  if (!['true', 'false', '1', '0'].includes(prepared)) {
    throw new Error(`MEIBO_PG_PREPARED_STATEMENTS must be true or false, not ${JSON.stringify(env.MEIBO_PG_PREPARED_STATEMENTS)}`);
  }
  return prepared === 'true' || prepared === '1';
}

export function postgresConfigFromUrl(url: string, variable = 'DATABASE_URL'): Extract<DbConfig, { kind: 'postgres' }> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    throw new Error(
      `${variable} has unsupported scheme "${scheme ?? url}": meibo speaks PostgreSQL only ` +
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
  const describe = (url: string) => {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  };
  const replicas = config.replicaUrls?.length ? ` + ${config.replicaUrls.length} read replica(s) ${config.replicaUrls.map(describe).join(', ')}` : '';
  return `postgres://${describe(config.url)}${config.schema ? `?schema=${config.schema}` : ''}${replicas}`;
}
