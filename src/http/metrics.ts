// Prometheus metrics: GraphQL operations and their phases through @graphql-yoga/plugin-prometheus
// (prom-client), every HTTP request (the fast path's cache hits and the exports included), errors
// by code, and the figures an operator watches: cache hits, misses and entries, the data version,
// subscriptions open, the database pool, the LISTEN connection. One registry for the process;
// other modules move a figure through the tiny functions below (countCacheLookup…) or hand a
// getter to setMetricSources, read at each scrape.
//
// Label values are bounded, never taken from a document: an operation name is its own label only
// if it is a trusted document's (trusted-documents.json) or one of the first MAX_OPERATION_NAMES
// other names seen; anything else is "other". Routes are a fixed list; error codes are capped too.
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createCounter, createHistogram, usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** The process's one registry (not prom-client's global one, which libraries may also fill). */
export const registry = new Registry();

// ---------------------------------------------------------------------------------------------
// Bounded labels

/** Distinct operation names labelled as themselves besides the trusted documents' own. */
export const MAX_OPERATION_NAMES = 50;
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const trustedNames = new Set<string>();
const seenNames = new Set<string>();

/** Names labelled as themselves whatever else is seen (the trusted documents' operations). */
export function knownOperationNames(names: Iterable<string>): void {
  for (const name of names) if (OPERATION_NAME.test(name)) trustedNames.add(name);
}

/** An operation's name as a label value: itself if known or among the first few seen, else "other". */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (trustedNames.has(name) || seenNames.has(name)) return name;
  if (!OPERATION_NAME.test(name) || seenNames.size >= MAX_OPERATION_NAMES) return 'other';
  seenNames.add(name);
  return name;
}

const MAX_ERROR_CODES = 40;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,39}$/;
const seenCodes = new Set<string>();
function codeLabel(code: unknown): string {
  if (typeof code !== 'string' || !ERROR_CODE.test(code)) return 'none';
  if (seenCodes.has(code)) return code;
  if (seenCodes.size >= MAX_ERROR_CODES) return 'other';
  seenCodes.add(code);
  return code;
}

/** The route of a path, from a fixed list (a path itself is never a label). */
export function routeLabel(path: string): string {
  if (path === '/graphql' || path === '/graphql/') return '/graphql';
  if (path === '/' || path === '/index.html') return '/';
  if (path === '/export/popolo.json' || path === '/export/seats.csv' || path === '/health' || path === '/ready' || path === '/metrics') return path;
  if (path.startsWith('/assets/')) return '/assets';
  if (path.startsWith('/graphiql/')) return '/graphiql';
  return 'other';
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'OPTIONS']);

// ---------------------------------------------------------------------------------------------
// meibo's own figures

export interface MetricSources {
  /** the data version answers are keyed by now (`<epoch>:<n>`), null while it cannot be trusted */
  dataVersion?: () => string | null;
  /** subscriptions of this process that listen now */
  subscriptions?: () => number;
  /** entries the response cache holds in this process */
  cacheEntries?: () => number;
  /** PostgreSQL pool(s): connections open, idle, and requests waiting for one */
  pool?: () => { total: number; idle: number; waiting: number } | undefined;
  /** whether the LISTEN connection for data-version notifications is up (PostgreSQL only) */
  listenConnected?: () => boolean | undefined;
  /** SQL statements sent to the database since the process started */
  statements?: () => number;
}

const sources: MetricSources = {};

/** Hands the scrape a getter for each figure whose source lives elsewhere (src/server.ts wires them). */
export function setMetricSources(more: MetricSources): void {
  Object.assign(sources, more);
}

const cacheLookups = new Counter({
  name: 'meibo_cache_lookups_total',
  help: 'Response-cache lookups, by result (hit or miss), fast path and Yoga alike',
  labelNames: ['result'] as const,
  registers: [registry],
});
cacheLookups.labels('hit').inc(0);
cacheLookups.labels('miss').inc(0);

/** Called by the response cache for each lookup. */
export function countCacheLookup(hit: boolean): void {
  cacheLookups.labels(hit ? 'hit' : 'miss').inc();
}

const rateLimited = new Counter({ name: 'meibo_rate_limited_total', help: 'Requests refused with 429 RATE_LIMITED', registers: [registry] });

