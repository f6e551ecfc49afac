// Body: a council or meeting whose seats an instrument fixes; who sits on it as of a day.
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { fromDate, type IsoDay } from '../domain/dates.js';
import { notFound, quote } from '../errors.js';
import type { Role } from '../generated/prisma/client.js';
import { RevisionRef } from './revision.js';
import { loadSeatsInForce, seatsInForceOfOne } from '../read/seats.js';
import { RoleEnum } from './seat.js';

export const BODY_CODES = ['promotion-council', 'deputy-director-meeting', 'secretariat', 'advisor-liaison-meeting'];

// Bodies never change once seeded (no write path touches them), so each client keeps them by
// code: an as-of question costs no statement to find its body.
const bodiesByClient = new WeakMap<object, Map<string, { id: number; code: string; name: string; instrumentId: number | null }>>();

export async function findBodyOrThrow(ctx: Context, code: string) {
  let known = bodiesByClient.get(ctx.prisma);
  const cached = known?.get(code);
  if (cached) return cached;
  const body = await ctx.prisma.body.findUnique({ where: { code }, select: { id: true, code: true, name: true, instrumentId: true } });
  if (body) {
    if (!known) bodiesByClient.set(ctx.prisma, (known = new Map()));
    known.set(code, body);
  }
  if (!body) {
    const known = (await ctx.prisma.body.findMany({ select: { code: true }, orderBy: { position: 'asc' } })).map((b) => b.code);
    throw notFound(`No body has the code "${quote(code)}". Known codes: ${known.join(', ')}.`, { body: quote(code) });
  }
  return body;
}

export const KNOWN_AT = 'Answer from what had been decided by this day (bitemporal: in force on asOf, as known on knownAt). Default: everything recorded.';

const DayRangeRef = builder.objectRef<{ from: IsoDay; to: IsoDay | null }>('DayRange').implement({
  description: 'Days from `from` up to, not including, `to` (null: no end known).',
  fields: (t) => ({
    from: t.field({ type: 'Date', resolve: (r) => r.from }),
    to: t.field({ type: 'Date', nullable: true, resolve: (r) => r.to }),
  }),
});

const CoverageRef = builder
  .objectRef<{ bodyId: number; note: string; rosterKnown: boolean; ranges: Array<{ from: IsoDay; to: IsoDay | null }>; knownAt: IsoDay | null }>('Coverage')
  .implement({
    description: 'Which days the data answers for a body. Other days get OUT_OF_COVERAGE, never the nearest list.',
    fields: (t) => ({
      from: t.field({ type: 'Date', nullable: true, description: 'First covered day; null when none is.', resolve: (c) => c.ranges[0]?.from ?? null }),
      to: t.field({
        type: 'Date',
        nullable: true,
        description: 'Day coverage ends (exclusive); null when it runs on to the latest known revision.',
        resolve: (c) => c.ranges.at(-1)?.to ?? null,
      }),
      ranges: t.field({ type: [DayRangeRef], description: 'Covered ranges; more than one when an unknown revision opens a gap.', resolve: (c) => c.ranges }),
      rosterKnown: t.exposeBoolean('rosterKnown', { description: 'Whether the sources give this body’s seats at all.' }),
      note: t.exposeString('note', { description: 'What the sources say and do not say about this body.' }),
      checkedOn: t.field({
        type: 'Date',
        nullable: true,
        description:
          'The day the data was last checked against its sources. A day after it is answered with the list in force as far ' +
          'as meibo knows: a revision decided after checkedOn may exist that the data does not hold. null: not recorded.',
        resolve: (_c, _args, ctx) => ctx.loaders.checkedOn(),
      }),
    }),
  });


