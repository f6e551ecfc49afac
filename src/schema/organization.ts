// Organization: the ministry or institution (府省庁・機関) a post belongs to, and its named units.
import { resolveCursorConnection, type ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { OrganizationRef, PostRef, UnitRef } from './refs.js';
import { nodeOf, view, views } from './view.js';
import { pageOfPosts } from './post.js';

builder.node(OrganizationRef, {
  description: 'The ministry or institution (府省庁・機関) a post belongs to.',
  ...nodeOf((ctx: Context, id) => ctx.loaders.organization.load(id)),
  fields: (t) => ({
    name: t.string({ resolve: (o) => o.row.name }),
    nameEn: t.string({ nullable: true, description: 'Its own official English name.', resolve: (o) => o.row.nameEn }),
    collective: t.boolean({ description: 'True for 「各府省庁」, which stands for every ministry at once.', resolve: (o) => o.row.collective }),
    posts: t.connection(
      {
        type: PostRef,
        description: 'Its posts, by title.',
        resolve: (o, args, ctx) =>
          resolveCursorConnection({ args, toCursor: (p: { row: { id: number } }) => String(p.row.id) }, async (page: ResolveCursorConnectionArgs) =>
            views(await pageOfPosts(ctx.prisma, { organizationId: o.row.id }, page), o.k)).then((c) => ({ ...c, organizationId: o.row.id })),
      },
      {
        fields: (c) => ({
          totalCount: c.int({
            resolve: (conn, _args, ctx) => ctx.prisma.post.count({ where: { organizationId: (conn as unknown as { organizationId: number }).organizationId } }),
          }),
        }),
      },
    ),
    units: t.field({
      type: [UnitRef],
      resolve: async (o, _args, ctx) => (await ctx.loaders.static()).units.filter((u) => u.organizationId === o.row.id),
    }),
  }),
});

UnitRef.implement({
  description: 'A unit inside an organization that the sources name, e.g. 国家サイバー統括室.',
  fields: (t) => ({
    name: t.string({ resolve: (u) => u.name }),
    nameEn: t.string({ nullable: true, resolve: (u) => u.nameEn }),
    abbreviation: t.string({ nullable: true, resolve: (u) => u.abbreviation }),
    validFrom: t.field({ type: 'Date', nullable: true, resolve: (u) => u.validFrom }),
    validTo: t.field({ type: 'Date', nullable: true, resolve: (u) => u.validTo }),
    successor: t.field({ type: UnitRef, nullable: true, resolve: async (u, _args, ctx) => (await ctx.loaders.static()).units.find((s) => s.id === u.successorId) ?? null }),
    predecessor: t.field({ type: UnitRef, nullable: true, resolve: async (u, _args, ctx) => (await ctx.loaders.static()).units.find((p) => p.successorId === u.id) ?? null }),
  }),
});

builder.queryFields((t) => ({
  organizations: t.field({
    type: [OrganizationRef],
    description: 'Every organization, in the order the instruments list ministries.',
    resolve: async (_root, _args, ctx) => views(await ctx.prisma.organization.findMany({ orderBy: { position: 'asc' } }), null),
  }),
  organization: t.field({
    type: OrganizationRef,
    nullable: true,
    args: { name: t.arg.string({ required: true, description: 'As printed: 警察庁, 最高裁判所…' }) },
    resolve: async (_root, args, ctx) => {
      const row = await ctx.prisma.organization.findUnique({ where: { name: args.name.normalize('NFC').trim() } });
      return row ? view(row, null) : null;
    },
  }),
}));
