// Amendments: recording one (or previewing it), reverting the latest, and the audit trail.
import { builder } from '../builder.js';
import { recordAmendment, revertLatestAmendment, UnknownInstrument, type WriteOutcome } from '../write/amendments.js';
import { afterCommit } from '../write/after-commit.js';
import { resolveCursorConnection, type ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import type { Context } from '../context.js';
import { AmendmentRejected, type AmendmentChange, type PlannedSeat } from '../domain/amendment-plan.js';
import { addDays } from '../domain/dates.js';
import type { RoleName } from '../domain/seat.js';
import { badUserInput, conflict, notFound, quote } from '../errors.js';
import { AuditEntryRef, BodyRef, InstrumentRef, RevisionRef } from './refs.js';
import { RoleEnum } from './seat.js';
import { parseCursor } from './post.js';
import { parseLocalId, view } from './view.js';

const ChangeKind = builder.enumType('ChangeKind', {
  values: {
    REPLACE: { description: 'Post `from` is replaced by post `to` in the same seat (a rename: the seat stays).' },
    ADD: { description: 'A new seat for `post` in `role`, at `position` (default: last); later seats move down.' },
    REMOVE: { description: 'The seat of `post` ends; later seats of its role move up.' },
    SET_CHAIR: { description: '`post` becomes the chair in a new seat; the previous chair’s seat ends.' },
  } as const,
});

const ChangeInput = builder.inputType('AmendmentChangeInput', {
  description: 'One change of an amendment. Which fields are needed depends on `kind`.',
  fields: (t) => ({
    kind: t.field({ type: ChangeKind, required: true }),
    body: t.id({ required: true, description: 'Body code, e.g. secretariat.' }),
    role: t.field({ type: RoleEnum, description: 'ADD: required. REPLACE/REMOVE: narrows which seat is meant.' }),
    post: t.string({ description: 'ADD, REMOVE, SET_CHAIR: the post’s title as printed.' }),
    from: t.string({ description: 'REPLACE: the title now seated.' }),
    to: t.string({ description: 'REPLACE: the title that takes the seat.' }),
    position: t.int({ description: 'ADD: 1-based listing position within the role.' }),
    organization: t.string({ description: 'For a new post whose title does not begin with its organization’s name.' }),
  }),
});

const AmendmentInput = builder.inputType('AmendmentInput', {
  fields: (t) => ({
    instrument: t.id({ required: true, description: 'Instrument code, e.g. designated-posts.' }),
    title: t.string({ required: true, description: 'The amendment’s title: 「…の一部改正について」.' }),
    decidedOn: t.field({ type: 'Date', required: true, description: '決定日' }),
    effectiveOn: t.field({ type: 'Date', required: true, description: '施行日' }),
    note: t.string(),
    changes: t.field({ type: [ChangeInput], required: true }),
  }),
});

const PlannedSeatRef = builder.objectRef<PlannedSeat & { organization?: string }>('AmendedSeat').implement({
  description: 'A seat as an amendment leaves it (or finds it).',
  fields: (t) => ({
    role: t.field({ type: RoleEnum, resolve: (s) => s.role }),
    position: t.exposeInt('position'),
    title: t.exposeString('title'),
  }),
});

const PlannedRenameRef = builder.objectRef<{ before: PlannedSeat; after: PlannedSeat }>('AmendedRename').implement({
  fields: (t) => ({
    before: t.field({ type: PlannedSeatRef, resolve: (r) => r.before }),
    after: t.field({ type: PlannedSeatRef, resolve: (r) => r.after }),
  }),
});

type BodyDiff = WriteOutcome['plan']['bodies'][number] & { bodyId: number; from: string; to: string };

const AmendmentDiffRef = builder.objectRef<BodyDiff>('AmendmentDiff').implement({
  description:
    'What an amendment does to one body: the lists from the day before it takes effect to the day it does, as planned.',
  fields: (t) => ({
    body: t.field({ type: BodyRef, resolve: async (d, _args, ctx) => view((await ctx.loaders.static()).bodies.find((b) => b.id === d.bodyId)!, null) }),
    from: t.field({ type: 'Date', resolve: (d) => d.from as never }),
    to: t.field({ type: 'Date', resolve: (d) => d.to as never }),
    added: t.field({ type: [PlannedSeatRef], resolve: (d) => d.added }),
    removed: t.field({ type: [PlannedSeatRef], resolve: (d) => d.removed }),
    renamed: t.field({ type: [PlannedRenameRef], resolve: (d) => d.renamed }),
    unchanged: t.exposeInt('unchanged'),
    after: t.field({ type: [PlannedSeatRef], description: 'The whole list in force from `to`.', resolve: (d) => d.after }),
  }),
});

const AmendmentResultRef = builder.objectRef<WriteOutcome>('AmendmentResult').implement({
  fields: (t) => ({
    dryRun: t.exposeBoolean('dryRun', { description: 'True when nothing was written (a preview).' }),
    instrument: t.field({ type: InstrumentRef, resolve: async (o, _args, ctx) => view((await ctx.loaders.instrument.load(o.instrument.id))!, null) }),
    sequence: t.int({ resolve: (o) => o.revision.sequence }),
    title: t.string({ resolve: (o) => o.revision.title }),
    decidedOn: t.field({ type: 'Date', resolve: (o) => o.revision.decidedOn }),
    effectiveOn: t.field({ type: 'Date', resolve: (o) => o.revision.effectiveOn }),
    revision: t.field({
      type: RevisionRef,
      nullable: true,
      description: 'The revision written (its `diffs` say what it changed); null for a preview or a revert.',
      resolve: async (o, _args, ctx) => {
        if (o.revision.id === null) return null;
        const row = await ctx.loaders.revision.load(o.revision.id);
        return row ? view(row, null) : null;
      },
    }),
    diffs: t.field({
      type: [AmendmentDiffRef],
      description: 'One per body of the instrument.',
      resolve: (o) =>
        o.plan.bodies.map((b) => ({ ...b, bodyId: o.bodyIds[b.code], from: addDays(o.revision.effectiveOn, -1), to: o.revision.effectiveOn })),
    }),
    auditEntry: t.field({
      type: AuditEntryRef,
      nullable: true,
      resolve: (o, _args, ctx) => (o.auditId === null ? null : ctx.loaders.auditEntry.load(o.auditId)),
    }),
  }),
});

builder.node(AuditEntryRef, {
  description: 'One write, as the audit trail keeps it: who, when, what, and the diff it made.',
  id: { resolve: (e) => String(e.id), parse: (id) => id },
  loadMany: (ids, ctx) =>
    Promise.all(ids.map(async (raw) => {
      const id = parseLocalId(raw);
      return id && id.k === null ? ctx.loaders.auditEntry.load(id.id) : null;
    })),
  fields: (t) => ({
    action: t.exposeString('action', { description: 'RECORD_AMENDMENT or REVERT_AMENDMENT' }),
    actor: t.exposeString('actor', { description: 'The name of the token (or CLI user) that wrote.' }),
    at: t.string({ resolve: (e) => e.at.toISOString() }),
    instrument: t.field({ type: InstrumentRef, resolve: async (e, _args, ctx) => view((await ctx.loaders.instrument.load(e.instrumentId))!, null) }),
    revisionSequence: t.exposeInt('revisionSequence'),
    amendment: t.string({ description: 'The amendment as submitted (JSON).', resolve: (e) => JSON.stringify(e.amendment) }),
    diff: t.string({ description: 'Per body: added, removed, renamed, unchanged (JSON).', resolve: (e) => JSON.stringify(e.diff) }),
  }),
});

/** GraphQL input → domain change, naming the change when a field its kind needs is missing. */
function toChange(input: typeof ChangeInput.$inferInput, index: number): AmendmentChange {
  const need = (field: 'post' | 'from' | 'to' | 'role'): string => {
    const value = input[field];
    if (value === null || value === undefined || value === '') {
      throw badUserInput(`change #${index + 1} (${input.kind} in ${quote(String(input.body), 40)}): \`${field}\` is required for ${input.kind}.`, { changeIndex: index });
    }
    return String(value);
  };
  const body = String(input.body);
  const role = (input.role ?? undefined) as RoleName | undefined;
  const organization = input.organization ?? undefined;
  switch (input.kind) {
    case 'REPLACE': return { kind: 'replace', body, role, from: need('from'), to: need('to'), organization };
    case 'ADD': return { kind: 'add', body, role: need('role') as RoleName, post: need('post'), position: input.position ?? undefined, organization };
    case 'REMOVE': return { kind: 'remove', body, role, post: need('post') };
    case 'SET_CHAIR': return { kind: 'setChair', body, post: need('post'), organization };
  }
}

/** Domain refusals become errors a client can act on; anything else stays masked. */
async function asUserErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AmendmentRejected) {
      const extensions = { changeIndex: error.changeIndex, title: error.changeTitle === null ? null : quote(error.changeTitle), ...error.details };
      throw error.code === 'CONFLICT' ? conflict(error.message, extensions) : badUserInput(error.message, extensions);
    }
    if (error instanceof UnknownInstrument) throw notFound(error.message, { instrument: quote(error.code) });
    throw error;
  }
}

