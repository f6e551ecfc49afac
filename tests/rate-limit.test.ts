// Rate limiting as a flooding client meets it: past N requests in the window, 429 RATE_LIMITED
// with Retry-After and no work done; other addresses, editors and health checks unaffected; with
// Redis, the count is shared by every instance.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, parseTokens } from '../src/auth.js';
import { loadConfig } from '../src/config.js';
import { createRateLimiter, type RateLimitOptions } from '../src/http/rate-limit.js';

const REDIS_URL = process.env.MEIBO_TEST_REDIS_URL;
const editor = issueToken('alice');
const tokens = parseTokens(editor.entry);

const servers: Server[] = [];
let served = 0;

/** A server whose every answered request counts as work done. */
async function serve(options: Omit<RateLimitOptions, 'tokens'>): Promise<string> {
  const limiter = createRateLimiter({ tokens, ...options });
  const server = createServer(limiter.wrap((_req, res) => {
    served++;
    res.end('ok');
  }));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

describe('rate limit, per address', () => {
  let base: string;
  beforeAll(async () => {
    base = await serve({ points: 3, durationS: 60, proxyHops: 0 });
  });

  it('refuses the request past the limit with 429, Retry-After and RATE_LIMITED, doing no work for it', async () => {
    for (let i = 0; i < 3; i++) expect((await fetch(`${base}/graphql?query={__typename}`)).status).toBe(200);
    const before = served;
    const r = await fetch(`${base}/graphql`, { method: 'POST', body: '{"query":"{ bodies { code } }"}', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(429);
    const retryAfter = Number(r.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = await r.json();
    expect(body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter });
    expect(body.errors[0].message).toMatch(/at most 3 in 60 s/);
    expect(served).toBe(before);
    // the exports count too
    expect((await fetch(`${base}/export/seats.csv`)).status).toBe(429);
  });

  it('does not count health checks, metrics or the page, nor limit editors; a bad token is anonymous', async () => {
    for (const path of ['/health', '/ready', '/metrics', '/', '/assets/x.js']) expect((await fetch(`${base}${path}`)).status, path).toBe(200);
    expect((await fetch(`${base}/graphql`, { headers: { authorization: `Bearer ${editor.token}` } })).status).toBe(200);
    expect((await fetch(`${base}/graphql`, { headers: { authorization: 'Bearer guessed' } })).status).toBe(429);
  });

  it('behind a proxy (MEIBO_RATE_LIMIT_PROXY_HOPS=1), counts each client the proxy saw apart', async () => {
    const proxied = await serve({ points: 2, durationS: 60, proxyHops: 1 });
    const from = (ip: string) => fetch(`${proxied}/graphql`, { headers: { 'x-forwarded-for': `203.0.113.99, ${ip}` } }).then((r) => r.status);
    expect([await from('198.51.100.1'), await from('198.51.100.1'), await from('198.51.100.1')]).toEqual([200, 200, 429]);
    expect(await from('198.51.100.2')).toBe(200);
  });
});

describe('rate limit with Redis unreachable', () => {
  it('still limits, each instance counting alone', async () => {
    const down = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    down.on('error', () => {});
    try {
      const base = await serve({ points: 2, durationS: 60, proxyHops: 0, redis: down });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${base}/graphql`)).status);
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      down.disconnect();
    }
  });
});

describe.runIf(REDIS_URL)('rate limit shared through Redis', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(REDIS_URL!, { maxRetriesPerRequest: 1 });
    // until Redis is ready each instance counts alone (the insurance limiter)
    await new Promise((r) => redis.once('ready', r));
  });
  afterAll(() => redis?.disconnect());

  it('counts one address across instances', async () => {
    const prefix = `meibo-test-${randomBytes(4).toString('hex')}:`;
    const a = await serve({ points: 3, durationS: 60, proxyHops: 0, redis, prefix });
    const b = await serve({ points: 3, durationS: 60, proxyHops: 0, redis, prefix });
    const statuses = [];
    for (const base of [a, b, a, b]) statuses.push((await fetch(`${base}/graphql`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(await redis.exists(`${prefix}rate:127.0.0.1`)).toBe(1);
  });
});

describe('MEIBO_RATE_LIMIT', () => {
  it('is off by default; N/S otherwise', () => {
    expect(loadConfig({}).rateLimit).toBeNull();
    expect(loadConfig({ MEIBO_RATE_LIMIT: 'off' }).rateLimit).toBeNull();
    expect(loadConfig({ MEIBO_RATE_LIMIT: '300/60', MEIBO_RATE_LIMIT_PROXY_HOPS: '1' }).rateLimit).toEqual({ points: 300, durationS: 60, proxyHops: 1 });
  });
  it.each(['300', '0/60', '10/0', 'lots', '5/s'])('refuses %j', (value) => {
    expect(() => loadConfig({ MEIBO_RATE_LIMIT: value })).toThrow(/MEIBO_RATE_LIMIT must be off or N\/S/);
  });
});
