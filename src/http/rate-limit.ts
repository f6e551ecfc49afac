// Rate limiting of anonymous clients, per address (MEIBO_RATE_LIMIT=N/S: N requests per S seconds),
// in the HTTP layer, before the fast path and Yoga: a refused request costs no parsing, no cache
// lookup and no SQL. A fixed window per address, counted by rate-limiter-flexible — in this
// process, or with REDIS_URL in Redis, shared by every instance (one Lua call a request; while
// Redis is down each instance counts alone, in memory, rather than refusing or admitting all).
// Why here and not @envelop/rate-limiter: that one limits resolver calls per field, after a
// request has been parsed and validated; what floods a server is requests.
// Editors (a valid editor token) are not limited; health checks, metrics and the page's static
// files are not counted. A refusal is HTTP 429 with Retry-After and the code RATE_LIMITED.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { authenticate, type TokenEntry } from '../auth.js';
import type { RateLimitConfig } from '../config.js';
import { REQUEST_ID_HEADER } from '../log.js';

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface RateLimitOptions extends RateLimitConfig {
  /** editors are exempt */
  tokens: readonly TokenEntry[];
  /** share the counters with every instance (key prefix: `<prefix>rate:`) */
  redis?: Redis;
  prefix?: string;
  /** called for each refusal (src/http/metrics.ts counts them when metrics are on) */
  onRefused?: () => void;
}

/** The paths that cost work: GraphQL and the exports (not /health, /ready, /metrics, the page's files). */
const COUNTED = /^\/(graphql|export\/)/;

/** The client's address: the socket's, or behind `hops` proxies the one they saw (X-Forwarded-For). */
export function clientAddress(req: IncomingMessage, hops: number): string {
  const socket = req.socket.remoteAddress ?? 'unknown';
  if (hops === 0) return socket;
  const raw = req.headers['x-forwarded-for'];
  const list = (Array.isArray(raw) ? raw.join(',') : raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  // each proxy appends the address it saw: the client's is `hops` from the right
  return list[list.length - hops] ?? list[0] ?? socket;
}

export interface RateLimiter {
  /** wraps the HTTP handler */
  wrap(next: NodeHandler): NodeHandler;
}

export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const base = { points: options.points, duration: options.durationS, keyPrefix: `${options.prefix ?? 'meibo:'}rate` };
  const memory = new RateLimiterMemory(base);
  const limiter = options.redis
    ? new RateLimiterRedis({
        ...base,
        storeClient: options.redis,
        // while Redis does not answer, each instance limits on its own
        insuranceLimiter: new RateLimiterMemory(base),
        rejectIfRedisNotReady: true,
        // a client over its limit is refused here until its window ends, without asking Redis again
        inMemoryBlockOnConsumed: options.points + 1,
      })
    : memory;

  const refuse = (req: IncomingMessage, res: ServerResponse, msBeforeNext: number) => {
    options.onRefused?.();
    const retryAfter = Math.max(1, Math.ceil(msBeforeNext / 1000));
    const requestId = req.headers[REQUEST_ID_HEADER] as string | undefined;
    const body = JSON.stringify({
      errors: [{
        message: `Too many requests from this address: at most ${options.points} in ${options.durationS} s. Retry after ${retryAfter} s.`,
        extensions: { code: 'RATE_LIMITED', retryAfter, ...(requestId ? { requestId } : {}) },
      }],
    });
    res.writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(retryAfter), 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  };

  return {
    wrap(next) {
      return (req, res) => {
        const url = req.url ?? '/';
        if (!COUNTED.test(url) || req.method === 'OPTIONS') return next(req, res);
        const principal = authenticate(req.headers.authorization, options.tokens);
        if (principal?.scopes.includes('editor')) return next(req, res);
        limiter.consume(clientAddress(req, options.proxyHops)).then(
          () => next(req, res),
          (rejection: unknown) => {
            if (rejection instanceof RateLimiterRes) return refuse(req, res, rejection.msBeforeNext);
            // the store failed and no insurance answered: a limiter fault never refuses a client
            next(req, res);
          },
        );
      };
    },
  };
}
