import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

import { DEFAULT_TIMEOUTS, dbConfigFromEnv, requestTimeoutMsFromEnv } from '../../src/db/config.js';

describe('dbConfigFromEnv', () => {
  it('reads a PostgreSQL URL and its schema parameter', () => {
    expect(dbConfigFromEnv({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/test?schema=t_abc123' })).toEqual({
      kind: 'postgres',
      url: 'postgresql://postgres@127.0.0.1:5432/test?schema=t_abc123',
      schema: 't_abc123',
    });
    expect(dbConfigFromEnv({ DATABASE_URL: 'postgres://u:p@db/meibo' })).toEqual({ kind: 'postgres', url: 'postgres://u:p@db/meibo' });
  });

  it('reads MEIBO_PG_PREPARED_STATEMENTS, and refuses what is not a boolean', () => {
    const url = 'postgresql://postgres@127.0.0.1:5432/test';
    expect(dbConfigFromEnv({ DATABASE_URL: url, MEIBO_PG_PREPARED_STATEMENTS: 'false' })).toEqual({ kind: 'postgres', url, preparedStatements: false });
    expect(dbConfigFromEnv({ DATABASE_URL: url, MEIBO_PG_PREPARED_STATEMENTS: 'TRUE' })).toEqual({ kind: 'postgres', url, preparedStatements: true });
    expect(() => dbConfigFromEnv({ DATABASE_URL: url, MEIBO_PG_PREPARED_STATEMENTS: 'sometimes' })).toThrow(/must be true or false/);
    // the embedded database is PostgreSQL too
    expect(dbConfigFromEnv({ MEIBO_DATA_DIR: 'memory', MEIBO_PG_PREPARED_STATEMENTS: '0' })).toEqual({ kind: 'pglite', dataDir: null, preparedStatements: false });
    expect(dbConfigFromEnv({ MEIBO_DATA_DIR: 'memory' })).toEqual({ kind: 'pglite', dataDir: null });
    expect(() => dbConfigFromEnv({ MEIBO_DATA_DIR: 'memory', MEIBO_PG_PREPARED_STATEMENTS: 'yes' })).toThrow(/must be true or false/);
  });

  it('reads the PostgreSQL timeouts, defaulting to connect 5 s, statement 10 s, request 15 s', () => {
    const url = 'postgresql://postgres@127.0.0.1:5432/test';
    expect(DEFAULT_TIMEOUTS).toEqual({ connectMs: 5_000, statementMs: 10_000, requestMs: 15_000 });
    expect(dbConfigFromEnv({ DATABASE_URL: url, MEIBO_PG_CONNECT_TIMEOUT_MS: '1000', MEIBO_PG_STATEMENT_TIMEOUT_MS: ' 2500 ' }))
      .toEqual({ kind: 'postgres', url, connectTimeoutMs: 1_000, statementTimeoutMs: 2_500 });
    // 0: no statement timeout (e.g. behind a pooler that refuses the startup parameter)
    expect(dbConfigFromEnv({ DATABASE_URL: url, MEIBO_PG_STATEMENT_TIMEOUT_MS: '0' })).toEqual({ kind: 'postgres', url, statementTimeoutMs: 0 });
    expect(() => dbConfigFromEnv({ DATABASE_URL: url, MEIBO_PG_CONNECT_TIMEOUT_MS: '0' })).toThrow(/MEIBO_PG_CONNECT_TIMEOUT_MS must be a whole number of milliseconds above 0, not "0"/);
    expect(() => dbConfigFromEnv({ DATABASE_URL: url, MEIBO_PG_STATEMENT_TIMEOUT_MS: '5s' })).toThrow(/MEIBO_PG_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds \(0: no limit\), not "5s"/);
    expect(() => dbConfigFromEnv({ DATABASE_URL: url, MEIBO_PG_STATEMENT_TIMEOUT_MS: '-1' })).toThrow(/whole number/);
    expect(() => dbConfigFromEnv({ DATABASE_URL: url, MEIBO_PG_CONNECT_TIMEOUT_MS: '9999999999' })).toThrow(/whole number/);
    expect(requestTimeoutMsFromEnv({})).toBe(15_000);
    expect(requestTimeoutMsFromEnv({ MEIBO_REQUEST_TIMEOUT_MS: '3000' })).toBe(3_000);
    expect(() => requestTimeoutMsFromEnv({ MEIBO_REQUEST_TIMEOUT_MS: '1.5' })).toThrow(/MEIBO_REQUEST_TIMEOUT_MS must be a whole number/);
  });

  it('reads DATABASE_REPLICA_URLS, comma-separated, and refuses replicas it cannot use', () => {
    const url = 'postgresql://postgres@primary:5432/meibo?schema=dir';
    const replicas = 'postgresql://postgres@replica-1:5432/meibo, postgres://postgres@replica-2/meibo?schema=dir,';
    expect(dbConfigFromEnv({ DATABASE_URL: url, DATABASE_REPLICA_URLS: replicas })).toEqual({
      kind: 'postgres', url, schema: 'dir',
      replicaUrls: ['postgresql://postgres@replica-1:5432/meibo', 'postgres://postgres@replica-2/meibo?schema=dir'],
    });
    expect(dbConfigFromEnv({ DATABASE_URL: url, DATABASE_REPLICA_URLS: ' ' })).toEqual({ kind: 'postgres', url, schema: 'dir' });
    expect(() => dbConfigFromEnv({ DATABASE_URL: url, DATABASE_REPLICA_URLS: 'postgresql://a/b,mysql://c/d' }))
      .toThrow(/DATABASE_REPLICA_URLS has unsupported scheme "mysql".*\(replica 2 of 2\)/);
    expect(() => dbConfigFromEnv({ DATABASE_REPLICA_URLS: 'postgresql://a/b' })).toThrow(/DATABASE_REPLICA_URLS needs DATABASE_URL/);
  });

  it('rejects other schemes clearly', () => {
    expect(() => dbConfigFromEnv({ DATABASE_URL: 'file:./dev.db' })).toThrow(/unsupported scheme "file"/);
    expect(() => dbConfigFromEnv({ DATABASE_URL: 'mysql://x@y/z' })).toThrow(/PostgreSQL only/);
  });

  it('defaults to PGlite in a created data directory, or in memory', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'meibo-config-')), 'a/b');
    expect(dbConfigFromEnv({ MEIBO_DATA_DIR: dir })).toEqual({ kind: 'pglite', dataDir: resolve(dir) });
    expect(existsSync(dir)).toBe(true);
    expect(dbConfigFromEnv({ MEIBO_DATA_DIR: 'memory' })).toEqual({ kind: 'pglite', dataDir: null });
    expect(dbConfigFromEnv({})).toEqual({ kind: 'pglite', dataDir: resolve('.meibo/pglite') });
  });
});
