// `npm start`: serves meibo on PORT (default 4000). With no DATABASE_URL it runs on the embedded
// PGlite database, migrating and seeding it on first start; on PostgreSQL it does so only with
// MEIBO_MIGRATE_ON_START=true (otherwise run `npm run db:deploy` and `npm run db:seed`).
import { createServer } from 'node:http';
import { createApp, openDirectory, pendingMigrations } from './app.js';
import { closeAllDatabases } from './db/adapter.js';
import { dbConfigFromEnv, describeDbConfig } from './db/config.js';

const started = performance.now();
const port = Number(process.env.PORT ?? 4000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not ${JSON.stringify(process.env.PORT)}`);
  process.exit(2);
}
const config = dbConfigFromEnv();
const flag = process.env.MEIBO_MIGRATE_ON_START?.toLowerCase();
const prepare = config.kind === 'pglite' ? flag !== 'false' : flag === 'true' || flag === '1';

const directory = await openDirectory(config, { migrate: prepare, seed: prepare });
const pending = await pendingMigrations(directory);
if (pending.length > 0) {
  console.error(
    `${describeDbConfig(config)} lacks migrations ${pending.join(', ')}. ` +
      'Run `npm run db:deploy` (and `npm run db:seed`), or start with MEIBO_MIGRATE_ON_START=true.',
  );
  await directory.close();
  await closeAllDatabases();
  process.exit(1);
}

const yoga = createApp(directory.prisma);
const server = createServer(yoga);
server.listen(port, () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  const seeded = directory.seeded?.seeded ? `, seeded ${directory.seeded.counts.seats} seats` : '';
  const applied = directory.applied.length ? `, applied ${directory.applied.length} migrations` : '';
  console.log(
    `meibo ready on http://localhost:${actual}/graphql (${describeDbConfig(config)}${applied}${seeded}; ${Math.round(performance.now() - started)} ms)`,
  );
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: finishing in-flight requests, then closing the database`);
  // Stop accepting connections and wait for requests already running to finish.
  server.closeIdleConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await directory.close();
  await closeAllDatabases();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
