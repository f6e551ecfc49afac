// `npx meibo export popolo|csv [--body CODE] [--as-of D] [--known-at D] [--base-url URL]` (or `npm run --silent export -- …`) writes the export to
// stdout: the same bytes as GET /export/popolo.json and /export/seats.csv (src/http/export.ts),
// read through the same GraphQL API from the configured database (DATABASE_URL / MEIBO_DATA_DIR).
// On the embedded database it takes the data directory for its duration, as the other CLIs do
// (stop the server first, or ask the server's URL instead).
import { createApp } from '../app.js';
import { createPrismaClient } from '../db/client.js';
import { loadConfig } from '../config.js';
import { EXPORT_PATHS, executeThrough, renderExport } from '../http/export.js';
import { claimForCommand, CliError, requireMigrated, runCli } from './common.js';

const USAGE = 'usage: npx meibo export popolo|csv [--body CODE] [--as-of DAY] [--known-at DAY] [--base-url URL]';

function parseArgs(argv: string[]) {
  const usage = (why: string) => new CliError(`${why}\n${USAGE}`, 2);
  const [kind, ...rest] = argv;
  if (kind !== 'popolo' && kind !== 'csv') throw usage(kind ? `unknown export ${JSON.stringify(kind)}` : 'which export?');
  const search = new URLSearchParams();
  // links in the Popolo sources point at the server that would answer them (default MEIBO_PUBLIC_URL; none without it)
  let baseUrl: string | undefined;
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    if (value === undefined || value.startsWith('--')) throw usage(`${flag} needs a value`);
    if (flag === '--body') search.set('body', value);
    else if (flag === '--as-of') search.set('asOf', value);
    else if (flag === '--known-at') search.set('knownAt', value);
    else if (flag === '--base-url') baseUrl = value;
    else throw usage(`unknown option ${flag}`);
  }
  return { kind: kind as keyof typeof EXPORT_PATHS, search, baseUrl };
}

await runCli(async () => {
  const { kind, search, baseUrl } = parseArgs(process.argv.slice(2));
  const settings = loadConfig();
  const config = settings.db;
  claimForCommand(config, 'npm run export');
  const client = createPrismaClient(config);
  try {
    await requireMigrated(config, client);
    const yoga = createApp(client.prisma);
    const { status, body } = await renderExport(executeThrough(yoga), kind, search, { publicUrl: baseUrl ?? settings.publicUrl });
    if (status !== 200) {
      const error = JSON.parse(body).errors[0];
      throw new CliError(`Refused (${error.extensions.code}): ${error.message}`);
    }
    await new Promise<void>((resolve, reject) => process.stdout.write(body, (e) => (e ? reject(e) : resolve())));
    return 0;
  } finally {
    await client.close();
  }
});
