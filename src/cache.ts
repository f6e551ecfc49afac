// Response caching for meibo: the Yoga response-cache plugin (@graphql-yoga/plugin-response-cache)
// over an in-process LRU, with Redis behind it as a copy shared by every instance.
//
// The database is the source of truth, for the answers and for whether a cached answer is still
// one: every cache key carries the *data version* of the database (table `data_version`, bumped by
// a trigger inside every transaction that writes a table an answer depends on: meibo's writes,
// `npm run amend`, `npm run db:seed`, SQL run by hand; migration 20261127100000_data_version). The
// version is read before an answer is computed, so an entry stored under a version holds data at
// least that new, and once the version has moved on no request builds that key again. Redis holds
// responses only: whatever it has lost, kept or brought back from an older snapshot, an entry it
// returns is matched only under the current version, so it is never older than the last write.
// Writes do not touch Redis at all, so a Redis outage cannot fail or slow them.
//
// Where the version comes from:
// - PostgreSQL (several instances, and the CLI or an operator's psql, write the same database):
//   each instance LISTENs on a connection of its own (meibo_data_version, sent by the trigger at
//   commit) and reads the version whenever that connection (re)connects. While it is not connected
//   and caught up, every read bypasses the cache: answers come from the database, and none is stored.
// - PGlite (one process owns the data directory, src/db/owner.ts): read at start and after each
//   write through this process (`refresh`).
// Either way, a write through this instance is followed by `refresh` before it is acknowledged,
// so its client's next read here is fresh; other instances follow as soon as PostgreSQL delivers
// the notification (milliseconds).
//
// One version for everything: each amendment of the designated-posts instrument moves the coverage
// of three of the four bodies and every answer not scoped to one body anyway, and amendments are a
// few a year, so per-body versions bought nearly nothing and cost a Redis round trip on every hit.
import { createHash } from 'node:crypto';
import { createInMemoryCache, useResponseCache, type Cache } from '@graphql-yoga/plugin-response-cache';
import { Kind, parse, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { PrismaClient } from './generated/prisma/client.js';

export type ResponseCacheMode = 'off' | 'memory' | 'redis';

/** What the cache needs from the database (the primary's Prisma client will do): the data version. */
export type VersionReader = Pick<PrismaClient, '$queryRawUnsafe'>;

/** Where the cache reports what it cannot do (a pino logger will do). */
export interface CacheLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ResponseCacheOptions {
  mode: ResponseCacheMode;
  /** reads the data version (the primary, never a read replica) */
  db: VersionReader;
  /**
   * PostgreSQL: the connection (DATABASE_URL) and schema of the dedicated LISTEN connection that
   * keeps the version current when other processes write. Without it (PGlite, whose one owner is
   * this process) the version is read at start and by `refresh`.
   */
  listen?: { url: string; schema?: string };
  /** redis mode: redis://host:port[/db] */
  redisUrl?: string;
  /** prefix of every Redis key, e.g. `meibo:`; one per deployment */
  keyPrefix?: string;
  /** lifetime of a cached response (garbage collection only: freshness comes from the version) */
  ttlMs?: number;
  /** most responses kept in process (LRU): the whole cache in memory mode, in front of Redis in redis mode */
  maxEntries?: number;
  /** add `extensions.responseCache` ({ hit, didCache }) to responses (tests, debugging) */
  exposeCacheStatus?: boolean;
  /** how long one Redis command may take before the read goes on without it (default 250 ms) */
  redisTimeoutMs?: number;
  log?: CacheLogger;
}

export interface ResponseCache {
  mode: ResponseCacheMode;
  /** goes in createApp(prisma, { plugins }) */
  plugin: Plugin<Record<string, unknown>>;
  /**
   * Call after a write through this process commits (and after SQL run by hand in this process):
   * re-reads the data version, so this process's next answer is fresh. Never rejects: if the
   * version cannot be read, reads bypass the cache until it can be again.
   */
  refresh(): Promise<void>;
  /** Resolves once the version has been read the first time (or could not be); reads bypass the cache until then. */
  ready(): Promise<void>;
  /** The version cache keys carry now (`<epoch>:<n>`), or null while it cannot be trusted (reads bypass the cache). */
  version(): string | null;
  /**
   * What the cache key of a request is made of, apart from the version read when it is looked up:
   * null when the request is never cached (the cache is off, not a query, credentials). It depends
   * only on the request, so the HTTP fast path works it out once per distinct request body.
   */
  prepare(request: CacheableRequest): PreparedRequest | null;
  /**
   * The cached answer to a prepared request, if any: the same key and the same version check as
   * the plugin, for the HTTP fast path (src/http/fast-path.ts) that answers hits before Yoga. Not a
   * promise when the answer is in process (always, in memory mode).
   */
  lookup(request: PreparedRequest): CacheHit | undefined | Promise<CacheHit | undefined>;
  /** Closes the Redis and LISTEN connections. */
  close(): Promise<void>;
}

export interface CacheableRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  /** whether the request carries credentials (an Authorization header) */
  authorized: boolean;
}

