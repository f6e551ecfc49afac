// The direct path (src/http/direct.ts) over a real node:http server: an anonymous JSON query is
// answered past Yoga's Fetch layer with exactly the status, headers and bytes Yoga sends for it; an
// answer with an error is sent by Yoga, computed once; a mutation or subscription never runs there;
// and everything the path is not sure about reaches Yoga intact.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORS_OPTIONS, createApp } from '../src/app.js';
import { issueToken, parseTokens } from '../src/auth.js';
import { createResponseCache, type ResponseCache } from '../src/cache.js';
import { directPath } from '../src/http/direct.js';
import { withFastPath } from '../src/http/fast-path.js';
import { loadTrustedDocuments } from '../src/http/trusted.js';
import { withRequestLog } from '../src/log.js';
import { capturedLog } from './support/log.js';
import { openTestDirectory, type TestDirectory } from './support/harness.js';

const editor = issueToken('alice');
const MEMBERS = `query($b: ID!, $d: Date!) { members(body: $b, asOf: $d) { role position post { title organization { name } } } }`;
const VARS = { b: 'secretariat', d: '2025-07-01' };
const AMEND = `mutation($input: AmendmentInput!) { recordAmendment(input: $input) { sequence } }`;
const amendment = () => ({
  instrument: 'designated-posts',
  title: '「サイバーセキュリティ対策推進会議議長の指定する職について」の一部改正について',
  decidedOn: '2026-11-26',
  effectiveOn: '2027-04-01',
  changes: [{ kind: 'ADD', body: 'secretariat', role: 'MEMBER', position: 3, post: 'デジタル庁統括官付参事官（サイバーセキュリティ担当）' }],
});

const listen = async (server: Server) => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
};

