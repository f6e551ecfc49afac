// /metrics as Prometheus scrapes it: operations, errors by code and HTTP requests move the
// counters a dashboard graphs; labels stay bounded whatever names clients send; the endpoint
// answers only with its token, or on a port of its own.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { countCacheLookup, MAX_OPERATION_NAMES, metricsHandler, setMetricSources, useMetrics, withHttpMetrics, withMetricsEndpoint } from '../src/http/metrics.js';
import { loadConfig } from '../src/config.js';
import { poolStats, statementsRun } from '../src/db/adapter.js';
import { openTestDirectory, PG_URL, type TestDirectory } from './support/harness.js';

const TOKEN = 'prometheus-scrape-token';
const TOKEN_SHA256 = createHash('sha256').update(TOKEN).digest();

let t: TestDirectory;
let main: Server;
let side: Server;
let base: string;
let sideBase: string;

const listen = (server: Server) => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));

beforeAll(async () => {
  t = await openTestDirectory('pglite');
  const yoga = createApp(t.directory.prisma, { observe: useMetrics() });
  main = createServer(withHttpMetrics(withMetricsEndpoint(yoga, TOKEN_SHA256)));
  side = createServer(metricsHandler(undefined));
  [base, sideBase] = await Promise.all([listen(main), listen(side)]);
});
afterAll(async () => {
  await new Promise((r) => main?.close(r));
  await new Promise((r) => side?.close(r));
  await t?.close();
});

async function scrape(): Promise<string> {
  const r = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return r.text();
}

/** The value of one series (0 when absent): `name{a="x",b="y"}` with exactly these labels, in any order. */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).sort().join(',');
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(/,(?=\w+=")/).filter(Boolean).sort().join(',');
    if (have === want) return Number(m[3]);
  }
  return 0;
}

const post = (query: string, variables?: object, headers: Record<string, string> = {}) =>
  fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });

