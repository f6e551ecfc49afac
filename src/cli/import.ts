// `npm run import -- <notice.txt> [--out <dir>] [--dry-run] [--force] [hints]` reads a notice
// (the text of its PDF, as in prisma/data/sources/), checks each list it prints as before the
// amendment against meibo's (DATABASE_URL / MEIBO_DATA_DIR) in force the day before it takes
// effect, and writes one amendment file per instrument whose lists it changes, planned from the
// lists after (src/domain/proposal.ts). It prints the 新旧対照表 with the changed characters marked.
// It records nothing: review the files, then `npm run amend -- <file>`.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { addDays } from '../domain/dates.js';
import { CliError, runCli } from './common.js';
import { ImportRefused, planNotice } from './import-notice.js';
import { amendmentYaml, comparisonTable, describeUnplaced, parseHints, withDatabase, writeNew } from './planning.js';

const USAGE = 'usage: npm run import -- <notice.txt> [--out <dir>] [--dry-run] [--force]\n' +
  "       hints: --join <line> --split <line> --pair 'old=>new' --apart 'old=>new' --org 'title=organization'";

async function main(argv: string[]): Promise<number> {
  const usage = (why: string) => new CliError(`${why}\n${USAGE}`, 2);
  const { hints, rest } = parseHints(argv, usage);
  let out = '.';
  const files: string[] = [];
  let dryRun = false;
  let force = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--dry-run') dryRun = true;
    else if (a === '--force') force = true;
    else if (a === '--out') {
      out = rest[++i];
      if (!out || out.startsWith('--')) throw usage('--out needs a directory');
    } else if (a.startsWith('-')) throw usage(`unknown option ${a}`);
    else files.push(a);
  }
  if (files.length !== 1) throw usage(files.length ? 'one notice at a time' : 'which notice?');
  let text: string;
  try {
    text = readFileSync(files[0], 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read the notice ${files[0]}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
  }
  const tty = process.stdout.isTTY === true;
  return withDatabase('npm run import', async (client) => {
    let planned;
    try {
      planned = await planNotice(client.prisma, text, basename(files[0]), hints);
    } catch (error) {
      if (error instanceof ImportRefused) throw new CliError(`Refused [${error.code}]${error.line === null ? '' : ` line ${error.line}`}: ${error.message}`);
      throw error;
    }
    let unplaced = 0;
    for (const p of planned) {
      const doc = p.amendment.document;
      const head = `「${doc.instrumentTitle}」 (line ${doc.line}; decided ${doc.decidedOn ?? '?'}, in force ${doc.effectiveOn ?? '?'})`;
      if (p.amendment.kind === 'unknown') {
        console.log(`${head}: not an instrument meibo knows; skipped.`);
        continue;
      }
      if (p.amendment.kind === 'texts') {
        console.log(`${head} = ${p.amendment.instrument}: amends texts only, no seats.`);
        for (const t of p.amendment.texts) {
          console.log(`  ${t.clause} (line ${t.line})\n      改正後 ${t.after}\n      改正前 ${t.before ?? '(not printed)'}`);
        }
        continue;
      }
      const proposal = p.proposal!;
      console.log(`${head} = ${p.amendment.instrument}: lists checked against meibo's on ${addDays(doc.effectiveOn!, -1)}; ${proposal.changes.length} changes planned.`);
      for (const line of comparisonTable(proposal, tty)) console.log(`  ${line}`);
      if (proposal.unplaced.length) {
        unplaced += proposal.unplaced.length;
        console.log(`  Not planned (${proposal.unplaced.length}); no file written for ${p.amendment.instrument}:`);
        for (const line of describeUnplaced(proposal.unplaced)) console.log(`  ${line}`);
        continue;
      }
      const path = join(out, `${doc.decidedOn}-${p.amendment.instrument}.yaml`);
      if (dryRun) console.log(`  Would write ${path}.`);
      else {
        writeNew(path, amendmentYaml(p.file!), force);
        console.log(`  Wrote ${path}.`);
      }
    }
    if (dryRun) console.log('Dry run: nothing was written.');
    return unplaced > 0 ? 1 : 0;
  });
}

await runCli(() => main(process.argv.slice(2)));
