// patches/pg+8.23.1.patch (applied by patch-package at install): pg 8.23.1 asks, as it loads,
// whether it runs on Cloudflare Workers (lib/stream.js, isCloudflareRuntime). On Node 20, which has
// no `navigator`, it answered by constructing a `Response`, and that first touch of the global
// loads Node's whole fetch implementation (undici): 50-190 ms of every start of the server (a
// profile of 2026-12-05, issue 17), for a class the server never uses otherwise. The patch answers
// "not Cloudflare" on Node first. This file checks that the patch is applied to the version it was
// written for, and that loading pg leaves undici unloaded while it still picks Node's sockets.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
const installedVersion = (JSON.parse(readFileSync(new URL('../../node_modules/pg/package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('the pg Cloudflare-probe patch', () => {
  it('is applied to the pinned version it was written for', () => {
    expect(pkg.dependencies.pg, 'pin pg exactly: the patch is for one release').toBe('8.23.1');
    expect(installedVersion).toBe('8.23.1');
    const stream = readFileSync(new URL('../../node_modules/pg/lib/stream.js', import.meta.url), 'utf8');
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
    `], { cwd: new URL('../..', import.meta.url), encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ undici: false, net: true, client: 'function' });
  });
});
