// Body: a council or meeting whose seats an instrument fixes; who sits on it as of a day.
import { builder } from '../builder.js';
import type { IsoDay } from '../domain/dates.js';
import { fromDate } from '../domain/dates.js';
import type { Body } from '../generated/prisma/client.js';
import type { Context } from '../context.js';
import { decidedBy } from '../read/in-force.js';
import { listingsInForce } from '../read/seats.js';
import { notFound, quote } from '../errors.js';
import { BodyRef, InstrumentRef, ListingRef, RevisionRef } from './refs.js';
import { answer, knownAtOf, nodeOf, onDecisionStep, view, views, type View } from './view.js';

export const BODY_CODES = ['promotion-council', 'deputy-director-meeting', 'secretariat', 'advisor-liaison-meeting'];

export const KNOWN_AT =
  'Answer from the decisions taken by this day (決定日): revisions decided later are left out, as if not yet made. ' +
  'Every nested field answers by the same day unless given its own. The answer is that of the last decision day on or before it, ' +
  'which the ids of its objects name (`…@<day>`). Default: every decision recorded.';

/** A body by code, or NOT_FOUND naming the codes there are. */
export async function findBodyOrThrow(ctx: Context, code: string): Promise<Body> {
  const { bodies } = await ctx.loaders.static();
  const body = bodies.find((b) => b.code === code);
  if (!body) throw notFound(`No body has the code "${quote(code)}". Known codes: ${bodies.map((b) => b.code).join(', ')}.`, { body: quote(code) });
  return body;
}

// Role is declared in seat.ts; import lazily to keep the order of registration simple.
import { RoleEnum } from './seat.js';

const DayRangeRef = builder.objectRef<{ from: IsoDay; to: IsoDay | null }>('DayRange').implement({
  description: 'Days from `from` up to, not including, `to` (null: no end).',
  fields: (t) => ({
    from: t.field({ type: 'Date', resolve: (r) => r.from }),
    to: t.field({ type: 'Date', nullable: true, resolve: (r) => r.to }),
  }),
});

interface CoverageShape { body: Body; ranges: Array<{ from: IsoDay; to: IsoDay | null }>; rosterKnown: boolean; k: IsoDay | null }

const CoverageRef = builder.objectRef<CoverageShape>('Coverage').implement({
  description: 'Which days the data answers for a body (as decided by `knownAt`). Other days get OUT_OF_COVERAGE, never the nearest list.',
  fields: (t) => ({
    from: t.field({ type: 'Date', nullable: true, description: 'First covered day; null when none is.', resolve: (c) => c.ranges[0]?.from ?? null }),
    to: t.field({
      type: 'Date',
      nullable: true,
      description: 'Day coverage ends (exclusive); null: no end — the latest known list is in force from its day on, with no end known.',
      resolve: (c) => c.ranges.at(-1)?.to ?? null,
    }),
    ranges: t.field({ type: [DayRangeRef], description: 'Covered ranges; more than one when a revision known by date only opens a gap.', resolve: (c) => c.ranges }),
    rosterKnown: t.boolean({ description: 'Whether the sources give this body’s seats at all.', resolve: (c) => c.rosterKnown }),
    note: t.string({ description: 'What the sources say and do not say about this body.', resolve: (c) => c.body.coverageNote }),
    checkedOn: t.field({
      type: 'Date',
      nullable: true,
      description:
        'The day up to which this answer knows every decision about the body: the later of the day the data was last checked ' +
        'against its sources and the latest decision whose text it holds (a recorded amendment prints the whole list as of ' +
        'its decision), and never after the decision an answer as decided by `knownAt` stands on (the last one decided on or before it). A revision decided after it may exist that the data does not hold. null: not recorded.',
      resolve: async (c, _args, ctx) => {
        const checked = await ctx.loaders.checkedOn();
        let day: IsoDay | null = checked ? fromDate(checked) : null;
        if (c.body.instrumentId !== null) {
          for (const r of await ctx.loaders.instrumentRevisions.load(c.body.instrumentId)) {
            const decided = fromDate(r.decidedOn);
            if (r.contentKnown && decidedBy(r, c.k) && (day === null || decided > day)) day = decided;
          }
        }
        // never after the decision the answer stands on (not the day asked: every day of the step has one answer)
        if (day === null || c.k === null) return day;
        const last = day;
        return onDecisionStep(ctx.loaders, c.k, (step) => (last > step ? step : last));
      },
    }),
  }),
});

const listingsOf = (ctx: Context, body: Body, asOf: IsoDay, role: string | null | undefined, k: IsoDay | null) =>
  answer(listingsInForce(ctx, body, asOf, (role ?? null) as never, k)).then((rows) => views(rows, k));

