// What an operator sees: one JSON line per request (reads answered well counted in one line a
// period), one per masked error with its cause, both with the request id the client got back — and
// never a token, a body or a query string.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { withRequestLog } from '../src/log.js';
import { capturedLog } from './support/log.js';
import { openTestDirectory, type TestDirectory } from './support/harness.js';

let t: TestDirectory;
let server: Server;
let url: string;
const { log, lines } = capturedLog();

beforeAll(async () => {
  t = await openTestDirectory('pglite');
  // Queries read through `reader`: one that fails as a broken database driver would, with a
  // message a client must never see.
  const fail = () => Promise.reject(new Error('connection to 10.0.0.7 failed: password authentication failed for user "meibo"'));
  const handler: ProxyHandler<typeof fail> = { get: () => new Proxy(fail, handler) };
  const broken = new Proxy(fail, handler) as unknown as typeof t.directory.prisma;
  const yoga = createApp(t.directory.prisma, { log, reader: () => broken });
  server = createServer(withRequestLog(yoga, log));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await t?.close();
});

async function post(query: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return { id: response.headers.get('x-request-id'), json: (await response.json()) as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('operator logs', () => {
  it('log a masked error once, with its cause and the request id the client got', async () => {
    lines.length = 0;
    const { id, json } = await post('{ searchPosts(text: "内閣") { title } }', { authorization: 'Bearer s3cret-token' });
    await settle();
    expect(json.errors?.[0]).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: id } });
    expect(JSON.stringify(json)).not.toContain('10.0.0.7');
    const masked = lines.filter((l) => l.msg === 'masked error');
    expect(masked).toHaveLength(1);
    expect(masked[0]).toMatchObject({ level: 50, requestId: id });
    expect(JSON.stringify(masked[0].err)).toContain('password authentication failed');
    const request = lines.filter((l) => l.msg === 'request');
    expect(request).toHaveLength(1);
    expect(request[0]).toMatchObject({ requestId: id, method: 'POST', path: '/graphql', status: 200 });
    // never the token nor the request
    expect(JSON.stringify(lines)).not.toContain('s3cret-token');
    expect(JSON.stringify(lines)).not.toContain('searchPosts');
  });

  it('log coded (expected) errors as nothing worse than the request line', async () => {
    lines.length = 0;
    const { json } = await post('{ members(body: "secretariat", asOf: "2025-02-30") { role } }');
    await settle();
    expect(json.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
  });

  it('give a GET its request line without the query string', async () => {
    lines.length = 0;
    const response = await fetch(`${url}?query=${encodeURIComponent('{ nope }')}&token=abc`, { headers: { accept: 'application/json' } });
    await response.text();
    await settle();
    expect(lines).toEqual([expect.objectContaining({ msg: 'request', method: 'GET', path: '/graphql', status: 200, requestId: response.headers.get('x-request-id') })]);
    expect(JSON.stringify(lines)).not.toContain('nope');
    expect(JSON.stringify(lines)).not.toContain('abc');
  });
});

