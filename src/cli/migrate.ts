// Migrations without the Prisma CLI's native engine:
//   tsx src/cli/migrate.ts deploy          apply pending migrations (prisma migrate deploy)
//   tsx src/cli/migrate.ts create <name>   write the next migration (prisma migrate dev --create-only)
//   tsx src/cli/migrate.ts drift           exit 1 when schema.prisma needs a migration
// The database comes from DATABASE_URL / MEIBO_DATA_DIR (src/db/config.ts).
import { loadConfig } from '../config.js';
import { describeDbConfig } from '../db/config.js';
import { checkDrift, createMigration, deployMigrations } from '../db/migrate.js';
import { claimForCommand, CliError, runCli } from './common.js';

const USAGE = 'usage: tsx src/cli/migrate.ts deploy | create <name> | drift';

async function main(argv: string[]): Promise<number> {
  const [command, name] = argv;
  if (command !== 'deploy' && command !== 'create' && command !== 'drift') throw new CliError(USAGE, 2);
  if (command === 'create' && !/^[A-Za-z0-9_]+$/.test(name ?? '')) {
    throw new CliError(`a migration name of letters, digits and _ is required\n${USAGE}`, 2);
  }
  const config = loadConfig().db;
  // deploy and create migrate the configured database; drift works on a throwaway one.
  if (command !== 'drift') claimForCommand(config, `npm run db:${command === 'deploy' ? 'deploy' : 'migrate'}`);
  const started = performance.now();
  const took = () => `${Math.round(performance.now() - started)} ms`;
  if (command === 'deploy') {
    const applied = await deployMigrations(config);
    console.log(applied.length ? `Applied to ${describeDbConfig(config)}:\n  ${applied.join('\n  ')}` : `${describeDbConfig(config)} is up to date.`);
    console.log(`(${took()})`);
    return 0;
  }
  if (command === 'create') {
    const created = await createMigration(config, name!);
    const empty = !created.script.replace(/^--.*$/gm, '').trim();
    console.log(`Created ${created.dir}/migration.sql${empty ? ' (empty: schema.prisma already matches; write the SQL by hand)' : ''} (${took()})`);
    console.log('Review it, then run `npm run db:deploy`.');
    return 0;
  }
  const report = await checkDrift();
  if (report.drift) {
    console.error(`prisma/schema.prisma differs from prisma/migrations; a new migration needs:\n\n${report.script}`);
    return 1;
  }
  console.log(`No drift (${took()}).`);
  return 0;
}

await runCli(() => main(process.argv.slice(2)));
