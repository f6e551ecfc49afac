// `npm start`: serves meibo on PORT (default 4000). With no DATABASE_URL it runs on the embedded
// PGlite database, migrating and seeding it on first start; on PostgreSQL it does so only with
// MEIBO_MIGRATE_ON_START=true (otherwise run `npm run db:deploy` and `npm run db:seed`).
//
// Response cache (src/cache.ts): MEIBO_RESPONSE_CACHE=off|memory|redis; by default redis when
// REDIS_URL is set, else memory; answers are keyed by the database's data version (src/cache.ts).
// MEIBO_RESPONSE_CACHE_TTL_MS (default 1 h), MEIBO_REDIS_PREFIX (default `meibo:`). Hits are
// answered before Yoga by src/fast-path.ts; MEIBO_FAST_PATH=false sends them through Yoga too.
// HOST: interface to listen on (default: all). /health: liveness; /ready: 503 while the database does not answer or the server is stopping.
// SIGTERM/SIGINT: stop accepting, finish in-flight requests (at most MEIBO_SHUTDOWN_TIMEOUT_MS,
// default 10 s), then close Redis and the database.
import { createServer } from 'node:http';
import { createApp, openDirectory, pendingMigrations } from './app.js';
import { parseTokens } from './auth.js';
import { createResponseCache, DEFAULT_TTL_MS, responseCacheModeFromEnv } from './cache.js';
import { closeAllDatabases } from './db/adapter.js';
import { replicationWarnings } from './db/client.js';
import { dbConfigFromEnv, describeDbConfig, requestTimeoutMsFromEnv } from './db/config.js';
import { claimDataDir, takeoverNotice } from './db/owner.js';
import { withFastPath } from './fast-path.js';
import { useDatabaseReadiness } from './health.js';
import { withExports } from './http/export.js';
import { createLive } from './live.js';
import { withPage } from './http/page.js';
import { corsOptionsFrom } from './cors.js';
import { createLogger, LOG_LEVELS, withRequestLog, type LogLevel } from './log.js';