export const BodyRef = builder.prismaNode('Body', {
  id: { field: 'id' },
  // node(id) of a row that does not exist answers null (Relay's convention), not an error
  nullable: true,
  description: 'A council or meeting (会議) whose composition an instrument fixes.',
  fields: (t) => ({
    code: t.exposeString('code', { description: BODY_CODES.join(' | ') }),
    name: t.exposeString('name'),
    nameEn: t.exposeString('nameEn', { nullable: true, description: 'Official English name; null where none is official.' }),
    parent: t.relation('parent', { nullable: true, description: 'The body it sits under.' }),
    children: t.relation('children', { query: { orderBy: { position: 'asc' } } }),
    instrument: t.relation('instrument', { nullable: true, description: 'The instrument that fixes its seats.' }),
    clause: t.exposeString('clause', { nullable: true, description: 'The clause of that instrument (第1項…).' }),
    revisions: t.field({
      type: [RevisionRef],
      description: 'Every known revision of its instrument, oldest first, including those known by date only (as known on `knownAt`: those decided by then).',
      args: { knownAt: t.arg({ type: 'Date', description: KNOWN_AT }) },
      select: { instrument: { select: { revisions: { orderBy: { sequence: 'asc' } } } } },
      resolve: (body, args) => (body.instrument?.revisions ?? []).filter((r) => !args.knownAt || fromDate(r.decidedOn) <= args.knownAt),
    }),
    coverage: t.field({
      type: CoverageRef,
      args: { knownAt: t.arg({ type: 'Date', description: KNOWN_AT }) },
      select: { coverageNote: true, instrument: { select: { revisions: { where: { contentKnown: true }, select: { id: true }, take: 1 } } } },
      resolve: async (body, args, ctx) => ({
        bodyId: body.id,
        note: body.coverageNote,
        rosterKnown: (body.instrument?.revisions.length ?? 0) > 0,
        ranges: await ctx.loaders.coverage.load(`${body.id}|${args.knownAt ?? ''}`),
        knownAt: args.knownAt ?? null,
      }),
    }),
    chair: t.prismaField({
      type: 'Seat',
      nullable: true,
      description: 'The chair in force on `asOf`; null when the body has none that day (or the sources name none).',
      args: { asOf: t.arg({ type: 'Date', required: true }), knownAt: t.arg({ type: 'Date', description: KNOWN_AT }) },
      resolve: async (query, body, args, ctx) => {
        const [chair] = await loadSeatsInForce<never>(ctx, query, body, args.asOf, 'CHAIR', args.knownAt ?? null);
        return chair ?? null;
      },
    }),
    members: t.prismaField({
      type: ['Seat'],
      // Nullable here (unlike Query.members) so that one body out of coverage in a list of bodies
      // answers null with its error, and the other bodies still answer.
      nullable: true,
      description:
        'Seats in force on `asOf`, in listing order (chair, vice-chairs, members, observers); one role if `role` is given. ' +
        'null, with an OUT_OF_COVERAGE error, for a day the data does not cover for this body.',
      args: { asOf: t.arg({ type: 'Date', required: true }), role: t.arg({ type: RoleEnum }), knownAt: t.arg({ type: 'Date', description: KNOWN_AT }) },
      resolve: async (query, body, args, ctx) => {
        return loadSeatsInForce<never>(ctx, query, body, args.asOf, (args.role as Role | null | undefined) ?? null, args.knownAt ?? null);
      },
    }),
  }),
});

builder.queryFields((t) => ({
  bodies: t.prismaField({
    type: ['Body'],
    description: 'The four bodies, parents first.',
    resolve: (query, _root, _args, ctx) => ctx.prisma.body.findMany({ ...query, orderBy: { position: 'asc' } }),
  }),
  body: t.prismaField({
    type: 'Body',
    nullable: true,
    description: 'A body by code; null when no body has that code.',
    args: { code: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.prisma.body.findUnique({ ...query, where: { code: String(args.code) } }),
  }),
  chair: t.prismaField({
    type: 'Seat',
    nullable: true,
    description: 'The chair of `body` in force on `asOf`; null when the body has none that day.',
    args: { body: t.arg.id({ required: true }), asOf: t.arg({ type: 'Date', required: true }), knownAt: t.arg({ type: 'Date', description: KNOWN_AT }) },
    resolve: async (query, _root, args, ctx) => {
      const body = await findBodyOrThrow(ctx, String(args.body));
      const [chair] = await seatsInForceOfOne<never>(ctx, query, body, args.asOf, 'CHAIR', args.knownAt ?? null);
      return chair ?? null;
    },
  }),
  members: t.prismaField({
    type: ['Seat'],
    description: 'The seats of `body` in force on `asOf`, in listing order; all roles unless `role` is given.',
    args: { body: t.arg.id({ required: true }), asOf: t.arg({ type: 'Date', required: true }), role: t.arg({ type: RoleEnum }), knownAt: t.arg({ type: 'Date', description: KNOWN_AT }) },
    resolve: async (query, _root, args, ctx) => {
      const body = await findBodyOrThrow(ctx, String(args.body));
      return seatsInForceOfOne<never>(ctx, query, body, args.asOf, (args.role as Role | null | undefined) ?? null, args.knownAt ?? null);
    },
  }),
}));
