// The data version: which state of the database an answer belongs to. Table `data_version` holds one
// row, moved by a trigger inside every transaction that writes a table an answer depends on
// (meibo's writes, `npm run amend`, `npm run db:seed`, SQL run by hand): `version` goes up by one
// and `epoch` is drawn anew (migrations 20261127100000 and 20261201090000). So `<epoch>:<version>`
// names one state of the data and no other, ever, even after a restore from an older backup, a
// failover to a lagging replica or an older copy of the embedded data directory, where the number
// starts again from an earlier one. Cache keys carry that name, in every instance and in Redis.
//
// So a reading is never compared with the one before: whatever differs from it is the new state,
// backwards included. Readings are only ordered by when they left, since one that left before a
// write may come back after one that left after it; the later-leaving one wins.
import type { PrismaClient } from '../generated/prisma/client.js';
import { queryRows, statementOf } from '../db/raw.js';
import type { CacheLogger } from './log.js';

/** What the cache needs from the database (the primary's Prisma client will do): the data version. */
export type VersionReader = Pick<PrismaClient, '$queryRawUnsafe'>;

export interface Version {
  epoch: string;
  n: bigint;
}

// Asked on every cache lookup: the name of the version read last is kept rather than built each time.
const shown = new WeakMap<Version, string>();
export const show = (v: Version): string => {
  let name = shown.get(v);
  if (name === undefined) shown.set(v, (name = `${v.epoch}:${v.n}`));
  return name;
};

/** The one statement that reads the version, in `schema` (default: the connection's search_path). */
export function versionQuery(schema?: string): string {
  const table = schema ? `"${schema.replace(/"/g, '""')}"."data_version"` : '"data_version"';
  return `SELECT epoch, version::text AS n FROM ${table} WHERE id`;
}

export function versionOfRows(rows: Array<{ epoch: string; n: string }>): Version {
  if (rows.length !== 1) throw new Error('data_version has no row');
  return { epoch: rows[0].epoch, n: BigInt(rows[0].n) };
}

export const readVersion = async (db: VersionReader, schema?: string) =>
  versionOfRows(await queryRows<{ epoch: string; n: string }>(db, statementOf(versionQuery(schema))));

/**
 * The latest reading by departure: `leave()` before a reading is sent, `arrive()` with what it
 * read; a reading that arrives after one that left later is dropped.
 */
export function versionTracker(log: CacheLogger) {
  let value: Version | null = null;
  let left = 0;
  let kept = 0;
  return {
    value: () => value,
    leave: () => ++left,
    arrive(ticket: number, v: Version) {
      if (ticket <= kept) return;
      kept = ticket;
      if (value && v.n < value.n) {
        log.warn(`data version went back from ${show(value)} to ${show(v)} (a restore, a failover or an older copy of the data): nothing cached before is served`);
      }
      value = v;
    },
  };
}

export interface VersionSource {
  /** the version to key answers by now, or null while it cannot be trusted (reads bypass the cache) */
  current(): string | null;
  /** re-read from the database, after a write through this process; never rejects */
  refresh(): Promise<void>;
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * The version as this process last read it: right for a database only this process writes
 * (PGlite, owned by one process): read at start and after each write through this process. A
 * failed reading leaves it untrusted until a reading succeeds (tried again by the next request).
 */
export function readVersions(db: VersionReader, log: CacheLogger): VersionSource {
  const tracker = versionTracker(log);
  let trusted = false;
  let retrying: Promise<void> | null = null;
  async function read() {
    const ticket = tracker.leave();
    try {
      tracker.arrive(ticket, await readVersion(db));
      trusted = true;
    } catch (e) {
      if (trusted) log.error(`cannot read the data version, reads bypass the cache until it can: ${(e as Error).message}`);
      trusted = false;
    }
  }
  const ready = read();
  return {
    current() {
      const value = tracker.value();
      if (trusted && value) return show(value);
      retrying ??= read().finally(() => (retrying = null));
      return null;
    },
    // A reading of its own, never one already on its way (it may have left before the write).
    refresh: read,
    ready,
    async close() {},
  };
}