const started = performance.now();
const env = process.env;
// MEIBO_LOG_LEVEL: JSON lines on stdout, one per request and one per masked error (src/log.ts);
// everything this process says goes there, its refusals to start included.
const logLevel = (env.MEIBO_LOG_LEVEL?.trim().toLowerCase() || 'info') as LogLevel;
const log = createLogger(LOG_LEVELS.includes(logLevel) ? logLevel : 'info');
function fail(message: string): never {
  log.fatal(message);
  process.exit(2);
}
if (!LOG_LEVELS.includes(logLevel)) fail(`MEIBO_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(env.MEIBO_LOG_LEVEL)}`);
const port = Number(env.PORT ?? 4000);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be a port number, not ${JSON.stringify(env.PORT)}`);
const ttlMs = Number(env.MEIBO_RESPONSE_CACHE_TTL_MS ?? DEFAULT_TTL_MS);
if (!Number.isFinite(ttlMs) || ttlMs <= 0) fail(`MEIBO_RESPONSE_CACHE_TTL_MS must be a positive number of ms, not ${JSON.stringify(env.MEIBO_RESPONSE_CACHE_TTL_MS)}`);
const shutdownTimeoutMs = Number(env.MEIBO_SHUTDOWN_TIMEOUT_MS ?? 10_000);
if (!Number.isFinite(shutdownTimeoutMs) || shutdownTimeoutMs < 0) fail(`MEIBO_SHUTDOWN_TIMEOUT_MS must be a number of ms`);

const config = (() => {
  try {
    return dbConfigFromEnv();
  } catch (error) {
    fail((error as Error).message);
  }
})();
// MEIBO_PG_CONNECT_TIMEOUT_MS / MEIBO_PG_STATEMENT_TIMEOUT_MS (in the config) and this bound a request's wait for PostgreSQL
const requestTimeoutMs = (() => {
  try {
    return requestTimeoutMsFromEnv();
  } catch (error) {
    fail((error as Error).message);
  }
})();
// MEIBO_CORS_ORIGINS / MEIBO_CORS_CREDENTIALS (src/cors.ts): default any origin, no credentials
const cors = (() => {
  try {
    return corsOptionsFrom(env.MEIBO_CORS_ORIGINS, env.MEIBO_CORS_CREDENTIALS);
  } catch (error) {
    fail((error as Error).message);
  }
})();
let cacheMode;
try {
  cacheMode = responseCacheModeFromEnv(env, config.kind);
} catch (error) {
  fail((error as Error).message);
}
if (cacheMode === 'redis' && !env.REDIS_URL) fail('MEIBO_RESPONSE_CACHE=redis needs REDIS_URL');
const tokens = (() => {
  try {
    return parseTokens(env.MEIBO_TOKENS);
  } catch (error) {
    fail((error as Error).message);
  }
})();
const flag = env.MEIBO_MIGRATE_ON_START?.toLowerCase();
const prepare = config.kind === 'pglite' ? flag !== 'false' : flag === 'true' || flag === '1';

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

const directory = await openDirectory(config, { migrate: prepare, seed: prepare });
const pending = await pendingMigrations(directory);
if (pending.length > 0) {
  log.fatal(
    `${describeDbConfig(config)} lacks migrations ${pending.join(', ')}. ` +
      'Run `npm run db:deploy` (and `npm run db:seed`), or start with MEIBO_MIGRATE_ON_START=true.',
  );
  await directory.close();
  await closeAllDatabases();
  process.exit(1);
}

for (const warning of await replicationWarnings(directory)) log.warn(warning);

const cache = createResponseCache({
  mode: cacheMode,
  redisUrl: env.REDIS_URL,
  keyPrefix: env.MEIBO_REDIS_PREFIX || 'meibo:',
  ttlMs,
  db: directory.prisma,
  // on PostgreSQL other processes write too: their commits are announced (LISTEN meibo_data_version)
  listen: config.kind === 'postgres' ? { url: config.url, schema: config.schema } : undefined,
  exposeCacheStatus: env.MEIBO_RESPONSE_CACHE_DEBUG === 'true',
  // Redis lost and back, the LISTEN connection lost and back: one line each, as JSON
  log: log.child({ component: 'cache' }),
});
await cache.ready();
// Live updates (subscription directoryChanged): shared by every instance through Redis when REDIS_URL is set.
const live = createLive({ redisUrl: env.REDIS_URL, prefix: env.MEIBO_REDIS_PREFIX || 'meibo:', log: log.child({ component: 'live' }) });
let draining = false;
const yoga = createApp(directory.prisma, {
  plugins: [useDatabaseReadiness({ db: directory.prisma, replicas: directory.replicas, draining: () => draining }), cache.plugin],
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
// Cache hits are answered before Yoga (src/fast-path.ts) unless MEIBO_FAST_PATH=false.
const fastPath = cache.mode !== 'off' && env.MEIBO_FAST_PATH?.toLowerCase() !== 'false';
// Every request, fast path or Yoga, gets its id and its log line (src/log.ts).
// The page (`GET /`, /assets/*, GraphiQL's /graphiql/*) is served before Yoga (src/http/page.ts).
const graphqlHandler = fastPath ? withFastPath(cache, yoga, '/graphql', cors) : yoga;
// The exports (/export/popolo.json, /export/seats.csv) are answered from Yoga's own answers (src/http/export.ts).
const server = createServer(withRequestLog(withExports(yoga, withPage(graphqlHandler), log), log));
server.listen(port, env.HOST || undefined, () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  ownership?.update({ url: `http://localhost:${actual}/graphql` });
  const seeded = directory.seeded?.seeded ? `, seeded ${directory.seeded.counts.seats} seats` : '';
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
  await liveClosed;
  await cache.close();
  await directory.close();
  await closeAllDatabases();
  ownership?.release();
  log.info('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
