// `npm start`: serves meibo on PORT (default 4000). With no DATABASE_URL it runs on the embedded
// PGlite database, migrating and seeding it on first start; on PostgreSQL it does so only with
// MEIBO_MIGRATE_ON_START=true (otherwise run `npm run db:deploy` and `npm run db:seed`).
//
// Response cache (src/cache/): MEIBO_RESPONSE_CACHE=off|memory|redis; by default redis when
// REDIS_URL is set, else memory; answers are keyed by the database's data version (src/cache/version.ts).
// MEIBO_RESPONSE_CACHE_TTL_MS (default 1 h), MEIBO_REDIS_PREFIX (default `meibo:`). Hits are
// answered before Yoga by src/http/fast-path.ts; MEIBO_FAST_PATH=false sends them through Yoga too.
// HOST: interface to listen on (default: all). /health: liveness; /ready: 503 while the database does not answer or the server is stopping.
// SIGTERM/SIGINT: stop accepting, finish in-flight requests (at most MEIBO_SHUTDOWN_TIMEOUT_MS,
// default 10 s), then close Redis and the database.
import './production.js';
import { createServer } from 'node:http';
import { DataDirNotWritable, openDirectory, pendingMigrations } from './db/open.js';
import { loadConfig } from './config.js';
import { closeAllDatabases, poolStats, statementsRun } from './db/adapter.js';
import { replicationWarnings } from './db/client.js';
import { describeDbConfig } from './db/config.js';
import { claimDataDir, takeoverNotice } from './db/owner.js';
import { createLogger, flushLogs, withRequestLog } from './log.js';
import { newRedis } from './redis.js';

const started = performance.now();
// Everything configurable, read once (src/config.ts). Everything this process says is a JSON log
// line (src/log.ts), its refusals to start included.
const loaded = (() => {
  try {
    return loadConfig();
  } catch (error) {
    return error as Error;
  }
})();
const log = createLogger(loaded instanceof Error ? 'info' : loaded.logLevel);
function fail(message: string, code?: string): never {
  if (code) log.fatal({ code }, message);
  else log.fatal(message);
  flushLogs();
  process.exit(2);
}
if (loaded instanceof Error) fail(loaded.message);
const settings = loaded;
const config = settings.db;
const { tokens, cors, requestTimeoutMs, shutdownTimeoutMs, port } = settings;
const prepare = settings.migrateOnStart;

// The embedded database has one owner: this server, until it stops (src/db/owner.ts).
const ownership = (() => {
  try {
    return claimDataDir(config, 'server');
  } catch (error) {
    fail((error as Error).message);
  }
})();
const takeover = takeoverNotice(ownership);
if (takeover) log.warn(takeover);

// The database opens (on a first start the template's ~1,000 files are copied on libuv's threads,
// then PGlite reads its wasm and starts PostgreSQL) while the GraphQL stack's modules load on this
// thread. A failure to open is taken as a value at once (no unhandled rejection meanwhile) and
// reported as before once the modules are in.
const opening = openDirectory(config, { migrate: prepare, seed: prepare }).then(
  (opened) => ({ opened }),
  (error: Error) => ({ error }),
);
const [
  { createApp },
  { createResponseCache },
  { withFastPath },
  { directPath },
  { useDatabaseReadiness },
  { withExports },
  { createLive },
  { withPage },
  rateLimiting,
  { asTrustedCaller, loadTrustedDocuments, trustedOperationNames },
] = await Promise.all([
  import('./app.js'),
  import('./cache.js'),
  import('./http/fast-path.js'),
  import('./http/direct.js'),
  import('./http/health.js'),
  import('./http/export.js'),
  import('./live.js'),
  import('./http/page.js'),
  // the limiter (rate-limiter-flexible, 0.18 MB of the build) only when MEIBO_RATE_LIMIT asks for one
  settings.rateLimit ? import('./http/rate-limit.js') : undefined,
  import('./http/trusted.js'),
]);
const openedOrFailed = await opening;
if ('error' in openedOrFailed) {
  const { error } = openedOrFailed;
  // a read-only data directory (src/db/open.ts): its coded message, not PGlite's wasm stack
  if (error instanceof DataDirNotWritable) fail(error.message, error.code);
  throw error;
}
const directory = openedOrFailed.opened;
// asked once: opening has looked already when it was to migrate and found nothing to apply
const pending = directory.pending ?? (await pendingMigrations(directory));
if (pending.length > 0) {
  log.fatal(
    `${describeDbConfig(config)} lacks migrations ${pending.join(', ')}. ` +
      'Run `npm run db:deploy` (and `npm run db:seed`), or start with MEIBO_MIGRATE_ON_START=true.',
  );
  await directory.close();
  await closeAllDatabases();
  flushLogs();
  process.exit(1);
}

