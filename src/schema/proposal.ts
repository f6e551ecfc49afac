// proposeAmendment: the amendment that turns the lists in force the day before into lists as
// printed (src/domain/proposal.ts), for editors; it writes nothing. Its types are its own, shaped
// like AmendmentChangeInput (changes) and AmendmentDiff (diffs), so a client can pass the changes
// to recordAmendment as they are.
import { builder } from '../builder.js';
import type { IsoDay } from '../domain/dates.js';
import { addDays } from '../domain/dates.js';
import type { BodyPlan, PlannedSeat } from '../domain/amendment-plan.js';
import { numberLines, proposeAmendment, ProposalInputError, type ProposedChange, type Unplaced } from '../domain/proposal.js';
import { badUserInput, notFound, outOfCoverage, quote } from '../errors.js';
import { NotCoveredForProposal, proposalState } from '../read/proposal-state.js';
import { UnknownInstrument } from '../write/amendments.js';
import { RoleEnum } from './seat.js';

/** Bounds on what one request may ask to be read (README: limits). */
export const MAX_PROPOSED_LISTS = 10;
export const MAX_PROPOSED_LIST_CHARS = 20_000;

const ProposedChangeKind = builder.enumType('ProposedChangeKind', {
  description: 'The values of ChangeKind: a proposed change is passed to recordAmendment as it is.',
  values: ['REPLACE', 'ADD', 'REMOVE', 'SET_CHAIR'] as const,
});

const TitlePairInput = builder.inputType('TitlePairInput', {
  fields: (t) => ({ from: t.string({ required: true }), to: t.string({ required: true }) }),
});

const PostOrganizationInput = builder.inputType('PostOrganizationInput', {
  fields: (t) => ({ post: t.string({ required: true }), organization: t.string({ required: true }) }),
});

const ProposedListInput = builder.inputType('ProposedListInput', {
  description: 'One body’s complete list as printed: role labels (議長, 構成員, オブザーバー), then titles one per line, wrapped as the notice wraps them.',
  fields: (t) => ({
    body: t.id({ required: true, description: 'Body code, e.g. secretariat.' }),
    text: t.string({ required: true }),
    join: t.intList({ description: 'Lines (of `text`, from 1) that continue the title on the line before.' }),
    split: t.intList({ description: 'Lines that start a title of their own.' }),
    pairs: t.field({ type: [TitlePairInput], description: 'Plan these as one seat renamed (REPLACE).' }),
    apart: t.field({ type: [TitlePairInput], description: 'Never pair these: REMOVE the one, ADD the other.' }),
    organizations: t.field({ type: [PostOrganizationInput], description: 'The organization of a new post whose title begins with none.' }),
  }),
});

const ProposedChangeRef = builder.objectRef<ProposedChange>('ProposedChange').implement({
  description: 'A change with the fields of AmendmentChangeInput.',
  fields: (t) => ({
    kind: t.field({ type: ProposedChangeKind, resolve: (c) => c.kind }),
    body: t.id({ resolve: (c) => c.body }),
    role: t.field({ type: RoleEnum, nullable: true, resolve: (c) => c.role ?? null }),
    post: t.string({ nullable: true, resolve: (c) => c.post ?? null }),
    from: t.string({ nullable: true, resolve: (c) => c.from ?? null }),
    to: t.string({ nullable: true, resolve: (c) => c.to ?? null }),
    position: t.int({ nullable: true, resolve: (c) => c.position ?? null }),
    organization: t.string({ nullable: true, resolve: (c) => c.organization ?? null }),
  }),
});

const ProposedSeatRef = builder.objectRef<PlannedSeat>('ProposedSeat').implement({
  fields: (t) => ({
    role: t.field({ type: RoleEnum, resolve: (s) => s.role }),
    position: t.exposeInt('position'),
    title: t.exposeString('title'),
  }),
});

type Rename = { before: PlannedSeat; after: PlannedSeat; kind: 'RETITLE' | 'SUCCESSION' };
const ProposedRenameRef = builder.objectRef<Rename>('ProposedRename').implement({
  fields: (t) => ({
    before: t.field({ type: ProposedSeatRef, resolve: (r) => r.before }),
    after: t.field({ type: ProposedSeatRef, resolve: (r) => r.after }),
    kind: t.string({ description: 'RETITLE (the incoming post did not exist before) or SUCCESSION (it did).', resolve: (r) => r.kind }),
  }),
});

