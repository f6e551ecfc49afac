// Post: a position (職), independent of who holds it, and the seats it has held.
import { resolveCursorConnection, type ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { seatsOfPost } from '../read/seats.js';
import { searchForm, unprintable } from '../domain/title.js';
import { badUserInput, quote } from '../errors.js';
import { LIMITS } from '../limits.js';
import type { Db } from '../read/rows.js';
import { OrganizationRef, PostRef, SeatRef } from './refs.js';
import { answer, knownAtOf, nodeOf, parseLocalId, viewRow, views } from './view.js';
import { KNOWN_AT } from './body.js';

const MAX_SEARCH_LENGTH = 200;

/** `text` as a LIKE pattern that matches itself only: %, _ and the escape character \ are literal. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A connection's cursor (a row id, as the connection gave it), or BAD_USER_INPUT. */
export function parseCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const id = parseLocalId(cursor);
  if (!id || id.k !== null) throw badUserInput(`"${quote(cursor, 40)}" is not a cursor this connection gave.`, { cursor: quote(cursor, 40) });
  return id.id;
}

/**
 * Posts in the order the schema promises (by organization, in the instrument's order, then title),
 * a page of them after/before a post's id: the order's own key, so a page never skips or repeats.
 */
export async function pageOfPosts(db: Db, where: { organizationId?: number }, page: ResolveCursorConnectionArgs) {
  // a cursor that is no row id is refused before any read
  const cursors = { after: parseCursor(page.after), before: parseCursor(page.before) };
  const all = await db.post.findMany({ where, select: { id: true, title: true, organization: { select: { position: true } } } });
  all.sort((a, b) => a.organization.position - b.organization.position || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
  const at = (cursor: 'after' | 'before') => {
    const id = cursors[cursor];
    if (id === undefined) return undefined;
    const i = all.findIndex((p) => p.id === id);
    if (i < 0) throw badUserInput('The cursor names no post of this list.', { cursor: quote(String(page[cursor]), 40) });
    return i;
  };
  const from = at('after');
  const to = at('before');
  const window = all.slice(from === undefined ? 0 : from + 1, to === undefined ? all.length : to);
  const order = page.inverted ? window.reverse() : window;
  const start = 0;
  const ids = order.slice(start, start + page.limit).map((p) => p.id);
  const rows = await db.post.findMany({ where: { id: { in: ids } } });
  return ids.map((id) => rows.find((r) => r.id === id)!);
}

builder.node(PostRef, {
  description: 'A position (職), independent of the person who holds it. The title is exactly as printed.',
  ...nodeOf((ctx: Context, id) => ctx.loaders.post.load(id)),
  fields: (t) => ({
    title: t.string({ resolve: (p) => p.row.title }),
    organization: t.field({ type: OrganizationRef, resolve: (p, _args, ctx) => viewRow(ctx.loaders, 'organization', p.row.organizationId, p.k) }),
    isClass: t.boolean({
      description: 'True when the post stands for a class of posts (「各府省庁の最高情報セキュリティアドバイザー」: one per ministry).',
      resolve: (p) => p.row.isClass,
    }),
    seats: t.field({
      type: [SeatRef],
      nullable: true,
      description:
        'Its seats (tenures) in every body: those in force on `asOf`, or, when `asOf` is omitted, every seat it has held, ' +
        'oldest first (as decided by `knownAt`). OUT_OF_COVERAGE (null) when a body it sits in is not covered on `asOf`: ' +
        'an empty list would say it sat nowhere. Each seat’s place that day: `listing(asOf:)`.',
      args: { asOf: t.arg({ type: 'Date' }), knownAt: t.arg({ type: 'Date', description: KNOWN_AT }) },
      resolve: async (p, args, ctx) => {
        const k = knownAtOf(p, args.knownAt);
        return views(await answer(seatsOfPost(ctx, p.row.id, args.asOf ?? null, k)), k);
      },
    }),
  }),
});

builder.queryFields((t) => ({
  searchPosts: t.field({
    type: [PostRef],
    description:
      'Posts whose title contains `text`, literally (`%` and `_` are characters like any other). Both sides are ' +
      'NFKC-normalized and compared without whitespace, so "AI" finds 「ＡＩ」 and "(" finds 「（」. ' +
      'Ordered by organization (in the instrument’s order), then title. More than 100 matches are refused, never cut short.',
    args: { text: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
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
        // Prisma's `contains` is a LIKE '%…%' that leaves the wildcards in the text to LIKE.
        where: { titleSearch: { contains: likeLiteral(needle), mode: 'insensitive' } },
        orderBy: [{ organization: { position: 'asc' } }, { title: 'asc' }],
        take: LIMITS.pageSize + 1,
      });
      if (found.length > LIMITS.pageSize) {
        throw badUserInput(`More than ${LIMITS.pageSize} posts contain 「${quote(args.text)}」: search for a longer text, or page through \`posts\`.`, { max: LIMITS.pageSize });
      }
      return views(found, null);
    },
  }),
  posts: t.connection({
    type: PostRef,
    description: 'Every post, by organization (in the instrument’s order) then title.',
    resolve: (_root, args, ctx) =>
      resolveCursorConnection({ args, toCursor: (p: { row: { id: number } }) => String(p.row.id) }, async (page: ResolveCursorConnectionArgs) =>
        views(await pageOfPosts(ctx.prisma, {}, page), null)),
  }),
}));