describe('the direct path for plain queries', () => {
  let t: TestDirectory;
  let yogaRequests = 0;
  let directUrl: string;
  let plainUrl: string;
  const servers: Server[] = [];
  const { log, lines } = capturedLog();

  beforeAll(async () => {
    t = await openTestDirectory('pglite', { tokens: parseTokens(editor.entry) });
    const direct = directPath();
    const yoga = createApp(t.directory.prisma, {
      plugins: [direct.plugin, { onRequest: () => void yogaRequests++ }],
      tokens: parseTokens(editor.entry),
      log,
    });
    // Two doors onto one Yoga: the direct path in front of it, and Yoga alone; both logged as the server logs.
    servers.push(createServer(withRequestLog(direct.wrap(yoga, CORS_OPTIONS), log)), createServer(withRequestLog(yoga, log)));
    [directUrl, plainUrl] = await Promise.all(servers.map(listen));
  });
  afterAll(async () => {
    for (const s of servers) s.close();
    await t?.close();
  });

  /** One request; how many times Yoga's Fetch layer saw it; statements run; the response without what varies per response. */
  async function send(url: string, init: RequestInit & { headers?: Record<string, string> }) {
    const before = yogaRequests;
    const statements = t.sql.length;
    const r = await fetch(url, init);
    const text = (await r.text()).replace(/"requestId":"[^"]*"/g, '"requestId":"…"');
    const headers = Object.fromEntries([...r.headers].filter(([k]) => !['date', 'connection', 'keep-alive', 'x-request-id'].includes(k)));
    return { status: r.status, headers, text, viaYoga: yogaRequests - before, statements: t.sql.length - statements, requestId: r.headers.get('x-request-id') };
  }
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    send(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  /** The same request through both doors: the answers must be equal but for the request id. */
  async function both(body: unknown, headers: Record<string, string> = {}) {
    await post(plainUrl, body, headers); // what a first request pays once (statements counted) is paid before
    const direct = await post(directUrl, body, headers);
    const plain = await post(plainUrl, body, headers);
    expect({ ...direct, viaYoga: undefined, requestId: undefined }).toEqual({ ...plain, viaYoga: undefined, requestId: undefined });
    expect(plain.viaYoga).toBe(1);
    return direct;
  }

  it('answers every query of the README and the page itself, with the status, headers and bytes Yoga sends', async () => {
    let answered = 0;
    for (const query of new Set(loadTrustedDocuments().values())) {
      if (/^\s*(mutation|subscription)\b/.test(query)) continue;
      // the page's documents take variables: a day and a body that exist
      const variables = /\$/.test(query) ? { d: '2025-07-01', day: '2025-07-01', asOf: '2025-07-01', b: 'secretariat', body: 'secretariat' } : undefined;
      const r = await both({ query, variables });
      // those that ask no undeclared variable are answered without Yoga's Fetch layer
      if (!JSON.parse(r.text).errors) {
        expect(r.viaYoga, query).toBe(0);
        answered++;
      }
    }
    expect(answered).toBeGreaterThan(10);
  });

  it('answers as Yoga does for each Accept it serves, and a cross-origin request with Yoga\'s CORS headers', async () => {
    for (const accept of ['application/json', 'application/graphql-response+json', '*/*', 'application/json; charset=utf-8']) {
      expect((await both({ query: MEMBERS, variables: VARS }, { accept })).viaYoga, accept).toBe(0);
    }
    const cors = await both({ query: MEMBERS, variables: VARS }, { origin: 'https://dashboard.example' });
    expect(cors.viaYoga).toBe(0);
    expect(cors.headers['access-control-allow-origin']).toBe('https://dashboard.example');
  });

  it('keeps the client\'s request id, as Yoga does', async () => {
    const r = await post(directUrl, { query: MEMBERS, variables: VARS }, { 'x-request-id': 'dashboard-42' });
    expect(r).toMatchObject({ status: 200, viaYoga: 0, requestId: 'dashboard-42' });
    const failed = await post(directUrl, { query: MEMBERS, variables: { ...VARS, b: 'nope' } }, { 'x-request-id': 'dashboard-43' });
    expect(failed.requestId).toBe('dashboard-43');
    expect(JSON.parse(failed.text.replace('"…"', '"x"')).errors[0].extensions.code).toBe('NOT_FOUND');
  });

  it('has Yoga send an answer with an error, computed once: its status, extensions and log are Yoga\'s', async () => {
    const cases: Array<[string, unknown, number]> = [
      ['a body that does not exist', { query: MEMBERS, variables: { ...VARS, b: 'nope' } }, 200],
      ['a day that does not exist', { query: MEMBERS, variables: { ...VARS, d: '2025-13-01' } }, 200],
      ['a field that does not exist', { query: '{ nope }' }, 200],
      ['a page too large', { query: '{ amendments(first: 100000) { edges { node { id } } } }' }, 200],
      ['a document too deep', { query: `{ ${'node(id: "x") { ... on Seat { body { '.repeat(12)}id${' } } }'.repeat(12)} }` }, 200],
    ];
    for (const [name, body] of cases) {
      const r = await both(body);
      expect(r.viaYoga, name).toBe(1);
      expect(JSON.parse(r.text).errors?.length, name).toBeGreaterThan(0);
    }
    // one execution: the statements of a failing query are those Yoga alone runs
    const withStatements = await both({ query: `{ ok: chair(body: "secretariat", asOf: "2025-07-01") { post { title } } bad: chair(body: "nope", asOf: "2025-07-01") { post { title } } }` });
    expect(withStatements.statements).toBeGreaterThan(0);
  });

  it('leaves a mutation to Yoga, unrun: refused without a token, recorded with one', async () => {
    const before = await t.directory.prisma.revision.count();
    const refused = await both({ query: AMEND, variables: { input: amendment() } });
    expect(refused.viaYoga).toBe(1);
    expect(JSON.parse(refused.text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(await t.directory.prisma.revision.count()).toBe(before);
    // with the token: Yoga's, as before the direct path
    const recorded = await post(directUrl, { query: AMEND, variables: { input: amendment() } }, { authorization: `Bearer ${editor.token}` });
    expect(recorded.viaYoga).toBe(1);
    expect(JSON.parse(recorded.text).data.recordAmendment.sequence).toBeGreaterThan(0);
    expect(await t.directory.prisma.revision.count()).toBe(before + 1);
  });

  it('leaves a subscription to Yoga', async () => {
    // asked for one JSON answer: Yoga's 406 (a stream needs Accept: text/event-stream)
    const r = await both({ query: 'subscription { directoryChanged { revision { id } } }' }, { accept: 'application/json' });
    expect(r).toMatchObject({ viaYoga: 1, status: 406 });
  });

  it('leaves to Yoga, body intact, what it does not read as Yoga does', async () => {
    const padded = `${'#'.repeat(70_000)}\n{ bodies { code } }`;
    for (const [name, body, headers] of [
      ['bad JSON', '{"query": "{ bodies { code } }"', {}],
      ['a batch', [{ query: '{ bodies { code } }' }], {}],
      ['a JSON string', '"{ bodies { code } }"', {}],
      ['an unknown parameter', { query: '{ bodies { code } }', foo: 1 }, {}],
      ['no query', { variables: {} }, {}],
      ['a body over 64 KiB', { query: padded }, {}],
      ['an Accept it does not serve', { query: '{ bodies { code } }' }, { accept: 'text/event-stream' }],
      ['If-None-Match', { query: '{ bodies { code } }' }, { 'if-none-match': '"r|x|y"' }],
    ] as Array<[string, unknown, Record<string, string>]>) {
      expect((await both(body, headers)).viaYoga, name).toBe(1);
    }
    const qs = `?query=${encodeURIComponent(MEMBERS)}&variables=${encodeURIComponent(JSON.stringify(VARS))}`;
    const get = await send(directUrl + qs, { headers: { accept: 'application/json' } });
    expect(get.viaYoga).toBe(1);
    expect(JSON.parse(get.text).data.members).toHaveLength(39);
    const text = await send(directUrl, { method: 'POST', headers: { 'content-type': 'application/graphql' }, body: '{ bodies { code } }' });
    expect(text.viaYoga).toBe(1);
    expect(JSON.parse(text.text).data.bodies).toHaveLength(4);
  });

  // The direct path skips Yoga's HTTP hooks; each of today's is accounted for in src/http/direct.ts.
  // A plugin added with one of these hooks changes a count here: weigh it there before changing it.
  it('knows every Yoga hook it skips', () => {
    const yoga = createApp(t.directory.prisma, { plugins: [directPath().plugin] });
    const plugins = (yoga as unknown as { plugins: Array<Record<string, unknown> | null> }).plugins.filter(Boolean) as Array<Record<string, unknown>>;
    const count = (hook: string) => plugins.filter((p) => p[hook]).length;
    expect({
      // /health, CORS preflight, GraphiQL's page, any other path: none is a POST to /graphql
      onRequest: count('onRequest'),
      // the five body parsers, the body limit, batching, the method check: a JSON body under 64 KiB, parsed here as Yoga's JSON parser does
      onRequestParse: count('onRequestParse'),
      // the media type (mediaType here), and useRequestId's error extensions (an answer with an error is Yoga's)
      onResultProcess: count('onResultProcess'),
      // CORS and x-request-id (written here), trusted documents' Cache-Control (GET only), GraphiQL's headers (HTML only)
      onResponse: count('onResponse'),
    }).toEqual({ onRequest: 4, onRequestParse: 8, onResultProcess: 2, onResponse: 4 });
  });

  it('logs a direct answer as Yoga\'s good reads are logged: counted, not a line each', async () => {
    lines.length = 0;
    const r = await post(directUrl, { query: MEMBERS, variables: VARS }, { 'x-request-id': 'quiet-1' });
    expect(r.viaYoga).toBe(0);
    await post(directUrl, { query: MEMBERS, variables: { ...VARS, b: 'nope' } }, { 'x-request-id': 'loud-1' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lines.filter((l) => l.requestId === 'quiet-1')).toEqual([]);
    expect(lines.filter((l) => l.requestId === 'loud-1').length).toBe(1);
  });
});

describe('the direct path with MEIBO_TRUSTED_DOCUMENTS_ONLY', () => {
  let t: TestDirectory;
  let yogaRequests = 0;
  let directUrl: string;
  let plainUrl: string;
  const servers: Server[] = [];

  beforeAll(async () => {
    t = await openTestDirectory('pglite');
    const direct = directPath();
    const yoga = createApp(t.directory.prisma, { plugins: [direct.plugin, { onRequest: () => void yogaRequests++ }], trustedDocumentsOnly: true });
    servers.push(createServer(direct.wrap(yoga, CORS_OPTIONS)), createServer(yoga));
    [directUrl, plainUrl] = await Promise.all(servers.map(listen));
  });
  afterAll(async () => {
    for (const s of servers) s.close();
    await t?.close();
  });

  const post = async (url: string, body: unknown) => {
    const before = yogaRequests;
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, text: (await r.text()).replace(/"requestId":"[^"]*"/g, '"requestId":"…"'), viaYoga: yogaRequests - before };
  };

  it('runs a trusted document by its documentId itself, and refuses any other text as Yoga does', async () => {
    const [documentId, query] = [...loadTrustedDocuments()].find(([, text]) => !text.includes('$') && /^\s*(query\b|\{)/.test(text))!;
    const byId = await post(directUrl, { documentId });
    expect(byId).toMatchObject({ status: 200, viaYoga: 0 });
    expect(byId.text).toBe((await post(plainUrl, { documentId })).text);
    // its exact text is trusted too
    expect((await post(directUrl, { query })).text).toBe(byId.text);

    const refused = await post(directUrl, { query: '{ bodies { code } }' });
    expect(refused).toMatchObject({ status: 400, viaYoga: 1 });
    expect(JSON.parse(refused.text).errors[0].extensions.code).toBe('PERSISTED_QUERY_ONLY');
    expect(refused.text).toBe((await post(plainUrl, { query: '{ bodies { code } }' })).text);
  });
});

describe('the direct path behind the fast path, with the response cache', () => {
  let t: TestDirectory;
  let cache: ResponseCache;
  let yogaRequests = 0;
  let url: string;
  let plainUrl: string;
  const servers: Server[] = [];

  beforeAll(async () => {
    t = await openTestDirectory('pglite');
    cache = createResponseCache({ mode: 'memory', db: t.directory.prisma });
    await cache.ready();
    const direct = directPath();
    const yoga = createApp(t.directory.prisma, { plugins: [direct.plugin, { onRequest: () => void yogaRequests++ }, cache.plugin] });
    servers.push(createServer(withFastPath(cache, direct.wrap(yoga, CORS_OPTIONS), CORS_OPTIONS)), createServer(yoga));
    [url, plainUrl] = await Promise.all(servers.map(listen));
  });
  afterAll(async () => {
    for (const s of servers) s.close();
    await cache?.close();
    await t?.close();
  });

  it('stores a miss it answers, with the ETag and Last-Modified Yoga sends, and the next request is a hit', async () => {
    const statements = t.sql.length;
    const before = yogaRequests;
    const miss = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: MEMBERS, variables: VARS }) });
    const missText = await miss.text();
    expect(yogaRequests - before).toBe(0);
    expect(t.sql.length - statements).toBeGreaterThan(0);
    expect(miss.headers.get('etag')).toMatch(/^"r\|/);
    expect(miss.headers.get('last-modified')).toBeTruthy();

    const after = t.sql.length;
    const hit = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: MEMBERS, variables: VARS }) });
    expect(await hit.text()).toBe(missText);
    expect(t.sql.length).toBe(after);
    expect(hit.headers.get('etag')).toBe(miss.headers.get('etag'));
    expect(hit.headers.get('last-modified')).toBe(miss.headers.get('last-modified'));
    // and Yoga alone, from the same cache, says the same
    const yoga = await fetch(plainUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: MEMBERS, variables: VARS }) });
    expect(await yoga.text()).toBe(missText);
    expect(yoga.headers.get('etag')).toBe(miss.headers.get('etag'));
  });
});
