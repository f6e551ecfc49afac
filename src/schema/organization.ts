// Organization: the ministry or institution (府省庁・機関) a post belongs to, and its named units.
import { builder } from '../builder.js';

builder.prismaNode('Organization', {
  id: { field: 'id' },
  // node(id) of a row that does not exist answers null (Relay's convention), not an error
  nullable: true,
  description: 'The ministry or institution (府省庁・機関) a post belongs to.',
  fields: (t) => ({
    name: t.exposeString('name'),
    nameEn: t.exposeString('nameEn', { nullable: true, description: 'Its own official English name.' }),
    collective: t.exposeBoolean('collective', {
      description: 'True for 「各府省庁」, which stands for every ministry at once.',
    }),
    posts: t.relatedConnection('posts', { cursor: 'id', totalCount: true, query: { orderBy: { id: 'asc' } } }),
    units: t.relation('units', { query: { orderBy: { id: 'asc' } } }),
  }),
});

builder.prismaObject('Unit', {
  description: 'A unit inside an organization that the sources name, e.g. 国家サイバー統括室.',
  fields: (t) => ({
    name: t.exposeString('name'),
    nameEn: t.exposeString('nameEn', { nullable: true }),
    abbreviation: t.exposeString('abbreviation', { nullable: true }),
    validFrom: t.expose('validFrom', { type: 'Date', nullable: true }),
    validTo: t.expose('validTo', { type: 'Date', nullable: true }),
    successor: t.relation('successor', { nullable: true }),
    predecessor: t.relation('predecessor', { nullable: true }),
  }),
});

builder.queryFields((t) => ({
  organizations: t.prismaField({
    type: ['Organization'],
    description: 'Every organization, in the order the instruments list ministries.',
    resolve: (query, _root, _args, ctx) => ctx.prisma.organization.findMany({ ...query, orderBy: { position: 'asc' } }),
  }),
  organization: t.prismaField({
    type: 'Organization',
    nullable: true,
    args: { name: t.arg.string({ required: true, description: 'As printed: 警察庁, 最高裁判所…' }) },
    resolve: (query, _root, args, ctx) => ctx.prisma.organization.findUnique({ ...query, where: { name: args.name.normalize('NFC').trim() } }),
  }),
}));
