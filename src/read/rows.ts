// Per-request loaders of plain rows, by id or by parent: one statement per kind of row per tick,
// however many objects a query touches (tests/api/sql-count.test.ts counts them). The client is
// read when a batch runs, so a read-only request moved to a replica (src/app.ts) reads there.
import DataLoader from 'dataloader';
import type { IsoDay } from '../domain/dates.js';
import { queryRows, statementOf } from '../db/raw.js';
import { decisionDaysSql } from './decisions.js';
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
// findMany's rows (every column, named as the model names it), by a statement of src/db/raw.ts: a
// dashboard's first question reads them, and through Prisma they started its engine and query
// compiler (tests/db/engine-start.test.ts compares the two).
export const BODIES = statementOf(`SELECT id, code, name, name_en AS "nameEn", parent_id AS "parentId", instrument_id AS "instrumentId", clause,
           instrument_note AS "instrumentNote", coverage_note AS "coverageNote", position
         FROM body ORDER BY position`);
export const UNITS = statementOf(`SELECT id, name, name_en AS "nameEn", abbreviation, organization_id AS "organizationId", valid_from AS "validFrom",
           valid_to AS "validTo", successor_id AS "successorId"
         FROM unit ORDER BY id`);

/**
 * The row loaders of one request. Each is built the first time it is asked for: a request uses a
 * few of them, and building all of them for every request (even `{ __typename }`) was 7 % of an
 * uncached request's CPU (a profile of 2026-12-05). Getters on the prototype, so nothing is built
 * or copied when the object is made.
 */
/**
 * A post as the read layer hands it out: without `titleSearch`, the title's search form, which only
 * `posts(search:)` reads, in SQL. The list in force does not fetch it: a second copy of every title
 * in the JSON text PostgreSQL builds, sends and node decodes and parses (issue 17).
 */
export type PostRow = Omit<Post, 'titleSearch'>;

/** The rows a request may hold at hand (src/read/loaders.ts primes them with the list in force). */
export interface KnownRows {
  post: PostRow;
  organization: Organization;
  revision: Revision;
  listing: Seat;
}
export type KnownKind = keyof KnownRows;

export class RowLoaders {
  #checked: Promise<Date | null> | undefined;
  #decisionDays: Promise<IsoDay[]> | undefined;
  #decisionDaysAtHand: IsoDay[] | undefined;
  #known?: { [K in KnownKind]: Map<number, KnownRows[K]> };
  #listing?: DataLoader<number, Seat | null>;
  #tenureListings?: DataLoader<number, Seat[]>;
  #postListings?: DataLoader<number, Seat[]>;
  #revisionListings?: DataLoader<number, Seat[]>;
  #post?: DataLoader<number, PostRow | null>;
  #organization?: DataLoader<number, Organization | null>;
  #instrument?: DataLoader<number, Instrument | null>;
  #revision?: DataLoader<number, Revision | null>;
  #instrumentRevisions?: DataLoader<number, Revision[]>;
  #provision?: DataLoader<number, Provision | null>;
  #bodyProvisions?: DataLoader<number, Provision[]>;
  #auditEntry?: DataLoader<number, AuditEntry | null>;

  /** `db` is called when a batch runs: a read-only request moved to a replica (src/app.ts) reads there */
  constructor(protected readonly db: () => Db) {}

  /**
   * Hands a row this request has read (with others) to its loader, and keeps it at hand: a field
   * that asks for it by id then answers at once (peek), without a promise and a tick of its own.
   * Forty listings whose posts and organizations came with the list in force were eighty
   * promises an answer, each with its share of the executor's and the garbage collector's work.
   * The first row primed for an id stays, as in DataLoader.
   */
  prime<K extends KnownKind>(kind: K, row: KnownRows[K]): void {
    const known = (this.#known ??= { post: new Map(), organization: new Map(), revision: new Map(), listing: new Map() });
    const rows = known[kind] as Map<number, KnownRows[K]>;
    if (!rows.has(row.id)) rows.set(row.id, row);
    // Not DataLoader.prime: its settled promise per row (a hundred for a member list, each through
    // the async hooks AsyncLocalStorage keeps on) for rows most fields take at hand anyway (peek).
    // The kind's loader answers them from here instead, without a statement (#known).
  }

  /** The rows with `ids`: those at hand (`known`), and the others by `read` (none when all are at hand). */
  async #knownOr<V extends { id: number }>(known: Map<number, V> | undefined, ids: readonly number[], read: (ids: number[]) => Promise<V[]>): Promise<Array<V | null>> {
    const missing = known ? ids.filter((id) => !known.has(id)) : [...ids];
    if (missing.length === 0) return ids.map((id) => known!.get(id)!);
    const found = new Map((await read(missing)).map((r) => [r.id, r]));
    return ids.map((id) => known?.get(id) ?? found.get(id) ?? null);
  }

  /** The row of `kind` with `id` if this request holds it at hand (prime), else undefined. */
  peek<K extends KnownKind>(kind: K, id: number): KnownRows[K] | undefined {
    return this.#known?.[kind].get(id) as KnownRows[K] | undefined;
  }

