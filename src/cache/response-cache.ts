// The response cache as meibo uses it: a Yoga plugin (below; it replaces @graphql-yoga/plugin-response-cache,
// whose in-memory LRU the store still uses) over the store (src/cache/store.ts), every key carrying the data version (src/cache/version.ts,
// src/cache/listen.ts), and the same lookup for the HTTP fast path (src/http/fast-path.ts).
//
// The database is the source of truth, for the answers and for whether a cached answer is still
// one. The version is read before an answer is computed, and an answer is stored only if the
// version has not moved meanwhile, so an entry holds the data of its version (or newer); once the
// version has moved on no request builds that key again. Redis holds copies only: whatever it has
// lost, kept or brought back from an older snapshot, an entry it returns is matched only under the
// current version and checked (src/cache/store.ts). Writes do not touch Redis at all.
//
// A write through this instance is followed by `refresh` before it is acknowledged, so its client's
// next read here is fresh; other instances follow when PostgreSQL's notification reaches them
// (milliseconds; at most 2 s while their LISTEN connection hangs unnoticed, src/cache/listen.ts).
//
// One version for everything: each amendment of the designated-posts instrument moves the coverage
// of three of the four bodies and every answer not scoped to one body anyway, and amendments are a
// few a year, so per-body versions bought nearly nothing and cost a Redis round trip on every hit.
import type { Plugin } from 'graphql-yoga';
import type { DocumentNode } from 'graphql';
import { walkDocument } from './walk.js';
import { buildKey, NO_CACHE, requestPreparer, versionOfKey, type CacheableRequest, type PreparedRequest } from './keys.js';
import { boundariesQuery, type Boundaries } from './days.js';
import { listenedVersions, type ListenOptions } from './listen.js';
import { consoleLogger, type CacheLogger } from './log.js';
import { compact, createStore, type CachedResult } from './store.js';
import { queryRows, statementOf } from '../db/raw.js';
import { readVersions, type VersionReader } from './version.js';
import { DEFAULT_TTL_MS } from './defaults.js';

export type ResponseCacheMode = 'off' | 'memory' | 'redis';

export interface ResponseCacheOptions {
  mode: ResponseCacheMode;
  /** reads the data version (the primary, never a read replica) */
  db: VersionReader;
  /**
   * PostgreSQL: the connection (DATABASE_URL) and schema of the dedicated LISTEN connection that
   * keeps the version current when other processes write. Without it (PGlite, whose one owner is
   * this process) the version is read at start and by `refresh`.
   */
  listen?: ListenOptions;
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
  /** told of every lookup, hit or miss, by the plugin and the fast path alike (metrics) */
  onLookup?: (hit: boolean) => void;
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
  /**
   * Resolves once the version has been read the first time (or could not be; reads bypass the
   * cache until then) and the first connection to Redis has been tried.
   */
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
   * the plugin, for the HTTP fast path that answers hits before Yoga. Not a promise when the
   * answer is in process (always, in memory mode). With `req` (the node request), a miss's plugin
   * lookup takes this PreparedRequest instead of preparing the same body again.
   */
  lookup(request: PreparedRequest, req?: object): CacheHit | undefined | Promise<CacheHit | undefined>;
  /** Closes the Redis and LISTEN connections. */
  close(): Promise<void>;
}

/** A hit: the current key (the ETag) and the stored result. */
export interface CacheHit {
  key: string;
  result: CachedResult;
}


/**
 * The rule of a 304 for a client that sent the answer's current ETag: unchanged unless it also
 * sent an If-Modified-Since older than the answer's Last-Modified. The plugin's and the HTTP fast
 * path's (src/http/fast-path.ts) one rule.
 */
export const unchangedSince = (lastModified: string, ifModifiedSince: string | null | undefined): boolean =>
  ifModifiedSince == null || new Date(ifModifiedSince).getTime() >= new Date(lastModified).getTime();

/** Whether a document asks for the schema (`__schema`, `__type`): never cached, as the plugin did not. */
const introspection = new WeakMap<DocumentNode, boolean>();
function introspects(document: DocumentNode): boolean {
  let found = introspection.get(document);
  if (found === undefined) {
    found = false;
    walkDocument(document, { field: (field) => (found = field.name.value === '__schema' || field.name.value === '__type') });
    introspection.set(document, found);
  }
  return found;
}

