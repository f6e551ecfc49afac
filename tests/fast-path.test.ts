// The HTTP fast path (src/http/fast-path.ts) over a real node:http server: a cache hit is answered
// before Yoga with exactly the status, headers and bytes Yoga sends for it; a write invalidates it
// at once; anything the fast path is not sure about (credentials, CORS, conditional requests,
// mutations, bad JSON, big bodies) reaches Yoga intact.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Lexer } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CORS_OPTIONS, createApp } from '../src/app.js';
import { issueToken, parseTokens } from '../src/auth.js';
import { createResponseCache, type ResponseCache } from '../src/cache.js';
import { withFastPath, type NodeHandler } from '../src/http/fast-path.js';
import { LIMITS } from '../src/limits.js';
import { openTestDirectory, type TestDirectory } from './support/harness.js';

const editor = issueToken('alice');
const MEMBERS = `query($b: ID!, $d: Date!) { members(body: $b, asOf: $d) { role position post { title organization { name } } } }`;
const VARS = { b: 'secretariat', d: '2027-04-01' };
const AMEND = `mutation($input: AmendmentInput!) { recordAmendment(input: $input) { sequence } }`;
const NEW_POST = 'デジタル庁統括官付参事官（サイバーセキュリティ担当）';
/** RFC 9110 §8.8.3: entity-tag = [ weak ] opaque-tag; opaque-tag = DQUOTE *etagc DQUOTE (a strong one here). */
const STRONG_ETAG = /^"[\x21\x23-\x7e]+"$/;

const amendment = () => ({
  instrument: 'designated-posts',
  title: '「サイバーセキュリティ対策推進会議議長の指定する職について」の一部改正について',
  decidedOn: '2026-11-26',
  effectiveOn: VARS.d,
  changes: [{ kind: 'ADD', body: 'secretariat', role: 'MEMBER', position: 3, post: NEW_POST }],
});

