// Instrument (決定・申合せ) and Revision (改正): where every listing comes from, and what each
// revision changed.
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { decidedBy } from '../read/in-force.js';
import { diffOfRevision } from '../read/diff.js';
import { BodyRef, InstrumentRef, RevisionRef } from './refs.js';
import { answer, knownAtOf, nodeOf, view, views } from './view.js';
import { KNOWN_AT } from './body.js';
import { MembershipDiffRef } from './diff.js';

builder.node(InstrumentRef, {
  description: 'A decision (決定) or agreement (申合せ) that fixes a composition or a rule.',
  ...nodeOf((ctx: Context, id) => ctx.loaders.instrument.load(id)),
  fields: (t) => ({
    code: t.string({ resolve: (i) => i.row.code }),
    title: t.string({ resolve: (i) => i.row.title }),
    decidedBy: t.string({ description: 'e.g. サイバーセキュリティ対策推進会議議長決定', resolve: (i) => i.row.decidedBy }),
    revisions: t.field({
      type: [RevisionRef],
      description: 'Its revisions by sequence (those decided by `knownAt`).',
      args: { knownAt: t.arg({ type: 'Date', description: KNOWN_AT }) },
      resolve: async (i, args, ctx) => {
        const k = knownAtOf(i, args.knownAt);
        return views((await ctx.loaders.instrumentRevisions.load(i.row.id)).filter((r) => decidedBy(r, k)), k);
      },
    }),
    bodies: t.field({
      type: [BodyRef],
      resolve: async (i, _args, ctx) => views((await ctx.loaders.static()).bodies.filter((b) => b.instrumentId === i.row.id), i.k),
    }),
  }),
});

builder.node(RevisionRef, {
  description: 'One amendment of an instrument (sequence 0 is the original decision): a version of its text.',
  ...nodeOf((ctx: Context, id) => ctx.loaders.revision.load(id), (_ctx, row, k) => decidedBy(row, k)),
  fields: (t) => ({
    instrument: t.field({ type: InstrumentRef, resolve: async (r, _args, ctx) => view((await ctx.loaders.instrument.load(r.row.instrumentId))!, r.k) }),
    sequence: t.int({ resolve: (r) => r.row.sequence }),
    title: t.string({ nullable: true, description: 'The amendment’s own title, where an editor recorded it.', resolve: (r) => r.row.title }),
    decidedOn: t.field({ type: 'Date', description: '決定日', resolve: (r) => r.row.decidedOn }),
    effectiveOn: t.field({ type: 'Date', nullable: true, description: '施行日, where the sources state it.', resolve: (r) => r.row.effectiveOn }),
    inForceFrom: t.field({
      type: 'Date',
      description: 'The day its text takes effect: effectiveOn, or decidedOn where no 施行日 is stated (see note).',
      resolve: (r) => r.row.effectiveOn ?? r.row.decidedOn,
    }),
    contentKnown: t.boolean({ description: 'Whether its text (its lists) is in the data, or it is known by date only.', resolve: (r) => r.row.contentKnown }),
    note: t.string({ nullable: true, resolve: (r) => r.row.note }),
    diffs: t.field({
      type: [MembershipDiffRef],
      nullable: true,
      description:
        'What this revision changed: for each body its instrument lists, the list in force just before it (as printed by the ' +
        'revision that took effect before it) against the list it prints. OUT_OF_COVERAGE (null) when either text is not in the data.',
      resolve: async (r, _args, ctx) => {
        const bodies = (await ctx.loaders.static()).bodies.filter((b) => b.instrumentId === r.row.instrumentId);
        return Promise.all(bodies.map(async (b) => ({ diff: await answer(diffOfRevision(ctx, b, r.row)), k: r.k, asked: { fromRevision: null, toRevision: r.row } })));
      },
    }),
  }),
});

builder.queryFields((t) => ({
  instruments: t.field({
    type: [InstrumentRef],
    resolve: async (_root, _args, ctx) => views(await ctx.prisma.instrument.findMany({ orderBy: { id: 'asc' } }), null),
  }),
}));
