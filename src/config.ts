// meibo's configuration: every environment variable the README's configuration table lists, read
// once into a typed object with its defaults. Nothing else reads process.env; a bad value is a
// ConfigError naming the variable, before anything starts.
import { parseTokens, type TokenEntry } from './auth.js';
import type { ResponseCacheMode } from './cache.js';
import { DEFAULT_TTL_MS } from './cache/defaults.js';
import { dbConfigFromEnv, requestTimeoutMsFromEnv, type DbConfig } from './db/config.js';
import { corsOptionsFrom } from './http/cors.js';
import { LIVE_LIMITS } from './live-limits.js';
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
  /** MEIBO_DIRECT_PATH (default true): plain anonymous queries run past Yoga's Fetch layer (src/http/direct.ts), unless metrics or traces are on */
  directPath: boolean;
  /** MEIBO_COMPILED_QUERIES (default true): a query document asked again runs compiled by graphql-jit (src/compiled-queries.ts) */
  compiledQueries: boolean;
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
  /** MEIBO_METRICS (off | on | a port), MEIBO_METRICS_TOKEN (SHA-256 of the scraper's bearer token) */
  metrics: MetricsConfig;
  /** MEIBO_TRUSTED_DOCUMENTS_ONLY: anonymous callers may run only the trusted documents (trusted-documents.json) */
  trustedDocumentsOnly: boolean;
  /** MEIBO_RATE_LIMIT (`N/S`: N requests per S seconds per address; default off), MEIBO_RATE_LIMIT_PROXY_HOPS */
  rateLimit: RateLimitConfig | null;
  /** the standard OTEL_* variables: traces exported over OTLP/HTTP when an endpoint is set */
  tracing: TracingConfig | null;
  /** MEIBO_LIVE_MAX_SUBSCRIPTIONS (default 500), MEIBO_LIVE_MAX_PER_CLIENT (default 8): live-update subscriptions open at once */
  liveLimits: { total: number; perClient: number };
}

export type MetricsConfig =
  | { mode: 'off' }
  | { mode: 'on'; tokenSha256: Buffer }
  | { mode: 'port'; port: number; tokenSha256: Buffer | undefined };

export interface RateLimitConfig {
  /** requests an address may make… */
  points: number;
  /** …in this many seconds */
  durationS: number;
  /** reverse proxies in front of meibo: the client is this many entries from the right of X-Forwarded-For (0: the socket's address) */
  proxyHops: number;
}

export interface TracingConfig {
  /** where spans are sent (OTLP/HTTP, JSON or protobuf as the exporter defaults) */
  url: string;
  serviceName: string;
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
    directPath: flag(env, 'MEIBO_DIRECT_PATH') !== false,
    compiledQueries: flag(env, 'MEIBO_COMPILED_QUERIES') !== false,
    requestTimeoutMs: wrap(() => requestTimeoutMsFromEnv(env)),
    shutdownTimeoutMs,
    logLevel,
    cors: wrap(() => corsOptionsFrom(env.MEIBO_CORS_ORIGINS, flag(env, 'MEIBO_CORS_CREDENTIALS') === true)),
    publicUrl: publicUrl(env.MEIBO_PUBLIC_URL),
    ...debugSwitches(env),
    metrics: metricsFromEnv(env),
    trustedDocumentsOnly: flag(env, 'MEIBO_TRUSTED_DOCUMENTS_ONLY') === true,
    rateLimit: rateLimitFromEnv(env),
    tracing: tracingFromEnv(env),
    liveLimits: {
      total: count(env, 'MEIBO_LIVE_MAX_SUBSCRIPTIONS', LIVE_LIMITS.total),
      perClient: count(env, 'MEIBO_LIVE_MAX_PER_CLIENT', LIVE_LIMITS.perClient),
    },
  };
}

/** A whole number from 1 up (`fallback` when unset). */
function count(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d{1,7}$/.test(raw) || Number(raw) < 1) throw new ConfigError(`${name} must be a whole number from 1 up, not ${JSON.stringify(env[name]!.slice(0, 40))}`);
  return Number(raw);
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

function metricsFromEnv(env: NodeJS.ProcessEnv): MetricsConfig {
  const raw = env.MEIBO_METRICS?.trim().toLowerCase() || 'off';
  const hex = env.MEIBO_METRICS_TOKEN?.trim();
  if (hex && !/^[0-9a-f]{64}$/i.test(hex)) throw new ConfigError('MEIBO_METRICS_TOKEN must be the SHA-256 (64 hex digits) of the bearer token the scraper sends, not the token itself');
  const tokenSha256 = hex ? Buffer.from(hex, 'hex') : undefined;
  if (raw === 'off' || raw === 'false' || raw === '0') return { mode: 'off' };
  if (raw === 'on' || raw === 'true' || raw === '1') {
    if (!tokenSha256) throw new ConfigError('MEIBO_METRICS=on serves /metrics on the public port: set MEIBO_METRICS_TOKEN (the SHA-256 of a bearer token), or give MEIBO_METRICS a port of its own');
    return { mode: 'on', tokenSha256 };
  }
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) throw new ConfigError(`MEIBO_METRICS must be off, on or a port number, not ${JSON.stringify(env.MEIBO_METRICS!.slice(0, 40))}`);
  return { mode: 'port', port, tokenSha256 };
}

function rateLimitFromEnv(env: NodeJS.ProcessEnv): RateLimitConfig | null {
  const raw = env.MEIBO_RATE_LIMIT?.trim().toLowerCase();
  const hopsRaw = env.MEIBO_RATE_LIMIT_PROXY_HOPS?.trim() || '0';
  const proxyHops = Number(hopsRaw);
  if (!/^\d{1,2}$/.test(hopsRaw)) throw new ConfigError(`MEIBO_RATE_LIMIT_PROXY_HOPS must be a small whole number, not ${JSON.stringify(env.MEIBO_RATE_LIMIT_PROXY_HOPS!.slice(0, 40))}`);
  if (!raw || raw === 'off') return null;
  const m = /^(\d{1,9})\s*\/\s*(\d{1,6})\s*s?$/.exec(raw);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new ConfigError(`MEIBO_RATE_LIMIT must be off or N/S (N requests per S seconds per address, e.g. 300/60), not ${JSON.stringify(env.MEIBO_RATE_LIMIT!.slice(0, 40))}`);
  return { points: Number(m[1]), durationS: Number(m[2]), proxyHops };
}

/**
 * Traces follow OpenTelemetry's own switches: on when OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or
 * OTEL_EXPORTER_OTLP_ENDPOINT is set (nothing is sent anywhere otherwise), off with
 * OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none. The exporter reads the other
 * OTEL_EXPORTER_OTLP_* variables (headers, timeout, compression) itself, as every OTel SDK does.
 */
function tracingFromEnv(env: NodeJS.ProcessEnv): TracingConfig | null {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return null;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() || 'otlp';
  if (exporter === 'none') return null;
  if (exporter !== 'otlp') throw new ConfigError(`OTEL_TRACES_EXPORTER: meibo exports traces over OTLP (otlp) or not at all (none), not ${JSON.stringify(env.OTEL_TRACES_EXPORTER!.slice(0, 40))}`);
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  // the signal-specific variable is used as is; the general one gets the signal's path (the OTLP spec)
  const url = traces || (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (!url) return null;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    throw new ConfigError(`OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL, not ${JSON.stringify(url.slice(0, 80))}`);
  }
  return { url, serviceName: env.OTEL_SERVICE_NAME?.trim() || 'meibo' };
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
