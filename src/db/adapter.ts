// Prisma driver-adapter factories for the two places meibo's data can live: an embedded PGlite
// (one instance per data directory per process) or a PostgreSQL server (one pg pool per factory).
// The same factory serves the Prisma client and the wasm schema engine, so both also get a shadow
// database for migration work.
import { createHash } from 'node:crypto';
import { connect as connectSocket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';

import { DEFAULT_TIMEOUTS, PG_SESSION_OPTIONS, PGLITE_SETTINGS, type DbConfig } from './config.js';
import { currentDeadline, DatabaseTimeout, deadlineError, type StopSignal } from './deadline.js';
import { withPreparedStatements } from './pglite-prepared.js';

export interface DbAdapterFactory extends SqlMigrationAwareDriverAdapterFactory {
  readonly config: DbConfig;
  /** Releases what this factory opened (pg pools). A shared PGlite stays open: see closeDatabase. */
  close(): Promise<void>;
}

export interface AdapterOptions {
  /**
   * Run queries as named prepared statements, parsed and planned once: per connection on
   * PostgreSQL, per database on PGlite (src/db/pglite-prepared.ts). Off for the schema engine,
   * whose DDL would invalidate them.
   */
  preparedStatements?: boolean;
  /**
   * Bound each statement by the configured statement timeout (PostgreSQL). Off for the schema
   * engine: a migration's DDL may rightly take longer than any query.
   */
  boundStatements?: boolean;
}

export function createAdapterFactory(config: DbConfig, options: AdapterOptions = {}): DbAdapterFactory {
  return config.kind === 'pglite' ? pgliteFactory(config, options) : postgresFactory(config, options);
}

// ---------------------------------------------------------------------------------------------
// PGlite

// Migrations say CREATE EXTENSION btree_gist (exclusion constraints over date ranges); PGlite can
// only create extensions whose wasm was handed to it at start-up.
const PGLITE_EXTENSIONS = { btree_gist };

type PgliteEntry = { db: Promise<PGlite>; refs: number };
// Keyed by data directory, 'memory:' for the in-memory database. A fresh PGlite costs seconds to
// initialise and two in-memory instances are two different databases, so one per process.
const pglites = new Map<string, PgliteEntry>();

const pgliteKey = (dataDir: string | null) => dataDir ?? 'memory:';

// Memory settings (src/db/config.ts) over PGlite's own start parameters.
const START_PARAMS = [...PGlite.defaultStartParams, ...PGLITE_SETTINGS];

function pgliteEntry(dataDir: string | null, create?: () => Promise<PGlite>): PgliteEntry {
  const key = pgliteKey(dataDir);
  let entry = pglites.get(key);
  if (!entry) {
    const db = create ? create() : dataDir ? PGlite.create({ dataDir, extensions: PGLITE_EXTENSIONS, startParams: START_PARAMS }) : freshMemoryPGlite();
    entry = { db, refs: 0 };
    pglites.set(key, entry);
    // A failed start must not poison the cache for the next attempt.
    db.catch(() => pglites.get(key) === entry && pglites.delete(key));
  }
  return entry;
}

// initdb dominates the start of an in-memory PGlite (~4 s); loading a dump of a pristine cluster
// takes ~1.5 s. Shadow databases and in-memory databases after the first start from that dump.
let pristine: Promise<Blob> | undefined;

async function freshMemoryPGlite(): Promise<PGlite> {
  const dump = await pristine?.catch(() => undefined);
  if (dump) return PGlite.create({ loadDataDir: dump, extensions: PGLITE_EXTENSIONS, startParams: START_PARAMS });
  const db = await PGlite.create({ extensions: PGLITE_EXTENSIONS, startParams: START_PARAMS });
  if (!pristine) {
    pristine = db.dumpDataDir('none');
    await pristine.catch(() => (pristine = undefined));
  }
  return db;
}

/**
 * Opens the process's in-memory database from a dump of a data directory (src/db/template.ts)
 * instead of an empty cluster, unless one is already open; whether it did.
 */
export function startMemoryDatabaseFrom(dump: Blob): boolean {
  if (pglites.has(pgliteKey(null))) return false;
  pgliteEntry(null, () => PGlite.create({ loadDataDir: dump, extensions: PGLITE_EXTENSIONS, startParams: START_PARAMS }));
  return true;
}

/** The process-wide PGlite for a data directory (null = in memory), opened on first use. */
export function getPGlite(dataDir: string | null): Promise<PGlite> {
  return pgliteEntry(dataDir).db;
}

/**
 * Counts a long-lived user (a Prisma client) of the PGlite instance; the returned release closes
 * the instance when the last such user is gone. Short-lived users (migrations) do not count, so
 * an in-memory database survives `deployMigrations` for the client created after it.
 */
export function retainPGlite(dataDir: string | null): () => Promise<void> {
  const entry = pgliteEntry(dataDir);
  entry.refs += 1;
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    entry.refs -= 1;
    if (entry.refs <= 0 && pglites.get(pgliteKey(dataDir)) === entry) {
      pglites.delete(pgliteKey(dataDir));
      await (await entry.db).close();
    }
  };
}

