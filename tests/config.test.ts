// The one configuration module: every variable the README's table lists, its defaults, and a
// clear refusal of a bad value; and no other module reads the environment.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('has the README’s defaults on an empty environment', () => {
    const c = loadConfig({ MEIBO_DATA_DIR: 'memory' });
    expect(c).toMatchObject({
      port: 4000, host: undefined, db: { kind: 'pglite', dataDir: null }, migrateOnStart: true, tokens: [],
      cache: { mode: 'memory', redisUrl: undefined, prefix: 'meibo:', ttlMs: 3_600_000, fastPath: true, debug: false }, directPath: true, compiledQueries: true,
      requestTimeoutMs: 15_000, shutdownTimeoutMs: 10_000, logLevel: 'info', cors: { origin: '*', credentials: false }, debug: false,
      liveLimits: { total: 500, perClient: 8 },
    });
  });

  it('reads the caps on live-update subscriptions', () => {
    const c = loadConfig({ MEIBO_DATA_DIR: 'memory', MEIBO_LIVE_MAX_SUBSCRIPTIONS: '1000', MEIBO_LIVE_MAX_PER_CLIENT: ' 2 ' });
    expect(c.liveLimits).toEqual({ total: 1000, perClient: 2 });
  });

  it('reads PostgreSQL, Redis and the switches', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgresql://u@db:5432/x', REDIS_URL: 'redis://r:6379', MEIBO_FAST_PATH: 'false', MEIBO_DIRECT_PATH: 'false', MEIBO_COMPILED_QUERIES: 'false', PORT: '8080',
      MEIBO_LOG_LEVEL: 'WARN', MEIBO_CORS_ORIGINS: 'https://a.example',
    });
    expect(c).toMatchObject({ port: 8080, db: { kind: 'postgres' }, migrateOnStart: false, cache: { mode: 'redis', fastPath: false }, directPath: false, compiledQueries: false, logLevel: 'warn' });
    expect(c.cors).toEqual({ origin: ['https://a.example'], credentials: false });
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be a port number/],
    [{ MEIBO_LOG_LEVEL: 'loud' }, /MEIBO_LOG_LEVEL must be one of/],
    [{ MEIBO_RESPONSE_CACHE: 'redis' }, /needs REDIS_URL/],
    [{ MEIBO_FAST_PATH: 'maybe' }, /MEIBO_FAST_PATH must be true or false/],
    [{ MEIBO_DIRECT_PATH: 'no' }, /MEIBO_DIRECT_PATH must be true or false/],
    [{ MEIBO_COMPILED_QUERIES: 'jit' }, /MEIBO_COMPILED_QUERIES must be true or false/],
    [{ MEIBO_MIGRATE_ON_START: 'yes' }, /MEIBO_MIGRATE_ON_START must be true or false/],
    [{ MEIBO_TOKENS: 'nonsense' }, /MEIBO_TOKENS/],
    [{ DATABASE_URL: 'mysql://x' }, /unsupported scheme/],
    [{ MEIBO_CORS_CREDENTIALS: 'true' }, /needs MEIBO_CORS_ORIGINS/],
    [{ MEIBO_CORS_CREDENTIALS: 'yes' }, /MEIBO_CORS_CREDENTIALS must be true or false/],
    [{ MEIBO_LIVE_MAX_SUBSCRIPTIONS: '0' }, /MEIBO_LIVE_MAX_SUBSCRIPTIONS must be a whole number from 1 up/],
    [{ MEIBO_LIVE_MAX_PER_CLIENT: 'many' }, /MEIBO_LIVE_MAX_PER_CLIENT must be a whole number from 1 up/],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => loadConfig({ MEIBO_DATA_DIR: 'memory', ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ MEIBO_DATA_DIR: 'memory', ...env })).toThrow(message);
  });
});

describe('the environment', () => {
  // (src/cli/generate.mjs, the install-time `prisma generate` wrapper, hands the environment to
  // Prisma's own CLI; it is no part of meibo at run time.)
  it('is read by src/config.ts alone, of meibo’s modules', () => {
    const readers: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (name === 'generated') continue;
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.ts$/.test(name) && /process\.env/.test(readFileSync(path, 'utf8'))) readers.push(path.replace(/^.*?src\//, 'src/'));
      }
    };
    walk(new URL('../src', import.meta.url).pathname);
    // src/production.ts only gives NODE_ENV its default before any library loads (config.ts
    // cannot: it loads graphql itself), and reads nothing else
    expect(readers.sort()).toEqual(['src/config.ts', 'src/production.ts']);
    const production = readFileSync(new URL('../src/production.ts', import.meta.url), 'utf8').split('\n').filter((l) => l.includes('process.env'));
    expect(production).toEqual(["process.env.NODE_ENV ??= 'production';"]);
  });
});
