// `npm run amend -- --from-list <file> --body <code> --instrument <code> --effective <day>
// [--decided <day>] [--title <text>] [--out <file>] [--dry-run] [--force] [hints]`: plans the
// amendment that turns the body's list in force the day before into the list pasted in <file>
// (role labels, then titles one per line, wrapped or not; src/domain/proposal.ts), prints its
// 新旧対照表 and writes the amendment file. It records nothing.
import { readFileSync } from 'node:fs';
import { DayParseError, parseDay, type IsoDay } from '../domain/dates.js';
import { numberLines, ProposalInputError, proposeAmendment } from '../domain/proposal.js';
import { NotCoveredForProposal, proposalState } from '../read/proposal-state.js';
import { UnknownInstrument } from '../write/amendments.js';
import { CliError } from './common.js';
import { amendmentYaml, comparisonTable, describeUnplaced, parseHints, withDatabase, writeNew } from './planning.js';

const USAGE = 'usage: npm run amend -- --from-list <file> --body <code> --instrument <code> --effective <day> [--decided <day>] [--title <text>] [--out <file>] [--dry-run] [--force]\n' +
  "       hints: --join <line> --split <line> --pair 'old=>new' --apart 'old=>new' --org 'title=organization'";

export async function fromList(argv: string[]): Promise<number> {
  const usage = (why: string) => new CliError(`${why}\n${USAGE}`, 2);
  const { hints, rest } = parseHints(argv, usage);
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--dry-run' || a === '--force') flags.add(a);
    else if (['--from-list', '--body', '--instrument', '--effective', '--decided', '--title', '--out'].includes(a)) {
      const v = rest[++i];
      if (v === undefined || v.startsWith('--')) throw usage(`${a} needs a value`);
      values[a] = v;
    } else throw usage(`unexpected ${a}`);
  }
  for (const need of ['--from-list', '--body', '--instrument', '--effective']) if (!values[need]) throw usage(`${need} is required`);
  const day = (flag: string): IsoDay => {
    try {
      return parseDay(values[flag]);
    } catch (error) {
      if (error instanceof DayParseError) throw usage(`${flag}: ${error.message}`);
      throw error;
    }
  };
  const effectiveOn = day('--effective');
  const decidedOn = values['--decided'] ? day('--decided') : null;
  let text: string;
  try {
    text = readFileSync(values['--from-list'], 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read the list ${values['--from-list']}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
  }
  return withDatabase('npm run amend', async (client) => {
    try {
      const { state, instrument, dayBefore } = await proposalState(client.prisma, values['--instrument'], effectiveOn);
      const body = values['--body'];
      const proposal = proposeAmendment(state, [{ body, lines: numberLines(text), hints }], effectiveOn);
      console.log(`${instrument.code}, in force ${effectiveOn}: planned from the list in ${values['--from-list']} over meibo's on ${dayBefore}; ${proposal.changes.length} changes.`);
      for (const line of comparisonTable(proposal, process.stdout.isTTY === true)) console.log(`  ${line}`);
      if (proposal.unplaced.length) {
        console.log(`Not planned (${proposal.unplaced.length}); no file written:`);
        for (const line of describeUnplaced(proposal.unplaced)) console.log(line);
        return 1;
      }
      if (proposal.changes.length === 0) {
        console.log('The list is the one in force: nothing to amend.');
        return 0;
      }
      const out = values['--out'] ?? `${decidedOn ?? effectiveOn}-${instrument.code}.yaml`;
      const yaml = amendmentYaml({
        instrument: instrument.code,
        title: values['--title'] ?? `「${instrument.title}」の一部改正について`,
        decidedOn: decidedOn ?? effectiveOn,
        effectiveOn,
        comments: [
          `Planned by \`npm run amend -- --from-list ${values['--from-list']}\` for ${body}.`,
          ...(decidedOn ? [] : ['decidedOn: NOT GIVEN (--decided); set here to the effective day. Correct it to the 決定日 before recording.']),
          'Review it, then: npm run amend -- <this file> --dry-run',
        ],
        changes: proposal.changes,
      });
      if (flags.has('--dry-run')) console.log(`Would write ${out}. Dry run: nothing was written.`);
      else {
        writeNew(out, yaml, flags.has('--force'));
        console.log(`Wrote ${out}.${decidedOn ? '' : ' Its decidedOn is the effective day: correct it (--decided was not given).'}`);
      }
      return 0;
    } catch (error) {
      if (error instanceof ProposalInputError) throw new CliError(`Refused [BAD_LIST]${error.line === null ? '' : ` line ${error.line}`}: ${error.message}`);
      if (error instanceof UnknownInstrument || error instanceof NotCoveredForProposal) throw new CliError(`Refused: ${error.message}`);
      throw error;
    }
  });
}
