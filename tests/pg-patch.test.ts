// patches/pg+8.23.1.patch, its second part (applied by patch-package at install): pg 8.23.1 copies
// every query's config before reading it (lib/utils.js, cloneQueryConfig) through
// Object.getOwnPropertyDescriptors and Object.defineProperties, about 6 µs a statement, on every
// statement meibo sends on PostgreSQL (issue 17). The patch copies a plain object by spread, which
// reads the same values; any other config (a class with getters, say) is still copied as before.
// Upstream removes the copy (brianc/node-postgres#3743): when pg is upgraded, check whether it
// landed and drop this part of the patch if so.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';

const require = createRequire(import.meta.url);
const utils = require('pg/lib/utils') as { normalizeQueryConfig(config: unknown, values?: unknown, callback?: unknown): Record<string, unknown> };
const installedVersion = (JSON.parse(readFileSync(new URL('../node_modules/pg/package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('the pg query-config copy patch', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is applied to the pinned version it was written for', () => {
    expect(installedVersion, 'the patch is for pg 8.23.1: see whether brianc/node-postgres#3743 landed before rewriting it').toBe('8.23.1');
    expect(readFileSync(require.resolve('pg/lib/utils'), 'utf8'), 'the patch is not applied: run npm ci (postinstall runs patch-package)').toContain('brianc/node-postgres#3743');
  });

  it('copies a plain config without copying property descriptors, and still leaves the caller’s object alone', () => {
    const descriptors = vi.spyOn(Object, 'getOwnPropertyDescriptors');
    const config = { name: 'meibo_x', text: 'SELECT $1::int', values: [1], rowMode: 'array' };
    const callback = () => {};
    const normalized = utils.normalizeQueryConfig(config, [2], callback);
    const copiedByDescriptors = descriptors.mock.calls.filter(([copied]) => copied === config).length;
    expect(copiedByDescriptors).toBe(0);
    expect(normalized).toEqual({ name: 'meibo_x', text: 'SELECT $1::int', values: [2], rowMode: 'array', callback });
    expect(config).toEqual({ name: 'meibo_x', text: 'SELECT $1::int', values: [1], rowMode: 'array' });
  });

  it('copies any other config as pg does: its prototype and getters kept', () => {
    class Config {
      get text() {
        return 'SELECT 1';
      }
    }
    const normalized = utils.normalizeQueryConfig(new Config(), [1]);
    expect(normalized).toBeInstanceOf(Config);
    expect(normalized.text).toBe('SELECT 1');
    expect(normalized.values).toEqual([1]);
  });
});
