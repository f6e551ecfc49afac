// Two patches (applied by patch-package at install) keep Node's fetch implementation (undici)
// unloaded: Node 20 defines the globals Request and Response as getters that compile it on first
// use (50-190 ms of a start, a profile of 2026-12-05, issue 17), and the server never uses them.
//
// patches/pg+8.23.1.patch: pg 8.23.1 asks, as it loads,
// whether it runs on Cloudflare Workers (lib/stream.js, isCloudflareRuntime). On Node 20, which has
// no `navigator`, it answered by constructing a `Response`, and that first touch of the global
// loads Node's whole fetch implementation (undici): 50-190 ms of every start of the server (a
// profile of 2026-12-05, issue 17), for a class the server never uses otherwise. The patch answers
// "not Cloudflare" on Node first.
//
// patches/@whatwg-node+server+0.11.0.patch: the server adapter under Yoga compared its Request
// class with `globalThis.Request` (to decide whether to use its own AbortController), which loaded
// undici as soon as the app was made. While the global is still Node's getter nobody has the
// native class, so the patch compares with it only once it is loaded: the same answer.
//
// This file checks that each patch is applied to the version it was written for, and that loading
// pg and making and asking a Yoga app leave undici unloaded.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
const installedVersion = (JSON.parse(readFileSync(new URL('../node_modules/pg/package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('the pg Cloudflare-probe patch', () => {
  it('is applied to the pinned version it was written for', () => {
    expect(pkg.dependencies.pg, 'pin pg exactly: the patch is for one release').toBe('8.23.1');
    expect(installedVersion).toBe('8.23.1');
    const stream = readFileSync(new URL('../node_modules/pg/lib/stream.js', import.meta.url), 'utf8');
    expect(stream, 'the patch is not applied: run npm ci (postinstall runs patch-package)').toContain("process.release.name === 'node'");
  });

  it('loads pg without loading undici, and pg still uses Node sockets', () => {
    // a fresh process: vitest itself may have loaded undici in this one
    const out = execFileSync(process.execPath, ['-e', `
      const pg = require('pg');
      const stream = require('pg/lib/stream');
      const socket = stream.getStream(false);
      const undici = process.moduleLoadList.some((m) => m.includes('undici'));
      console.log(JSON.stringify({ undici, net: socket instanceof require('node:net').Socket, client: typeof pg.Client }));
      socket.destroy();
    `], { cwd: ROOT, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ undici: false, net: true, client: 'function' });
  });
});

describe('the @whatwg-node/server Request-comparison patch', () => {
  it('is applied to the version Yoga uses', () => {
    const installed = (JSON.parse(readFileSync(new URL('../node_modules/@whatwg-node/server/package.json', import.meta.url), 'utf8')) as { version: string }).version;
    expect(installed, 'the patch is for @whatwg-node/server 0.11.0: rewrite it for the new version').toBe('0.11.0');
    for (const format of ['esm', 'cjs']) {
      const source = readFileSync(new URL(`../node_modules/@whatwg-node/server/${format}/createServerAdapter.js`, import.meta.url), 'utf8');
      expect(source, 'the patch is not applied: run npm ci (postinstall runs patch-package)').toContain('fetchAPI.Request !== nativeRequestIfLoaded()');
    }
  });

  it('makes and asks a Yoga app without loading undici', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `
      import { createSchema, createYoga } from 'graphql-yoga';
      const yoga = createYoga({ schema: createSchema({ typeDefs: 'type Query { a: Int }', resolvers: { Query: { a: () => 1 } } }) });
      const response = await yoga.fetch('http://localhost/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ a }' }) });
      console.log(JSON.stringify({ body: await response.json(), undici: process.moduleLoadList.some((m) => m.includes('undici')) }));
    `], { cwd: ROOT, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ body: { data: { a: 1 } }, undici: false });
  });
});