/** A cacheable request: the digest of its document, variables and operation. */
export interface PreparedRequest {
  readonly hash: string;
}

/** A hit: the current key (the ETag) and the stored result. */
export interface CacheHit {
  key: string;
  result: CachedResult;
}

/** A stored execution result, as the plugin keeps it (extensions.http carries ETag and Last-Modified). */
export type CachedResult = { data?: unknown; errors?: unknown; extensions?: Record<string, unknown> & { http?: { headers?: Record<string, string> } } };

export const DEFAULT_TTL_MS = 60 * 60 * 1000;
export const VERSION_CHANNEL = 'meibo_data_version';

const consoleLogger: CacheLogger = {
  info: (m) => console.log(`[meibo cache] ${m}`),
  warn: (m) => console.warn(`[meibo cache] ${m}`),
  error: (m) => console.error(`[meibo cache] ${m}`),
};

// ---------------------------------------------------------------------------------------------
// The data version

/** `<epoch>:<n>`; n grows by one per writing transaction. */
type Version = { epoch: string; n: bigint };

const show = (v: Version) => `${v.epoch}:${v.n}`;
/** The later of two readings: a reading that left before a write may come back after one that left after it. */
const later = (a: Version | null, b: Version) => (a && a.epoch === b.epoch && a.n >= b.n ? a : b);

function versionTable(schema: string | undefined) {
  return schema ? `"${schema.replace(/"/g, '""')}"."data_version"` : '"data_version"';
}

async function readVersion(db: VersionReader, schema?: string): Promise<Version> {
  const rows = await db.$queryRawUnsafe<Array<{ epoch: string; n: string }>>(
    `SELECT epoch, version::text AS n FROM ${versionTable(schema)} WHERE id`,
  );
  if (rows.length !== 1) throw new Error('data_version has no row');
  return { epoch: rows[0].epoch, n: BigInt(rows[0].n) };
}

