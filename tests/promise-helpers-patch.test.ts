// patches/@whatwg-node+promise-helpers+1.3.2.patch (applied by patch-package at install): Yoga,
// Envelop and @whatwg-node/server 0.11 call handleMaybePromise for every hook of every plugin, a few
// dozen times a request; 1.3.2 wrapped each call in three fake promises, each with its own then,
// catch and finally: 41 KB of the 164 KB an uncached chair question allocated (a sampling heap
// profile of 2026-12-05, issue 17; 118 KB with the patch). The patch backports the sync path of
// 2.0.2, which needs Node 22 and so cannot be installed here. This file checks that the patch is
// applied to the version it was written for, that Yoga still asks for 1.x (once it takes 2.x, drop
// the patch), and that every case gives what the fake-promise chain gave.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const dir = new URL('../node_modules/@whatwg-node/promise-helpers/', import.meta.url);
const json = (url: URL) => JSON.parse(readFileSync(url, 'utf8')) as { version: string; dependencies: Record<string, string> };
type Helpers = {
  handleMaybePromise<T>(input: () => unknown, success?: (v: any) => T, failure?: (e: unknown) => T, finallyFactory?: () => unknown): T | Promise<T>;
  fakePromise<T>(value?: T): PromiseLike<T>;
  fakeRejectPromise(error: unknown): PromiseLike<never>;
};

/** What 1.3.2 did for every call, unpatched: the fake-promise chain. */
function chained(h: Helpers, input: () => unknown, success?: (v: any) => unknown, failure?: (e: unknown) => unknown): unknown {
  const unfake = (p: any) => (p?.[Symbol.for('@whatwg-node/promise-helpers/FakePromise')] === 'resolved' ? p.__fakePromiseValue : p?.[Symbol.for('@whatwg-node/promise-helpers/FakePromise')] === 'rejected' ? (() => { throw p.__fakeRejectError; })() : p);
  return unfake((h.fakePromise() as any).then(input).then(success, failure));
}

/** A call's outcome, settled: ['value', v] or ['error', message], and whether it came as a promise. */
async function outcome(run: () => unknown): Promise<[string, unknown, boolean]> {
  try {
    const r = run();
    const isPromise = typeof (r as { then?: unknown })?.then === 'function';
    try {
      return ['value', await r, isPromise];
    } catch (e) {
      return ['error', (e as Error).message, isPromise];
    }
  } catch (e) {
    return ['error', (e as Error).message, false];
  }
}

describe('the promise-helpers patch', () => {
  it('is applied to the version it was written for, which Yoga still asks for', () => {
    expect(json(new URL('package.json', dir)).version).toBe('1.3.2');
    expect(json(new URL('../node_modules/graphql-yoga/package.json', import.meta.url)).dependencies['@whatwg-node/promise-helpers']).toMatch(/^\^1\./);
    for (const flavour of ['esm', 'cjs']) {
      const code = readFileSync(new URL(`${flavour}/index.js`, dir), 'utf8');
      expect(code, `the patch is not applied to ${flavour}: run npm ci (postinstall runs patch-package)`).toContain('the sync path of @whatwg-node/promise-helpers 2.0.2');
    }
  });

  it.each(['cjs', 'esm'])('gives what the fake-promise chain gave (%s): values, promises, throws and rejections, with and without handlers', async (flavour) => {
    const h = (flavour === 'cjs' ? require('@whatwg-node/promise-helpers') : await import(new URL('esm/index.js', dir).href)) as Helpers;
    const boom = (m: string) => () => { throw new Error(m); };
    const inputs: Array<[string, () => unknown]> = [
      ['a value', () => 1],
      ['undefined', () => undefined],
      ['a promise', () => Promise.resolve(2)],
      ['a rejection', () => Promise.reject(new Error('rejected'))],
      ['a fake promise', () => h.fakePromise(3)],
      ['a fake rejection', () => h.fakeRejectPromise(new Error('fake rejected'))],
      ['a throw', boom('thrown')],
    ];
    const successes: Array<[string, ((v: any) => unknown) | undefined]> = [
      ['plus one', (v) => (typeof v === 'number' ? v + 1 : v)],
      ['a promise', (v) => Promise.resolve(v)],
      ['a throw', boom('success threw')],
      ['none', undefined],
    ];
    const failures: Array<[string, ((e: unknown) => unknown) | undefined]> = [
      ['a value', (e) => `handled ${(e as Error).message}`],
      ['a rethrow', (e) => { throw e; }],
      ['none', undefined],
    ];
    for (const [i, input] of inputs) {
      for (const [s, success] of successes) {
        for (const [f, failure] of failures) {
          const patched = await outcome(() => h.handleMaybePromise(input, success, failure));
          const before = await outcome(() => chained(h, input, success, failure));
          expect(patched, `input ${i}, success ${s}, failure ${f}`).toEqual(before);
        }
      }
    }
  });
});