describe('HTTP fast path for cache hits', () => {
  let t: TestDirectory;
  let cache: ResponseCache;
  let fast: Server;
  let plain: Server;
  let yogaRequests = 0;
  let yogaHandler: NodeHandler;

  const listen = async (server: Server) => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  };
  let fastUrl: string;
  let plainUrl: string;

  beforeAll(async () => {
    t = await openTestDirectory('pglite', { tokens: parseTokens(editor.entry) });
    cache = createResponseCache({ mode: 'memory', db: t.directory.prisma });
    await cache.ready();
    const yoga = createApp(t.directory.prisma, {
      plugins: [{ onRequest: () => void yogaRequests++ }, cache.plugin],
      tokens: parseTokens(editor.entry),
      afterWrite: () => cache.refresh(),
    });
    // Two doors onto one Yoga and one cache: with the fast path, and Yoga alone.
    yogaHandler = yoga;
    fast = createServer(withFastPath(cache, yoga, CORS_OPTIONS));
    plain = createServer(yoga);
    fastUrl = await listen(fast);
    plainUrl = await listen(plain);
  });
  afterAll(async () => {
    fast?.close();
    plain?.close();
    await cache?.close();
    await t?.close();
  });

  /** One request; what Yoga saw of it; the response with the headers that vary per response removed. */
  async function send(url: string, init: RequestInit & { headers?: Record<string, string> }) {
    const before = yogaRequests;
    const r = await fetch(url, init);
    // The request id differs per request by design (src/log.ts): everything else must be equal.
    const text = (await r.text()).replace(/"requestId":"[^"]*"/g, '"requestId":"…"');
    const headers = Object.fromEntries([...r.headers].filter(([k]) => !['date', 'connection', 'keep-alive', 'x-request-id'].includes(k)));
    return { status: r.status, headers, text, viaYoga: yogaRequests - before };
  }
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    send(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('answers a repeated query itself, with the bytes and headers Yoga sends for the same hit', async () => {
    const miss = await post(fastUrl, { query: MEMBERS, variables: VARS });
    expect(miss.status).toBe(200);
    expect(miss.viaYoga).toBe(1);
    expect(JSON.parse(miss.text).data.members).toHaveLength(39);
    expect(miss.headers.etag).toMatch(STRONG_ETAG);

    const hit = await post(fastUrl, { query: MEMBERS, variables: VARS });
    expect(hit.viaYoga).toBe(0);
    const yogaHit = await post(plainUrl, { query: MEMBERS, variables: VARS });
    expect(yogaHit.viaYoga).toBe(1);
    expect(hit).toEqual({ ...yogaHit, viaYoga: 0 });
    expect(hit.text).toBe(miss.text);
    expect(hit.headers).toEqual(miss.headers);
  });

  it('answers a new day of a known interval itself (a time slider), and a day of another interval through Yoga', async () => {
    // 2025-07-01 is the last day anything takes effect before these: one interval, one answer
    const days = ['2025-07-02', '2025-08-15', '2025-12-24', '2026-01-05'];
    const first = await post(fastUrl, { query: MEMBERS, variables: { ...VARS, d: days[0] } });
    for (const d of days.slice(1)) {
      const r = await post(fastUrl, { query: MEMBERS, variables: { ...VARS, d } });
      expect(r.viaYoga, d).toBe(0);
      expect(r.text, d).toBe(first.text);
      expect(r.headers.etag, d).toBe(first.headers.etag);
    }
    // another interval: computed by Yoga once, as Yoga alone answers it, then shared by its days
    const before = await post(fastUrl, { query: MEMBERS, variables: { ...VARS, d: '2024-06-03' } });
    expect(before.viaYoga).toBe(1);
    expect(before.headers.etag).not.toBe(first.headers.etag);
    const alone = await post(plainUrl, { query: MEMBERS, variables: { ...VARS, d: '2024-06-04' } });
    expect(alone.text).toBe(before.text);
    const again = await post(fastUrl, { query: MEMBERS, variables: { ...VARS, d: '2024-06-05' } });
    expect(again.viaYoga).toBe(0);
    expect(again.text).toBe(before.text);
    // another body of the same question (its fields in another order) is another shape: the same answer
    const reordered = await post(fastUrl, JSON.stringify({ variables: { b: VARS.b, d: '2025-09-01' }, query: MEMBERS }));
    expect(reordered.text).toBe(first.text);
  });

  it('answers as Yoga does for each Accept it serves, and for GET', async () => {
    for (const accept of ['application/json', 'application/graphql-response+json', '*/*']) {
      const a = await post(fastUrl, { query: MEMBERS, variables: VARS }, { accept });
      const b = await post(plainUrl, { query: MEMBERS, variables: VARS }, { accept });
      expect(a.viaYoga, accept).toBe(0);
      expect({ ...a, viaYoga: 1 }, accept).toEqual(b);
    }
    const qs = `?query=${encodeURIComponent(MEMBERS)}&variables=${encodeURIComponent(JSON.stringify(VARS))}`;
    await send(fastUrl + qs, { headers: { accept: 'application/json' } }); // a GET entry: same key as POST
    const a = await send(fastUrl + qs, { headers: { accept: 'application/json' } });
    const b = await send(plainUrl + qs, { headers: { accept: 'application/json' } });
    expect(a.viaYoga).toBe(0);
    expect({ ...a, viaYoga: 1 }).toEqual(b);
  });

  it('answers a cross-origin hit with the CORS headers Yoga adds', async () => {
    const body = { query: MEMBERS, variables: VARS };
    await post(fastUrl, body);
    for (const origin of ['https://dashboard.example', 'http://localhost:3000']) {
      const a = await post(fastUrl, body, { origin });
      const b = await post(plainUrl, body, { origin });
      expect(a.viaYoga).toBe(0);
      expect(a.headers['access-control-allow-origin']).toBe(origin);
      expect({ ...a, viaYoga: 1 }).toEqual(b);
    }
    // A preflight is Yoga's (its CORS plugin answers before any other plugin sees the request).
    const preflight = await send(fastUrl, { method: 'OPTIONS', headers: { origin: 'https://dashboard.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toBe('POST');
  });

  it('answers a poll with the current ETag 304, as the plugin does, and a stale ETag with the answer', async () => {
    const body = { query: MEMBERS, variables: VARS };
    const { headers } = await post(fastUrl, body);
    const extras: Array<Record<string, string>> = [{}, { 'if-modified-since': headers['last-modified']! }, { origin: 'https://dashboard.example' }];
    for (const extra of extras) {
      const conditional = { 'if-none-match': headers.etag!, ...extra };
      const a = await post(fastUrl, body, conditional);
      const b = await post(plainUrl, body, conditional);
      expect(a).toMatchObject({ status: 304, text: '', viaYoga: 0 });
      expect({ ...a, viaYoga: 1 }).toEqual(b);
    }
    // Changed since the client's copy (If-Modified-Since before Last-Modified): the answer.
    const older = await post(fastUrl, body, { 'if-none-match': headers.etag!, 'if-modified-since': 'Thu, 01 Jan 2026 00:00:00 GMT' });
    expect(older).toMatchObject({ status: 200, viaYoga: 0 });
    // An ETag whose versions are gone (a write happened since): the current answer, not a 304.
    const stale = headers.etag!.replace(/^"r\|[^|]*\|/, '"r|00000000|');
    expect(stale).not.toBe(headers.etag);
    const fresh = await post(fastUrl, body, { 'if-none-match': stale });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.etag).toBe(headers.etag);
  });

  it('sends a quoted ETag (RFC 9110) and answers If-None-Match with exactly that tag 304, anything else in full, as Yoga does', async () => {
    const body = { query: MEMBERS, variables: VARS };
    const { headers, text } = await post(fastUrl, body);
    const etag = headers.etag!;
    expect(etag).toMatch(STRONG_ETAG);
    const revalidated = await post(fastUrl, body, { 'if-none-match': etag });
    expect(revalidated).toMatchObject({ status: 304, text: '', viaYoga: 0 });
    expect(revalidated.headers.etag).toBe(etag);
    // The tag without its quotes (the old, invalid form), a weak tag, a list: never a wrong 304.
    for (const tag of [etag.slice(1, -1), `W/${etag}`, `"other", ${etag}`]) {
      const a = await post(fastUrl, body, { 'if-none-match': tag });
      const b = await post(plainUrl, body, { 'if-none-match': tag });
      expect(a, tag).toMatchObject({ status: 200, text, viaYoga: 0 });
      expect({ ...a, viaYoga: 1 }, tag).toEqual(b);
    }
  });

  it('leaves to Yoga what it is not sure about', async () => {
    const body = { query: MEMBERS, variables: VARS };
    await post(fastUrl, body); // cached
    // An Accept it does not serve: Yoga, with Yoga's answer.
    expect((await post(fastUrl, body, { accept: 'text/event-stream' })).viaYoga).toBe(1);
    // Credentials: never served from the shared cache.
    const authorized = await post(fastUrl, body, { authorization: `Bearer ${editor.token}` });
    expect(authorized.viaYoga).toBe(1);
    expect(JSON.parse(authorized.text).data.members).toHaveLength(39);
  });

  it('hands a body it has read to Yoga intact: bad JSON, a mutation, a big document', async () => {
    const bad = await post(fastUrl, '{"query": "{ bodies { code } }"');
    expect(bad.viaYoga).toBe(1);
    expect(bad.status).toBe(400);
    expect(bad.text).toBe((await post(plainUrl, '{"query": "{ bodies { code } }"')).text);

    // Without a token: Yoga read the whole mutation (else this would be a parse error) and refused it.
    const mutation = await post(fastUrl, { query: AMEND, variables: { input: amendment() } });
    expect(mutation.viaYoga).toBe(1);
    expect(JSON.parse(mutation.text).errors[0].extensions.code).toBe('UNAUTHENTICATED');

    const padded = `${'#'.repeat(70_000)}\n{ bodies { code } }`;
    const big = await post(fastUrl, { query: padded });
    expect(big.viaYoga).toBe(1);
    expect(JSON.parse(big.text).data.bodies).toHaveLength(4);
  });

  it('refuses a document past the token limit having read no more of it than the limit', async () => {
    // The cache reads a request before Yoga (its key); its parse must stop where graphql-armor's
    // does, or a 1 MiB document costs a cache-on server the whole parse (0.35–0.9 s) before the refusal.
    const query = `{ ${'a '.repeat(200_000)}}`;
    const advance = vi.spyOn(Lexer.prototype, 'advance');
    try {
      const refused = await post(fastUrl, { query });
      expect(JSON.parse(refused.text).errors[0].extensions.code).toBe('MAX_TOKENS_EXCEEDED');
      expect(refused.viaYoga).toBe(1);
      // armor's parse and the cache's, each stopped just past LIMITS.tokens (not 200,000)
      expect(advance.mock.calls.length).toBeGreaterThan(LIMITS.tokens);
      expect(advance.mock.calls.length).toBeLessThanOrEqual(3 * (LIMITS.tokens + 1));
    } finally {
      advance.mockRestore();
    }
  });

  it('hands the request to Yoga, body and all, when the fast path itself fails', async () => {
    const broken = createServer(withFastPath({ ...cache, lookup: async () => { throw new Error('lookup failed'); } }, yogaHandler, CORS_OPTIONS));
    const url = await listen(broken);
    const errors: unknown[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args) => void errors.push(args));
    try {
      const r = await post(url, { query: MEMBERS, variables: VARS });
      expect(r).toMatchObject({ status: 200, viaYoga: 1 });
      expect(JSON.parse(r.text).data.members.length).toBeGreaterThan(0);
      expect(String(errors[0])).toMatch(/lookup failed; answered by Yoga/);
    } finally {
      spy.mockRestore();
      broken.close();
    }
  });

  it('never answers stale: a recorded amendment is visible on the next request', async () => {
    const before = await post(fastUrl, { query: MEMBERS, variables: VARS });
    expect((await post(fastUrl, { query: MEMBERS, variables: VARS })).viaYoga).toBe(0);
    const recorded = await post(fastUrl, { query: AMEND, variables: { input: amendment() } }, { authorization: `Bearer ${editor.token}` });
    expect(JSON.parse(recorded.text).errors).toBeUndefined();

    // A dashboard polling with its old ETag gets the new list, not a 304.
    const polled = await post(fastUrl, { query: MEMBERS, variables: VARS }, { 'if-none-match': before.headers.etag! });
    expect(polled).toMatchObject({ status: 200, viaYoga: 1 });
    expect(JSON.parse(polled.text).data.members).toHaveLength(40);

    const after = await post(fastUrl, { query: MEMBERS, variables: VARS });
    expect(after.viaYoga).toBe(0); // the poll above put the new answer in the cache
    const members = JSON.parse(after.text).data.members;
    expect(members).toHaveLength(40);
    expect(members.find((m: { role: string; position: number }) => m.role === 'MEMBER' && m.position === 3).post.title).toBe(NEW_POST);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(after.text).toBe(polled.text);
  });
});
