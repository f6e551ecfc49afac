// Live updates: what is told to `directoryChanged` subscribers after a committed amendment or
// revert. Yoga's pub/sub, in process by default; with REDIS_URL over Redis's PUBLISH/SUBSCRIBE
// (@graphql-yoga/redis-event-target), so a write through one instance (or `npm run amend` run on
// PostgreSQL with REDIS_URL set) reaches the subscribers of every instance.
//
// Delivery is at most once, as Redis pub/sub is: a subscriber whose instance is cut off from
// Redis when a change is published misses it. A dashboard should read again after it
// (re)subscribes; the event says only that, and what, to read again.
import { createPubSub, type PubSub } from 'graphql-yoga';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import type { Redis } from 'ioredis';
import { newRedis } from './redis.js';
import { LIVE_LIMITS } from './live-limits.js';
import type { WriteOutcome } from './write/amendments.js';

export type DirectoryAction = 'RECORDED' | 'REVERTED';

/** One committed write, as subscribers get it (plain JSON: it travels through Redis). */
export interface DirectoryChange {
  action: DirectoryAction;
  /** instrument code */
  instrument: string;
  /** codes of the bodies whose answers it changes (every body of the instrument) */
  bodies: string[];
  /** the revision recorded, or the one reverted */
  sequence: number;
  /** id of the revision recorded (its `diffs` say what it changed); null for a revert, whose revision is gone */
  revisionId: number | null;
  title: string;
  decidedOn: string;
  effectiveOn: string;
  /** when it was published (ISO 8601 instant) */
  at: string;
}

export interface Live {
  /** 'memory' (this process only) or 'redis' */
  mode: 'memory' | 'redis';
  /** how many subscriptions of this process listen now */
  listening(): number;
  /** Tells every subscriber (of every instance, with Redis). Resolves once handed to Redis. */
  publish(change: Omit<DirectoryChange, 'at'>): Promise<void>;
  /**
   * The changes from now on, for one client (its address, or its token's name); ends when `close`
   * is called. Throws TooManySubscriptions beyond the caps (per client, and in all).
   */
  subscribe(client?: string): AsyncIterableIterator<DirectoryChange>;
  /** Ends every subscription (their SSE responses finish) and closes the Redis connections. */
  close(): Promise<void>;
}

export interface LiveOptions {
  /** redis://host:port[/db]: share changes with every instance; without it, this process only */
  redisUrl?: string;
  /** prefix of the Redis channel (MEIBO_REDIS_PREFIX), so deployments sharing a Redis stay apart */
  prefix?: string;
  /** only publishes (the amend CLI): no subscriber connection */
  publishOnly?: boolean;
  log?: { error(message: string): void; info?(message: string): void };
  /** caps on subscriptions open at once: in this process, and per client (default LIVE_LIMITS) */
  limits?: { total: number; perClient: number };
}


/** A subscription refused because too many are open (in all, or for its client). */
export class TooManySubscriptions extends Error {
  override readonly name = 'TooManySubscriptions';
  constructor(readonly scope: 'total' | 'client', readonly limit: number) {
    super(scope === 'total'
      ? `This server has ${limit} live-update subscriptions open, its limit: try again later.`
      : `This client has ${limit} live-update subscriptions open, the limit per client: close one first.`);
  }
}

const TOPIC = 'directoryChanged';

export function createLive(options: LiveOptions = {}): Live {
  // Redis channels are not covered by ioredis's keyPrefix: the prefix is part of the topic.
  const topic = `${options.prefix ?? 'meibo:'}${TOPIC}`;
  let clients: Redis[] = [];
  let target: Pick<EventTarget, 'addEventListener' | 'removeEventListener' | 'dispatchEvent'> = new EventTarget();
  let pubsub: PubSub<Record<string, [DirectoryChange]>>;
  if (options.redisUrl) {
    const client = (role: 'publish' | 'subscribe') => {
      const redis = newRedis(options.redisUrl!, {
        connectionName: `meibo live ${role}`,
        // A subscriber connection that drops is re-established and re-subscribed by ioredis; a
        // publish fails after a while rather than waiting for Redis forever.
        ...(role === 'publish' ? { maxRetriesPerRequest: 1, commandTimeout: 2_000 } : { maxRetriesPerRequest: null }),
      });
      let up = true;
      redis.on('error', (e: Error) => {
        if (up) options.log?.error(`live updates (Redis ${role}): ${e.message}`);
        up = false;
      });
      redis.on('ready', () => (up = true));
      return redis;
    };
    const publishClient = client('publish');
    const subscribeClient = options.publishOnly ? publishClient : client('subscribe');
    clients = options.publishOnly ? [publishClient] : [publishClient, subscribeClient];
    target = createRedisEventTarget({ publishClient, subscribeClient });
  }
  // Counts the subscriptions that listen (a subscription listens from its first read on).
  let listening = 0;
  pubsub = createPubSub({
    eventTarget: {
      addEventListener: (type: string, listener: EventListenerOrEventListenerObject | null) => {
        listening++;
        target.addEventListener(type, listener as never);
      },
      removeEventListener: (type: string, listener: EventListenerOrEventListenerObject | null) => {
        listening--;
        target.removeEventListener(type, listener as never);
      },
      dispatchEvent: (event: Event) => target.dispatchEvent(event as never),
    } as never,
  });

  const open = new Set<AsyncIterableIterator<DirectoryChange>>();
  const perClient = new Map<string, number>();
  const limits = options.limits ?? LIVE_LIMITS;
  let closed = false;

  return {
    mode: options.redisUrl ? 'redis' : 'memory',
    listening: () => listening,
    async publish(change) {
      const message: DirectoryChange = { ...change, at: new Date().toISOString() };
      if (!clients.length) return pubsub.publish(topic, message);
      // The event target does not wait for Redis; the CLI must, before it quits.
      await clients[0].publish(topic, JSON.stringify(message));
    },
    subscribe(client = 'unknown') {
      if (!closed) {
        if (open.size >= limits.total) throw new TooManySubscriptions('total', limits.total);
        if ((perClient.get(client) ?? 0) >= limits.perClient) throw new TooManySubscriptions('client', limits.perClient);
      }
      const source = pubsub.subscribe(topic);
      if (closed) {
        void source.return();
        return source;
      }
      open.add(source);
      perClient.set(client, (perClient.get(client) ?? 0) + 1);
      // However it ends (the client went, or close), it is no longer open: once.
      const end = source.return.bind(source);
      source.return = (value?: unknown) => {
        if (open.delete(source)) {
          const left = (perClient.get(client) ?? 1) - 1;
          if (left > 0) perClient.set(client, left);
          else perClient.delete(client);
        }
        return end(value as never);
      };
      return source;
    },
    async close() {
      closed = true;
      await Promise.all([...open].map((it) => it.return?.()));
      open.clear();
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}

/** The change a committed write makes, as subscribers are told of it. */
export function directoryChangeOf(outcome: WriteOutcome, action: DirectoryAction): Omit<DirectoryChange, 'at'> {
  return {
    action,
    instrument: outcome.instrument.code,
    bodies: Object.keys(outcome.bodyIds),
    sequence: outcome.revision.sequence,
    revisionId: action === 'RECORDED' ? outcome.revision.id : null,
    title: outcome.revision.title,
    decidedOn: outcome.revision.decidedOn,
    effectiveOn: outcome.revision.effectiveOn,
  };
}
