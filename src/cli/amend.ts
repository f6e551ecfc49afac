// `npm run amend -- <file> [--dry-run]` records an amendment file against the configured database
// (DATABASE_URL / MEIBO_DATA_DIR); `npm run amend -- --revert <instrument>` reverts the latest one.
// The operator's own database access is the authority here; the audit trail names them `cli:<user>`.
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { createResponseCache } from '../cache.js';
import { recordAmendment, revertLatestAmendment, UnknownInstrument, type WriteOutcome } from '../amendments.js';
import { closeAllDatabases } from '../db/adapter.js';
import { createPrismaClient } from '../db/client.js';
import { dbConfigFromEnv, describeDbConfig } from '../db/config.js';
import { AmendmentRejected } from '../domain/amendment.js';
import { AmendmentFileError, parseAmendmentFile } from '../domain/amendment-file.js';

const USAGE = 'usage: npm run amend -- <file.yaml> [--dry-run]\n       npm run amend -- --revert <instrument-code>';

function print(outcome: WriteOutcome) {
  const verb = outcome.dryRun ? 'Would record' : 'Recorded';
  console.log(`${verb} revision ${outcome.revision.sequence} of ${outcome.instrument.code} (decided ${outcome.revision.decidedOn}, in force ${outcome.revision.effectiveOn})`);
  for (const b of outcome.plan.bodies) {
    console.log(`  ${b.code}: ${b.added.length} added, ${b.removed.length} removed, ${b.renamed.length} renamed, ${b.unchanged} unchanged`);
    for (const r of b.renamed) console.log(`    ~ ${r.before.role} ${r.before.position}: ${r.before.title} → ${r.after.title}`);
    for (const s of b.added) console.log(`    + ${s.role} ${s.position}: ${s.title}`);
    for (const s of b.removed) console.log(`    - ${s.role} ${s.position}: ${s.title}`);
  }
}

async function main(argv: string[]): Promise<number> {
  const revert = argv.indexOf('--revert');
  const dryRun = argv.includes('--dry-run');
  const file = argv.find((a) => !a.startsWith('--') && argv[argv.indexOf(a) - 1] !== '--revert');
  if (revert < 0 && !file) {
    console.error(USAGE);
    return 2;
  }
  const config = dbConfigFromEnv();
  const client = createPrismaClient(config);
  const actor = `cli:${userInfo().username}`;
  try {
    const outcome = revert >= 0
      ? await revertLatestAmendment(client.prisma, argv[revert + 1] ?? '', { actor })
      : await recordAmendment(client.prisma, parseAmendmentFile(readFileSync(file!, 'utf8'), file), { actor, dryRun });
    print(outcome);
    console.log(outcome.dryRun ? 'Dry run: nothing was written.' : `Written to ${describeDbConfig(config)}.`);
    if (!outcome.dryRun && process.env.REDIS_URL) {
      // Servers sharing this Redis must not answer from responses cached before the write.
      const cache = createResponseCache({
        mode: 'redis', redisUrl: process.env.REDIS_URL, keyPrefix: process.env.MEIBO_REDIS_PREFIX || 'meibo:', db: client.prisma,
      });
      try {
        await cache.invalidateBodies(Object.values(outcome.bodyIds));
        console.log('Invalidated the shared response cache for the bodies of this instrument.');
      } finally {
        await cache.close();
      }
    }
    return 0;
  } catch (error) {
    if (error instanceof AmendmentRejected || error instanceof AmendmentFileError || error instanceof UnknownInstrument) {
      console.error(`Refused: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await client.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} finally {
  await closeAllDatabases();
}
