// Live updates: `subscription { directoryChanged(body) }`, told of every committed amendment or
// revert (src/live.ts), over Server-Sent Events (Yoga's own transport).
import { filter, pipe } from 'graphql-yoga';
import { builder } from '../builder.js';
import type { DirectoryChange } from '../live.js';
import { BodyRef, findBodyOrThrow } from './body.js';
import { InstrumentRef } from './revision.js';

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
    instrument: t.prismaField({
      type: InstrumentRef,
      resolve: (query, c, _args, ctx) => ctx.prisma.instrument.findUniqueOrThrow({ ...query, where: { code: c.instrument } }),
    }),
    bodies: t.prismaField({
      type: [BodyRef],
      description: 'The bodies of the instrument: each gets lists sourced from the new revision (or loses them, on a revert).',
      resolve: (query, c, _args, ctx) => ctx.prisma.body.findMany({ ...query, where: { code: { in: c.bodies } }, orderBy: { position: 'asc' } }),
    }),
    sequence: t.exposeInt('sequence', { description: 'The revision recorded, or the one reverted (it no longer exists).' }),
    title: t.exposeString('title'),
    decidedOn: t.field({ type: 'Date', description: '決定日 of the revision', resolve: (c) => c.decidedOn as never }),
    effectiveOn: t.field({ type: 'Date', description: '施行日 of the revision', resolve: (c) => c.effectiveOn as never }),
    at: t.exposeString('at', { description: 'When the write was announced (ISO 8601 instant).' }),
  }),
});

builder.subscriptionType({});

builder.subscriptionFields((t) => ({
  directoryChanged: t.field({
    type: DirectoryChangeRef,
    description:
      'Every amendment recorded or reverted from now on, once committed (all instances with REDIS_URL). Over Server-Sent Events: ' +
      'GET or POST /graphql with `Accept: text/event-stream`. `body` narrows it to changes of that body.',
    args: { body: t.arg.id({ description: 'Only changes of this body (code, e.g. secretariat).' }) },
    subscribe: async (_root, args, ctx) => {
      if (!ctx.live) throw new Error('live updates are not configured');
      const body = args.body == null ? null : (await findBodyOrThrow(ctx, String(args.body))).code;
      const changes = ctx.live.subscribe();
      return body === null ? changes : pipe(changes, filter((c: DirectoryChange) => c.bodies.includes(body)));
    },
    resolve: (change) => change,
  }),
}));
