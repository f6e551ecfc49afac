import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

import { dbConfigFromEnv } from '../../src/db/config.js';

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