/**
 * Replaces an adapter's executeScript with `run`, mapping its errors the way the adapter maps
 * query errors (its private onError). Both adapters need it:
 * - pglite-prisma-adapter 0.7.2 (pinned in package.json) does not await exec() in executeScript:
 *   a failing script reports success and the rejection then kills Node (fixExecuteScript);
 * - @prisma/adapter-pg 7.10.1 (pinned) splits scripts on ';', which breaks dollar-quoted bodies
 *   and string literals (patchPgAdapter: a simple-protocol query runs a multi-statement script
 *   whole, on one connection).
 * Canaries that fail once a release fixes either: tests/db/library-bugs.test.ts.
 */
function runScriptsWith(adapter: SqlDriverAdapter, run: (script: string) => Promise<unknown>): SqlDriverAdapter {
  const onError = (adapter as unknown as { onError(e: unknown): never }).onError.bind(adapter);
  adapter.executeScript = async (script: string) => {
    try {
      await run(script);
    } catch (e) {
      onError(e);
    }
  };
  return adapter;
}

// pglite-prisma-adapter 0.7.2's executeScript bug, above (canary: tests/db/library-bugs.test.ts).
const fixExecuteScript = (adapter: SqlDriverAdapter, db: PGlite) => runScriptsWith(adapter, (script) => db.exec(script));

// Shadow databases are dropped by whoever disposes the shadow adapter, but the wasm engine does
// not always dispose it: each factory remembers its shadows and drops what is left on close().
function shadowTracker() {
  const cleanups = new Set<() => Promise<void>>();
  return {
    /** Returns a once-only cleanup, also run by closeAll. */
    add(cleanup: () => Promise<void>) {
      let done: Promise<void> | undefined;
      const once = () => {
        cleanups.delete(once);
        return (done ??= cleanup());
      };
      cleanups.add(once);
      return once;
    },
    async closeAll() {
      await Promise.all([...cleanups].map((c) => c()));
    },
  };
}

/**
 * PGlite runs each statement on this thread, to its end: a stopped request (src/db/deadline.ts)
 * can only be kept from starting more of them. (Queries only: a transaction's statements are a
 * mutation's, which is never stopped half-way.)
 */
function startNothingForStoppedRequests(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const queryRaw = adapter.queryRaw.bind(adapter);
  const executeRaw = adapter.executeRaw.bind(adapter);
  const stopped = () => {
    const signal = currentDeadline();
    return signal?.aborted ? deadlineError(signal) : null;
  };
  adapter.queryRaw = (query) => {
    const error = stopped();
    return error ? Promise.reject(error) : queryRaw(query);
  };
  adapter.executeRaw = (query) => {
    const error = stopped();
    return error ? Promise.reject(error) : executeRaw(query);
  };
  return adapter;
}