builder.node(BodyRef, {
  description: 'A council or meeting (会議) whose composition an instrument fixes.',
  ...nodeOf(async (ctx: Context, id) => (await ctx.loaders.static()).bodies.find((b) => b.id === id)),
  fields: (t) => ({
    code: t.string({ description: BODY_CODES.join(' | '), resolve: (b) => b.row.code }),
    name: t.string({ resolve: (b) => b.row.name }),
    nameEn: t.string({ nullable: true, description: 'Official English name; null where none is official.', resolve: (b) => b.row.nameEn }),
    parent: t.field({
      type: BodyRef,
      nullable: true,
      description: 'The body it sits under.',
      resolve: async (b, _args, ctx) => {
        const parent = (await ctx.loaders.static()).bodies.find((p) => p.id === b.row.parentId);
        return parent ? view(parent, b.k) : null;
      },
    }),
    children: t.field({
      type: [BodyRef],
      resolve: async (b, _args, ctx) => views((await ctx.loaders.static()).bodies.filter((c) => c.parentId === b.row.id), b.k),
    }),
    instrument: t.field({
      type: InstrumentRef,
      nullable: true,
      description: 'The instrument that fixes its seats.',
      resolve: async (b, _args, ctx) => (b.row.instrumentId === null ? null : view((await ctx.loaders.instrument.load(b.row.instrumentId))!, b.k)),
    }),
    clause: t.string({ nullable: true, description: 'The clause of that instrument (第1項…).', resolve: (b) => b.row.clause }),
    revisions: t.field({
      type: [RevisionRef],
      description: 'Every known revision of its instrument, oldest first, including those known by date only (those decided by `knownAt`).',
      args: { knownAt: t.arg({ type: 'Date', description: KNOWN_AT }) },
      resolve: async (b, args, ctx) => {
        const k = knownAtOf(b, args.knownAt);
        if (b.row.instrumentId === null) return [];
        return views((await ctx.loaders.instrumentRevisions.load(b.row.instrumentId)).filter((r) => decidedBy(r, k)), k);
      },
    }),
    coverage: t.field({
      type: CoverageRef,
      args: { knownAt: t.arg({ type: 'Date', description: KNOWN_AT }) },
      resolve: async (b, args, ctx) => {
        const k = knownAtOf(b, args.knownAt);
        const revisions = b.row.instrumentId === null ? [] : await ctx.loaders.instrumentRevisions.load(b.row.instrumentId);
        return {
          body: b.row,
          k,
          rosterKnown: revisions.some((r) => r.contentKnown),
          ranges: await ctx.loaders.coverage.load(`${b.row.id}|${k ?? ''}`),
        };
      },
    }),
    chair: t.field({
      type: ListingRef,
      nullable: true,
      description:
        'The chair’s listing in force on `asOf`; null when the list in force names no chair (the advisor liaison meeting’s ' +
        'sources name none). A day the data does not cover is OUT_OF_COVERAGE, never null: the promotion council’s composition is not in the sources.',
      args: { asOf: t.arg({ type: 'Date', required: true }), knownAt: t.arg({ type: 'Date', description: KNOWN_AT }) },
      resolve: async (b, args, ctx) => (await listingsOf(ctx, b.row, args.asOf, 'CHAIR', knownAtOf(b, args.knownAt)))[0] ?? null,
    }),
    members: t.field({
      type: [ListingRef],
      // nullable, so that one body out of coverage answers null with its error and the rest of the answer stands
      nullable: true,
      description:
        'The listings in force on `asOf`, in listing order (chair, vice-chairs, members, observers); one role if `role` is given. ' +
        'null, with an OUT_OF_COVERAGE error on this path only, for a day the data does not cover for this body.',
      args: { asOf: t.arg({ type: 'Date', required: true }), role: t.arg({ type: RoleEnum }), knownAt: t.arg({ type: 'Date', description: KNOWN_AT }) },
      resolve: (b, args, ctx) => listingsOf(ctx, b.row, args.asOf, args.role, knownAtOf(b, args.knownAt)),
    }),
  }),
});

export type BodyView = View<Body>;

builder.queryFields((t) => ({
  bodies: t.field({
    type: [BodyRef],
    description: 'The four bodies, parents first.',
    resolve: async (_root, _args, ctx) => views((await ctx.loaders.static()).bodies, null),
  }),
  body: t.field({
    type: BodyRef,
    nullable: true,
    description: 'A body by code; null when no body has that code. Its fields answer as decided by `knownAt`.',
    args: { code: t.arg.id({ required: true }), knownAt: t.arg({ type: 'Date', description: KNOWN_AT }) },
    resolve: async (_root, args, ctx) => {
      const body = (await ctx.loaders.static()).bodies.find((b) => b.code === String(args.code));
      return body ? view(body, args.knownAt ?? null) : null;
    },
  }),
  chair: t.field({
    type: ListingRef,
    nullable: true,
    description:
      'The chair of `body` in force on `asOf`: its listing. null when the list in force names no chair; OUT_OF_COVERAGE (and ' +
      'null, on this path only) when the data does not cover the day — always for the promotion council, whose composition the sources do not give.',
    args: { body: t.arg.id({ required: true }), asOf: t.arg({ type: 'Date', required: true }), knownAt: t.arg({ type: 'Date', description: KNOWN_AT }) },
    resolve: async (_root, args, ctx) => {
      const body = await findBodyOrThrow(ctx, String(args.body));
      return (await listingsOf(ctx, body, args.asOf, 'CHAIR', args.knownAt ?? null))[0] ?? null;
    },
  }),
  members: t.field({
    type: [ListingRef],
    nullable: true,
    description:
      'The listings of `body` in force on `asOf`, in listing order; all roles unless `role` is given. OUT_OF_COVERAGE (and null, ' +
      'on this path only: other fields of the same query still answer) for a day the data does not cover for the body.',
    args: { body: t.arg.id({ required: true }), asOf: t.arg({ type: 'Date', required: true }), role: t.arg({ type: RoleEnum }), knownAt: t.arg({ type: 'Date', description: KNOWN_AT }) },
    resolve: async (_root, args, ctx) => listingsOf(ctx, await findBodyOrThrow(ctx, String(args.body)), args.asOf, args.role, args.knownAt ?? null),
  }),
}));
