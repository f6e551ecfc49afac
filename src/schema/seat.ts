// Seat: one post's tenure in one body and role, with the listing (position, source) in force on
// the day asked. Which seats are in force is the read layer's (src/read/seats.ts).
import { builder } from '../builder.js';
import { fromDate } from '../domain/dates.js';
import { InstrumentRef } from './revision.js';

export const RoleEnum = builder.enumType('Role', {
  description: 'The role a seat gives its post: 議長, 副議長, 構成員, オブザーバー.',
  values: {
    CHAIR: { description: '議長' },
    VICE_CHAIR: { description: '副議長' },
    MEMBER: { description: '構成員' },
    OBSERVER: { description: 'オブザーバー' },
  } as const,
});

export const SourceRef = builder.prismaObject('Seat', {
  variant: 'Source',
  description: 'Where a seat comes from: the instrument, the revision whose text lists it, the clause and the role.',
  fields: (t) => ({
    instrument: t.field({
      type: InstrumentRef,
      select: { revision: { select: { instrument: true } } },
      resolve: (seat) => seat.revision.instrument,
    }),
    revision: t.relation('revision'),
    clause: t.exposeString('clause', { description: '第1項, 第2項…' }),
    role: t.expose('role', { type: RoleEnum }),
  }),
});

export const SeatRef = builder.prismaNode('Seat', {
  // node(id) of a row that does not exist answers null (Relay's convention), not an error
  nullable: true,
  // A seat is a tenure: its id is the id of the tenure's first listing (node(id) answers that
  // listing), whatever listing of it a question lands on.
  // (Pothos's types allow `field` or `resolve`; at run time `field` parses ids and loads rows, and
  // `resolve` makes them.) `field: 'id'` keeps every row reloadable as itself.
  id: { field: 'id', resolve: (seat: { id: number; tenureId: number | null }) => seat.tenureId ?? seat.id } as unknown as { field: 'id' },
  select: { tenureId: true, tenureFrom: true, tenureTo: true, validFrom: true },
  description:
    'One post’s continuous tenure in one body and role: re-listed unchanged by later revisions it stays the same seat ' +
    '(same id, same validFrom). A retitled post ends its seat and starts a new one, linked by seatKey (a rename). ' +
    '`position` and `source` are those of the listing in force on the day asked.',
  fields: (t) => ({
    role: t.expose('role', { type: RoleEnum }),
    position: t.exposeInt('position', { description: '1-based listing order within the role, as printed by the revision in force on the day asked.' }),
    post: t.relation('post'),
    body: t.relation('body'),
    seatKey: t.exposeString('seatKey', {
      description: 'Identifies the place across retitles: a rename (REPLACE) keeps it, a new seat gets a new one.',
    }),
    validFrom: t.field({
      type: 'Date',
      description: 'First day of the tenure; see validFromIsCoverageStart: the first day the data covers says "at least since", not "since".',
      resolve: (seat) => seat.tenureFrom ?? seat.validFrom,
    }),
    validFromIsCoverageStart: t.boolean({
      description:
        'True when validFrom is the first day of the data’s coverage for this body: the post was listed since at least ' +
        'that day, and earlier days are unknown. False: the tenure began on validFrom.',
      select: { bodyId: true },
      // the first day of a covered stretch: the day before it is not covered
      resolve: async (seat, _args, ctx) => !(await ctx.loaders.coveredDayBefore.load(`${seat.bodyId}|${fromDate(seat.tenureFrom ?? seat.validFrom)}`)),
    }),
    validTo: t.field({
      type: 'Date',
      nullable: true,
      description: 'First day the tenure no longer holds; null while it continues (as known on `knownAt`, when asked so).',
      resolve: (seat) => seat.tenureTo,
    }),
    basis: t.exposeString('basis', {
      nullable: true,
      description: 'What founds the post’s membership, where the instrument says (e.g. the rule that defines サイバーセキュリティ参与).',
    }),
    source: t.variant(SourceRef),
  }),
});
