// Where answers are kept: an in-process LRU (the whole store in memory mode), and in redis mode
// Redis behind it, a copy shared by every instance. Writes never touch Redis, and a Redis outage
// only makes reads go on without it (no offline queue, no retries, a command timeout).
//
// Redis is a copy that is checked, never trusted: what it returns for a key is used only if it is
// the envelope this file wrote for that very key, `{ key, modified, data }` with `data` an object.
// Anything else (a value of another key or version, a forged, truncated or foreign value, a
// number) is a miss: the answer is computed again and stored over it, and a warning is logged (once
// until a good value is read again). The response headers of an answer read from Redis are rebuilt
// here, ETag from the key and Last-Modified from a number: no header ever comes from Redis.
//
// Anyone who can write to Redis can still forge a well-formed answer under a current key, as they
// can forge the live updates it carries (src/live.ts): Redis belongs to the deployment, behind its
// password or ACL (REDIS_URL), like the database.
import { createInMemoryCache } from '@graphql-yoga/plugin-response-cache';
import { newRedis } from '../redis.js';
import type { CacheLogger } from './log.js';

/** A stored execution result, as the plugin keeps it (extensions.http carries ETag and Last-Modified). */
export type CachedResult = {
  data?: unknown;
  errors?: unknown;
  extensions?: Record<string, unknown> & { http?: { headers?: Record<string, string> } };
};

/** The bytes of the data within the body: `{"data":` comes first */
const DATA_AT = Buffer.byteLength('{"data":');

/**
 * An answer as the process keeps it: its response body, serialized once (as Yoga serializes a
 * result: `{"data":…}`, and other extensions than `http` after it), and its headers; `data` is
 * read back from the bytes only when asked (an answer served through Yoga rather than the fast
 * path, or written to Redis from a Redis read). Kept as the object graph the executor built, five
 * thousand answers were a million objects the garbage collector went through again and again: a
 * miss of a new document cost 1.25–1.5× an uncached request, most of the difference in garbage
 * collection (profiles of 2026-12-05, issue 17).
 *
 * A class, its state private and `data` read through one getter all answers share: made as an
 * object literal with a getter and closures of its own, every answer was an object in dictionary
 * mode, and making one cost a miss 77 µs where serializing the result alone costs 50 (CPU profile
 * of 8,000 misses of new documents, 2026-12-05 (late)).
 */
class CompactAnswer {
  // `data` is an own enumerable property, so that a copy of the answer ({ ...answer, extensions },
  // as the cache status and Yoga's serialization make) carries it; the getter is the same function
  // for every answer, so all of them share one hidden class.
  static readonly #data: PropertyDescriptor = {
    get(this: CompactAnswer) {
      return this.#original ?? (this.#parsed ??= JSON.parse(this.#body.toString('utf8', DATA_AT, DATA_AT + this.#dataBytes)));
    },
    enumerable: true,
    configurable: true,
  };
  declare readonly data: unknown;
  readonly extensions: NonNullable<CachedResult['extensions']>;
  readonly #body: Buffer;
  /** the bytes of the data within the body */
  readonly #dataBytes: number;
  /** the text itself, only until the miss that made it has sent it (a kept string is on the heap) */
  #text: string | undefined;
  /** the executor's data, only until the miss that made it has sent it */
  #original: unknown;
  #parsed: unknown;

  constructor(body: Buffer, dataBytes: number, extensions: NonNullable<CachedResult['extensions']>, text: string | undefined, original: unknown) {
    this.extensions = extensions;
    this.#body = body;
    this.#dataBytes = dataBytes;
    this.#text = text;
    this.#original = original;
    Object.defineProperty(this, 'data', CompactAnswer.#data);
  }

  /** the response body */
  get body(): Buffer {
    return this.#body;
  }

  /** the JSON text of the data */
  dataText(): string {
    return this.#body.toString('utf8', DATA_AT, DATA_AT + this.#dataBytes);
  }

  /**
   * How Yoga serializes a result that has a `stringify` (graphql-yoga's
   * jsonStringifyResultWithoutInternals, which calls it detached from the result): the miss that
   * computed the answer is sent as the text just made (once), a hit answered through Yoga as the
   * bytes. On the prototype, not enumerable: a copy of the answer with other extensions
   * ({ ...answer, extensions }) has none, and is serialized anew.
   */
  get stringify(): () => string {
    return () => {
      const t = this.#text ?? this.#body.toString('utf8');
      this.#sent();
      return t;
    };
  }

  /** The body, sent as these bytes (src/http/direct.ts): the text and the executor's data go all the same. */
  sentBody(): Buffer {
    this.#sent();
    return this.#body;
  }

  #sent(): void {
    this.#text = undefined;
    this.#original = undefined;
  }
}

/**
 * A result kept serialized (CompactAnswer). `sentNext`: the answer is about to be sent, through
 * Yoga (whose serialization first copies the result, { ...result }) or as its bytes: until then its
 * data is the executor's, not parsed back from the bytes, and its text the one just made.
 */
export function compact(result: CachedResult, sentNext = false): CachedResult {
  if (result instanceof CompactAnswer) return result;
  const { http, ...others } = result.extensions ?? {};
  const data = JSON.stringify(result.data ?? null);
  const extra = Object.keys(others).length ? `,"extensions":${JSON.stringify(others)}` : '';
  const json = `{"data":${data}${extra}}`;
  const body = Buffer.from(json);
  // the data's bytes: the body's but for `{"data":` (ASCII), the other extensions and `}`
  const dataBytes = body.length - DATA_AT - 1 - (extra ? Buffer.byteLength(extra) : 0);
  return new CompactAnswer(body, dataBytes, { ...others, http }, sentNext ? json : undefined, sentNext ? result.data : undefined);
}