type Diff = BodyPlan & { from: IsoDay; to: IsoDay; renames: Rename[] };
const ProposalDiffRef = builder.objectRef<Diff>('ProposalDiff').implement({
  description: 'What the proposed changes would do to one body (the shape of AmendmentDiff, the body by its code).',
  fields: (t) => ({
    body: t.id({ resolve: (d) => d.code }),
    from: t.field({ type: 'Date', resolve: (d) => d.from }),
    to: t.field({ type: 'Date', resolve: (d) => d.to }),
    added: t.field({ type: [ProposedSeatRef], resolve: (d) => d.added }),
    removed: t.field({ type: [ProposedSeatRef], resolve: (d) => d.removed }),
    renamed: t.field({ type: [ProposedRenameRef], resolve: (d) => d.renames }),
    unchanged: t.exposeInt('unchanged'),
    after: t.field({ type: [ProposedSeatRef], description: 'The whole list the changes would leave.', resolve: (d) => d.after }),
  }),
});

const UnplacedRef = builder.objectRef<Unplaced>('UnplacedLine').implement({
  description: 'What the proposal could not decide; nothing of its body is planned until a hint (or an edit of the list) settles it.',
  fields: (t) => ({
    body: t.id({ resolve: (u) => u.body }),
    line: t.int({ nullable: true, description: 'The line of the list’s text; null for an old title.', resolve: (u) => u.line }),
    title: t.exposeString('title'),
    reason: t.exposeString('reason'),
    hint: t.string({ nullable: true, description: 'What settles it, in the CLI’s words (--join N, --pair …).', resolve: (u) => u.hint }),
  }),
});

type ProposalResult = { changes: ProposedChange[]; diffs: Diff[]; unplaced: Unplaced[] };
const AmendmentProposalRef = builder.objectRef<ProposalResult>('AmendmentProposal').implement({
  fields: (t) => ({
    changes: t.field({ type: [ProposedChangeRef], resolve: (p) => p.changes }),
    diffs: t.field({ type: [ProposalDiffRef], resolve: (p) => p.diffs }),
    unplaced: t.field({ type: [UnplacedRef], resolve: (p) => p.unplaced }),
  }),
});

builder.queryFields((t) => ({
  proposeAmendment: t.field({
    type: AmendmentProposalRef,
    authScopes: { editor: true },
    description:
      'The amendment that turns the lists of `instrument`’s bodies in force the day before `effectiveOn` into the lists given, as printed. ' +
      'Writes nothing. A list it cannot read is BAD_USER_INPUT with `extensions.line`.',
    args: {
      instrument: t.arg.id({ required: true }),
      effectiveOn: t.arg({ type: 'Date', required: true }),
      lists: t.arg({ type: [ProposedListInput], required: true }),
    },
    resolve: async (_root, args, ctx) => {
      if (args.lists.length === 0) throw badUserInput('Give at least one list.', { line: null });
      if (args.lists.length > MAX_PROPOSED_LISTS) throw badUserInput(`At most ${MAX_PROPOSED_LISTS} lists at a time.`, { line: null });
      args.lists.forEach((l, i) => {
        if (l.text.length > MAX_PROPOSED_LIST_CHARS) {
          throw badUserInput(`lists[${i}].text has ${l.text.length} characters; at most ${MAX_PROPOSED_LIST_CHARS} are read.`, { line: null, body: quote(String(l.body), 40) });
        }
      });
      const effectiveOn = args.effectiveOn as IsoDay;
      try {
        const { state } = await proposalState(ctx.prisma, String(args.instrument), effectiveOn);
        const proposal = proposeAmendment(state, args.lists.map((l) => ({
          body: String(l.body),
          lines: numberLines(l.text),
          hints: {
            join: l.join ?? [],
            split: l.split ?? [],
            pair: l.pairs ?? [],
            apart: l.apart ?? [],
            organization: Object.fromEntries((l.organizations ?? []).map((o) => [o.post, o.organization])),
          },
        })), effectiveOn);
        const from = addDays(effectiveOn, -1);
        return {
          changes: proposal.changes,
          unplaced: proposal.unplaced,
          diffs: proposal.diffs.map((d) => {
            const kinds = proposal.bodies.find((b) => b.code === d.code)?.renames ?? [];
            const renames = d.renamed.map((r) => ({ ...r, kind: kinds.find((k) => k.from === r.before.title && k.to === r.after.title)?.kind ?? 'RETITLE' as const }));
            return { ...d, from, to: effectiveOn, renames };
          }),
        };
      } catch (error) {
        if (error instanceof ProposalInputError) throw badUserInput(error.message, { line: error.line, body: error.body === null ? null : quote(error.body, 40) });
        if (error instanceof UnknownInstrument) throw notFound(error.message, { instrument: quote(error.code), line: null });
        if (error instanceof NotCoveredForProposal) throw outOfCoverage(error.message, { instrument: error.instrument, asOf: error.day });
        throw error;
      }
    },
  }),
}));
