// The README's table of HTTP statuses, checked: each refusal is sent with `Accept: application/json`
// and with `Accept: application/graphql-response+json`, and must get the status the README's row
// for its code names, in the content type the client accepted.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createRateLimiter } from '../src/http/rate-limit.js';
import { openTestDirectory, type TestDirectory } from './support/harness.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const ACCEPTS = ['application/json', 'application/graphql-response+json'] as const;

/** The README's rows: the text of the refusal cell, and the status for each Accept. */
function readmeRows(): Array<{ text: string; status: Record<(typeof ACCEPTS)[number], number> }> {
  const start = README.indexOf('| refusal | `application/json` | `application/graphql-response+json` |');
  expect(start).toBeGreaterThan(0);
  const lines = README.slice(start).split('\n');
  const rows = [];
  for (const line of lines.slice(2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
    rows.push({ text: cells[0]!, status: { 'application/json': Number.parseInt(cells[1]!, 10), 'application/graphql-response+json': Number.parseInt(cells[2]!, 10) } });
  }
  return rows;
}

function row(code: string, phrase?: string) {
  const found = readmeRows().filter((r) => r.text.includes(`\`${code}\``) && (!phrase || r.text.includes(phrase)));
  expect(found, `README rows for ${code} ${phrase ?? ''}`).toHaveLength(1);
  return found[0]!;
}

const deep = `{ ${'bodies { parent { '.repeat(6)}code${' } }'.repeat(6)} }`;
const aliases = `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: bodies { code }`).join(' ')} }`;
const directives = `{ bodies ${'@include(if: true) '.repeat(11)}{ code } }`;
const q = (query: string, variables?: object) => JSON.stringify({ query, variables });

/** Each refusal: the body sent, the code it must get, and the README row (code, and a phrase where a code has two rows). */
const CASES: Array<{ name: string; body: string; code: string; phrase?: string; only?: boolean }> = [
  { name: 'a body that is not JSON', body: '{"query": "{ bodies', code: 'BAD_REQUEST' },
  { name: 'neither query nor documentId', body: '{}', code: 'BAD_REQUEST' },
  { name: 'selections 13 deep', body: q(deep), code: 'MAX_DEPTH_EXCEEDED' },
  { name: '16 aliases', body: q(aliases), code: 'MAX_ALIASES_EXCEEDED' },
  { name: '11 directives', body: q(directives), code: 'MAX_DIRECTIVES_EXCEEDED' },
  { name: 'a document that does not parse', body: q('{ bodies {'), code: 'GRAPHQL_PARSE_FAILED' },
  { name: 'over 2,000 tokens', body: q(`{ ${'bodies { code } '.repeat(600)} }`), code: 'MAX_TOKENS_EXCEEDED' },
  { name: 'over the cost limit', body: q('{ searchPosts(text: "官") { seats { body { members(asOf: "2025-07-01") { post { seats { body { code } } } } } } } }'), code: 'MAX_COST_EXCEEDED' },
  { name: 'a field the schema lacks', body: q('{ nope }'), code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'an impossible day in the document', body: q('{ members(body: "secretariat", asOf: "2025-02-30") { position } }'), code: 'BAD_USER_INPUT', phrase: 'literal' },
  { name: 'an impossible day in a variable', body: q('query($d: Date!) { members(body: "secretariat", asOf: $d) { position } }', { d: '2025-02-30' }), code: 'BAD_USER_INPUT', phrase: 'variable' },
  { name: 'a day not covered', body: q('{ members(body: "secretariat", asOf: "2024-03-24") { position } }'), code: 'OUT_OF_COVERAGE' },
  { name: 'an unknown body', body: q('{ members(body: "nope", asOf: "2025-07-01") { position } }'), code: 'NOT_FOUND' },
  { name: 'an unknown documentId', body: JSON.stringify({ documentId: `sha256:${'0'.repeat(64)}` }), code: 'PERSISTED_QUERY_NOT_FOUND' },
  { name: 'an untrusted document under MEIBO_TRUSTED_DOCUMENTS_ONLY', body: q('{ bodies { code } }'), code: 'PERSISTED_QUERY_ONLY', only: true },
];

let t: TestDirectory;
let only: ReturnType<typeof createApp>;
let limited: Server;
beforeAll(async () => {
  t = await openTestDirectory('pglite');
  only = createApp(t.directory.prisma, { trustedDocumentsOnly: true });
  limited = createServer(createRateLimiter({ points: 1, durationS: 60, proxyHops: 0, tokens: [] }).wrap(t.yoga));
  await new Promise<void>((r) => limited.listen(0, '127.0.0.1', () => r()));
});
afterAll(async () => {
  await new Promise((r) => limited?.close(r));
  await t?.close();
});

describe('HTTP status of each refusal, as the README says, for both Accepts', () => {
  it.each(CASES)('$name: $code', async ({ body, code, phrase, only: trustedOnly }) => {
    const expected = row(code, phrase).status;
    for (const accept of ACCEPTS) {
      const yoga = trustedOnly ? only : t.yoga;
      const r = await yoga.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json', accept }, body });
      const answer = await r.json();
      expect(answer.errors[0].extensions.code, accept).toBe(code);
      expect(r.status, `${code} with Accept: ${accept}`).toBe(expected[accept]);
      expect(r.headers.get('content-type')).toBe(`${accept}; charset=utf-8`);
    }
  });

  it('RATE_LIMITED: 429 with Retry-After, as application/json whatever the Accept', async () => {
    const base = `http://127.0.0.1:${(limited.address() as AddressInfo).port}`;
    await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: q('{ bodies { code } }') }).then((r) => r.text());
    const expected = row('RATE_LIMITED').status;
    for (const accept of ACCEPTS) {
      const r = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: q('{ bodies { code } }') });
      expect(r.status).toBe(expected[accept]);
      expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect((await r.json()).errors[0].extensions.code).toBe('RATE_LIMITED');
    }
  });

  it('every row of the README table is checked here', () => {
    const checked = new Set([...CASES.map((c) => c.code), 'RATE_LIMITED']);
    for (const r of readmeRows()) {
      const codes = [...r.text.matchAll(/`([A-Z][A-Z_]+)`/g)].map((m) => m[1]!);
      expect(codes.some((c) => checked.has(c)), r.text).toBe(true);
    }
  });
});