const announce = (ctx: Context, outcome: WriteOutcome, action: 'RECORDED' | 'REVERTED') =>
  afterCommit(outcome, action, { refreshCache: ctx.afterWrite, live: ctx.live, log: ctx.log });

builder.mutationFields((t) => ({
  recordAmendment: t.field({
    type: AmendmentResultRef,
    authScopes: { editor: true },
    description:
      'Records an amendment of an instrument as one unit, or previews it with `dryRun: true` (nothing is written). ' +
      'The seats it changes take effect on `effectiveOn`; until then as-of queries answer the old lists.',
    args: { input: t.arg({ type: AmendmentInput, required: true }), dryRun: t.arg.boolean({ defaultValue: false }) },
    resolve: async (_root, { input, dryRun }, ctx) => {
      const amendment = {
        instrument: String(input.instrument),
        title: input.title,
        decidedOn: input.decidedOn,
        effectiveOn: input.effectiveOn,
        note: input.note ?? null,
        changes: input.changes.map(toChange),
      };
      const outcome = await asUserErrors(() =>
        recordAmendment(ctx.prisma, amendment, { actor: ctx.principal!.name, dryRun: dryRun ?? false }),
      );
      await announce(ctx, outcome, 'RECORDED');
      return outcome;
    },
  }),
  revertLatestAmendment: t.field({
    type: AmendmentResultRef,
    authScopes: { editor: true },
    description:
      'Undoes the latest amendment an editor recorded for the instrument, leaving the directory as it was before it. ' +
      '`sequence` names the revision meant: when another write has come since, nothing is undone (CONFLICT).',
    args: {
      instrument: t.arg.id({ required: true }),
      sequence: t.arg.int({ required: true, description: 'The sequence of the revision to revert: the latest, as the caller last read it.' }),
    },
    resolve: async (_root, args, ctx) => {
      const outcome = await asUserErrors(() =>
        revertLatestAmendment(ctx.prisma, String(args.instrument), { actor: ctx.principal!.name, expectedSequence: args.sequence }));
      await announce(ctx, outcome, 'REVERTED');
      return outcome;
    },
  }),
}));

builder.queryFields((t) => ({
  amendments: t.connection({
    type: AuditEntryRef,
    description: 'The audit trail of writes, newest first.',
    args: { instrument: t.arg.id({ description: 'Only this instrument’s entries.' }) },
    resolve: (_root, args, ctx) =>
      resolveCursorConnection({ args, toCursor: (e: { id: number }) => String(e.id) }, (page: ResolveCursorConnectionArgs) => {
        const after = parseCursor(page.after);
        const before = parseCursor(page.before);
        return ctx.prisma.auditEntry.findMany({
          where: {
            ...(args.instrument ? { instrument: { code: String(args.instrument) } } : {}),
            // newest first: "after" a cursor is an older (smaller) id
            id: { ...(after !== undefined ? { lt: after } : {}), ...(before !== undefined ? { gt: before } : {}) },
          },
          orderBy: { id: page.inverted ? 'asc' : 'desc' },
          take: page.limit,
        });
      }),
  }),
}));