describe('/metrics', () => {
  it('refuses a scrape without the token, or with another', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: TOKEN }] as Array<Record<string, string>>) {
      const r = await fetch(`${base}/metrics`, { headers });
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await r.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('counts operations by name and type, their durations, and HTTP requests by route and status', async () => {
    const before = await scrape();
    const r = await post('query Roster($body: ID!, $asOf: Date!) { members(body: $body, asOf: $asOf) { position } }', { body: 'secretariat', asOf: '2025-07-01' });
    expect(r.status).toBe(200);
    expect((await r.json()).data.members.length).toBeGreaterThan(30);
    const after = await scrape();
    const op = { operationName: 'Roster', operationType: 'query' };
    expect(value(after, 'graphql_envelop_request', op) - value(before, 'graphql_envelop_request', op)).toBe(1);
    expect(value(after, 'graphql_envelop_request_duration_count', op) - value(before, 'graphql_envelop_request_duration_count', op)).toBe(1);
    expect(value(after, 'graphql_envelop_phase_parse_count', op)).toBeGreaterThanOrEqual(1);
    const http = { route: '/graphql', method: 'POST', status: '200' };
    expect(value(after, 'meibo_http_requests_total', http) - value(before, 'meibo_http_requests_total', http)).toBe(1);
    expect(value(after, 'meibo_http_request_duration_seconds_count', { route: '/graphql' })).toBeGreaterThanOrEqual(1);
    // the scrape itself is a request too, and process figures come along
    expect(value(after, 'meibo_http_requests_total', { route: '/metrics', method: 'GET', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(value(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts errors by their code: a bad day, a limit, a malformed document', async () => {
    const before = await scrape();
    expect((await post('{ members(body: "secretariat", asOf: "2025-02-30") { position } }').then((r) => r.json())).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const deep = `{ ${'bodies { parent { '.repeat(6)}code${' } }'.repeat(6)} }`;
    expect((await post(deep).then((r) => r.json())).errors[0].extensions.code).toBe('MAX_DEPTH_EXCEEDED');
    expect((await post('{ bodies {').then((r) => r.json())).errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const after = await scrape();
    for (const code of ['BAD_USER_INPUT', 'MAX_DEPTH_EXCEEDED', 'GRAPHQL_PARSE_FAILED']) {
      expect(value(after, 'meibo_graphql_errors_total', { code }) - value(before, 'meibo_graphql_errors_total', { code }), code).toBe(1);
    }
  });

  it('keeps operation names bounded: past the cap, "other"', async () => {
    for (let i = 0; i < MAX_OPERATION_NAMES + 10; i++) await post(`query Flood${i} { __typename }`);
    const text = await scrape();
    const names = new Set([...text.matchAll(/^graphql_envelop_request\{[^}]*operationName="([^"]*)"/gm)].map((m) => m[1]));
    expect(names.size).toBeLessThanOrEqual(MAX_OPERATION_NAMES + 2); // + anonymous and other
    expect(value(text, 'graphql_envelop_request', { operationName: 'other', operationType: 'query' })).toBeGreaterThanOrEqual(10);
    // no document text ever becomes a label
    expect(text).not.toContain('__typename');
  });

  it('reports the figures other modules hand it: data version, subscriptions, cache, pool, LISTEN', async () => {
    setMetricSources({ dataVersion: () => 'e1:42', subscriptions: () => 3, cacheEntries: () => 7, pool: () => ({ total: 5, idle: 2, waiting: 1 }), listenConnected: () => true });
    countCacheLookup(true);
    countCacheLookup(false);
    let text = await scrape();
    expect(value(text, 'meibo_data_version')).toBe(42);
    expect(value(text, 'meibo_data_version_known')).toBe(1);
    expect(value(text, 'meibo_subscriptions_open')).toBe(3);
    expect(value(text, 'meibo_cache_entries')).toBe(7);
    expect(value(text, 'meibo_db_pool_connections', { state: 'in_use' })).toBe(3);
    expect(value(text, 'meibo_db_pool_connections', { state: 'waiting' })).toBe(1);
    expect(value(text, 'meibo_listen_connected')).toBe(1);
    expect(value(text, 'meibo_cache_lookups_total', { result: 'hit' })).toBeGreaterThanOrEqual(1);
    setMetricSources({ dataVersion: () => null, listenConnected: () => false });
    text = await scrape();
    expect(value(text, 'meibo_data_version_known')).toBe(0);
    expect(value(text, 'meibo_data_version')).toBeNaN();
    expect(value(text, 'meibo_listen_connected')).toBe(0);
  });

  it('counts the SQL statements sent to the database', async () => {
    setMetricSources({ statements: statementsRun });
    const before = value(await scrape(), 'meibo_db_statements_total');
    // no response cache here: the chair is read from the database, in one statement or a few
    const r = await post('{ chair(body: "secretariat", asOf: "2025-07-01") { post { title } } }');
    expect(r.status).toBe(200);
    const spent = value(await scrape(), 'meibo_db_statements_total') - before;
    expect(spent).toBeGreaterThanOrEqual(1);
    expect(spent).toBeLessThanOrEqual(5);
  });

  it('on a port of its own, serves /metrics and nothing else', async () => {
    const r = await fetch(`${sideBase}/metrics`);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('meibo_http_requests_total');
    expect((await fetch(`${sideBase}/graphql`)).status).toBe(404);
  });
});

describe.runIf(PG_URL)('on PostgreSQL', () => {
  it('reports the pool\'s connections as src/server.ts wires them', async () => {
    const pg = await openTestDirectory('postgres');
    try {
      await Promise.all(Array.from({ length: 4 }, () => pg.gql('{ bodies { code members(asOf: "2025-07-01") { position } } }')));
      setMetricSources({ pool: poolStats });
      const text = await scrape();
      const open = value(text, 'meibo_db_pool_connections', { state: 'in_use' }) + value(text, 'meibo_db_pool_connections', { state: 'idle' });
      expect(open).toBeGreaterThanOrEqual(1);
      expect(value(text, 'meibo_db_pool_connections', { state: 'waiting' })).toBe(0);
    } finally {
      await pg.close();
    }
  });
});

describe('MEIBO_METRICS', () => {
  const hex = TOKEN_SHA256.toString('hex');
  it('is off by default, on with a token, or a port', () => {
    expect(loadConfig({}).metrics).toEqual({ mode: 'off' });
    expect(loadConfig({ MEIBO_METRICS: 'on', MEIBO_METRICS_TOKEN: hex }).metrics).toEqual({ mode: 'on', tokenSha256: TOKEN_SHA256 });
    expect(loadConfig({ MEIBO_METRICS: '9464' }).metrics).toEqual({ mode: 'port', port: 9464, tokenSha256: undefined });
  });
  it('refuses the public port without a token, a bad port, and a token given in clear', () => {
    expect(() => loadConfig({ MEIBO_METRICS: 'on' })).toThrow(/MEIBO_METRICS_TOKEN/);
    expect(() => loadConfig({ MEIBO_METRICS: '99999' })).toThrow(/MEIBO_METRICS must be off, on or a port/);
    expect(() => loadConfig({ MEIBO_METRICS: 'on', MEIBO_METRICS_TOKEN: TOKEN })).toThrow(/SHA-256/);
  });
});