describe('a database outage in the log', () => {
  it('is one warning line a request, under the id the client got, however many fields failed', async () => {
    const { log, lines: sink } = capturedLog();
    const refused = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', errno: -111 }));
    const handler: ProxyHandler<typeof refused> = { get: () => new Proxy(refused, handler) };
    const down = new Proxy(refused, handler) as unknown as typeof t.directory.prisma;
    const yoga = createApp(t.directory.prisma, { log, reader: () => down });
    const outage = createServer(withRequestLog(yoga, log, 100));
    await new Promise<void>((resolve) => outage.listen(0, '127.0.0.1', resolve));
    const at = `http://127.0.0.1:${(outage.address() as AddressInfo).port}/graphql`;
    try {
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) {
        const response = await fetch(at, { method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ a: chair(body: "secretariat", asOf: "2025-07-01") { id } b: members(body: "deputy-director-meeting", asOf: "2025-07-01") { id } }' }) });
        const json = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
        expect(response.status).toBe(503);
        expect(json.errors?.every((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE')).toBe(true);
        ids.push(response.headers.get('x-request-id')!);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      const warnings = sink.filter((l) => l.msg === 'database unavailable: answered 503 SERVICE_UNAVAILABLE');
      expect(warnings.map((l) => l.requestId)).toEqual(ids);
      expect(warnings.every((l) => l.cause === 'ECONNREFUSED')).toBe(true);
    } finally {
      await new Promise((resolve) => outage.close(resolve));
    }
  });
});

describe('a request whose client goes away', () => {
  it('is one "aborted" request line, never a database outage', async () => {
    const { log, lines: sink } = capturedLog();
    // every statement waits 300 ms before it starts: the client is gone by then
    const real = t.directory.prisma as unknown as Record<string | symbol, unknown>;
    const slow = new Proxy(real, {
      get(target, key) {
        const value = Reflect.get(target, key);
        if (typeof value === 'function') return (...args: unknown[]) => new Promise((r) => setTimeout(r, 300)).then(() => (value as (...a: unknown[]) => unknown).apply(target, args));
        return value;
      },
    }) as unknown as typeof t.directory.prisma;
    const yoga = createApp(t.directory.prisma, { log, reader: () => slow });
    const slowServer = createServer(withRequestLog(yoga, log, 100));
    await new Promise<void>((resolve) => slowServer.listen(0, '127.0.0.1', resolve));
    const at = `http://127.0.0.1:${(slowServer.address() as AddressInfo).port}/graphql`;
    try {
      const controller = new AbortController();
      const asked = fetch(at, { method: 'POST', signal: controller.signal, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ chair(body: "secretariat", asOf: "2025-07-01") { post { title } } }' }) });
      setTimeout(() => controller.abort(), 100);
      await expect(asked).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(sink.filter((l) => l.msg === 'request aborted by the client')).toHaveLength(1);
      expect(sink.filter((l) => String(l.msg).includes('unavailable') || (l.level as number) >= 40)).toEqual([]);
    } finally {
      await new Promise((resolve) => slowServer.close(resolve));
    }
  });
});

describe('reads answered well in the request log', () => {
  it('count cache hits and error-free queries in one line a period, and keep a line for every error and write', async () => {
    const { createResponseCache } = await import('../src/cache.js');
    const { withFastPath } = await import('../src/http/fast-path.js');
    const { CORS_OPTIONS } = await import('../src/app.js');
    const { issueToken, parseTokens } = await import('../src/auth.js');
    const { log, lines: sink } = capturedLog();
    const { token, entry } = issueToken('log-test');
    const cache = createResponseCache({ mode: 'memory', db: t.directory.prisma, log: { info() {}, warn() {}, error() {} } });
    await cache.ready();
    const yoga = createApp(t.directory.prisma, { plugins: [cache.plugin], tokens: parseTokens(entry) });
    const hitServer = createServer(withRequestLog(withFastPath(cache, yoga, CORS_OPTIONS), log, 200));
    await new Promise<void>((resolve) => hitServer.listen(0, '127.0.0.1', resolve));
    const at = `http://127.0.0.1:${(hitServer.address() as AddressInfo).port}/graphql`;
    const send = (query: string, headers: Record<string, string> = {}) =>
      fetch(at, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) }).then((r) => r.json() as Promise<{ errors?: unknown[] }>);
    const ask = (day: string) => send(`{ chair(body: "secretariat", asOf: "${day}") { post { title } } }`);
    try {
      await ask('2025-07-01'); // a miss, answered by Yoga without an error: counted
      for (let i = 0; i < 20; i++) await ask('2025-07-01'); // hits: counted
      const refused = await ask('2024-03-24'); // OUT_OF_COVERAGE: its own line
      expect(refused.errors).toHaveLength(1);
      // a mutation keeps its line even when it goes well (a dry run here, so nothing is written)
      const write = await send(`mutation { recordAmendment(dryRun: true, input: { instrument: "designated-posts", title: "log test", decidedOn: "2026-11-26", effectiveOn: "2027-04-01",
        changes: [{ kind: ADD, body: "secretariat", role: MEMBER, position: 3, post: "デジタル庁統括官付参事官（サイバーセキュリティ担当）" }] }) { dryRun } }`, { authorization: `Bearer ${token}` });
      await new Promise((resolve) => setTimeout(resolve, 400));
      const requests = sink.filter((l) => l.msg === 'request');
      const summaries = sink.filter((l) => l.msg === 'reads');
      expect(requests).toHaveLength(2);
      expect(write).toEqual({ data: { recordAmendment: { dryRun: true } } });
      expect(summaries.reduce((n, l) => n + (l.reads as number), 0)).toBe(21);
      expect(summaries.reduce((n, l) => n + (l.hits as number), 0)).toBe(20);
      expect(summaries[0]).toMatchObject({ statuses: { 200: expect.any(Number) } });
    } finally {
      await new Promise((resolve) => hitServer.close(resolve));
      await cache.close();
    }
  });
});
