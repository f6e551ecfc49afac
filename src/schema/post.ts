// Post: a position (職), independent of who holds it, and the seats it has held.
import { builder } from '../builder.js';
import { inForceOn } from '../read/in-force.js';
import { searchForm, unprintable } from '../domain/title.js';
import { badUserInput, quote } from '../errors.js';
import { LIMITS } from '../limits.js';

const MAX_SEARCH_LENGTH = 200;

/** `text` as a LIKE pattern that matches itself only: %, _ and the escape character \ are literal. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

builder.prismaNode('Post', {
  id: { field: 'id' },
  // node(id) of a row that does not exist answers null (Relay's convention), not an error
  nullable: true,
  description: 'A position (職), independent of the person who holds it. The title is exactly as printed.',
  fields: (t) => ({
    title: t.exposeString('title'),
    organization: t.relation('organization'),
    isClass: t.exposeBoolean('isClass', {
      description: 'True when the post stands for a class of posts (「各府省庁の最高情報セキュリティアドバイザー」: one per ministry).',
    }),
    seats: t.relation('seats', {
      description:
        'Its seats in every body in force on `asOf` (as listed that day); when `asOf` is omitted, every seat it has held, ' +
        'oldest first, each once (as first listed).',
      args: { asOf: t.arg({ type: 'Date' }) },
      query: (args, ctx) => ({
        where: args.asOf
          ? inForceOn(args.asOf)
          : // a tenure's first listing is the row whose id is the tenure's
            { id: { equals: ctx.prisma.seat.fields.tenureId } },
        orderBy: [{ validFrom: 'asc' }, { bodyId: 'asc' }, { role: 'asc' }, { position: 'asc' }],
      }),
    }),
  }),
});

builder.queryFields((t) => ({
  searchPosts: t.prismaField({
    type: ['Post'],
    description:
      'Posts whose title contains `text`, literally (`%` and `_` are characters like any other). Both sides are ' +
      'NFKC-normalized and compared without whitespace, so "AI" finds 「ＡＩ」 and "(" finds 「（」. ' +
      'Ordered by organization (in the instrument’s order), then title.',
    args: { text: t.arg.string({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const length = [...args.text].length;
      if (length > MAX_SEARCH_LENGTH) {
        throw badUserInput(`searchPosts text is limited to ${MAX_SEARCH_LENGTH} characters; 「${quote(args.text)}」 has ${length}.`);
      }
      const bad = unprintable(args.text.replace(/\s+/gu, ''));
      if (bad) throw badUserInput(`searchPosts text contains ${bad}, a character no title has.`);
      const needle = searchForm(args.text);
      if (needle.length === 0) throw badUserInput('searchPosts needs some text to look for.');
      // At most LIMITS.pageSize posts, so that the cost limit's bound for this list holds: a search
      // matching more is refused (asking for one more row tells), never cut short silently.
      const found = await ctx.prisma.post.findMany({
        ...query,
        // Prisma's `contains` is a LIKE '%…%' that leaves the wildcards in the text to LIKE.
        where: { titleSearch: { contains: likeLiteral(needle), mode: 'insensitive' } },
        orderBy: [{ organization: { position: 'asc' } }, { title: 'asc' }],
        take: LIMITS.pageSize + 1,
      });
      if (found.length > LIMITS.pageSize) {
        throw badUserInput(`More than ${LIMITS.pageSize} posts contain 「${quote(args.text)}」: search for a longer text, or page through \`posts\`.`, { max: LIMITS.pageSize });
      }
      return found;
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
