// The read layer's hottest statement (the list in force, src/read/loaders.ts) goes to the driver
// adapter itself rather than through Prisma's $queryRaw: the client's request pipeline, its
// argument serialization and its typed deserialization of every value were 10–12 % of an uncached
// request's CPU for one statement (profiles of 2026-12-05, issue 17). The adapter is the same one
// Prisma holds, with everything meibo wraps it in (src/db/adapter.ts): prepared statements, the
// request's deadline and cancellation, the statement count. A client not yet connected is connected
// here, to the adapter Prisma then takes too (src/db/client.ts), so statements sent this way never
// start Prisma's engine: the statements of a start and of a dashboard's questions all are, and
// Prisma's query compiler (a 3.4 MB wasm module, ~60 ms of a start's main thread and its memory
// after) is loaded on the first request that needs Prisma itself. A client this module does not
// know (a transaction's, a replica picked per request) goes through $queryRawUnsafe, which gives
// the same rows.
import type { SqlDriverAdapter, ArgType } from '@prisma/driver-adapter-utils';
import { ColumnTypeEnum } from '@prisma/driver-adapter-utils';

type Queryable = { $queryRawUnsafe<T>(text: string, ...values: unknown[]): Promise<T> };

/** A statement: its text, with $1… placeholders, and their values (a Prisma.Sql is one). */
export interface Statement {
  readonly text: string;
  readonly values: unknown[];
}

interface Direct {
  /** the adapter, connecting it first if it is not */
  adapter: () => SqlDriverAdapter | Promise<SqlDriverAdapter>;
  /** who is told each statement's text (the tests' statement counts, as Prisma's query events) */
  listeners: Array<(sql: string) => void>;
}
const direct = new WeakMap<object, Direct>();

/** Lets `client`'s direct statements run on the adapter `adapter()` gives (connected, or connecting). */
export function registerDirect(client: object, adapter: () => SqlDriverAdapter | Promise<SqlDriverAdapter>): void {
  direct.set(client, { adapter, listeners: [] });
}

/** Calls `listener` with the text of each statement sent directly for `client` once it has answered (Prisma's query events do not see them). */
export function onDirectStatement(client: object, listener: (sql: string) => void): void {
  direct.get(client)?.listeners.push(listener);
}

const argType = (value: unknown): ArgType => {
  if (Array.isArray(value)) return { ...argType(value.find((v) => v !== null)), arity: 'list' };
  if (typeof value === 'number') return { scalarType: Number.isInteger(value) ? 'int' : 'float', arity: 'scalar' };
  if (typeof value === 'string') return { scalarType: 'string', arity: 'scalar' };
  if (typeof value === 'boolean') return { scalarType: 'boolean', arity: 'scalar' };
  return { scalarType: 'unknown', arity: 'scalar' };
};

// A list's rows share a few days: each is parsed once (a row's dates are its own Date objects).
const days = new Map<string, number>();
/** The Date (UTC midnight) of a YYYY-MM-DD day, as a `date` column reads. */
export function dateOf(day: string): Date {
  let ms = days.get(day);
  if (ms === undefined) {
    ms = Date.parse(`${day}T00:00:00Z`);
    if (days.size >= 10_000) days.clear();
    days.set(day, ms);
  }
  return new Date(ms);
}

/**
 * The rows of `query` as objects keyed by column name, as $queryRaw gives them: dates (PostgreSQL
 * `date`) as Date at UTC midnight, integers as numbers, text as strings (text[] as arrays of them).
 * Arguments may be numbers, strings, booleans, null, or arrays of them; every column read must be of
 * a type converted here (int4, text, text[], boolean, date): any other is refused with an error.
 */
export async function queryRows<T>(db: Queryable, query: Statement): Promise<T[]> {
  const entry = direct.get(db);
  if (!entry) return db.$queryRawUnsafe<T[]>(query.text, ...query.values);
  const connected = entry.adapter();
  const adapter = connected instanceof Promise ? await connected : connected;
  const args = query.values;
  const set = await adapter.queryRaw({ sql: query.text, args, argTypes: args.map(argType) });
  // once answered, as Prisma emits its query events
  for (const listener of entry.listeners) listener(query.text);
  const { columnNames: names, columnTypes: types } = set;
  const n = names.length;
  const dates: number[] = [];
  for (let i = 0; i < n; i++) {
    const type = types[i];
    if (type === ColumnTypeEnum.Date) dates.push(i);
    else if (type !== ColumnTypeEnum.Int32 && type !== ColumnTypeEnum.Text && type !== ColumnTypeEnum.Boolean && type !== ColumnTypeEnum.Enum && type !== ColumnTypeEnum.Character && type !== ColumnTypeEnum.TextArray) {
      throw new Error(`queryRows reads int4, text, text[], boolean and date columns only; ${names[i]} is of column type ${type}`);
    }
  }
  const rows = new Array<T>(set.rows.length);
  for (let r = 0; r < set.rows.length; r++) {
    const values = set.rows[r];
    for (const i of dates) if (values[i] !== null) values[i] = dateOf(values[i] as string);
    const row: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) row[names[i]] = values[i];
    rows[r] = row as T;
  }
  return rows;
}

/** A statement without parameters. */
export const statementOf = (text: string): Statement => ({ text, values: [] });

/** A statement whose text is built once; `bind` gives it its values, by name, for each run. */
export interface StatementShape<P> {
  readonly text: string;
  bind(params: P): Statement;
}

const PARAMETER = Symbol('statement parameter');

/**
 * Builds a statement's text once: `build` gets a stand-in for each named parameter (any value it
 * places in the text must be one), and the values are put in their places by name at each `bind`.
 * A hot statement then costs neither its composition (Prisma.sql) nor the hashing of a new text
 * for its prepared statement's name on every run: the same string is handed each time.
 */
export function statementShape<P extends object>(build: (params: P) => Statement): StatementShape<P> {
  const standIns = new Proxy({}, { get: (_target, name) => ({ [PARAMETER]: name }) }) as P;
  const built = build(standIns);
  const names = built.values.map((value) => {
    if (typeof value !== 'object' || value === null || !(PARAMETER in value)) throw new Error('statementShape: every value in the text must be one of its parameters');
    return (value as { [PARAMETER]: string })[PARAMETER];
  });
  const text = built.text;
  return { text, bind: (params) => ({ text, values: names.map((name) => (params as Record<string, unknown>)[name]) }) };
}
