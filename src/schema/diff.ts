// MembershipDiff: what changed in a body between two days.
import { builder } from '../builder.js';
import { fromDate, type IsoDay } from '../domain/dates.js';
import { diffSeats } from '../domain/diff.js';
import { findBodyOrThrow, KNOWN_AT } from './body.js';
import { loadSeatsInForce } from '../read/seats.js';

interface DiffResult {
  from: IsoDay;
  to: IsoDay;
  added: number[];
  removed: number[];
  renamed: Array<{ before: number; after: number }>;
  unchanged: number;
}

const RenameKindEnum = builder.enumType('RenameKind', {
  description: 'How one post came to take another’s place in a seat.',
  values: {
    RETITLE: { description: 'The same office under a new title: the new title did not exist before (「…センター長」 → 「内閣サイバー官」).' },
    SUCCESSION: {
      description:
        'Another post, one that already existed (seated or named elsewhere before that day), takes the seat ' +
        '(サイバーセキュリティ補佐官 → サイバーセキュリティ参与, a post invited under 第５条 since 2021).',
    },
  } as const,
});

const SeatRenameRef = builder.objectRef<{ before: number; after: number }>('SeatRename').implement({
  description: 'A seat that ended while another began under the same seat key: a retitle or a succession (see kind).',
  fields: (t) => ({
    kind: t.field({
      type: RenameKindEnum,
      resolve: async (r, _args, ctx) => {
        const after = await ctx.prisma.seat.findUniqueOrThrow({ where: { id: r.after }, select: { postId: true, tenureFrom: true, validFrom: true } });
        return (await ctx.loaders.postExistedBefore.load(`${after.postId}|${fromDate(after.tenureFrom ?? after.validFrom)}`)) ? 'SUCCESSION' : 'RETITLE';
      },
    }),
    before: t.prismaField({
      type: 'Seat',
      resolve: (query, r, _args, ctx) => ctx.prisma.seat.findUniqueOrThrow({ ...query, where: { id: r.before } }),
    }),
    after: t.prismaField({
      type: 'Seat',
      resolve: (query, r, _args, ctx) => ctx.prisma.seat.findUniqueOrThrow({ ...query, where: { id: r.after } }),
    }),
  }),
});

const seatsById = (ids: number[]) => ({ where: { id: { in: ids } }, orderBy: [{ role: 'asc' as const }, { position: 'asc' as const }] });

const MembershipDiffRef = builder.objectRef<DiffResult>('MembershipDiff').implement({
  description: 'What changed in a body from `from` to `to`: seats added, removed, renamed, and how many stayed.',
  fields: (t) => ({
    from: t.field({ type: 'Date', resolve: (d) => d.from }),
    to: t.field({ type: 'Date', resolve: (d) => d.to }),
    added: t.prismaField({
      type: ['Seat'],
      description: 'Seats in force on `to` but not on `from`, as listed on `to`.',
      resolve: (query, d, _args, ctx) => ctx.prisma.seat.findMany({ ...query, ...seatsById(d.added) }),
    }),
    removed: t.prismaField({
      type: ['Seat'],
      description: 'Seats in force on `from` but not on `to`, as listed on `from`.',
      resolve: (query, d, _args, ctx) => ctx.prisma.seat.findMany({ ...query, ...seatsById(d.removed) }),
    }),
    renamed: t.field({ type: [SeatRenameRef], resolve: (d) => d.renamed }),
    unchanged: t.exposeInt('unchanged', { description: 'Seats held by the same post on both days.' }),
  }),
});

builder.queryFields((t) => ({
  membershipDiff: t.field({
    type: MembershipDiffRef,
    description: 'What changed in `body` from `from` to `to` (either order). Both days must be covered.',
    args: {
      body: t.arg.id({ required: true }),
      from: t.arg({ type: 'Date', required: true }),
      to: t.arg({ type: 'Date', required: true }),
      knownAt: t.arg({ type: 'Date', description: KNOWN_AT }),
    },
    resolve: async (_root, args, ctx) => {
      const body = await findBodyOrThrow(ctx, String(args.body));
      const knownAt = args.knownAt ?? null;
      const shape = { select: { id: true, seatKey: true, tenureId: true } };
      type Row = { id: number; seatKey: string; tenureId: number };
      const [before, after] = await Promise.all([
        loadSeatsInForce<Row>(ctx, shape, body, args.from, null, knownAt),
        loadSeatsInForce<Row>(ctx, shape, body, args.to, null, knownAt),
      ]);
      const diff = diffSeats(before, after);
      return {
        from: args.from,
        to: args.to,
        added: diff.added.map((s) => s.id),
        removed: diff.removed.map((s) => s.id),
        renamed: diff.renamed.map((r) => ({ before: r.before.id, after: r.after.id })),
        unchanged: diff.unchanged.length,
      };
    },
  }),
}));
