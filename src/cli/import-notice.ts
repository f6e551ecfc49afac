// The work of `npm run import` without its command line: read a notice, check each before-list
// against meibo's list in force the day before the amendment takes effect, and plan each
// instrument's amendment from its after-lists (src/domain/proposal.ts). Nothing is written here.
import type { IsoDay } from '../domain/dates.js';
import { noticeAmendments, readNotice, type NoticeAmendment } from '../domain/notice.js';
import { proposeAmendment, readList, type ListedSeat, type ListLine, type ProposalHints, type ProposalWithDiffs } from '../domain/proposal.js';
import { ROLES } from '../domain/seat.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { proposalState } from '../read/proposal-state.js';
import type { AmendmentFileText } from './planning.js';

/** A refusal of the import, with a stable code and the notice line it concerns. */
export class ImportRefused extends Error {
  override readonly name = 'ImportRefused';
  constructor(readonly code: 'NOT_A_NOTICE' | 'NO_DATES' | 'BEFORE_LIST_MISMATCH' | 'BAD_LIST' | 'BAD_HINT', readonly line: number | null, message: string) {
    super(message);
  }
}

export interface PlannedInstrument {
  amendment: NoticeAmendment;
  /** for an amendment of lists: the proposal, and the file to write when nothing is unplaced */
  proposal: ProposalWithDiffs | null;
  file: AmendmentFileText | null;
}

type Db = Pick<PrismaClient, 'instrument' | 'body' | 'revision' | 'seat' | 'organization' | 'post' | 'provision'>;

const describeSeat = (s: ListedSeat) => `${s.role} ${s.position}`;

/**
 * Compares the notice's before-list with meibo's, refusing with every difference named: a
 * mismatch means the data or the notice is wrong, and the editor must know which titles.
 */
function checkBefore(body: string, dayBefore: IsoDay, lines: ListLine[], meibo: ListedSeat[], known: Set<string>, organizations: ReadonlyArray<{ name: string }>) {
  const read = readList(lines, known, organizations, {}, body);
  if (read.unplaced.length) {
    const u = read.unplaced[0];
    throw new ImportRefused('BEFORE_LIST_MISMATCH', u.line, `line ${u.line}: the notice's list of ${body} before the amendment cannot be read against meibo's: ${u.reason}`);
  }
  const printed = ROLES.flatMap((role) => read.titles.filter((t) => t.role === role).map((t, i) => ({ role, position: i + 1, title: t.title, line: t.lines[0] })));
  const problems: string[] = [];
  for (const p of printed) {
    const m = meibo.find((s) => s.title === p.title);
    if (!m) problems.push(`the notice prints 「${p.title}」 (${describeSeat(p)}, line ${p.line}), which meibo does not seat`);
    else if (m.role !== p.role || m.position !== p.position) problems.push(`the notice prints 「${p.title}」 as ${describeSeat(p)} (line ${p.line}), meibo seats it as ${describeSeat(m)}`);
  }
  for (const m of meibo) {
    if (!printed.some((p) => p.title === m.title)) problems.push(`meibo seats 「${m.title}」 (${describeSeat(m)}), which the notice does not print`);
  }
  if (problems.length) {
    const line = printed.find((p) => problems.some((x) => x.includes(`line ${p.line})`)))?.line ?? lines[0]?.line ?? null;
    throw new ImportRefused(
      'BEFORE_LIST_MISMATCH', line,
      `The notice's list of ${body} before the amendment (from line ${lines[0]?.line}) is not meibo's list in force on ${dayBefore}:\n  - ${problems.join('\n  - ')}\n` +
        'Either the data or the notice is wrong: correct the one that is before importing.',
    );
  }
}

/** Routes the hints to the body they concern: lines by the list they are in, pairs by the body seating `from`. */
function hintsFor(hints: ProposalHints, lines: ListLine[], seats: ListedSeat[]): ProposalHints {
  const inList = new Set(lines.map((l) => l.line));
  const seated = new Set(seats.map((s) => s.title));
  const strip = (t: string) => t.normalize('NFC').replace(/\s+/gu, '');
  return {
    join: (hints.join ?? []).filter((n) => inList.has(n)),
    split: (hints.split ?? []).filter((n) => inList.has(n)),
    pair: (hints.pair ?? []).filter((p) => seated.has(strip(p.from))),
    apart: (hints.apart ?? []).filter((p) => seated.has(strip(p.from))),
    organization: hints.organization,
  };
}

