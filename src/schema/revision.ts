// Instrument (決定・申合せ) and Revision (改正): where every seat comes from.
import { builder } from '../builder.js';

export const InstrumentRef = builder.prismaNode('Instrument', {
  id: { field: 'id' },
  // node(id) of a row that does not exist answers null (Relay's convention), not an error
  nullable: true,
  description: 'A decision (決定) or agreement (申合せ) that fixes a composition or a rule.',
  fields: (t) => ({
    code: t.exposeString('code'),
    title: t.exposeString('title'),
    decidedBy: t.exposeString('decidedBy', { description: 'e.g. サイバーセキュリティ対策推進会議議長決定' }),
    revisions: t.relation('revisions', { query: { orderBy: { sequence: 'asc' } } }),
    bodies: t.relation('bodies', { query: { orderBy: { position: 'asc' } } }),
  }),
});

export const RevisionRef = builder.prismaNode('Revision', {
  id: { field: 'id' },
  // node(id) of a row that does not exist answers null (Relay's convention), not an error
  nullable: true,
  description: 'One amendment of an instrument (sequence 0 is the original decision).',
  fields: (t) => ({
    instrument: t.relation('instrument'),
    sequence: t.exposeInt('sequence'),
    title: t.exposeString('title', { nullable: true, description: 'The amendment’s own title, where an editor recorded it.' }),
    decidedOn: t.expose('decidedOn', { type: 'Date', description: '決定日' }),
    effectiveOn: t.expose('effectiveOn', { type: 'Date', nullable: true, description: '施行日, where the sources state it.' }),
    inForceFrom: t.field({
      type: 'Date',
      description: 'The day its text takes effect: effectiveOn, or decidedOn where no 施行日 is stated (see note).',
      select: { effectiveOn: true, decidedOn: true },
      resolve: (r) => r.effectiveOn ?? r.decidedOn,
    }),
    contentKnown: t.exposeBoolean('contentKnown', { description: 'Whether its text (its lists) is in the data, or it is known by date only.' }),
    note: t.exposeString('note', { nullable: true }),
  }),
});

builder.queryFields((t) => ({
  instruments: t.prismaField({
    type: ['Instrument'],
    resolve: (query, _root, _args, ctx) => ctx.prisma.instrument.findMany({ ...query, orderBy: { id: 'asc' } }),
  }),
}));
