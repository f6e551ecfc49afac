// Provision: what an instrument says of a post without seating it — the サイバーセキュリティ参与 that
// the chairs may invite (「…運営について」１) and CYMAT's lead and deputy lead (「…CYMATの運営等について」４).
import { builder } from '../builder.js';
import type { IsoDay } from '../domain/dates.js';
import type { Provision } from '../generated/prisma/client.js';
import type { Context } from '../context.js';
import { decidedBy, inForceOnDay } from '../read/in-force.js';
import { listingEnd, startsCoverage } from '../read/seats.js';
import { BodyRef, PostRef, ProvisionRef, RevisionRef } from './refs.js';
import { knownAtOf, view, viewRow, views } from './view.js';
import { KNOWN_AT } from './body.js';

const ProvisionKind = builder.enumType('ProvisionKind', {
  values: {
    INVITEE: { description: 'A post the chair may ask to attend (参加を求めることができる).' },
    CYMAT_LEAD: { description: 'CYMAT’s 統括責任者 (政府CISO).' },
    CYMAT_DEPUTY_LEAD: { description: 'CYMAT’s 統括副責任者.' },
  } as const,
});

/** Provisions decided by `k`, in force on `asOf` as decided by `k` (all, when asOf is omitted). */
async function provisionsAsDecided(ctx: Context, rows: Provision[], asOf: IsoDay | null, k: IsoDay | null): Promise<Provision[]> {
  const kept = await Promise.all(rows.map(async (p) => {
    const revision = (await ctx.loaders.revision.load(p.revisionId))!;
    if (!decidedBy(revision, k)) return false;
    return asOf === null || inForceOnDay({ validFrom: p.validFrom, validTo: await listingEnd(ctx, p, k) }, asOf);
  }));
  return rows.filter((_, i) => kept[i]);
}

ProvisionRef.implement({
  description: 'A provision of an instrument that names a post without seating it, with its words as printed.',
  fields: (t) => ({
    kind: t.field({ type: ProvisionKind, resolve: (p) => p.row.kind as 'INVITEE' | 'CYMAT_LEAD' | 'CYMAT_DEPUTY_LEAD' }),
    clause: t.string({ resolve: (p) => p.row.clause }),
    post: t.field({ type: PostRef, resolve: (p, _args, ctx) => viewRow(ctx.loaders, 'post', p.row.postId, p.k) }),
    body: t.field({
      type: BodyRef,
      nullable: true,
      description: 'The body it applies to, when it applies to one.',
      resolve: async (p, _args, ctx) => {
        const body = (await ctx.loaders.static()).bodies.find((b) => b.id === p.row.bodyId);
        return body ? view(body, p.k) : null;
      },
    }),
    revision: t.field({ type: RevisionRef, resolve: (p, _args, ctx) => viewRow(ctx.loaders, 'revision', p.row.revisionId, p.k) }),
    text: t.string({ description: 'The provision’s words as printed (line breaks removed).', resolve: (p) => p.row.text }),
    validFrom: t.field({ type: 'Date', description: 'The first day of this text in the data; see validFromIsCoverageStart.', resolve: (p) => p.row.validFrom }),
    validFromIsCoverageStart: t.boolean({
      description:
        'True when validFrom is the first day the data holds its instrument’s text: the provision held since at least that ' +
        'day (an earlier text, known by date only, may have said the same). False: it began on validFrom.',
      resolve: (p, _args, ctx) => startsCoverage(ctx, p.row.revisionId, p.row.validFrom),
    }),
    validTo: t.field({
      type: 'Date',
      nullable: true,
      description: 'The day a later text took its place (exclusive); null while none is known (as decided by `knownAt`).',
      resolve: (p, _args, ctx) => listingEnd(ctx, p.row, p.k),
    }),
  }),
});

builder.objectField(BodyRef, 'provisions', (t) =>
  t.field({
    type: [ProvisionRef],
    description: 'Provisions about this body in force on `asOf` (all, oldest first, when omitted), as decided by `knownAt`: e.g. the 参与 its chair may invite.',
    args: { asOf: t.arg({ type: 'Date' }), knownAt: t.arg({ type: 'Date', description: KNOWN_AT }) },
    resolve: async (b, args, ctx) => {
      const k = knownAtOf(b, args.knownAt);
      return views(await provisionsAsDecided(ctx, await ctx.loaders.bodyProvisions.load(b.row.id), args.asOf ?? null, k), k);
    },
  }),
);

builder.queryFields((t) => ({
  provisions: t.field({
    type: [ProvisionRef],
    description: 'Provisions in force on `asOf` (all when omitted), optionally of one kind, as decided by `knownAt`: e.g. who leads CYMAT on a day.',
    args: { kind: t.arg({ type: ProvisionKind }), asOf: t.arg({ type: 'Date' }), knownAt: t.arg({ type: 'Date', description: KNOWN_AT }) },
    resolve: async (_root, args, ctx) => {
      const rows = await ctx.prisma.provision.findMany({ where: args.kind ? { kind: args.kind } : {}, orderBy: [{ validFrom: 'asc' }, { id: 'asc' }] });
      const k = args.knownAt ?? null;
      return views(await provisionsAsDecided(ctx, rows, args.asOf ?? null, k), k);
    },
  }),
}));