for (const warning of await replicationWarnings(directory)) log.warn(warning);

// Metrics (MEIBO_METRICS) only when asked for: prom-client and Yoga's Prometheus plugin are loaded
// with them (~40-80 ms of every start otherwise).
const metricsOn = settings.metrics.mode !== 'off';
const metrics = metricsOn ? await import('./http/metrics.js') : undefined;

const cache = createResponseCache({
  mode: settings.cache.mode,
  redisUrl: settings.cache.redisUrl,
  keyPrefix: settings.cache.prefix,
  ttlMs: settings.cache.ttlMs,
  db: directory.prisma,
  // on PostgreSQL other processes write too: their commits are announced (LISTEN meibo_data_version)
  listen: config.kind === 'postgres' ? { url: config.url, schema: config.schema } : undefined,
  exposeCacheStatus: settings.cache.debug,
  // Redis lost and back, the LISTEN connection lost and back: one line each, as JSON
  log: log.child({ component: 'cache' }),
  onLookup: metrics?.countCacheLookup,
});
await cache.ready();
// Live updates (subscription directoryChanged): shared by every instance through Redis when REDIS_URL is set.
// At most MEIBO_LIVE_MAX_SUBSCRIPTIONS open, MEIBO_LIVE_MAX_PER_CLIENT per client (TOO_MANY_SUBSCRIPTIONS beyond).
const live = createLive({ redisUrl: settings.cache.redisUrl, prefix: settings.cache.prefix, log: log.child({ component: 'live' }), limits: settings.liveLimits });
let draining = false;
// Metrics (MEIBO_METRICS) and traces (OTEL_EXPORTER_OTLP_ENDPOINT) only when asked for.
if (metrics) {
  metrics.knownOperationNames(trustedOperationNames(loadTrustedDocuments()));
  metrics.setMetricSources({ dataVersion: () => cache.version(), subscriptions: () => live.listening(), pool: poolStats, statements: statementsRun });
}
// OpenTelemetry's packages are loaded only when traces are asked for (~6 MiB and ~0.2 s otherwise)
const tracing = settings.tracing ? (await import('./http/tracing.js')).createTracing(settings.tracing) : undefined;
// Plain anonymous queries past Yoga's Fetch layer (src/http/direct.ts), unless MEIBO_DIRECT_PATH=false;
// never while metrics or traces are on, whose Yoga plugins must see every request.
const direct = settings.directPath && !metrics && !tracing ? directPath(log.child({ component: 'direct' })) : undefined;
const yoga = createApp(directory.prisma, {
  observe: [...(metrics?.useMetrics() ?? []), ...(tracing?.plugins ?? [])],
  trustedDocumentsOnly: settings.trustedDocumentsOnly,
  // a query document asked again runs compiled (src/compiled-queries.ts), unless MEIBO_COMPILED_QUERIES=false
  compiledQueries: settings.compiledQueries,
  plugins: [...(direct ? [direct.plugin] : []), useDatabaseReadiness({ db: directory.prisma, replicas: directory.replicas, draining: () => draining }), cache.plugin],
  tokens,
  // queries read from a replica when DATABASE_REPLICA_URLS names some; mutations stay on the primary
  reader: directory.reader,
  requestTimeoutMs,
  log,
  cors,
  // after each committed write: this instance's next answer is keyed by the new data version
  afterWrite: () => cache.refresh(),
  live,
});
// Cache hits are answered before Yoga (src/http/fast-path.ts) unless MEIBO_FAST_PATH=false.
const fastPath = cache.mode !== 'off' && settings.cache.fastPath;
// Every request, fast path or Yoga, gets its id and its log line (src/log.ts).
// The page (`GET /`, /assets/*, GraphiQL's /graphiql/*) is served before Yoga (src/http/page.ts).
const queries = direct ? direct.wrap(yoga, cors) : yoga;
const graphqlHandler = fastPath ? withFastPath(cache, queries, cors) : queries;
// The exports (/export/popolo.json, /export/seats.csv) are answered from Yoga's own answers
// (src/http/export.ts): their documents are meibo's own, trusted whatever MEIBO_TRUSTED_DOCUMENTS_ONLY says.
// `/` comes with the roster rendered on the server, read through Yoga like any client's query.
let handler = withExports(asTrustedCaller(yoga), withPage(graphqlHandler, { app: asTrustedCaller(yoga), log }), log, { publicUrl: settings.publicUrl });
// Anonymous clients limited per address (MEIBO_RATE_LIMIT), before any work; shared through Redis when there is one.
const rateRedis = settings.rateLimit && settings.cache.redisUrl ? newRedis(settings.cache.redisUrl, { connectionName: 'meibo rate limit', maxRetriesPerRequest: 1, commandTimeout: 250, enableOfflineQueue: false }) : undefined;
rateRedis?.on('error', () => {}); // the limiter counts in memory meanwhile
if (settings.rateLimit && rateLimiting) handler = rateLimiting.createRateLimiter({ ...settings.rateLimit, tokens, redis: rateRedis, prefix: settings.cache.prefix, onRefused: metrics?.countRateLimited }).wrap(handler);
if (metrics && settings.metrics.mode === 'on') handler = metrics.withMetricsEndpoint(handler, settings.metrics.tokenSha256);
if (metrics) handler = metrics.withHttpMetrics(handler);
const server = createServer(withRequestLog(handler, log));
const metricsServer = metrics && settings.metrics.mode === 'port' ? createServer(metrics.metricsHandler(settings.metrics.tokenSha256)) : undefined;
metricsServer?.listen(settings.metrics.mode === 'port' ? settings.metrics.port : 0, settings.host);
server.listen(port, settings.host, () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  ownership?.update({ url: `http://localhost:${actual}/graphql` });
  // seats as the API counts them (tenures), and the listings they come from (one per seat and revision)
  const seeded = directory.fromTemplate
    ? ', made from the seeded template'
    : directory.seeded?.seeded ? `, seeded ${directory.seeded.counts.seats} seats from ${directory.seeded.counts.listings} listings` : '';
  const applied = directory.applied.length ? `, applied ${directory.applied.length} migrations` : '';
  log.info(
    `meibo ready on http://localhost:${actual}/graphql (${describeDbConfig(config)}${applied}${seeded}; ` +
      `response cache ${cache.mode}${fastPath ? ' + fast path' : ''}; ${Math.round(performance.now() - started)} ms)`,
  );
});

async function shutdown(signal: string) {
  if (draining) return;
  draining = true;
  log.info(`${signal}: finishing in-flight requests, then closing the cache and the database`);
  // Stop accepting; close keep-alive connections as soon as they are idle (their request done).
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // Subscriptions never finish by themselves: end their streams (clients reconnect elsewhere).
  const liveClosed = live.close();
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  const deadline = setTimeout(() => {
    log.warn(`requests still running after ${shutdownTimeoutMs} ms; closing their connections`);
    server.closeAllConnections();
  }, shutdownTimeoutMs);
  await closed;
  clearInterval(sweep);
  clearTimeout(deadline);
  await yoga.dispose();
  metricsServer?.close();
  await tracing?.shutdown().catch(() => {});
  rateRedis?.disconnect();
  await liveClosed;
  await cache.close();
  await directory.close();
  await closeAllDatabases();
  ownership?.release();
  log.info('stopped');
  flushLogs();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
