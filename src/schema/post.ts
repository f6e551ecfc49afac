// Post: a position (職), independent of who holds it, and the seats it has held.
import { builder } from '../builder.js';
import { toDate } from '../domain/dates.js';
import { badUserInput } from '../errors.js';

builder.prismaNode('Post', {
  id: { field: 'id' },
  description: 'A position (職), independent of the person who holds it. The title is exactly as printed.',
  fields: (t) => ({
    title: t.exposeString('title'),
    organization: t.relation('organization'),
    isClass: t.exposeBoolean('isClass', {
      description: 'True when the post stands for a class of posts (「各府省庁の最高情報セキュリティアドバイザー」: one per ministry).',
    }),
    seats: t.relation('seats', {
      description: 'Its seats in every body in force on `asOf`; its whole history, oldest first, when `asOf` is omitted.',
      args: { asOf: t.arg({ type: 'Date' }) },
      query: (args) => ({
        where: args.asOf
          ? { validFrom: { lte: toDate(args.asOf) }, OR: [{ validTo: null }, { validTo: { gt: toDate(args.asOf) } }] }
          : {},
        orderBy: [{ validFrom: 'asc' }, { bodyId: 'asc' }, { role: 'asc' }, { position: 'asc' }],
      }),
    }),
  }),
});

builder.queryFields((t) => ({
  searchPosts: t.prismaField({
    type: ['Post'],
    description:
      'Posts whose title contains `text`. Both sides are NFKC-normalized, so "AI" finds 「ＡＩ」 and "(" finds 「（」. ' +
      'Ordered by organization (in the instrument’s order), then title.',
    args: { text: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) => {
      const needle = args.text.normalize('NFKC').trim();
      if (needle.length === 0) throw badUserInput('searchPosts needs some text to look for.');
      if (needle.length > 200) throw badUserInput('searchPosts text is limited to 200 characters.');
      return ctx.prisma.post.findMany({
        ...query,
        where: { titleSearch: { contains: needle, mode: 'insensitive' } },
        orderBy: [{ organization: { position: 'asc' } }, { title: 'asc' }],
      });
    },
  }),
  posts: t.prismaConnection({
    type: 'Post',
    cursor: 'id',
    description: 'Every post, by organization then title.',
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.post.findMany({ ...query, orderBy: [{ organization: { position: 'asc' } }, { id: 'asc' }] }),
  }),
}));
