// Per-request loaders of plain rows, by id or by parent: one statement per kind of row per tick,
// however many objects a query touches (tests/api/sql-count.test.ts counts them). The client is
// read when a batch runs, so a read-only request moved to a replica (src/app.ts) reads there.
import DataLoader from 'dataloader';
import type { AuditEntry, Body, Instrument, Organization, Post, PrismaClient, Provision, Revision, Seat, Unit } from '../generated/prisma/client.js';

export type Db = PrismaClient;

function byId<V extends { id: number }>(ids: readonly number[], rows: V[]): Array<V | null> {
  const found = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => found.get(id) ?? null);
}

function grouped<V>(keys: readonly number[], rows: V[], keyOf: (row: V) => number): V[][] {
  const groups = new Map<number, V[]>(keys.map((k) => [k, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((k) => groups.get(k)!);
}

const ids = (keys: readonly number[]) => ({ in: [...keys] });

// Bodies and units never change once seeded (no write path touches them): each client keeps them.
const staticRows = new WeakMap<object, Promise<{ bodies: Body[]; units: Unit[] }>>();

export function createRowLoaders(db: () => Db) {
  let checked: Promise<Date | null> | undefined;
  return {
    /** the bodies, parents first, and the named units: read once per client */
    static: () => {
      const client = db();
      let rows = staticRows.get(client);
      if (!rows) {
        rows = Promise.all([
          client.body.findMany({ orderBy: { position: 'asc' } }),
          client.unit.findMany({ orderBy: { id: 'asc' } }),
        ]).then(([bodies, units]) => ({ bodies, units }));
        // a failed read is not kept: the next request tries again
        rows.catch(() => staticRows.delete(client));
        staticRows.set(client, rows);
      }
      return rows;
    },
    /** seat listings (rows of `seat`) by id */
    listing: new DataLoader<number, Seat | null>(async (k) => byId(k, await db().seat.findMany({ where: { id: ids(k) } }))),
    /** the listings of each tenure, first day first */
    tenureListings: new DataLoader<number, Seat[]>(async (k) =>
      grouped(k, await db().seat.findMany({ where: { tenureId: ids(k) }, orderBy: [{ validFrom: 'asc' }, { id: 'asc' }] }), (s) => s.tenureId!)),
    /** the listings of each post, first day first */
    postListings: new DataLoader<number, Seat[]>(async (k) =>
      grouped(k, await db().seat.findMany({ where: { postId: ids(k) }, orderBy: [{ validFrom: 'asc' }, { bodyId: 'asc' }, { role: 'asc' }, { position: 'asc' }] }), (s) => s.postId)),
    /** the listings each revision prints, by `${revisionId}` (every body), in listing order */
    revisionListings: new DataLoader<number, Seat[]>(async (k) =>
      grouped(k, await db().seat.findMany({ where: { revisionId: ids(k) }, orderBy: [{ bodyId: 'asc' }, { role: 'asc' }, { position: 'asc' }] }), (s) => s.revisionId)),
    post: new DataLoader<number, Post | null>(async (k) => byId(k, await db().post.findMany({ where: { id: ids(k) } }))),
    organization: new DataLoader<number, Organization | null>(async (k) => byId(k, await db().organization.findMany({ where: { id: ids(k) } }))),
    instrument: new DataLoader<number, Instrument | null>(async (k) => byId(k, await db().instrument.findMany({ where: { id: ids(k) } }))),
    revision: new DataLoader<number, Revision | null>(async (k) => byId(k, await db().revision.findMany({ where: { id: ids(k) } }))),
    /** every revision of each instrument, by sequence */
    instrumentRevisions: new DataLoader<number, Revision[]>(async (k) =>
      grouped(k, await db().revision.findMany({ where: { instrumentId: ids(k) }, orderBy: { sequence: 'asc' } }), (r) => r.instrumentId)),
    provision: new DataLoader<number, Provision | null>(async (k) => byId(k, await db().provision.findMany({ where: { id: ids(k) } }))),
    /** the provisions about each body, oldest first */
    bodyProvisions: new DataLoader<number, Provision[]>(async (k) =>
      grouped(k, await db().provision.findMany({ where: { bodyId: ids(k) }, orderBy: [{ validFrom: 'asc' }, { id: 'asc' }] }), (p) => p.bodyId!)),
    auditEntry: new DataLoader<number, AuditEntry | null>(async (k) => byId(k, await db().auditEntry.findMany({ where: { id: ids(k) } }))),
    /** the day the data was last checked against its sources (dataset_info), read once a request */
    checkedOn: () => (checked ??= db().datasetInfo.findUnique({ where: { id: 1 } }).then((d) => d?.checkedOn ?? null)),
  };
}

export type RowLoaders = ReturnType<typeof createRowLoaders>;