export async function planNotice(prisma: Db, text: string, source: string, hints: ProposalHints = {}): Promise<PlannedInstrument[]> {
  let documents;
  try {
    documents = readNotice(text);
  } catch (error) {
    if ((error as Error).name === 'NoticeError') throw new ImportRefused('NOT_A_NOTICE', (error as { line: number | null }).line, (error as Error).message);
    throw error;
  }
  const instruments = await prisma.instrument.findMany({ select: { code: true, title: true }, orderBy: { id: 'asc' } });
  const bodies = (await prisma.body.findMany({ select: { code: true, clause: true, instrument: { select: { code: true } } }, orderBy: { position: 'asc' } }))
    .map((b) => ({ code: b.code, clause: b.clause, instrument: b.instrument?.code ?? null }));
  let amendments: NoticeAmendment[];
  try {
    amendments = noticeAmendments(documents, instruments, bodies);
  } catch (error) {
    if ((error as Error).name === 'NoticeError') throw new ImportRefused('BAD_LIST', (error as { line: number | null }).line, (error as Error).message);
    throw error;
  }
  const routed = { join: new Set<number>(), split: new Set<number>(), pair: new Set<string>(), apart: new Set<string>() };
  const out: PlannedInstrument[] = [];
  for (const amendment of amendments) {
    if (amendment.kind !== 'lists') {
      out.push({ amendment, proposal: null, file: null });
      continue;
    }
    const doc = amendment.document;
    if (!doc.decidedOn || !doc.effectiveOn) {
      throw new ImportRefused('NO_DATES', doc.line, `「${doc.title}」 (line ${doc.line}): ${doc.decidedOn ? 'no 附則 saying from which day it takes effect (…から施行する)' : 'no decision day (決定日) in its header'}`);
    }
    const { state, dayBefore, bodies: bodyRows } = await proposalState(prisma, amendment.instrument!, doc.effectiveOn);
    const known = new Set(state.posts.keys());
    const lists = amendment.lists.map((l) => {
      const seats = state.bodies.find((b) => b.code === l.body)?.seats ?? [];
      checkBefore(l.body, dayBefore, l.before, seats, new Set([...known, ...seats.map((s) => s.title)]), state.organizations);
      const h = hintsFor(hints, l.after, seats);
      h.join!.forEach((n) => routed.join.add(n));
      h.split!.forEach((n) => routed.split.add(n));
      h.pair!.forEach((p) => routed.pair.add(`${p.from}=>${p.to}`));
      h.apart!.forEach((p) => routed.apart.add(`${p.from}=>${p.to}`));
      return { body: l.body, lines: l.after, hints: h };
    });
    let proposal: ProposalWithDiffs;
    try {
      proposal = proposeAmendment(state, lists, doc.effectiveOn);
    } catch (error) {
      if ((error as Error).name === 'ProposalInputError') throw new ImportRefused('BAD_LIST', (error as { line: number | null }).line, (error as Error).message);
      throw error;
    }
    const clauseOf = new Map(bodyRows.map((b) => [b.code, `${b.clause ?? ''} ${b.name}`.trim()]));
    const file: AmendmentFileText | null = proposal.unplaced.length
      ? null
      : {
        instrument: amendment.instrument!,
        title: doc.title,
        decidedOn: doc.decidedOn,
        effectiveOn: doc.effectiveOn,
        comments: [
          `${doc.title}`,
          `Planned by \`npm run import\` from ${source} (the amendment starts on line ${doc.line}; 附則: ${doc.supplementary ?? '—'}).`,
          'Review it, then: npm run amend -- <this file> --dry-run',
        ],
        changes: proposal.changes,
        bodyComments: Object.fromEntries(proposal.bodies.map((b) => [b.code, clauseOf.get(b.code) ?? b.code])),
      };
    out.push({ amendment, proposal, file });
  }
  // A hint that concerned no list is a typo the editor must hear about.
  for (const n of hints.join ?? []) if (!routed.join.has(n)) throw new ImportRefused('BAD_HINT', n, `--join ${n}: line ${n} is not a line of any after-list in the notice`);
  for (const n of hints.split ?? []) if (!routed.split.has(n)) throw new ImportRefused('BAD_HINT', n, `--split ${n}: line ${n} is not a line of any after-list in the notice`);
  for (const p of hints.pair ?? []) if (!routed.pair.has(`${p.from}=>${p.to}`)) throw new ImportRefused('BAD_HINT', null, `--pair '${p.from}=>${p.to}': 「${p.from}」 is not seated in any body the notice amends`);
  for (const p of hints.apart ?? []) if (!routed.apart.has(`${p.from}=>${p.to}`)) throw new ImportRefused('BAD_HINT', null, `--apart '${p.from}=>${p.to}': 「${p.from}」 is not seated in any body the notice amends`);
  return out;
}