let statements = 0;
/** Statements the application's clients have sent since the process started (meibo_db_statements_total). */
export const statementsRun = (): number => statements;

/** Counts each statement of the adapter's client, in transactions too (not the schema engine's). */
function countStatements(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const counted = <T extends Pick<SqlDriverAdapter, 'queryRaw' | 'executeRaw'>>(q: T): T => {
    const queryRaw = q.queryRaw.bind(q);
    const executeRaw = q.executeRaw.bind(q);
    q.queryRaw = (query) => (statements++, queryRaw(query));
    q.executeRaw = (query) => (statements++, executeRaw(query));
    return q;
  };
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => counted(await startTransaction(isolationLevel));
  return counted(adapter);
}

function pgliteFactory(config: Extract<DbConfig, { kind: 'pglite' }>, adapterOptions: AdapterOptions): DbAdapterFactory {
  const shadows = shadowTracker();
  return {
    config,
    provider: 'postgres',
    adapterName: 'pglite-prisma-adapter',
    async connect() {
      const db = await getPGlite(config.dataDir);
      const adapter = fixExecuteScript(await new PrismaPGlite(adapterOptions.preparedStatements ? withPreparedStatements(db) : db).connect(), db);
      return adapterOptions.boundStatements ? countStatements(startNothingForStoppedRequests(adapter)) : adapter;
    },
    // pglite-prisma-adapter 0.7.2's own shadow is a PGlite without btree_gist that is never closed
    // (its dispose() does nothing). No canary: this shadow would be needed for btree_gist anyway.
    async connectToShadowDb() {
      const shadow = await freshMemoryPGlite();
      const adapter = fixExecuteScript(await new PrismaPGlite(shadow).connect(), shadow);
      adapter.dispose = shadows.add(() => shadow.close());
      return adapter;
    },
    async close() {
      await shadows.closeAll();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

type PgResult = { fields: { dataTypeID: number }[] };
type PgQueryable = {
  performIO(query: SqlQuery): Promise<PgResult>;
  queryRaw(query: SqlQuery): Promise<SqlResultSet>;
};

// @prisma/adapter-pg 7.10.1 (pinned in package.json) throws on columns of type "char" (OID 18:
// pg_constraint.contype, pg_class.relkind…), which the schema engine's introspection selects, and
// the engine reads them as Character (reading them as text panics it on an exclusion constraint).
// The adapter maps OIDs privately, so: let it see text, and correct the column type it reports.
// The query object links the two steps (queryRaw hands its own argument to performIO), so
// concurrency is safe. Canary that fails once a release fixes it: tests/db/library-bugs.test.ts.
function readCharColumns<T extends object>(queryable: T): T {
  const q = queryable as unknown as PgQueryable;
  const charColumns = new WeakMap<SqlQuery, number[]>();
  const performIO = q.performIO.bind(q);
  const queryRaw = q.queryRaw.bind(q);
  q.performIO = async (query) => {
    const result = await performIO(query);
    const columns: number[] = [];
    (result?.fields ?? []).forEach((field, i) => {
      if (field.dataTypeID === PG_CHAR_OID) {
        field.dataTypeID = PG_TEXT_OID;
        columns.push(i);
      }
    });
    if (columns.length) charColumns.set(query, columns);
    return result;
  };
  q.queryRaw = async (query) => {
    const set = await queryRaw(query);
    for (const i of charColumns.get(query) ?? []) set.columnTypes[i] = ColumnTypeEnum.Character;
    return set;
  };
  return queryable;
}

function patchPgAdapter(adapter: SqlDriverAdapter, pool: pg.Pool): SqlDriverAdapter {
  readCharColumns(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => readCharColumns(await startTransaction(isolationLevel));
  return runScriptsWith(adapter, (script) => pool.query(script));
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

interface Bounds {
  /** a new connection, or a free one from the pool */
  connectMs: number;
  /** one statement (0: unbounded) */
  statementMs: number;
}

function poolConfig(url: string, schema: string | undefined, bounds: Bounds): pg.PoolConfig & BoundedClientConfig {
  return {
    connectionString: url,
    // Migration SQL is unqualified ("CREATE TABLE "seat""): a per-connection search_path puts it
    // in the configured schema. Only that schema, so nothing resolves silently to public.
    options: `${schema ? `-c search_path=${quoteIdent(schema)} ` : ''}${PG_SESSION_OPTIONS}`,
    // A connection stays open through a dashboard's pause between polls: a new one is a new
    // backend process that loads its catalog caches and prepares its statements again. Closing
    // them after 1 s made PostgreSQL spend about 0.3 ms more CPU per chair question (median) on a
    // server asked in bursts 6 s apart (issue 17). Idle connections do not keep a finished CLI or
    // test process alive (allowExitOnIdle).
    idleTimeoutMillis: 30_000,
    allowExitOnIdle: true,
    // A stopped server refuses at once; a hung one (or a pool whose connections are all stuck on
    // it) would otherwise keep a request waiting for ever.
    connectionTimeoutMillis: bounds.connectMs,
    // A server that vanished from the network is noticed on idle connections too.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    ...(bounds.statementMs > 0
      ? {
          // Sent as startup parameters: no extra round trip per connection. (Behind PgBouncer, list
          // them in ignore_startup_parameters, or set MEIBO_PG_STATEMENT_TIMEOUT_MS=0.)
          statement_timeout: bounds.statementMs,
          // a transaction whose client stopped talking holds its locks no longer than a statement
          idle_in_transaction_session_timeout: bounds.statementMs,
          // the server's own statement_timeout answers first whenever the server can answer at all
          clientStatementTimeoutMs: bounds.statementMs + 1_000,
        }
      : {}),
    Client: BoundedClient as unknown as new () => pg.ClientBase,
  };
}

interface BoundedClientConfig {
  /** how long a statement may go unanswered before the client gives up on its connection */
  clientStatementTimeoutMs?: number;
}

/**
 * A pg client whose statements end in bounded time: each fails after `clientStatementTimeoutMs`
 * without an answer, or as soon as the request it runs for is stopped (src/db/deadline.ts) —
 * the statement is then cancelled on the server (a CancelRequest, as psql's Ctrl-C sends) and the
 * connection dropped, since its answer may still come. Only promise-style calls are bounded;
 * callback calls are pg-pool's own.
 */
class BoundedClient extends pg.Client {
  private readonly limitMs: number;
  private readonly cancelTimeoutMs: number;

  constructor(config: pg.ClientConfig & BoundedClientConfig) {
    super(config);
    this.limitMs = config.clientStatementTimeoutMs ?? 0;
    this.cancelTimeoutMs = config.connectionTimeoutMillis || DEFAULT_TIMEOUTS.connectMs;
    // pg emits 'error' when a checked-out connection breaks (server stopped, or dropped here): the
    // statement on it fails with that error already, and an unheard 'error' would end the process.
    this.on('error', () => {});
  }

  override query(...args: any[]): any {
    if (args.some((a) => typeof a === 'function') || typeof args[0]?.submit === 'function') return (super.query as any)(...args);
    const signal = currentDeadline();
    if (signal?.aborted) return Promise.reject(deadlineError(signal));
    const pending = (super.query as any)(...args) as Promise<unknown>;
    if (!signal && !this.limitMs) return pending;
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = () => {
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const abandon = (error: Error) => {
        if (settled) return;
        settle();
        this.abandon();
        reject(error);
      };
      const onAbort = () => abandon(deadlineError(signal!));
      const timer = this.limitMs ? setTimeout(() => abandon(new DatabaseTimeout(`PostgreSQL did not answer a statement within ${this.limitMs} ms`)), this.limitMs) : undefined;
      signal?.addEventListener('abort', onAbort, { once: true });
      pending.then(
        (result) => settled || (settle(), resolve(result)),
        (error) => settled || (settle(), reject(error)),
      );
    });
  }

  /** Cancels the running statement on the server and drops the connection. */
  private abandon() {
    const self = this as unknown as { processID: number | null; secretKey: number | null; host: string; port: number; connection: { stream: { destroy(): void } } };
    if (self.processID !== null && self.secretKey !== null) sendCancelRequest(self.host, self.port, self.processID, self.secretKey, this.cancelTimeoutMs);
    self.connection.stream.destroy();
  }
}

/**
 * The protocol's CancelRequest, on a connection of its own: the server interrupts the statement
 * running on backend `pid` (it fails with 57014). Best effort, and given up after `timeoutMs`:
 * a hung server cannot take it.
 */
function sendCancelRequest(host: string, port: number, pid: number, secretKey: number, timeoutMs: number) {
  const message = Buffer.alloc(16);
  message.writeInt32BE(16, 0);
  message.writeInt32BE(80877102, 4); // the cancel request code: 1234 << 16 | 5678
  message.writeInt32BE(pid, 8);
  message.writeInt32BE(secretKey, 12);
  const socket = host.startsWith('/') ? connectSocket(`${host}/.s.PGSQL.${port}`) : connectSocket(port, host);
  socket.setTimeout(timeoutMs, () => socket.destroy());
  socket.on('error', () => {});
  socket.on('connect', () => socket.end(message));
  socket.unref();
}

/**
 * A pool whose promise-style query (the one the Prisma adapter calls outside transactions) runs on
 * a BoundedClient it checks out itself, as pg-pool does, but: it starts nothing for a stopped
 * request, stops waiting for a connection when the request stops, and keeps a connection that
 * merely answered with an SQL error (pg-pool drops it, and its prepared statements with it).
 */
class BoundedPool extends pg.Pool {
  override query(...args: any[]): any {
    if (args.some((a) => typeof a === 'function') || typeof args[0]?.submit === 'function') return (super.query as any)(...args);
    return this.boundedQuery(args);
  }

  private async boundedQuery(args: unknown[]): Promise<unknown> {
    const signal = currentDeadline();
    if (signal?.aborted) throw deadlineError(signal);
    const client = await untilAborted(this.connect(), signal, (late) => late.release());
    try {
      const result = await (client.query as any)(...args);
      client.release();
      return result;
    } catch (error) {
      const sqlError = typeof (error as { severity?: unknown }).severity === 'string';
      client.release(sqlError ? undefined : (error as Error));
      throw error;
    }
  }
}

/** `promise`, or the request's deadline error if it is stopped first (`late` then gets the value). */
function untilAborted<T>(promise: Promise<T>, signal: StopSignal | undefined, late: (value: T) => void): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      reject(deadlineError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => (signal.removeEventListener('abort', onAbort), aborted ? late(value) : resolve(value)),
      (error) => (signal.removeEventListener('abort', onAbort), aborted || reject(error)),
    );
  });
}

