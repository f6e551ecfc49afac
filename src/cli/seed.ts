// `npm run db:seed`: seeds the configured database from prisma/data (no-op when already seeded).
// On the embedded database it takes the data directory for its duration (src/db/owner.ts).
import { seedDatabase } from '../../prisma/seed.js';
import { createPrismaClient } from '../db/client.js';
import { loadConfig } from '../config.js';
import { describeDbConfig } from '../db/config.js';
import { claimForCommand, isMissingTable, notMigrated, requireMigrated, runCli } from './common.js';

await runCli(async () => {
  const config = loadConfig().db;
  claimForCommand(config, 'npm run db:seed');
  const client = createPrismaClient(config);
  try {
    await requireMigrated(config, client);
    const result = await seedDatabase(client.prisma);
    console.log(result.seeded ? `Seeded ${describeDbConfig(config)}: ${JSON.stringify(result.counts)}` : `${describeDbConfig(config)} already holds the directory; nothing changed.`);
    return 0;
  } catch (error) {
    if (isMissingTable(error)) throw notMigrated(config, ['(tables missing)']);
    throw error;
  } finally {
    await client.close();
  }
});