interface VersionSource {
  /** the version to key answers by now, or null while it cannot be trusted */
  current(): string | null;
  /** re-read from the database, after a write through this process */
  refresh(): Promise<void>;
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * The version as this process last read it: right for a database only this process writes
 * (PGlite, owned by one process). A failed reading leaves it untrusted until a reading succeeds
 * (tried again by the next request).
 */
function readVersions(db: VersionReader, log: CacheLogger): VersionSource {
  let value: Version | null = null;
  let trusted = false;
  let retrying: Promise<void> | null = null;
  async function read() {
    try {
      const v = await readVersion(db);
      value = later(value, v);
      if (!trusted) trusted = true;
    } catch (e) {
      if (trusted) log.error(`cannot read the data version, reads bypass the cache until it can: ${(e as Error).message}`);
      trusted = false;
    }
  }
  const ready = read();
  return {
    current() {
      if (trusted && value) return show(value);
      retrying ??= read().finally(() => (retrying = null));
      return null;
    },
    // A reading of its own, never one already on its way (it may have left before the write).
    refresh: read,
    ready,
    async close() {},
  };
}

/**
 * The version kept current by PostgreSQL's notifications, on a connection of its own: LISTEN, then
 * read, on every (re)connect; bypass while that connection is down. A reading every
 * `checkEveryMs` also finds a connection that died silently.
 */
function listenedVersions(db: VersionReader, listen: { url: string; schema?: string }, log: CacheLogger, checkEveryMs = 10_000): VersionSource {
  let value: Version | null = null;
  let connected = false;
  let closed = false;
  let client: pg.Client | null = null;
  let retryMs = 100;
  let timer: NodeJS.Timeout | undefined;
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));

  const notified = (payload: string | undefined) => {
    const [epoch, n] = (payload ?? '').split(':');
    if (!epoch || !n || !/^\d+$/.test(n)) return;
    // Notifications are database-wide: other schemas (other epochs) have their own.
    if (value && epoch === value.epoch) value = later(value, { epoch, n: BigInt(n) });
  };

  function lost(c: pg.Client, why: string) {
    if (client !== c) return;
    client = null;
    if (connected) log.error(`data version: LISTEN connection lost (${why}); reads bypass the cache until it is back`);
    connected = false;
    c.end().catch(() => {});
    if (closed) return;
    timer = setTimeout(connect, retryMs);
    timer.unref();
    retryMs = Math.min(retryMs * 2, 5_000);
  }

  async function connect() {
    if (closed) return;
    const c = new pg.Client({
      connectionString: listen.url,
      // What an operator sees in pg_stat_activity: whose connection this is.
      application_name: `meibo data version ${listen.schema ?? ''}`.trim().slice(0, 63),
      keepAlive: true,
      connectionTimeoutMillis: 5_000,
      query_timeout: 5_000,
    });
    client = c;
    c.on('error', (e) => lost(c, e.message));
    c.on('end', () => lost(c, 'closed'));
    c.on('notification', (n) => n.channel === VERSION_CHANNEL && notified(n.payload));
    try {
      await c.connect();
      await c.query(`LISTEN ${VERSION_CHANNEL}`);
      // Read after LISTEN: a commit after this reading is notified; one before it is in it.
      const { rows } = await c.query<{ epoch: string; n: string }>(`SELECT epoch, version::text AS n FROM ${versionTable(listen.schema)} WHERE id`);
      if (rows.length !== 1) throw new Error('data_version has no row');
      if (client !== c) return;
      value = later(value, { epoch: rows[0].epoch, n: BigInt(rows[0].n) });
      if (!connected) log.info(`data version ${show(value)}: listening for writes`);
      connected = true;
      retryMs = 100;
    } catch (e) {
      lost(c, (e as Error).message);
    } finally {
      markReady();
    }
  }

  void connect();
  const check = setInterval(() => {
    const c = client;
    if (!c || !connected) return;
    c.query(`SELECT epoch, version::text AS n FROM ${versionTable(listen.schema)} WHERE id`).then(
      ({ rows }) => rows[0] && client === c && (value = later(value, { epoch: rows[0].epoch, n: BigInt(rows[0].n) })),
      (e: Error) => lost(c, e.message),
    );
  }, checkEveryMs);
  check.unref();

  return {
    current: () => (connected && value ? show(value) : null),
    async refresh() {
      try {
        const v = await readVersion(db, listen.schema);
        if (value && v.epoch === value.epoch) value = later(value, v);
      } catch (e) {
        // The notification brings it too, unless the LISTEN connection is also gone (then: bypass).
        log.warn(`could not re-read the data version after a write: ${(e as Error).message}`);
      }
    },
    ready,
    async close() {
      closed = true;
      clearInterval(check);
      clearTimeout(timer);
      const c = client;
      client = null;
      connected = false;
      await c?.end().catch(() => {});
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Keys

// Cache keys: `r|<epoch>:<version>|<sha256 of document, variables, operation>`.
const buildKey = (version: string, { hash }: PreparedRequest) => `r|${version}|${hash}`;

function versionOfKey(key: string): string | null {
  const parts = key.split('|');
  return parts.length === 3 && parts[0] === 'r' ? parts[1] : null;
}

const NO_CACHE = 'nocache';

/** Operation kinds by name ('' for an anonymous operation); null when the document does not parse. */
export function operationKinds(source: string): Map<string, string> | null {
  let document: DocumentNode;
  try {
    document = parse(source);
  } catch {
    return null;
  }
  const kinds = new Map<string, string>();
  for (const def of document.definitions) if (def.kind === Kind.OPERATION_DEFINITION) kinds.set(def.name?.value ?? '', def.operation);
  return kinds;
}

/**
 * Values computed once per key, for the few requests dashboards repeat: at most `max` of them,
 * the oldest dropped first, so that clients sending ever new texts cannot grow it. A key longer
 * than MAX_MEMO_KEY (a document padded to the body limit) is computed each time, never kept.
 */
export const MAX_MEMO_KEY = 8 * 1024;

export function boundedMemo<V>(max: number) {
  const entries = new Map<string, V>();
  return {
    get(key: string, compute: () => V): V {
      if (key.length > MAX_MEMO_KEY) return compute();
      let value = entries.get(key);
      if (value === undefined) {
        value = compute();
        if (entries.size >= max) entries.delete(entries.keys().next().value!);
        entries.set(key, value);
      }
      return value;
    },
    clear: () => entries.clear(),
    get size() {
      return entries.size;
    },
  };
}

// ---------------------------------------------------------------------------------------------

type Store = {
  get(key: string): CachedResult | undefined | Promise<CachedResult | undefined>;
  set(key: string, data: CachedResult, ttlMs: number): void;
};

/** The in-process LRU, and in redis mode the shared copy behind it. */
function createStore(options: ResponseCacheOptions, log: CacheLogger): { store: Store; redis?: Redis } | null {
  if (options.mode === 'off') return null;
  const ttl = options.ttlMs ?? DEFAULT_TTL_MS;
  const local = createInMemoryCache({ max: options.maxEntries ?? 5_000 });
  // The LRU's get and set do not wait on anything; its types say promise for other stores.
  const near = (key: string) => local.get(key) as unknown as CachedResult | undefined;
  const keep = (key: string, data: CachedResult, ttlMs: number) => void local.set(key, data as never, [], ttlMs);
  if (options.mode === 'memory') return { store: { get: near, set: keep } };

  if (!options.redisUrl) throw new Error('Response cache mode "redis" needs a Redis URL (REDIS_URL)');
  const redis = new Redis(options.redisUrl, {
    keyPrefix: options.keyPrefix ?? 'meibo:',
    // Never wait for Redis: while it is away a command fails at once (no offline queue, no
    // retries) or after redisTimeoutMs, and the read goes on as a miss.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.redisTimeoutMs ?? 250,
    connectTimeout: 2_000,
    lazyConnect: true,
  });
  let up = false;
  redis.on('ready', () => {
    up = true;
    log.info('Redis connected: responses are shared with other instances');
  });
  redis.on('error', (e: Error) => {
    // Once per outage, not once per reconnection attempt.
    if (up) log.error(`Redis: ${e.message}; answering from this instance and the database until it is back`);
    up = false;
  });
  redis.connect().catch(() => {}); // reconnects by itself
  let failing = false;
  const failed = (what: string) => (e: Error) => {
    if (!failing && up) log.warn(`Redis ${what} failed (${e.message}); going on without it`);
    failing = true;
    return undefined;
  };
  const ok = () => (failing = false);
  return {
    redis,
    store: {
      get(key) {
        const found = near(key);
        if (found) return found;
        if (!up) return undefined;
        return redis.get(key).then((text) => {
          ok();
          if (!text) return undefined;
          const result = JSON.parse(text) as CachedResult;
          keep(key, result, ttl);
          return result;
        }, failed('GET'));
      },
      set(key, data, ttlMs) {
        keep(key, data, ttlMs);
        // Not awaited: the answer is already right; the shared copy only spares other instances work.
        if (up) redis.set(key, JSON.stringify(data), 'PX', Math.max(1, Math.round(ttlMs))).then(ok, failed('SET'));
      },
    },
  };
}

export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  const log = options.log ?? consoleLogger;
  const ttl = options.ttlMs ?? DEFAULT_TTL_MS;
  const made = createStore(options, log);
  const store = made?.store;
  const versions: VersionSource | null = !store
    ? null
    : options.listen
      ? listenedVersions(options.db, options.listen, log)
      : readVersions(options.db, log);
  const current = () => versions?.current() ?? null;

  // Parsing is cached by document text, like Yoga's own parser cache.
  const kinds = boundedMemo<Map<string, string> | null>(1_000);
  // Dashboards repeat the same few requests: their digests are kept (a hit then costs no hashing).
  const digests = boundedMemo<string>(1_000);
  const requestHash = (material: string) => digests.get(material, () => createHash('sha256').update(material).digest('base64url'));

  // Reads carrying credentials are neither served from nor stored in the shared cache: reads are
  // public today, but an authenticated read must never see, or leave behind, another's answer.
  const publicRequest = (request: Request) => !request.headers.has('authorization');

  function prepare({ query, variables, operationName, authorized }: CacheableRequest): PreparedRequest | null {
    if (!store || authorized) return null;
    const ops = kinds.get(query, () => operationKinds(query));
    const kind = ops?.get(operationName ?? (ops.size === 1 ? [...ops.keys()][0] : '\0'));
    if (kind !== 'query') return null;
    return { hash: requestHash(JSON.stringify([query, variables ?? null, operationName ?? null])) };
  }

  const cache: Cache | undefined = store && {
    // Keys also come from clients (If-None-Match): only the current version's entries are answers.
    get(key) {
      const version = versionOfKey(key);
      if (!version || version !== current()) return undefined;
      return store.get(key) as never;
    },
    set(key, data, _entities, ttlMs) {
      const version = versionOfKey(key);
      // Computed under a version that has moved on meanwhile: no request will build this key again.
      if (version && version === current()) store.set(key, data as CachedResult, ttlMs);
    },
    invalidate() {},
  };

  const responseCache = cache
    ? useResponseCache({
        cache,
        ttl,
        session: () => null,
        enabled: (request) => publicRequest(request),
        // Mutations take the plugin's invalidation path, which never stores their result; the
        // entities it reports are ignored (the data version moves instead).
        invalidateViaMutation: true,
        includeExtensionMetadata: options.exposeCacheStatus ?? false,
        buildResponseCacheKey: async ({ documentString, variableValues, operationName, request }) => {
          const prepared = prepare({ query: documentString, variables: variableValues, operationName, authorized: !publicRequest(request) });
          const version = prepared && current();
          return prepared && version ? buildKey(version, prepared) : NO_CACHE;
        },
      })
    : undefined;

  const plugin: Plugin<Record<string, unknown>> = {
    onPluginInit({ addPlugin }) {
      if (responseCache) addPlugin(responseCache as Plugin<Record<string, unknown>>);
    },
  };

  return {
    mode: options.mode,
    plugin,
    refresh: async () => versions?.refresh(),
    ready: async () => versions?.ready,
    version: current,
    prepare,
    lookup(prepared) {
      // With exposeCacheStatus the plugin adds extensions.responseCache to hits: leave them to it.
      if (!store || options.exposeCacheStatus) return undefined;
      const version = current();
      if (!version) return undefined;
      const key = buildKey(version, prepared);
      const result = store.get(key);
      const found = (r: CachedResult | undefined) => (r ? { key, result: r } : undefined);
      return result instanceof Promise ? result.then(found) : found(result);
    },
    async close() {
      await versions?.close();
      if (made?.redis) await made.redis.quit().catch(() => made.redis!.disconnect());
    },
  };
}

/**
 * The mode for the environment: MEIBO_RESPONSE_CACHE if set; otherwise redis with REDIS_URL, else
 * memory (on PostgreSQL each instance keeps its own, kept current by the database's notifications).
 */
export function responseCacheModeFromEnv(env: NodeJS.ProcessEnv, _engine?: 'pglite' | 'postgres'): ResponseCacheMode {
  const explicit = env.MEIBO_RESPONSE_CACHE?.trim().toLowerCase();
  if (explicit) {
    if (explicit === 'off' || explicit === 'memory' || explicit === 'redis') return explicit;
    throw new Error(`MEIBO_RESPONSE_CACHE must be off, memory or redis, not ${JSON.stringify(env.MEIBO_RESPONSE_CACHE)}`);
  }
  return env.REDIS_URL ? 'redis' : 'memory';
}