function withDatabase(url: string, database: string): string {
  // pg lets connectionString override an explicit `database`, so the URL itself is rewritten.
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  u.searchParams.delete('schema');
  return u.toString();
}

// Prisma's relation-join SQL runs to kilobytes; parsing and planning it cost more than running it
// (measured: 0.78 ms a chair query unnamed, 0.29 ms prepared). adapter-pg prepares a statement
// when given a name; the name is a hash of the text, as pg requires one text per name.
const statementNames = new Map<string, string>();
function statementName(query: SqlQuery): string {
  let name = statementNames.get(query.sql);
  if (!name) {
    name = `meibo_${createHash('sha1').update(query.sql).digest('base64url')}`;
    if (statementNames.size >= 2_000) statementNames.clear();
    statementNames.set(query.sql, name);
  }
  return name;
}

// Each connection keeps the statements it prepared; recycling connections bounds that set however
// many query shapes clients send.
const PREPARED_MAX_USES = 20_000;

/** Every open PostgreSQL pool of this process, for the metrics (meibo_db_pool_connections). */
const openPools = new Set<pg.Pool>();
export function poolStats(): { total: number; idle: number; waiting: number } | undefined {
  if (openPools.size === 0) return undefined;
  const sum = { total: 0, idle: 0, waiting: 0 };
  for (const p of openPools) (sum.total += p.totalCount), (sum.idle += p.idleCount), (sum.waiting += p.waitingCount);
  return sum;
}