  /** The row of `kind` with `id`: at once if held at hand, else through its loader. */
  row<K extends KnownKind>(kind: K, id: number): KnownRows[K] | null | Promise<KnownRows[K] | null> {
    return this.peek(kind, id) ?? (this[kind] as DataLoader<number, KnownRows[K] | null>).load(id);
  }

  /** the bodies, parents first, and the named units: read once per client */
  static(): Promise<{ bodies: Body[]; units: Unit[] }> {
    const client = this.db();
    let rows = staticRows.get(client);
    if (!rows) {
      rows = Promise.all([queryRows<Body>(client, BODIES), queryRows<Unit>(client, UNITS)]).then(([bodies, units]) => ({ bodies, units }));
      // a failed read is not kept: the next request tries again
      rows.catch(() => staticRows.delete(client));
      staticRows.set(client, rows);
    }
    return rows;
  }

  /** seat listings (rows of `seat`) by id */
  get listing() {
    return (this.#listing ??= new DataLoader((k) => this.#knownOr(this.#known?.listing, k, (m) => this.db().seat.findMany({ where: { id: ids(m) } }))));
  }

  /** the listings of each tenure, first day first */
  get tenureListings() {
    return (this.#tenureListings ??= new DataLoader(async (k) =>
      grouped(k, await this.db().seat.findMany({ where: { tenureId: ids(k) }, orderBy: [{ validFrom: 'asc' }, { id: 'asc' }] }), (s) => s.tenureId!)));
  }

  /** the listings of each post, first day first */
  get postListings() {
    return (this.#postListings ??= new DataLoader(async (k) =>
      grouped(k, await this.db().seat.findMany({ where: { postId: ids(k) }, orderBy: [{ validFrom: 'asc' }, { bodyId: 'asc' }, { role: 'asc' }, { position: 'asc' }] }), (s) => s.postId)));
  }

  /** the listings each revision prints, by `${revisionId}` (every body), in listing order */
  get revisionListings() {
    return (this.#revisionListings ??= new DataLoader(async (k) =>
      grouped(k, await this.db().seat.findMany({ where: { revisionId: ids(k) }, orderBy: [{ bodyId: 'asc' }, { role: 'asc' }, { position: 'asc' }] }), (s) => s.revisionId)));
  }

  get post() {
    return (this.#post ??= new DataLoader((k) => this.#knownOr(this.#known?.post, k, (m) => this.db().post.findMany({ where: { id: ids(m) } }))));
  }

  get organization() {
    return (this.#organization ??= new DataLoader((k) => this.#knownOr(this.#known?.organization, k, (m) => this.db().organization.findMany({ where: { id: ids(m) } }))));
  }

  get instrument() {
    return (this.#instrument ??= new DataLoader(async (k) => byId(k, await this.db().instrument.findMany({ where: { id: ids(k) } }))));
  }

  get revision() {
    return (this.#revision ??= new DataLoader((k) => this.#knownOr(this.#known?.revision, k, (m) => this.db().revision.findMany({ where: { id: ids(m) } }))));
  }

  /** every revision of each instrument, by sequence */
  get instrumentRevisions() {
    return (this.#instrumentRevisions ??= new DataLoader(async (k) =>
      grouped(k, await this.db().revision.findMany({ where: { instrumentId: ids(k) }, orderBy: { sequence: 'asc' } }), (r) => r.instrumentId)));
  }

  get provision() {
    return (this.#provision ??= new DataLoader(async (k) => byId(k, await this.db().provision.findMany({ where: { id: ids(k) } }))));
  }

  /** the provisions about each body, oldest first */
  get bodyProvisions() {
    return (this.#bodyProvisions ??= new DataLoader(async (k) =>
      grouped(k, await this.db().provision.findMany({ where: { bodyId: ids(k) }, orderBy: [{ validFrom: 'asc' }, { id: 'asc' }] }), (p) => p.bodyId!)));
  }

  get auditEntry() {
    return (this.#auditEntry ??= new DataLoader(async (k) => byId(k, await this.db().auditEntry.findMany({ where: { id: ids(k) } }))));
  }

  /**
   * The days on which something was decided, ascending (src/read/decisions.ts): read once a request,
   * by the first answer that names a decision step; at hand (`decisionDaysAtHand`) after that.
   */
  decisionDays(): Promise<IsoDay[]> {
    return (this.#decisionDays ??= this.db()
      .$queryRawUnsafe<Array<{ day: IsoDay }>>(decisionDaysSql())
      .then((rows) => (this.#decisionDaysAtHand = rows.map((r) => r.day))));
  }

  decisionDaysAtHand(): IsoDay[] | undefined {
    return this.#decisionDaysAtHand;
  }

  /** the day the data was last checked against its sources (dataset_info), read once a request */
  checkedOn(): Promise<Date | null> {
    return (this.#checked ??= this.db().datasetInfo.findUnique({ where: { id: 1 } }).then((d) => d?.checkedOn ?? null));
  }
}
