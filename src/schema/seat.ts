// Seat: one post in one body in one role at a listing position, in force over a date range,
// with the instrument, revision and clause it comes from.
import DataLoader from 'dataloader';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import type { IsoDay } from '../domain/dates.js';
import type { Prisma, Role } from '../generated/prisma/client.js';
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
  id: { field: 'id' },
  description: 'One post in one body in one role, at a listing position, over [validFrom, validTo).',
  fields: (t) => ({
    role: t.expose('role', { type: RoleEnum }),
    position: t.exposeInt('position', { description: '1-based listing order within the role, as printed.' }),
    post: t.relation('post'),
    body: t.relation('body'),
    seatKey: t.exposeString('seatKey', {
      description: 'Identifies the seat across revisions: a rename keeps it, a new seat gets a new one.',
    }),
    validFrom: t.expose('validFrom', { type: 'Date', description: 'First day in force.' }),
    validTo: t.expose('validTo', {
      type: 'Date',
      nullable: true,
      description: 'First day no longer in force; null while no later revision is known.',
    }),
    source: t.variant(SourceRef),
  }),
});

const ORDER: Prisma.SeatOrderByWithRelationInput[] = [{ bodyId: 'asc' }, { role: 'asc' }, { position: 'asc' }];

/**
 * Ids of the seats of `bodyIds` in force on `day`. Raw SQL so that PostgreSQL can use the GiST
 * range index (migration temporal_constraints): the lookup stays flat however long the history.
 * With `knownAt`, the answer is what was in force on `day` as decided by `knownAt`: the list of
 * the latest revision decided by then and in force by `day` (bitemporal).
 */
async function seatIdsInForce(ctx: Context, bodyIds: number[], day: IsoDay, role: Role | null, knownAt: IsoDay | null): Promise<number[]> {
  const rows = knownAt === null
    ? await ctx.prisma.$queryRaw<Array<{ id: number }>>`
        SELECT id FROM seat
        WHERE body_id = ANY(${bodyIds}::int[])
          AND daterange(valid_from, valid_to, '[)') @> ${day}::date
          AND (${role}::text IS NULL OR role::text = ${role}::text)`
    : await ctx.prisma.$queryRaw<Array<{ id: number }>>`
        SELECT s.id FROM seat s
        WHERE s.body_id = ANY(${bodyIds}::int[])
          AND (${role}::text IS NULL OR s.role::text = ${role}::text)
          AND s.revision_id IN (
            SELECT DISTINCT ON (b.id) r.id
            FROM body b JOIN revision r ON r.instrument_id = b.instrument_id
            WHERE b.id = ANY(${bodyIds}::int[])
              AND r.decided_on <= ${knownAt}::date
              AND COALESCE(r.effective_on, r.decided_on) <= ${day}::date
            ORDER BY b.id, COALESCE(r.effective_on, r.decided_on) DESC, r.sequence DESC)`;
  return rows.map((r) => r.id);
}

type SeatQuery = { include?: Prisma.SeatInclude; select?: Prisma.SeatSelect };

/**
 * The seats of a body in force on a day, in listing order. Batched per request: every body in
 * one query shape (the fields the client asked for) is loaded with one findMany.
 */
export function loadSeatsInForce<T>(
  ctx: Context, query: SeatQuery, bodyId: number, day: IsoDay, role: Role | null, knownAt: IsoDay | null = null,
): Promise<T[]> {
  const shape = `${day}|${role ?? ''}|${knownAt ?? ''}|${JSON.stringify(query)}`;
  let loader = ctx.loaders.seatLoaders.get(shape) as DataLoader<number, T[]> | undefined;
  if (!loader) {
    loader = new DataLoader<number, T[]>(async (bodyIds) => {
      const ids = await seatIdsInForce(ctx, [...bodyIds], day, role, knownAt);
      const select = query.select ? { ...query.select, bodyId: true } : undefined;
      const where = { id: { in: ids } };
      const seats = ids.length === 0
        ? []
        : select
          ? await ctx.prisma.seat.findMany({ select, where, orderBy: ORDER })
          : await ctx.prisma.seat.findMany({ include: query.include, where, orderBy: ORDER });
      return bodyIds.map((id) => seats.filter((s) => (s as { bodyId: number }).bodyId === id) as T[]);
    });
    ctx.loaders.seatLoaders.set(shape, loader);
  }
  return loader.load(bodyId);
}
