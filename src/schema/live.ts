// Live updates: `subscription { directoryChanged(body) }`, told of every committed amendment or
// revert (src/live.ts), over Server-Sent Events (Yoga's own transport).
import { filter, map, pipe } from 'graphql-yoga';
import { builder } from '../builder.js';
import { GraphQLError } from 'graphql';
import type { Context } from '../context.js';
import { TooManySubscriptions, type DirectoryChange } from '../live.js';
import { createReadLoaders, type ReadLoaders } from '../read/loaders.js';
import { findBodyOrThrow } from './body.js';
import { BodyRef, InstrumentRef, RevisionRef } from './refs.js';
import { view, views } from './view.js';

const DirectoryActionEnum = builder.enumType('DirectoryAction', {
  values: {
    RECORDED: { description: 'An amendment was recorded (recordAmendment, or `npm run amend`).' },
    REVERTED: { description: 'The latest amendment of the instrument was reverted.' },
  } as const,
});

const DirectoryChangeRef = builder.objectRef<DirectoryChange>('DirectoryChange').implement({
  description:
    'A committed write: the answers about `bodies` may have changed from `effectiveOn` on (and their coverage, sources and revisions at once). Read them again.',
  fields: (t) => ({
    action: t.field({ type: DirectoryActionEnum, resolve: (c) => c.action }),
    instrument: t.field({
      type: InstrumentRef,
      nullable: true,
      resolve: async (c, _args, ctx) => {
        const row = await ctx.prisma.instrument.findUnique({ where: { code: c.instrument } });
        return row ? view(row, null) : null;
      },
    }),
    bodies: t.field({
      type: [BodyRef],
      description: 'The bodies of the instrument: each gets lists sourced from the new revision (or loses them, on a revert).',
      resolve: async (c, _args, ctx) => views((await ctx.loaders.static()).bodies.filter((b) => c.bodies.includes(b.code)), null),
    }),
    revision: t.field({
      type: RevisionRef,
      nullable: true,
      description: 'The revision recorded: its `diffs` say what it changed. null for a revert (the revision is gone) or once a later revert removed it.',
      resolve: async (c, _args, ctx) => {
        if (c.revisionId == null) return null;
        const row = await ctx.loaders.revision.load(c.revisionId);
        return row ? view(row, null) : null;
      },
    }),
    sequence: t.exposeInt('sequence', { description: 'The revision recorded, or the one reverted (it no longer exists).' }),
    title: t.exposeString('title'),
    decidedOn: t.field({ type: 'Date', description: '決定日 of the revision', resolve: (c) => c.decidedOn as never }),
    effectiveOn: t.field({ type: 'Date', description: '施行日 of the revision', resolve: (c) => c.effectiveOn as never }),
    at: t.exposeString('at', { description: 'When the write was announced (ISO 8601 instant).' }),
  }),
});

/**
 * One set of fresh loaders per event, shared by every subscription it reaches (the event object is
 * the same for all of them): an event read by a thousand subscribers costs the database one read
 * of each thing they ask, not a thousand, and no subscription answers from what it read before.
 */
const eventLoaders = new WeakMap<object, Map<object, ReadLoaders>>();
function loadersForEvent(ctx: Context, change: DirectoryChange): ReadLoaders {
  let byClient = eventLoaders.get(change);
  if (!byClient) eventLoaders.set(change, (byClient = new Map()));
  let loaders = byClient.get(ctx.prisma);
  if (!loaders) {
    const prisma = ctx.prisma;
    byClient.set(prisma, (loaders = createReadLoaders(() => prisma)));
  }
  return loaders;
}

/** The client a subscription counts against: its token's name, else its address. */
function clientOf(ctx: Context): string {
  if (ctx.principal) return `token:${ctx.principal.name}`;
  const req = (ctx as unknown as { req?: { socket?: { remoteAddress?: string } } }).req;
  return `address:${req?.socket?.remoteAddress ?? 'unknown'}`;
}

function subscribeOrRefuse(ctx: Context) {
  try {
    return ctx.live!.subscribe(clientOf(ctx));
  } catch (error) {
    if (error instanceof TooManySubscriptions) {
      throw new GraphQLError(error.message, {
        extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', scope: error.scope, limit: error.limit, http: { status: 429, headers: { 'retry-after': '30' } } },
      });
    }
    throw error;
  }
}

builder.subscriptionType({});

builder.subscriptionFields((t) => ({
  directoryChanged: t.field({
    type: DirectoryChangeRef,
    description:
      'Every amendment recorded or reverted from now on, once committed (all instances with REDIS_URL). Over Server-Sent Events: ' +
      'GET or POST /graphql with `Accept: text/event-stream`. `body` narrows it to changes of that body. Each event reads the data as it is when the event arrives.',
    args: { body: t.arg.id({ description: 'Only changes of this body (code, e.g. secretariat).' }) },
    subscribe: async (_root, args, ctx) => {
      if (!ctx.live) throw new Error('live updates are not configured');
      const body = args.body == null ? null : (await findBodyOrThrow(ctx, String(args.body))).code;
      const changes = subscribeOrRefuse(ctx);
      const wanted = body === null ? changes : pipe(changes, filter((c: DirectoryChange) => c.bodies.includes(body)));
      // Each event is resolved with fresh loaders: what the subscription's earlier events read (or
      // the rows a revert deleted since) is never answered again.
      return pipe(wanted, map((c: DirectoryChange) => {
        ctx.loaders = loadersForEvent(ctx, c);
        return c;
      }));
    },
    resolve: (change) => change,
  }),
}));
