// meibo's configuration: every environment variable the README's configuration table lists, read
// once into a typed object with its defaults. Nothing else reads process.env; a bad value is a
// ConfigError naming the variable, before anything starts.
import { parseTokens, type TokenEntry } from './auth.js';
import { DEFAULT_TTL_MS, type ResponseCacheMode } from './cache.js';
import { dbConfigFromEnv, requestTimeoutMsFromEnv, type DbConfig } from './db/config.js';
import { corsOptionsFrom } from './http/cors.js';
import { LOG_LEVELS, type LogLevel } from './log.js';
import type { CORSOptions } from 'graphql-yoga';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface Config {
  /** PORT (default 4000), HOST (default: every interface) */
  port: number;
  host: string | undefined;
  /** DATABASE_URL / DATABASE_REPLICA_URLS / MEIBO_DATA_DIR / MEIBO_PG_* (src/db/config.ts) */
  db: DbConfig;
  /** MEIBO_MIGRATE_ON_START: default true on the embedded database, false on PostgreSQL */
  migrateOnStart: boolean;
  /** MEIBO_TOKENS */
  tokens: TokenEntry[];
  cache: {
    /** MEIBO_RESPONSE_CACHE: default redis with REDIS_URL, else memory */
    mode: ResponseCacheMode;
    /** REDIS_URL */
    redisUrl: string | undefined;
    /** MEIBO_REDIS_PREFIX (default `meibo:`) */
    prefix: string;
    /** MEIBO_RESPONSE_CACHE_TTL_MS (default 1 h) */
    ttlMs: number;
    /** MEIBO_FAST_PATH (default true) */
    fastPath: boolean;
    /** MEIBO_RESPONSE_CACHE_DEBUG: extensions.responseCache on answers */
    debug: boolean;
  };
  /** MEIBO_REQUEST_TIMEOUT_MS (default 15 s) */
  requestTimeoutMs: number;
  /** MEIBO_SHUTDOWN_TIMEOUT_MS (default 10 s) */
  shutdownTimeoutMs: number;
  /** MEIBO_LOG_LEVEL (default info) */
  logLevel: LogLevel;
  /** MEIBO_CORS_ORIGINS, MEIBO_CORS_CREDENTIALS */
  cors: CORSOptions;
  /** MEIBO_PUBLIC_URL: where this meibo is reached (https://meibo.example); the Popolo export's source links; unset: none */
  publicUrl: string | undefined;
  /** MEIBO_DEBUG: the command-line tools print a failure's stack */
  debug: boolean;
  /** MEIBO_DEBUG_SCHEMA_ENGINE: the migration engine's own log on stderr */
  debugSchemaEngine: boolean;
}

/** Reads the configuration; throws ConfigError for the first bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const wrap = <T>(read: () => T): T => {
    try {
      return read();
    } catch (error) {
      throw error instanceof ConfigError ? error : new ConfigError((error as Error).message);
    }
  };
  const logLevel = (env.MEIBO_LOG_LEVEL?.trim().toLowerCase() || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`MEIBO_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(env.MEIBO_LOG_LEVEL)}`);
  const port = Number(env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a port number, not ${JSON.stringify(env.PORT)}`);
  const ttlMs = Number(env.MEIBO_RESPONSE_CACHE_TTL_MS ?? DEFAULT_TTL_MS);
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new ConfigError(`MEIBO_RESPONSE_CACHE_TTL_MS must be a positive number of ms, not ${JSON.stringify(env.MEIBO_RESPONSE_CACHE_TTL_MS)}`);
  const shutdownTimeoutMs = Number(env.MEIBO_SHUTDOWN_TIMEOUT_MS ?? 10_000);
  if (!Number.isFinite(shutdownTimeoutMs) || shutdownTimeoutMs < 0) throw new ConfigError(`MEIBO_SHUTDOWN_TIMEOUT_MS must be a number of ms, not ${JSON.stringify(env.MEIBO_SHUTDOWN_TIMEOUT_MS)}`);
  const db = wrap(() => dbConfigFromEnv(env));
  const mode = responseCacheMode(env);
  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (mode === 'redis' && !redisUrl) throw new ConfigError('MEIBO_RESPONSE_CACHE=redis needs REDIS_URL');
  const migrate = flag(env, 'MEIBO_MIGRATE_ON_START');
  return {
    port,
    host: env.HOST?.trim() || undefined,
    db,
    migrateOnStart: migrate ?? db.kind === 'pglite',
    tokens: wrap(() => parseTokens(env.MEIBO_TOKENS)),
    cache: {
      mode,
      redisUrl,
      prefix: env.MEIBO_REDIS_PREFIX || 'meibo:',
      ttlMs,
      fastPath: mode !== 'off' && flag(env, 'MEIBO_FAST_PATH') !== false,
      debug: flag(env, 'MEIBO_RESPONSE_CACHE_DEBUG') === true,
    },
    requestTimeoutMs: wrap(() => requestTimeoutMsFromEnv(env)),
    shutdownTimeoutMs,
    logLevel,
    cors: wrap(() => corsOptionsFrom(env.MEIBO_CORS_ORIGINS, flag(env, 'MEIBO_CORS_CREDENTIALS') === true)),
    publicUrl: publicUrl(env.MEIBO_PUBLIC_URL),
    ...debugSwitches(env),
  };
}

/** An absolute http(s) URL with no query or fragment, without its trailing slashes; undefined when unset. */
function publicUrl(value: string | undefined): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(v);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username || url.password) {
    throw new ConfigError(`MEIBO_PUBLIC_URL must be an absolute http(s) URL without query, fragment or credentials (https://meibo.example), not ${JSON.stringify(v.slice(0, 80))}`);
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * MEIBO_RESPONSE_CACHE if set; otherwise redis with REDIS_URL, else memory (on PostgreSQL each
 * instance keeps its own, kept current by the database's notifications).
 */
function responseCacheMode(env: NodeJS.ProcessEnv): ResponseCacheMode {
  const explicit = env.MEIBO_RESPONSE_CACHE?.trim().toLowerCase();
  if (!explicit) return env.REDIS_URL ? 'redis' : 'memory';
  if (explicit === 'off' || explicit === 'memory' || explicit === 'redis') return explicit;
  throw new ConfigError(`MEIBO_RESPONSE_CACHE must be off, memory or redis, not ${JSON.stringify(env.MEIBO_RESPONSE_CACHE)}`);
}

/** true/1, false/0, or undefined when unset; anything else is refused. */
function flag(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const v = env[name]?.trim().toLowerCase();
  if (!v) return undefined;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new ConfigError(`${name} must be true or false, not ${JSON.stringify(env[name]!.slice(0, 40))}`);
}

/**
 * The two debugging switches alone, for code that runs where the whole configuration may not
 * load (a CLI reporting a bad configuration; the migration engine under test).
 */
export const debugSwitches = (env: NodeJS.ProcessEnv = process.env) => ({
  debug: env.MEIBO_DEBUG?.trim().toLowerCase() === 'true' || env.MEIBO_DEBUG?.trim() === '1',
  debugSchemaEngine: Boolean(env.MEIBO_DEBUG_SCHEMA_ENGINE),
});
