// The data version on PostgreSQL, where other processes write too (other instances, `npm run
// amend`, an operator's psql): kept current on a connection of its own that LISTENs for the
// trigger's NOTIFY meibo_data_version and reads the version (src/cache/version.ts) after LISTEN,
// on each notification and once a second. While that connection is not connected and caught up,
// every read bypasses the cache: answers come from the database, and none is stored.
//
// The reading once a second is the heartbeat: a connection that hangs (its backend stopped, a
// network that drops packets without a reset) answers nothing, and after `deadlineMs` it is dropped
// and reads bypass the cache. So a write elsewhere may be answered stale by this instance for at
// most heartbeatMs + deadlineMs (2 s by default) while the connection hangs, instead of the 15 s
// of the former 10 s check with a 5 s timeout. It also finds a state that came without a
// notification: a restore (pg_restore loads data_version without firing the trigger), a failover.
import pg from 'pg';
import type { CacheLogger } from './log.js';
import { readVersion, show, versionOfRows, versionQuery, versionTracker, type VersionReader, type VersionSource } from './version.js';

export const VERSION_CHANNEL = 'meibo_data_version';

export interface ListenOptions {
  /** the database (DATABASE_URL) */
  url: string;
  /** the schema of `data_version`, when not the connection's search_path */
  schema?: string;
  /** how often the connection is asked for the version (default 1 s) */
  heartbeatMs?: number;
  /** how long a reading may take before the connection is dropped as hung (default 1 s) */
  deadlineMs?: number;
}

export function listenedVersions(db: VersionReader, listen: ListenOptions, log: CacheLogger): VersionSource {
  const { heartbeatMs = 1_000, deadlineMs = 1_000 } = listen;
  const tracker = versionTracker(log);
  const query = versionQuery(listen.schema);
  let connected = false;
  let closed = false;
  let client: pg.Client | null = null;
  let retryMs = 100;
  let timer: NodeJS.Timeout | undefined;
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));

  // node-postgres sends one connection's queries one after another: readings here arrive in order.
  const readOn = async (c: pg.Client) => {
    const ticket = tracker.leave();
    const { rows } = await c.query<{ epoch: string; n: string }>(query);
    if (client === c) tracker.arrive(ticket, versionOfRows(rows));
  };
  const check = (c: pg.Client) =>
    readOn(c).catch((e: Error) => lost(c, e.message === 'Query read timeout' ? `no answer within ${deadlineMs} ms` : e.message));

  function lost(c: pg.Client, why: string) {
    if (client !== c) return;
    client = null;
    if (connected) log.error(`data version: LISTEN connection lost (${why}); reads bypass the cache until it is back`);
    connected = false;
    void drop(c);
    if (closed) return;
    timer = setTimeout(connect, retryMs);
    timer.unref();
    retryMs = Math.min(retryMs * 2, 5_000);
  }

  async function connect() {
    if (closed) return;
    const c = new pg.Client({
      connectionString: listen.url,
      // What an operator sees in pg_stat_activity: whose connection this is.
      application_name: `meibo data version ${listen.schema ?? ''}`.trim().slice(0, 63),
      keepAlive: true,
      connectionTimeoutMillis: 5_000,
      query_timeout: deadlineMs,
    });
    client = c;
    c.on('error', (e) => lost(c, e.message));
    c.on('end', () => lost(c, 'closed'));
    // Notifications are database-wide (other schemas notify too) and say only that something
    // changed: the reading says what.
    c.on('notification', (n) => n.channel === VERSION_CHANNEL && void check(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${VERSION_CHANNEL}`);
      // Read after LISTEN: a commit after this reading is notified; one before it is in it.
      await readOn(c);
      if (client !== c) return;
      if (!connected) log.info(`data version ${show(tracker.value()!)}: listening for writes`);
      connected = true;
      retryMs = 100;
    } catch (e) {
      lost(c, (e as Error).message);
    } finally {
      markReady();
    }
  }

  void connect();
  const heartbeat = setInterval(() => {
    if (client && connected) void check(client);
  }, heartbeatMs);
  heartbeat.unref();

  return {
    current() {
      const value = tracker.value();
      return connected && value ? show(value) : null;
    },
    async refresh() {
      const ticket = tracker.leave();
      try {
        tracker.arrive(ticket, await readVersion(db, listen.schema));
      } catch (e) {
        // The notification brings it too, unless the LISTEN connection is also gone (then: bypass).
        log.warn(`could not re-read the data version after a write: ${(e as Error).message}`);
      }
    },
    ready,
    async close() {
      closed = true;
      clearInterval(heartbeat);
      clearTimeout(timer);
      const c = client;
      client = null;
      connected = false;
      if (c) await drop(c);
    },
  };
}

/**
 * Ends a connection without waiting long for a server that may never answer: pg.Client.end()
 * waits for the server to close its side, which a hung backend never does, and has no destroy().
 */
async function drop(c: pg.Client): Promise<void> {
  let wait: NodeJS.Timeout | undefined;
  await Promise.race([c.end().catch(() => {}), new Promise((r) => (wait = setTimeout(r, 500)))]);
  clearTimeout(wait);
  (c as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}