/** The response body of a compact answer (compact), ready to send. */
export const bodyOf = (result: CachedResult): Buffer | undefined => (result instanceof CompactAnswer ? result.body : undefined);

/**
 * The response body of a compact answer that the miss which computed it sends as these bytes
 * rather than through Yoga's `stringify`: what the answer kept for that serialization (its text, the
 * executor's data) is let go, else every stored answer would hold its whole result graph.
 */
export const sentBody = (result: CachedResult): Buffer | undefined => (result instanceof CompactAnswer ? result.sentBody() : undefined);

/** The JSON text of a result's data: from the bytes of a compact answer. */
const dataText = (result: CachedResult): string => (result instanceof CompactAnswer ? result.dataText() : JSON.stringify(result.data ?? null));

export interface Store {
  /** Not a promise when the answer is in process (always, in memory mode). */
  get(key: string): CachedResult | undefined | Promise<CachedResult | undefined>;
  set(key: string, result: CachedResult, ttlMs: number): void;
  /** resolves once the first connection to Redis has been tried (at most connectTimeout) */
  ready: Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** most responses kept in process (LRU) */
  maxEntries: number;
  /** lifetime in process of an answer read from Redis */
  ttlMs: number;
  /** redis mode: redis://host:port[/db] */
  redisUrl?: string;
  /** prefix of every Redis key, e.g. `meibo:`; one per deployment */
  keyPrefix?: string;
  /** how long one Redis command may take before the read goes on without it (default 250 ms) */
  redisTimeoutMs?: number;
}

/** What goes to Redis for `key`: the answer's data and when it was computed, bound to the key. */
interface Envelope {
  key: string;
  /** Last-Modified, in ms since the epoch */
  modified: number;
  data: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A result as the plugin builds it: the data, and the two headers it adds to what it caches. */
function resultOf(key: string, modified: number, data: Record<string, unknown>): CachedResult {
  return { data, extensions: { http: { headers: { ETag: key, 'Last-Modified': new Date(modified).toUTCString() } } } };
}

/** The result held by `text`, if it is an envelope for `key`; otherwise why not. */
export function unwrap(key: string, text: string): CachedResult | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (!isObject(value)) return `not an object but ${Array.isArray(value) ? 'an array' : typeof value}`;
  const { key: stored, modified, data, ...rest } = value;
  if (stored !== key) return 'stored for another key';
  if (Object.keys(rest).length > 0) return `unexpected fields ${Object.keys(rest).slice(0, 3).join(', ')}`;
  if (typeof modified !== 'number' || !Number.isSafeInteger(modified) || modified <= 0 || modified > Date.now() + 60_000) return 'no valid time';
  if (!isObject(data)) return 'no data object';
  return resultOf(key, modified, data);
}

export function wrap(key: string, result: CachedResult): string {
  const modified = Date.parse(result.extensions?.http?.headers?.['Last-Modified'] ?? '');
  const envelope: Omit<Envelope, 'data'> = { key, modified: Number.isFinite(modified) ? modified : Date.now() };
  // the envelope's JSON with the data's own text put in, as JSON.stringify(envelope with data) writes it
  return `${JSON.stringify(envelope).slice(0, -1)},"data":${dataText(result)}}`;
}

export function createStore(options: StoreOptions, log: CacheLogger): Store {
  const local = createInMemoryCache({ max: options.maxEntries });
  // The LRU's get and set do not wait on anything; its types say promise for other stores.
  const near = (key: string) => local.get(key) as unknown as CachedResult | undefined;
  const keep = (key: string, result: CachedResult, ttlMs: number) => void local.set(key, compact(result) as never, [], ttlMs);
  if (!options.redisUrl) return { get: near, set: keep, ready: Promise.resolve(), close: async () => {} };

  const redis = newRedis(options.redisUrl, {
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
  const ready = redis.connect().catch(() => {}); // reconnects by itself
  let failing = false;
  const failed = (what: string) => (e: Error) => {
    if (!failing && up) log.warn(`Redis ${what} failed (${e.message}); going on without it`);
    failing = true;
    return undefined;
  };
  let refusing = false;
  return {
    get(key) {
      const found = near(key);
      if (found) return found;
      if (!up) return undefined;
      return redis.get(key).then((text) => {
        failing = false;
        if (text === null) return undefined;
        const result = unwrap(key, text);
        if (typeof result === 'string') {
          if (!refusing) log.warn(`Redis held a value for ${key} that is not its answer (${result}): ignored and computed again (further ones are not logged until a good one is read)`);
          refusing = true;
          return undefined;
        }
        refusing = false;
        keep(key, result, options.ttlMs);
        return near(key) ?? result;
      }, failed('GET'));
    },
    set(key, result, ttlMs) {
      keep(key, result, ttlMs);
      // Not awaited: the answer is already right; the shared copy only spares other instances work.
      if (up) redis.set(key, wrap(key, near(key) ?? result), 'PX', Math.max(1, Math.round(ttlMs))).then(() => void (failing = false), failed('SET'));
    },
    ready,
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
