// `npm run db:seed`: seeds the configured database from prisma/data (no-op when already seeded).
import { seedDatabase } from '../../prisma/seed.js';
import { closeAllDatabases } from '../db/adapter.js';
import { createPrismaClient } from '../db/client.js';
import { dbConfigFromEnv, describeDbConfig } from '../db/config.js';

const config = dbConfigFromEnv();
const client = createPrismaClient(config);
try {
  const result = await seedDatabase(client.prisma);
  console.log(result.seeded ? `Seeded ${describeDbConfig(config)}: ${JSON.stringify(result.counts)}` : `${describeDbConfig(config)} already holds the directory; nothing changed.`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await client.close();
  await closeAllDatabases();
}