export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  if (options.mode === 'off') {
    return {
      mode: 'off', plugin: {}, refresh: async () => {}, ready: async () => {}, version: () => null,
      prepare: () => null, lookup: () => undefined, close: async () => {},
    };
  }
  if (options.mode === 'redis' && !options.redisUrl) throw new Error('Response cache mode "redis" needs a Redis URL (REDIS_URL)');
  const log = options.log ?? consoleLogger;
  const ttl = options.ttlMs ?? DEFAULT_TTL_MS;
  const store = createStore({
    maxEntries: options.maxEntries ?? 5_000, ttlMs: ttl,
    redisUrl: options.mode === 'redis' ? options.redisUrl : undefined, keyPrefix: options.keyPrefix, redisTimeoutMs: options.redisTimeoutMs,
  }, log);
  const versions = options.listen ? listenedVersions(options.db, options.listen, log) : readVersions(options.db, log);
  const prepare = requestPreparer();
  const publicRequest = (request: Request) => !request.headers.has('authorization');

  // The days things take effect and were decided under the current version (src/cache/days.ts),
  // read with the version in one statement and used only while that version is current. Until
  // they are known, days are keyed exactly (a miss, never a wrong answer).
  let bounds: { version: string; days: Boundaries } | null = null;
  let reading: Promise<void> | null = null;
  const boundaries = (version: string | null) => (version && bounds?.version === version ? bounds.days : null);
  const readBoundaries = (): Promise<void> => {
    reading ??= queryRows<{ version: string; v: string[]; k: string[] }>(options.db, statementOf(boundariesQuery(options.listen?.schema)))
      .then(([row]) => {
        if (row && row.version === versions.current()) bounds = { version: row.version, days: { v: row.v, k: row.k } };
      })
      .catch((e: Error) => log.warn(`days things take effect and were decided not read (${e.message}); days are keyed exactly meanwhile`))
      .finally(() => (reading = null));
    return reading;
  };
  const counted = <R>(result: R | undefined | Promise<R | undefined>) => {
    if (!options.onLookup) return result;
    if (result instanceof Promise) return result.then((r) => (options.onLookup!(r !== undefined), r));
    options.onLookup(result !== undefined);
    return result;
  };

  // Keys also come from clients (If-None-Match): only the current version's entries are answers.
  const cached = (key: string) => {
    const version = versionOfKey(key);
    if (!version || version !== versions.current()) return counted(undefined);
    return counted(store.get(key));
  };
  // A request the fast path prepared and missed: its PreparedRequest, by its node request, so that
  // the plugin does not parse, walk and digest the same body again (src/http/fast-path.ts).
  const preparedFor = new WeakMap<object, PreparedRequest>();
  const keyOf = (request: CacheableRequest, req?: object): string | Promise<string> => {
    const remembered = req && preparedFor.get(req);
    const prepared = remembered || prepare(request);
    const version = prepared && versions.current();
    if (!prepared || !version) return NO_CACHE;
    if (prepared.template && !boundaries(version)) return readBoundaries().then(() => buildKey(version, prepared, boundaries(version)));
    return remembered ? keyUnder(version, prepared) : buildKey(version, prepared, boundaries(version));
  };
  const expose = options.exposeCacheStatus ?? false;
  const withStatus = <R extends { extensions?: Record<string, unknown> }>(result: R, status: Record<string, unknown>): R =>
    ({ ...result, extensions: { ...result.extensions, responseCache: status } });
  // the key each request was given in onParams, for its execution to store the answer under
  const keys = new WeakMap<Request, string>();

  // What @graphql-yoga/plugin-response-cache did for us (its If-None-Match 304, its lookup before
  // parsing, its store after execution, ETag and Last-Modified), without what we do not use and a
  // miss paid for: it adds `__typename` and `id` to every selection set of the document executed
  // and walks the result to take them out again and collect the entities a mutation would
  // invalidate (invalidation here is the data version's). A miss cost 1.6–1.8× an uncached
  // request with it (CPU, BENCHMARKS.md 2026-12-05, time slider): 12 % of the server's CPU in its
  // removeMetadataFieldsFromResult and onEntity alone.
  const plugin: Plugin<Record<string, unknown>> = {
    onRequest({ request, fetchAPI, endResponse }) {
      // A client's If-None-Match naming the current answer: 304, as the plugin answers.
      const tag = publicRequest(request) ? request.headers.get('If-None-Match') : null;
      if (!tag) return;
      const answer = (hit: CachedResult | undefined) => {
        const lastModified = hit?.extensions?.http?.headers?.['Last-Modified'];
        if (lastModified == null) return;
        if (!unchangedSince(lastModified, request.headers.get('If-Modified-Since'))) return;
        endResponse(new fetchAPI.Response(null, { status: 304, headers: { ETag: tag, 'Last-Modified': lastModified } }));
      };
      const hit = cached(tag);
      return hit instanceof Promise ? hit.then(answer) : answer(hit);
    },
    onParams({ params, request, setResult, context }) {
      if (!publicRequest(request)) return;
      const lookup = (key: string) => {
        keys.set(request, key);
        if (key === NO_CACHE) return;
        const found = (hit: CachedResult | undefined) => {
          if (hit) setResult((expose ? withStatus(hit, { hit: true }) : hit) as never);
        };
        const hit = cached(key);
        return hit instanceof Promise ? hit.then(found) : found(hit);
      };
      const key = keyOf({ query: params.query ?? '', variables: params.variables, operationName: params.operationName, authorized: false }, (context as { req?: object }).req);
      return key instanceof Promise ? key.then(lookup) : lookup(key);
    },
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request } | undefined)?.request;
      const key = request && keys.get(request);
      if (!key) return;
      return {
        onExecuteDone({ result, setResult }) {
          // an incremental (@defer, @stream) result is not cached
          if (Symbol.asyncIterator in result) return;
          // errors are not cached, nor an answer without a key, nor introspection (as the plugin)
          const keep = key !== NO_CACHE && !result.errors?.length && !introspects(args.document);
          if (keep) {
            // The answer carries its ETag and Last-Modified (Yoga makes them headers), stored with it.
            const extensions = (result.extensions ??= {}) as NonNullable<CachedResult['extensions']>;
            const http = (extensions.http ??= {});
            const headers = (http.headers ??= {});
            headers.ETag = key;
            headers['Last-Modified'] = new Date().toUTCString();
            // Computed under a version that has moved on meanwhile: no request will build this key again.
            if (versionOfKey(key) === versions.current()) {
              // kept serialized (src/cache/store.ts compact), and sent as the same text
              const answer = compact(result as CachedResult, !expose);
              store.set(key, answer, ttl);
              if (!expose) setResult(answer as never);
            }
          }
          if (expose) setResult(withStatus(result, keep ? { hit: false, didCache: true, ttl } : { hit: false, didCache: false }));
        },
      };
    },
  };

  // The key of a request the fast path remembers (the same PreparedRequest for the same body), kept
  // with it while the version and the days things take effect are those it was built under: a
  // repeated request's key is neither concatenated nor hashed again (V8 keeps a string's hash).
  const builtKeys = new WeakMap<PreparedRequest, { version: string; bounds: Boundaries | null; key: string }>();
  const keyUnder = (version: string, prepared: PreparedRequest): string => {
    const bounds = boundaries(version);
    const built = builtKeys.get(prepared);
    if (built && built.version === version && built.bounds === bounds) return built.key;
    const key = buildKey(version, prepared, bounds);
    builtKeys.set(prepared, { version, bounds, key });
    return key;
  };

  // (not a closure made per lookup: the fast path's hits come through here)
  const foundFor = (key: string, r: CachedResult | undefined) => (r ? (options.onLookup?.(true), { key, result: r }) : undefined);

  return {
    mode: options.mode,
    plugin,
    // the days things take effect are read with the version, so a first hit costs no statement
    refresh: async () => {
      await versions.refresh();
      await readBoundaries();
    },
    ready: async () => {
      await Promise.all([versions.ready, store.ready]);
      await readBoundaries();
    },
    version: () => versions.current(),
    prepare,
    lookup(prepared, req) {
      if (req) preparedFor.set(req, prepared);
      // With exposeCacheStatus the plugin adds extensions.responseCache to hits: leave them to it.
      if (options.exposeCacheStatus) return undefined;
      const version = versions.current();
      if (!version) return undefined;
      const key = keyUnder(version, prepared);
      const result = store.get(key);
      // A hit here is the whole request's; a miss goes on to Yoga, whose lookup counts it.
      return result instanceof Promise ? result.then((r) => foundFor(key, r)) : foundFor(key, result);
    },
    async close() {
      await versions.close();
      await store.close();
    },
  };
}
