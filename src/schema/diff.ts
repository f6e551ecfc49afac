// MembershipDiff: what changed in a body between two lists — asked by days, by revisions, or of
// one revision (Revision.diffs) — all from src/read/diff.ts's one function.
import { builder } from '../builder.js';
import type { IsoDay } from '../domain/dates.js';
import { diffByDays, diffByRevisions, type ListingDiff } from '../read/diff.js';
import { badUserInput } from '../errors.js';
import { BodyRef, ListingRef, RevisionRef } from './refs.js';
import { answer, parseLocalId, view, views } from './view.js';
import { findBodyOrThrow, KNOWN_AT } from './body.js';
import type { Context } from '../context.js';

export interface DiffShape { diff: ListingDiff; k: IsoDay | null; asked?: unknown }

export const RenameKindEnum = builder.enumType('RenameKind', {
  description: 'What the data can say of one post printed in place of another in a seat.',
  values: {
    RETITLE: {
      description:
        'The same office under a new title, where the data records why: the titles differ exactly by a unit’s recorded rename on ' +
        'the day it took effect (内閣サイバーセキュリティセンター → 国家サイバー統括室).',
    },
    SUCCESSION: {
      description:
        'Another post, one that already existed (seated or named by a provision before that day), takes the seat ' +
        '(サイバーセキュリティ補佐官 → サイバーセキュリティ参与, a post the chairs could invite since 2021).',
    },
    REPLACEMENT: {
      description: 'One post printed in place of another, and no more: the 新旧対照表 says nothing of whether the office is the same.',
    },
  } as const,
});

const SeatRenameRef = builder.objectRef<{ before: DiffShape['diff']['from'][number]; after: DiffShape['diff']['to'][number]; kind: 'RETITLE' | 'SUCCESSION' | 'REPLACEMENT'; k: IsoDay | null }>('SeatRename').implement({
  description: 'A seat that ended while another began in its place (the same seat key): see kind for what the data can say of it.',
  fields: (t) => ({
    kind: t.field({ type: RenameKindEnum, description: 'Judged from the earlier listing to the later one, whichever order the diff was asked in.', resolve: (r) => r.kind }),
    before: t.field({ type: ListingRef, description: 'As listed on the diff’s `from` side.', resolve: (r) => view(r.before, r.k) }),
    after: t.field({ type: ListingRef, description: 'As listed on the diff’s `to` side.', resolve: (r) => view(r.after, r.k) }),
  }),
});

export const MembershipDiffRef = builder.objectRef<DiffShape>('MembershipDiff').implement({
  description:
    'What changed in a body from one list to another (two days, two revisions, or what one revision did): listings added, ' +
    'removed, renamed, and how many seats stayed.',
  fields: (t) => ({
    body: t.field({ type: BodyRef, resolve: (d) => view(d.diff.body, d.k) }),
    from: t.field({ type: 'Date', description: 'The day asked, or the day the `from` revision took effect.', resolve: (d) => d.diff.fromDay }),
    to: t.field({ type: 'Date', description: 'The day asked, or the day the `to` revision took effect.', resolve: (d) => d.diff.toDay }),
    fromRevision: t.field({
      type: RevisionRef,
      description: 'The revision whose list is the `from` side (the one in force on `from`, when asked by days).',
      resolve: async (d, _args, ctx) => view((await ctx.loaders.revision.load(d.diff.fromRevision))!, d.k),
    }),
    toRevision: t.field({
      type: RevisionRef,
      description: 'The revision whose list is the `to` side.',
      resolve: async (d, _args, ctx) => view((await ctx.loaders.revision.load(d.diff.toRevision))!, d.k),
    }),
    added: t.field({ type: [ListingRef], description: 'Seats on the `to` side but not on the `from` side, as listed on `to`.', resolve: (d) => views(d.diff.added, d.k) }),
    removed: t.field({ type: [ListingRef], description: 'Seats on the `from` side but not on the `to` side, as listed on `from`.', resolve: (d) => views(d.diff.removed, d.k) }),
    renamed: t.field({ type: [SeatRenameRef], resolve: (d) => d.diff.renamed.map((r) => ({ ...r, k: d.k })) }),
    unchanged: t.int({
      description:
        'How many seats are the same seat on both sides: the same tenure (same post, body and role, continuing). A post removed ' +
        'and listed again later is a new seat, not unchanged; a move in position is unchanged.',
      resolve: (d) => d.diff.unchanged.length,
    }),
  }),
});

async function revisionArg(ctx: Context, id: string, name: string) {
  const local = /^[A-Za-z0-9+/=]+$/.test(id) ? Buffer.from(id, 'base64').toString('utf8') : '';
  const m = /^Revision:(.*)$/.exec(local);
  const parsed = m ? parseLocalId(m[1]) : null;
  const row = parsed ? await ctx.loaders.revision.load(parsed.id) : null;
  if (!row) throw badUserInput(`\`${name}\` must be the id of a revision (Revision.id), not "${id.slice(0, 40)}".`, { argument: name });
  return row;
}

builder.queryFields((t) => ({
  membershipDiff: t.field({
    type: MembershipDiffRef,
    description:
      'What changed in `body` between two lists: by days (`from` and `to`, either order; both days must be covered), or by ' +
      'revisions (`fromRevision` and `toRevision`: the lists the two print, whatever days they take effect; both of the ' +
      'body’s instrument, with known texts). Exactly one pair; anything else is BAD_USER_INPUT.',
    args: {
      body: t.arg.id({ required: true }),
      from: t.arg({ type: 'Date' }),
      to: t.arg({ type: 'Date' }),
      fromRevision: t.arg.id({ description: 'A Revision id: its list is the `from` side.' }),
      toRevision: t.arg.id({ description: 'A Revision id: its list is the `to` side.' }),
      knownAt: t.arg({ type: 'Date', description: `${KNOWN_AT} With revisions, it only shapes what nested fields answer.` }),
    },
    resolve: async (_root, args, ctx) => {
      const body = await findBodyOrThrow(ctx, String(args.body));
      const byDays = args.from != null || args.to != null;
      const byRevisions = args.fromRevision != null || args.toRevision != null;
      const knownAt = args.knownAt ?? null;
      if (byDays && !byRevisions && args.from != null && args.to != null) {
        return { diff: await answer(diffByDays(ctx, body, args.from, args.to, knownAt)), k: knownAt };
      }
      if (byRevisions && !byDays && args.fromRevision != null && args.toRevision != null) {
        const [a, b] = await Promise.all([revisionArg(ctx, String(args.fromRevision), 'fromRevision'), revisionArg(ctx, String(args.toRevision), 'toRevision')]);
        return { diff: await answer(diffByRevisions(ctx, body, a, b)), k: knownAt };
      }
      throw badUserInput('membershipDiff takes exactly one pair: `from` and `to` (days), or `fromRevision` and `toRevision` (revisions).', {
        given: Object.entries({ from: args.from, to: args.to, fromRevision: args.fromRevision, toRevision: args.toRevision }).filter(([, v]) => v != null).map(([k]) => k),
      });
    },
  }),
}));
