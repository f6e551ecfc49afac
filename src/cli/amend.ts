// `npm run amend -- <file> [--dry-run]` records an amendment file against the configured database
// (DATABASE_URL / MEIBO_DATA_DIR); `npm run amend -- --revert <instrument>` reverts the latest one.
// The operator's own database access is the authority here; the audit trail names them `cli:<user>`.
// On the embedded database the command takes the data directory for its duration, and refuses
// while a server (or another command) has it, naming it. Running servers need no telling: the
// write moves the database's data version (src/cache.ts), which their caches are keyed by. With
// REDIS_URL set, their live-update subscribers are told too (src/live.ts).
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { recordAmendment, revertLatestAmendment, UnknownInstrument, type WriteOutcome } from '../write/amendments.js';
import { createPrismaClient } from '../db/client.js';
import { loadConfig } from '../config.js';
import { describeDbConfig } from '../db/config.js';
import { AmendmentRejected } from '../domain/amendment-plan.js';
import { AmendmentFileError, parseAmendmentFile } from '../domain/amendment-file.js';
import { createLive } from '../live.js';
import { afterCommit } from '../write/after-commit.js';
import { claimForCommand, CliError, isMissingTable, notMigrated, requireMigrated, runCli } from './common.js';
import { fromList } from './from-list.js';

const USAGE = 'usage: npm run amend -- <file.yaml> [--dry-run]\n       npm run amend -- --revert <instrument-code>\n       npm run amend -- --from-list <list.txt> --body <code> --instrument <code> --effective <day> (plans a file; see src/cli/from-list.ts)';

type Command = { kind: 'record'; file: string; dryRun: boolean } | { kind: 'revert'; instrument: string };

/** The command line, or a usage error. */
function parseArgs(argv: string[]): Command {
  const usage = (why: string) => new CliError(`${why}\n${USAGE}`, 2);
  const flags = argv.filter((a) => a.startsWith('-'));
  const unknown = flags.find((f) => f !== '--dry-run' && f !== '--revert');
  if (unknown) throw usage(`unknown option ${unknown}`);
  const revert = argv.indexOf('--revert');
  if (revert >= 0) {
    const instrument = argv[revert + 1];
    if (!instrument || instrument.startsWith('-') || !instrument.trim()) throw usage('--revert needs the code of the instrument whose latest amendment to revert');
    if (argv.length !== 2) throw usage('--revert takes one instrument code and nothing else');
    return { kind: 'revert', instrument };
  }
  const files = argv.filter((a) => !a.startsWith('-'));
  if (files.length !== 1) throw usage(files.length ? 'one amendment file at a time' : 'which amendment file?');
  return { kind: 'record', file: files[0], dryRun: flags.includes('--dry-run') };
}

function readAmendmentFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new CliError(`Cannot read the amendment file ${file}: ${why}.`);
  }
}

function print(outcome: WriteOutcome, reverted: boolean) {
  const { revision, instrument } = outcome;
  const verb = reverted ? 'Reverted' : outcome.dryRun ? 'Would record' : 'Recorded';
  console.log(`${verb} revision ${revision.sequence} of ${instrument.code} (decided ${revision.decidedOn}, in force ${revision.effectiveOn})${reverted ? ': the lists are as before it' : ''}`);
  for (const b of outcome.plan.bodies) {
    console.log(`  ${b.code}: ${b.added.length} added, ${b.removed.length} removed, ${b.renamed.length} renamed, ${b.unchanged} unchanged`);
    for (const r of b.renamed) console.log(`    ~ ${r.before.role} ${r.before.position}: ${r.before.title} → ${r.after.title}`);
    for (const s of b.added) console.log(`    + ${s.role} ${s.position}: ${s.title}`);
    for (const s of b.removed) console.log(`    - ${s.role} ${s.position}: ${s.title}`);
  }
}

/**
 * With REDIS_URL (as the servers have it), the servers' `directoryChanged` subscribers are told,
 * as after a write through the API. The write has committed whatever happens here.
 */
async function tellSubscribers(outcome: WriteOutcome, action: 'RECORDED' | 'REVERTED') {
  const { redisUrl, prefix } = loadConfig().cache;
  if (!redisUrl) return;
  const live = createLive({ redisUrl, prefix, publishOnly: true });
  try {
    // The same after-commit service as the API's mutations; the servers' caches learn the new data
    // version from the database itself, so only subscribers are told from here.
    await afterCommit(outcome, action, { live, awaitPublish: true, log: { warn: (message) => console.error(`warning: ${message}`), info: (message) => console.log(message) } });
  } finally {
    await live.close();
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--from-list')) return fromList(argv);
  const command = parseArgs(argv);
  // The file first: a typo in its name costs no database start.
  const amendment = command.kind === 'record' ? parseAmendmentFile(readAmendmentFile(command.file), command.file) : null;
  const config = loadConfig().db;
  claimForCommand(config, 'npm run amend');
  const client = createPrismaClient(config);
  const actor = `cli:${userInfo().username}`;
  try {
    await requireMigrated(config, client);
    const outcome = command.kind === 'revert'
      ? await revertLatestAmendment(client.prisma, command.instrument, { actor })
      : await recordAmendment(client.prisma, amendment!, { actor, dryRun: command.kind === 'record' && command.dryRun });
    print(outcome, command.kind === 'revert');
    console.log(outcome.dryRun ? 'Dry run: nothing was written.' : `Written to ${describeDbConfig(config)}.`);
    if (!outcome.dryRun) await tellSubscribers(outcome, command.kind === 'revert' ? 'REVERTED' : 'RECORDED');
    return 0;
  } catch (error) {
    if (error instanceof AmendmentRejected || error instanceof AmendmentFileError || error instanceof UnknownInstrument) {
      throw new CliError(`Refused: ${error.message}`);
    }
    if (isMissingTable(error)) throw notMigrated(config, ['(tables missing)']);
    throw error;
  } finally {
    // The data directory is released when the process exits, after the database has closed.
    await client.close();
  }
}

await runCli(async () => {
  try {
    return await main(process.argv.slice(2));
  } catch (error) {
    // A file that does not parse is refused before anything is opened.
    if (error instanceof AmendmentFileError) throw new CliError(`Refused: ${error.message}`);
    throw error;
  }
});
