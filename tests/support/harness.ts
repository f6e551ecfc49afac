// Test harness: a seeded directory on each engine under test, a yoga app over it, a GraphQL
// helper that goes through yoga.fetch (no port), and a counter of the SQL statements it runs.
import { gql, type GqlResult } from './gql.js';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createApp } from '../../src/app.js';
import { openDirectory, type Directory } from '../../src/db/open.js';
import type { TokenEntry } from '../../src/auth.js';
import type { Dataset } from '../../src/domain/dataset.js';
import { closeAllDatabases } from '../../src/db/adapter.js';
import { onDirectStatement } from '../../src/db/raw.js';
import type { DbConfig } from '../../src/db/config.js';

/** PostgreSQL runs too when MEIBO_TEST_PG_URL is set (.ci/run always sets it). */
export const PG_URL = process.env.MEIBO_TEST_PG_URL;

export const ENGINES: Array<'pglite' | 'postgres'> = PG_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDirectory {
  engine: 'pglite' | 'postgres';
  directory: Directory;
  yoga: ReturnType<typeof createApp>;
  /** SQL statements run since the last reset */
  sql: string[];
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResult<T>>;
  close(): Promise<void>;
}

export type { GqlResult };

/** A fresh database on `engine`, migrated and seeded. PostgreSQL gets a schema of its own, dropped on close. */
export interface TestOptions {
  dataset?: Dataset;
  tokens?: TokenEntry[];
  afterWrite?: (bodyIds: number[]) => Promise<void>;
}

export async function openTestDirectory(engine: 'pglite' | 'postgres', options: TestOptions = {}): Promise<TestDirectory> {
  let config: DbConfig;
  let dropSchema = async () => {};
  if (engine === 'postgres') {
    if (!PG_URL) throw new Error('MEIBO_TEST_PG_URL is not set');
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const url = new URL(PG_URL);
    url.searchParams.set('schema', schema);
    config = { kind: 'postgres', url: url.toString(), schema };
    await withPg(async (c) => c.query('CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public'));
    dropSchema = async () => {
      await withPg((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    };
  } else {
    config = { kind: 'pglite', dataDir: null };
  }
  const sql: string[] = [];
  const directory = await openDirectory(config, {
    migrate: true,
    seed: true,
    dataset: options.dataset,
    prismaOptions: { log: [{ emit: 'event', level: 'query' }] },
  });
  (directory.prisma as unknown as { $on(e: 'query', cb: (e: { query: string }) => void): void }).$on('query', (e) => sql.push(e.query));
  // the read layer's direct statements (src/db/raw.ts), which Prisma's query events do not see
  onDirectStatement(directory.prisma, (text) => sql.push(text));
  const yoga = createApp(directory.prisma, { tokens: options.tokens, afterWrite: options.afterWrite });
  return {
    engine,
    directory,
    yoga,
    sql,
    gql: (query, variables, headers) => gql(yoga.fetch, query, variables, headers),
    async close() {
      await directory.close();
      await closeAllDatabases();
      await dropSchema();
    },
  };
}

/** One short-lived connection to the test PostgreSQL (MEIBO_TEST_PG_URL). */
export async function withPg<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
