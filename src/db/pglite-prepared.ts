// Prepared statements on PGlite. Its query() sends every statement as the unnamed one, so each
// call is parsed and planned again, and planning meibo's relation-join SQL costs more than running
// it: the chair statement takes 1.1 ms as sent and 0.2 ms prepared (in process, 2-core machine).
// This hands the Prisma adapter a client whose query() parses each distinct SQL text once, as a
// named statement, then only binds and executes it: the protocol steps of PGlite's own query(),
// through its public protocol API. Everything else, transactions included, is PGlite's own.
// Written for @electric-sql/pglite 0.5.16 (pinned): query() below takes the same locks as PGlite's
// own, through its underscore members (_checkReady, _runExclusiveTransaction, _runExclusiveQuery);
// tests/db/pglite-prepared.test.ts fails if a PGlite version drops them. Worth its keep: uncached
// answers on PGlite cost 1.4–2.5× less CPU with it (BENCHMARKS.md, 2026-11-29).
import { parse, protocol, type ParserOptions, type PGlite, type QueryOptions, type Results } from '@electric-sql/pglite';

const { serialize } = protocol;
type BackendMessage = Awaited<ReturnType<PGlite['execProtocolStream']>>[number];

/**
 * Statements kept, the least recently used closed beyond that. Each holds its plan in PGlite's
 * wasm heap, which never shrinks: ~100 KB for the chair statement, so ~20 MB at most.
 */
export const MAX_PGLITE_STATEMENTS = 200;

// SQLSTATEs after which a cached statement is prepared again, once: DDL changed its result type
// ("cached plan must not change result type"), or the statement is gone.
const STALE_STATEMENT = new Set(['0A000', '26000']);

type Statement = { name: string; paramTypes: number[] };
// One PGlite is one session, shared by every client of its data directory (src/db/adapter.ts):
// so are its statements and their names.
const sessions = new WeakMap<PGlite, { statements: Map<string, Statement>; counter: number }>();

export function withPreparedStatements(db: PGlite): PGlite {
  const session = sessions.get(db) ?? { statements: new Map<string, Statement>(), counter: 0 };
  sessions.set(db, session);
  const { statements } = session;
  const send = (message: Uint8Array, options?: QueryOptions): Promise<BackendMessage[]> =>
    db.execProtocolStream(message, { syncToFs: false, onNotice: options?.onNotice });

  async function prepare(sql: string, options?: QueryOptions): Promise<Statement> {
    const messages: Uint8Array[] = [];
    if (statements.size >= MAX_PGLITE_STATEMENTS) {
      // A Map iterates in insertion order, and a statement is moved to the end on each use.
      const [oldestSql, oldest] = statements.entries().next().value!;
      statements.delete(oldestSql);
      messages.push(serialize.close({ type: 'S', name: oldest.name }));
    }
    const name = `meibo_${++session.counter}`;
    messages.push(serialize.parse({ name, text: sql, types: options?.paramTypes }), serialize.describe({ type: 'S', name }), serialize.sync());
    const described = await send(Buffer.concat(messages), options);
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(described) };
    statements.set(sql, statement);
    return statement;
  }

  /**
   * Parse (the first time), then Bind, Describe, Execute and Sync in one exchange: PGlite runs
   * every message it is handed, and after an error PostgreSQL skips to the Sync, as on a socket.
   */
  async function run(sql: string, params: unknown[], options: QueryOptions | undefined, retried: boolean): Promise<BackendMessage[]> {
    let statement = statements.get(sql);
    const cached = statement !== undefined;
    if (statement) {
      statements.delete(sql); // most recently used: last in line to be closed
      statements.set(sql, statement);
    }
    try {
      statement ??= await prepare(sql, options);
      const types = statement.paramTypes;
      const values = params.map((value, i) => {
        if (value === null || value === undefined) return null;
        const serializer = options?.serializers?.[types[i]!] ?? db.serializers[types[i]!];
        return serializer ? serializer(value) : (value as { toString(): string }).toString();
      });
      return await send(
        Buffer.concat([serialize.bind({ statement: statement.name, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]),
        options,
      );
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (cached && !retried && code && STALE_STATEMENT.has(code)) {
        statements.delete(sql);
        await send(Buffer.concat([serialize.close({ type: 'S', name: statement!.name }), serialize.sync()]));
        return run(sql, params, options, true);
      }
      // as PGlite's query() does, for its error messages
      throw Object.assign(error as object, { query: sql, params, queryOptions: options });
    }
  }

  // parseResults merges PGlite's parsers with a query's own ({...all, ...own}: 318 keys) on every
  // call, and the Prisma adapter hands its own to every query: ~85 µs a statement, against ~4 µs
  // for parsing the chair statement's rows. Merged once per set instead, PGlite's as the
  // prototype, so that the array types it adds later (in place) still count.
  const merged = new WeakMap<object, { base: object; parsers: PGlite['parsers'] }>();
  function parsersFor(own: ParserOptions): PGlite['parsers'] {
    let entry = merged.get(own);
    if (entry?.base !== db.parsers) {
      entry = { base: db.parsers, parsers: Object.assign(Object.create(db.parsers) as PGlite['parsers'], own) };
      merged.set(own, entry);
    }
    return entry.parsers;
  }

  async function query<T>(sql: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> {
    await db._checkReady();
    // The same locks as PGlite's query(): after any open transaction, one exchange at a time.
    return db._runExclusiveTransaction(() =>
      db._runExclusiveQuery(async () => {
        const messages = await run(sql, params, options, false);
        await db.syncToFs();
        const results = options?.parsers
          ? parse.parseResults(messages, parsersFor(options.parsers), { ...options, parsers: undefined })
          : parse.parseResults(messages, db.parsers, options);
        return results[0] as Results<T>;
      }),
    );
  }

  // PGlite keeps its state in private fields, so its own methods must run on the instance itself.
  return new Proxy(db, {
    get(target, property) {
      if (property === 'query') return query;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
