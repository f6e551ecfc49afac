// Trusted documents: the manifest is what the page and the README send (and fails when stale);
// a documentId runs its document by POST and by GET, the GET cacheable by a CDN; with
// MEIBO_TRUSTED_DOCUMENTS_ONLY anonymous callers run nothing else, editors and the exports still do.
import { readFileSync } from 'node:fs';
import { print } from '@0no-co/graphql.web';
import { parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { issueToken, parseTokens } from '../src/auth.js';
import { createResponseCache, type ResponseCache } from '../src/cache.js';
import { buildTrustedDocuments, pageDocuments } from '../src/cli/trusted-documents.js';
import { executeThrough, renderExport } from '../src/http/export.js';
import { asTrustedCaller, documentIdOf, loadTrustedDocuments } from '../src/http/trusted.js';
import { schema } from '../src/schema/index.js';
import { BODIES, DIFF, ROSTER, TIMELINE } from '../web/src/api.js';
import { openTestDirectory, type TestDirectory } from './support/harness.js';

const documents = loadTrustedDocuments();
const editor = issueToken('alice');
const tokens = parseTokens(editor.entry);
const ROSTER_ID = documentIdOf(print(ROSTER));
const ROSTER_VARS = { body: 'secretariat', asOf: '2025-07-01' };

let t: TestDirectory;
let cache: ResponseCache;
let open: ReturnType<typeof createApp>;
let only: ReturnType<typeof createApp>;

beforeAll(async () => {
  t = await openTestDirectory('pglite');
  cache = createResponseCache({ mode: 'memory', db: t.directory.prisma });
  await cache.ready();
  open = createApp(t.directory.prisma, { tokens, plugins: [cache.plugin] });
  only = createApp(t.directory.prisma, { tokens, trustedDocumentsOnly: true });
});
afterAll(async () => {
  await cache?.close();
  await t?.close();
});

const post = async (yoga: typeof open, body: object, headers: Record<string, string> = {}): Promise<Response> =>
  yoga.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify(body) });
const get = async (yoga: typeof open, search: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> =>
  yoga.fetch(`http://yoga/graphql?${new URLSearchParams(search)}`, { headers: { accept: 'application/json', ...headers } });

describe('trusted-documents.json', () => {
  it('is what `npm run trusted-documents` writes from web/src and the README (run it and commit when this fails)', () => {
    expect(readFileSync(new URL('../trusted-documents.json', import.meta.url), 'utf8')).toBe(buildTrustedDocuments());
  });

  it('holds the page\'s documents exactly as the page sends them, and its live-update strings', () => {
    for (const doc of [BODIES, ROSTER, TIMELINE, DIFF]) expect(documents.has(documentIdOf(print(doc)))).toBe(true);
    expect(pageDocuments().some((d) => d.startsWith('subscription Live('))).toBe(true);
    expect(pageDocuments().some((d) => d.startsWith('query SubscriptionFields'))).toBe(true);
  });

  it('holds every documentId the README shows', () => {
    const shown = [...readFileSync(new URL('../README.md', import.meta.url), 'utf8').matchAll(/documentId=(sha256:[0-9a-f]{64})/g)].map((m) => m[1]!);
    expect(shown.length).toBeGreaterThanOrEqual(1);
    for (const id of shown) expect(documents.has(id), id).toBe(true);
  });

  it('holds only documents valid against the schema', () => {
    expect(documents.size).toBeGreaterThanOrEqual(20);
    for (const [id, text] of documents) expect(validate(schema, parse(text)), id).toEqual([]);
  });
});

describe('documentId', () => {
  it('runs the trusted document by POST, answering as its text does', async () => {
    const byId = await post(open, { documentId: ROSTER_ID, variables: ROSTER_VARS });
    const byText = await post(open, { query: print(ROSTER), variables: ROSTER_VARS });
    expect(byId.status).toBe(200);
    const body = await byId.json();
    expect(body.data.members.length).toBeGreaterThan(30);
    expect(body).toEqual(await byText.json());
  });

  it('by GET, answers with an ETag and a public Cache-Control that revalidates; the ETag earns a 304', async () => {
    const search = { documentId: ROSTER_ID, variables: JSON.stringify(ROSTER_VARS) };
    const first = await get(open, search);
    expect(first.status).toBe(200);
    expect((await first.json()).data.members.length).toBeGreaterThan(30);
    const second = await get(open, search); // a cache hit
    const etag = second.headers.get('etag');
    expect(etag).toBeTruthy();
    for (const r of [first, second]) {
      expect(r.headers.get('cache-control')).toBe('public, no-cache');
      expect(r.headers.get('vary')).toMatch(/\bAccept\b/);
    }
    const revalidated = await get(open, search, { 'if-none-match': etag! });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('cache-control')).toBe('public, no-cache');
  });

  it('by GET with an editor token, is not marked public', async () => {
    const r = await get(open, { documentId: ROSTER_ID, variables: JSON.stringify(ROSTER_VARS) }, { authorization: `Bearer ${editor.token}` });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBeNull();
  });

  it.each([
    ['an id no document has', { documentId: `sha256:${'0'.repeat(64)}` }, 'PERSISTED_QUERY_NOT_FOUND'],
    ['a malformed id', { documentId: 'md5:abc' }, 'BAD_REQUEST'],
    ['neither a query nor an id', {}, 'BAD_REQUEST'],
  ])('refuses %s with 400 and a code', async (_name, body, code) => {
    const r = await post(open, body);
    expect(r.status).toBe(400);
    expect((await r.json()).errors[0].extensions.code).toBe(code);
  });
});