function postgresFactory(config: Extract<DbConfig, { kind: 'postgres' }>, adapterOptions: AdapterOptions): DbAdapterFactory {
  const pools = new Set<pg.Pool>();
  const bounds: Bounds = {
    connectMs: config.connectTimeoutMs ?? DEFAULT_TIMEOUTS.connectMs,
    statementMs: adapterOptions.boundStatements ? config.statementTimeoutMs ?? DEFAULT_TIMEOUTS.statementMs : 0,
  };
  const newPool = (url: string, schema?: string) => {
    const pool = new BoundedPool({ ...poolConfig(url, schema, bounds), ...(adapterOptions.preparedStatements ? { maxUses: PREPARED_MAX_USES } : {}) });
    pool.on('error', () => {}); // an idle client dropped by the server is not worth a crash
    pools.add(pool);
    openPools.add(pool);
    return pool;
  };
  const endPool = async (pool: pg.Pool) => {
    openPools.delete(pool);
    if (pools.delete(pool)) await pool.end();
  };
  const shadows = shadowTracker();
  let main: pg.Pool | undefined;
  const options = {
    ...(config.schema ? { schema: config.schema } : {}),
    ...(adapterOptions.preparedStatements ? { statementNameGenerator: statementName } : {}),
  };

  return {
    config,
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    async connect() {
      main ??= newPool(config.url, config.schema);
      // An external pool: the adapter's dispose leaves it open, close() ends it.
      const adapter = patchPgAdapter(await new PrismaPg(main, options).connect(), main);
      return adapterOptions.boundStatements ? countStatements(adapter) : adapter;
    },
    // @prisma/adapter-pg 7.10.1's own shadow ignores the database override when given a connection
    // string and drops the database while its pool still holds connections; this one does neither.
    // It also uses the main schema name, as the native engine does, so that diffs compare like with
    // like. (No canary: this shadow would stay for that and for the factory's close() anyway.)
    async connectToShadowDb() {
      main ??= newPool(config.url, config.schema);
      const admin = main;
      const name = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`;
      await admin.query(`CREATE DATABASE ${quoteIdent(name)}`); // needs CREATEDB
      const url = withDatabase(config.url, name);
      const dispose = shadows.add(async () => {
        await endPool(shadow);
        await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      });
      if (config.schema) await createSchema(url, config.schema);
      const shadow = newPool(url, config.schema);
      const adapter = patchPgAdapter(await new PrismaPg(shadow, options).connect(), shadow);
      adapter.dispose = dispose;
      return adapter;
    },
    async close() {
      await shadows.closeAll();
      main = undefined;
      await Promise.all([...pools].map(endPool));
    },
  };
}

/** CREATE SCHEMA IF NOT EXISTS, tolerating a concurrent creator. */
export async function createSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  } catch (e) {
    // Two processes creating the same schema at once: the loser sees a unique violation.
    if ((e as { code?: string }).code !== '23505') throw e;
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------

/** Closes the process-wide PGlite of this config, if open (no-op for PostgreSQL). */
export async function closeDatabase(config: DbConfig): Promise<void> {
  if (config.kind !== 'pglite') return;
  const key = pgliteKey(config.dataDir);
  const entry = pglites.get(key);
  if (!entry) return;
  pglites.delete(key);
  await (await entry.db).close();
}

/** Closes every PGlite this process opened: for the end of CLIs and test files. */
export async function closeAllDatabases(): Promise<void> {
  const entries = [...pglites.values()];
  pglites.clear();
  await Promise.all(entries.map(async (e) => (await e.db.catch(() => null))?.close()));
}