/** Called by src/http/rate-limit.ts for each refusal. */
export function countRateLimited(): void {
  rateLimited.inc();
}

const errors = new Counter({
  name: 'meibo_graphql_errors_total',
  help: 'GraphQL errors sent to clients, by extensions.code (masked errors are INTERNAL_SERVER_ERROR)',
  labelNames: ['code'] as const,
  registers: [registry],
});

const httpRequests = new Counter({
  name: 'meibo_http_requests_total',
  help: 'HTTP requests answered, by route, method and status (cache hits answered before Yoga included)',
  labelNames: ['route', 'method', 'status'] as const,
  registers: [registry],
});
const httpDuration = new Histogram({
  name: 'meibo_http_request_duration_seconds',
  help: 'Time from a request arriving to its response finishing, by route',
  labelNames: ['route'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
  registers: [registry],
});

new Gauge({
  name: 'meibo_data_version',
  help: 'The data version answers are keyed by (the number bumped by every write); NaN while it cannot be trusted',
  registers: [registry],
  collect() {
    if (!sources.dataVersion) return;
    const v = sources.dataVersion();
    this.set(v ? Number(v.slice(v.lastIndexOf(':') + 1)) : NaN);
  },
});
new Gauge({
  name: 'meibo_data_version_known',
  help: '1 while the data version is known and answers are cached under it; 0 while reads bypass the cache',
  registers: [registry],
  collect() {
    if (sources.dataVersion) this.set(sources.dataVersion() ? 1 : 0);
  },
});
new Gauge({
  name: 'meibo_subscriptions_open',
  help: 'Subscriptions (directoryChanged) listening in this process',
  registers: [registry],
  collect() {
    if (sources.subscriptions) this.set(sources.subscriptions());
  },
});
new Gauge({
  name: 'meibo_cache_entries',
  help: 'Responses held by this process’s response cache',
  registers: [registry],
  collect() {
    if (sources.cacheEntries) this.set(sources.cacheEntries());
  },
});
new Gauge({
  name: 'meibo_db_pool_connections',
  help: 'PostgreSQL connections of this process by state (in_use, idle), and requests waiting for one (waiting)',
  labelNames: ['state'] as const,
  registers: [registry],
  collect() {
    const p = sources.pool?.();
    if (!p) return;
    this.labels('in_use').set(p.total - p.idle);
    this.labels('idle').set(p.idle);
    this.labels('waiting').set(p.waiting);
  },
});
new Counter({
  name: 'meibo_db_statements_total',
  help: 'SQL statements this process sent to the database (the embedded one or PostgreSQL), transactions’ included',
  registers: [registry],
  collect() {
    if (!sources.statements) return;
    this.reset();
    this.inc(sources.statements());
  },
});
new Gauge({
  name: 'meibo_listen_connected',
  help: '1 while the LISTEN connection for data-version notifications is up (PostgreSQL), 0 while reads bypass the cache',
  registers: [registry],
  collect() {
    const up = sources.listenConnected?.();
    if (up !== undefined) this.set(up ? 1 : 0);
  },
});

let defaultsCollected = false;

// ---------------------------------------------------------------------------------------------
// Yoga

/**
 * The Yoga plugins: operations counted and timed by @graphql-yoga/plugin-prometheus (labels:
 * operation type and bounded name), and every error a result carries counted by its code. The
 * plugin's own HTTP histogram is off (its `url` label holds the query string); HTTP is counted by
 * withHttpMetrics, which sees the fast path too.
 */
export function useMetrics(): Array<Plugin<Record<string, unknown>>> {
  if (!defaultsCollected) {
    defaultsCollected = true;
    // process CPU and memory, event-loop lag, GC: prom-client's defaults
    collectDefaultMetrics({ register: registry });
  }
  const labels = (params: { operationName?: string; operationType?: string }) => ({
    operationName: operationLabel(params.operationName),
    operationType: params.operationType ?? 'unknown',
  });
  const labelNames = ['operationName', 'operationType'] as const;
  // typed loosely: each metric of the config takes its own phases
  const phase = (name: string, help: string, phases: Array<'parse' | 'validate' | 'execute' | 'subscribe'>): any =>
    createHistogram({ registry, histogram: { name, help, labelNames }, fillLabelsFn: labels, phases: phases as never });
  return [
    usePrometheus({
      endpoint: false, // served by withMetricsEndpoint / metricsServer, behind a token or on a port of its own
      registry,
      metrics: {
        graphql_envelop_request: createCounter({
          registry,
          counter: { name: 'graphql_envelop_request', help: 'GraphQL operations executed (queries and mutations; subscriptions when they start)', labelNames },
          fillLabelsFn: labels,
        }),
        graphql_envelop_request_duration: phase('graphql_envelop_request_duration', 'Time to execute a GraphQL operation', ['execute', 'subscribe']),
        graphql_envelop_phase_parse: phase('graphql_envelop_phase_parse', 'Time spent parsing a GraphQL document', ['parse']),
        graphql_envelop_phase_validate: phase('graphql_envelop_phase_validate', 'Time spent validating a GraphQL document (limits included)', ['validate']),
        graphql_envelop_phase_execute: phase('graphql_envelop_phase_execute', 'Time spent executing a GraphQL operation', ['execute']),
        graphql_envelop_phase_subscribe: phase('graphql_envelop_phase_subscribe', 'Time spent starting a subscription', ['subscribe']),
        graphql_envelop_phase_context: false,
        graphql_envelop_request_time_summary: false,
        graphql_envelop_error_result: false, // no code label there: meibo_graphql_errors_total instead
        graphql_envelop_deprecated_field: false,
        graphql_envelop_schema_change: false,
        graphql_envelop_execute_resolver: false,
        graphql_yoga_http_duration: false,
      },
    }) as Plugin<Record<string, unknown>>,
    {
      onResultProcess({ result }) {
        for (const r of Array.isArray(result) ? result : [result]) {
          const list = (r as { errors?: Array<{ extensions?: { code?: unknown } }> } | undefined)?.errors;
          if (Array.isArray(list)) for (const e of list) errors.labels(codeLabel(e?.extensions?.code)).inc();
        }
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// HTTP

/** Counts and times every request that `handler` answers, by route, method and status. */
export function withHttpMetrics(handler: NodeHandler): NodeHandler {
  return (req, res) => {
    const started = performance.now();
    res.once('finish', () => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const route = routeLabel(q === -1 ? url : url.slice(0, q));
      const method = METHODS.has(req.method ?? '') ? req.method! : 'other';
      httpRequests.labels(route, method, String(res.statusCode)).inc();
      httpDuration.labels(route).observe((performance.now() - started) / 1000);
    });
    handler(req, res);
  };
}

const bearerMatches = (header: string | undefined, sha256: Buffer) => {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return !!m && timingSafeEqual(createHash('sha256').update(m[1]!, 'utf8').digest(), sha256);
};

/** Answers GET /metrics (with the bearer token whose SHA-256 is `tokenSha256`, when given). */
export function serveMetrics(req: IncomingMessage, res: ServerResponse, tokenSha256: Buffer | undefined): void {
  const refuse = (status: number, code: string, message: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(405, 'METHOD_NOT_ALLOWED', 'Metrics are read with GET.', { allow: 'GET, HEAD' });
  if (tokenSha256 && !bearerMatches(req.headers.authorization, tokenSha256)) {
    return refuse(401, 'UNAUTHENTICATED', 'The metrics need the bearer token configured by MEIBO_METRICS_TOKEN.', { 'www-authenticate': 'Bearer realm="meibo metrics"' });
  }
  registry.metrics().then(
    (text) => {
      res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : text);
    },
    () => refuse(500, 'INTERNAL_SERVER_ERROR', 'Unexpected error.'),
  );
}

const pathOf = (req: IncomingMessage) => {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
};

/** MEIBO_METRICS=on: /metrics on the main port, only with the token; everything else goes to `next`. */
export function withMetricsEndpoint(next: NodeHandler, tokenSha256: Buffer): NodeHandler {
  return (req, res) => (pathOf(req) === '/metrics' ? serveMetrics(req, res, tokenSha256) : next(req, res));
}

/** MEIBO_METRICS=<port>: the handler of the metrics port (only /metrics; the token when configured). */
export function metricsHandler(tokenSha256: Buffer | undefined): NodeHandler {
  return (req, res) => {
    if (pathOf(req) === '/metrics') return serveMetrics(req, res, tokenSha256);
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not found: this port serves /metrics only.\n');
  };
}