describe('MEIBO_TRUSTED_DOCUMENTS_ONLY', () => {
  const arbitrary = '{ bodies { code } }';

  it.each(['application/json', 'application/graphql-response+json'])('refuses anything else from an anonymous caller with 400 PERSISTED_QUERY_ONLY (Accept: %s)', async (accept) => {
    for (const headers of [{ accept }, { accept, authorization: 'Bearer not-a-token' }] as Array<Record<string, string>>) {
      const r = await post(only, { query: arbitrary }, headers);
      expect(r.status).toBe(400);
      const body = await r.json();
      expect(body.errors[0].extensions.code).toBe('PERSISTED_QUERY_ONLY');
      expect(body.data).toBeUndefined();
    }
    const viaGet = await get(only, { query: arbitrary }, { accept });
    expect(viaGet.status).toBe(400);
  });

  it('runs trusted documents, by id or by their exact text (the page sends text)', async () => {
    expect((await post(only, { documentId: ROSTER_ID, variables: ROSTER_VARS }).then((r) => r.json())).data.members.length).toBeGreaterThan(30);
    expect((await post(only, { query: print(ROSTER), variables: ROSTER_VARS }).then((r) => r.json())).data.members.length).toBeGreaterThan(30);
    const readme = [...documents.values()].find((d) => d.startsWith('{ chair(body: "secretariat", asOf: "令和7年6月30日")'));
    expect(readme).toBeDefined();
    expect((await post(only, { query: readme }).then((r) => r.json())).data.chair.post.title).toContain('内閣サイバーセキュリティセンター');
  });

  it('lets an editor send any document', async () => {
    const r = await post(only, { query: arbitrary }, { authorization: `Bearer ${editor.token}` });
    expect(r.status).toBe(200);
    expect((await r.json()).data.bodies.length).toBe(4);
  });

  it('leaves the exports working: their documents are meibo\'s own', async () => {
    const refused = await renderExport(executeThrough(only), 'csv', new URLSearchParams({ body: 'secretariat', asOf: '2025-07-01' }), { publicUrl: 'http://meibo' });
    expect(refused.status).toBe(500); // what an export would be without the trusted caller
    const r = await renderExport(executeThrough(asTrustedCaller(only)), 'csv', new URLSearchParams({ body: 'secretariat', asOf: '2025-07-01' }), { publicUrl: 'http://meibo' });
    expect(r.status).toBe(200);
    expect(r.body.split('\r\n').length).toBeGreaterThan(30);
  });
});
