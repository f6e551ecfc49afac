// Traces as a collector receives them (here an in-memory exporter): one server span per request
// with the request id the client and the logs have, the GraphQL operation as its child, never the
// document or its variables; and nothing at all unless an OTLP endpoint is configured.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createTracing, REQUEST_ID_ATTRIBUTE, type Tracing } from '../src/http/tracing.js';
import { openTestDirectory, type TestDirectory } from './support/harness.js';

let t: TestDirectory;
let tracing: Tracing;
let yoga: ReturnType<typeof createApp>;
const exporter = new InMemorySpanExporter();

beforeAll(async () => {
  t = await openTestDirectory('pglite');
  // the URL is never reached: spans go to the in-memory exporter instead
  tracing = createTracing({ url: 'http://127.0.0.1:1/v1/traces', serviceName: 'meibo-test' }, new SimpleSpanProcessor(exporter));
  yoga = createApp(t.directory.prisma, { observe: tracing.plugins });
});
afterAll(async () => {
  await tracing?.shutdown();
  await t?.close();
});
beforeEach(() => exporter.reset());

const post = (query: string, variables?: object, headers: Record<string, string> = {}) =>
  yoga.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });

describe('traces', () => {
  it('a request is a server span with its request id and status; its operation a child span with the same id', async () => {
    const r = await post('query Roster($body: ID!, $asOf: Date!) { members(body: $body, asOf: $asOf) { position } }', { body: 'secretariat', asOf: '2025-07-01' }, { 'x-request-id': 'trace-me-1' });
    expect(r.status).toBe(200);
    await r.text();
    const spans = exporter.getFinishedSpans();
    const http = spans.find((s) => s.name === 'POST /graphql');
    const op = spans.find((s) => s.name === 'query.Roster');
    expect(http).toBeDefined();
    expect(op).toBeDefined();
    expect(http!.kind).toBe(SpanKind.SERVER);
    expect(http!.attributes).toMatchObject({ [REQUEST_ID_ATTRIBUTE]: 'trace-me-1', 'http.request.method': 'POST', 'http.route': '/graphql', 'http.response.status_code': 200 });
    expect(op!.spanContext().traceId).toBe(http!.spanContext().traceId);
    expect(op!.parentSpanId).toBe(http!.spanContext().spanId);
    expect(op!.attributes).toMatchObject({ [REQUEST_ID_ATTRIBUTE]: 'trace-me-1', 'graphql.execute.operationName': 'Roster', 'graphql.execute.operationType': 'query' });
    // never the document, its variables or the answer
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toMatch(/members|secretariat|2025-07-01/);
    expect(http!.resource.attributes['service.name']).toBe('meibo-test');
  });

  it('a request without an x-request-id is traced under the id meibo gave it', async () => {
    const r = await post('{ bodies { code } }');
    const id = r.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await r.text();
    const http = exporter.getFinishedSpans().find((s) => s.name === 'POST /graphql');
    expect(http!.attributes[REQUEST_ID_ATTRIBUTE]).toBe(id);
    expect(exporter.getFinishedSpans().some((s) => s.name === 'query.anonymous')).toBe(true);
  });

  it('an operation that fails is marked as an error', async () => {
    const r = await post('query Bad { members(body: "nope", asOf: "2025-07-01") { position } }');
    expect((await r.json()).errors[0].extensions.code).toBe('NOT_FOUND');
    const op = exporter.getFinishedSpans().find((s) => s.name === 'query.Bad');
    expect(op!.status.code).toBe(SpanStatusCode.ERROR);
  });
});

describe('OTEL_* configuration', () => {
  it('is off unless an OTLP endpoint is set', () => {
    expect(loadConfig({}).tracing).toBeNull();
    expect(loadConfig({ OTEL_SERVICE_NAME: 'x' }).tracing).toBeNull();
  });
  it('sends to <OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces, or to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({ url: 'http://collector:4318/v1/traces', serviceName: 'meibo' });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://c.example/traces', OTEL_SERVICE_NAME: 'meibo-tokyo' }).tracing).toEqual({ url: 'https://c.example/traces', serviceName: 'meibo-tokyo' });
  });
  it('is off with OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none; another exporter or a bad URL is refused', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).tracing).toBeNull();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }).tracing).toBeNull();
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/OTEL_TRACES_EXPORTER/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/http\(s\) URL/);
  });
});
