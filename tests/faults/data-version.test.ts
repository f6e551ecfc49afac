// The data version when the database goes back in time, and when the LISTEN connection hangs: a
// private PostgreSQL cluster (initdb on a free port) and a private redis-server, meibo instances in
// process (each its own LISTEN connection and in-process cache, sharing Redis).
// - Restore: pg_dump at version N, amendment X through the API (N+1), pg_restore --clean of the
//   dump, amendment Y through the API (N+1 again). Without a restart, every instance answers the
//   restored truth (no X) within the heartbeat, and after Y, and so does an instance started after
//   it that finds the answers of X's version in Redis.
// - Hang: the backend of an instance's LISTEN connection is stopped (SIGSTOP), a write goes through
//   another instance, and the stale answers the hung one gives are counted and timed.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { issueToken, parseTokens } from '../../src/auth.js';
import { createResponseCache, type CacheLogger, type ResponseCache } from '../../src/cache.js';
import { closeAllDatabases } from '../../src/db/adapter.js';
import { dbConfigFromEnv } from '../../src/db/config.js';
import { openDirectory, type Directory } from '../../src/db/open.js';
import { gql } from '../support/gql.js';
import { asRoot, freePort, havePgServer, haveRedisServer, pgBinDir, pgTool as runPgTool, untilRedisAnswers } from '../support/processes.js';

const bin = pgBinDir();
const haveServer = havePgServer(bin);
const haveRedis = haveRedisServer();
// In CI these are part of the job: their absence is a failure, not a skip.
if ((!haveServer || !haveRedis) && process.env.CI) throw new Error('the data-version fault test needs initdb, pg_ctl, pg_dump and redis-server');
const pgTool = (tool: string, args: string[]) => runPgTool(bin, tool, args);

const editor = issueToken('data-version-fault-test');
const AS_EDITOR = { authorization: `Bearer ${editor.token}` };
const CHAIR = `query($b: ID!, $d: Date!) { chair(body: $b, asOf: $d) { role post { title } } }`;
const TITLES = `{ amendments(first: 20) { edges { node { amendment } } } }`;
const AMEND = `mutation($input: AmendmentInput!) { recordAmendment(input: $input) { sequence } }`;
const BODY = 'advisor-liaison-meeting';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!haveServer || !haveRedis)('the data version: a restore from an older backup, a hung LISTEN connection', () => {
  let dir: string;
  let data: string;
  let url: string;
  let running = false;
  let redisProcess: ChildProcess | undefined;
  let redisUrl: string;
  let directory: Directory;
  let chairTitle: string;
  const stopped: number[] = [];
  const instances: ResponseCache[] = [];
  const logged: string[] = [];
  const log: CacheLogger = { info: (m) => void logged.push(`info ${m}`), warn: (m) => void logged.push(`warn ${m}`), error: (m) => void logged.push(`error ${m}`) };
  const figures: Record<string, string> = {};

  /** One meibo instance: its own cache (LRU, LISTEN connection) on the shared Redis and database. */
  async function instance(mode: 'redis' | 'memory' = 'redis') {
    const cache = createResponseCache({ mode, redisUrl, keyPrefix: 'meibo-restore:', db: directory.prisma, listen: { url }, log });
    await cache.ready();
    instances.push(cache);
    const yoga = createApp(directory.prisma, { plugins: [cache.plugin], tokens: parseTokens(editor.entry), afterWrite: () => cache.refresh() });
    return {
      cache,
      ask: (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) => gql(yoga.fetch, query, variables, headers),
      /** the chair of the advisor meeting on `day`: its title, or null */
      chairOn: async (day: string) => {
        const r = await gql<{ chair: { post: { title: string } } | null }>(yoga.fetch, CHAIR, { b: BODY, d: day });
        expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
        return r.data!.chair?.post.title ?? null;
      },
    };
  }
  const amendment = (year: number, kind: 'SET_CHAIR' | 'REMOVE' = 'SET_CHAIR') => ({
    instrument: BODY, title: `data version fault test ${year}`, decidedOn: `${year}-01-05`, effectiveOn: `${year}-01-05`,
    changes: [kind === 'SET_CHAIR' ? { kind, body: BODY, post: chairTitle } : { kind, body: BODY, role: 'CHAIR', post: chairTitle }],
  });
  const titles = async (ask: Awaited<ReturnType<typeof instance>>['ask']) =>
    ((await ask(TITLES)).data!.amendments.edges as Array<{ node: { amendment: string } }>).map((e) => (JSON.parse(e.node.amendment) as { title: string }).title);
  /** Asks until `ok` holds (at most `ms`); what it saw, in order, with the time each answer came. */
  async function watch<T>(ask: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000) {
    const started = performance.now();
    const seen: Array<{ value: T; at: number }> = [];
    for (;;) {
      const value = await ask();
      seen.push({ value, at: performance.now() - started });
      if (ok(value) || performance.now() - started > ms) return seen;
      await sleep(50);
    }
  }
  const psql = async <T>(text: string): Promise<T[]> => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(text)).rows as T[];
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meibo-data-version-'));
    if (asRoot) {
      const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
      chownSync(dir, id('-u'), id('-g'));
    }
    const pgPort = await freePort();
    data = join(dir, 'data');
    url = `postgresql://postgres@127.0.0.1:${pgPort}/postgres`;
    pgTool('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
    appendFileSync(join(data, 'postgresql.conf'), [
      `port = ${pgPort}`, `listen_addresses = '127.0.0.1'`, `unix_socket_directories = '${dir}'`, 'fsync = off', '',
    ].join('\n'));
    pgTool('pg_ctl', ['-D', data, '-l', join(dir, 'postgres.log'), '-w', 'start']);
    running = true;
    directory = await openDirectory(dbConfigFromEnv({ DATABASE_URL: url }), { migrate: true, seed: true });

    const redisPort = await freePort();
    redisUrl = `redis://127.0.0.1:${redisPort}`;
    redisProcess = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await untilRedisAnswers(redisPort);
    const secretariat = await gql<{ chair: { post: { title: string } } }>(createApp(directory.prisma).fetch, CHAIR, { b: 'secretariat', d: '2025-07-01' });
    chairTitle = secretariat.data!.chair.post.title;
  }, 120_000);

  afterAll(async () => {
    for (const pid of stopped) process.kill(pid, 'SIGCONT');
    await Promise.all(instances.map((c) => c.close()));
    await directory?.close();
    await closeAllDatabases();
    redisProcess?.kill('SIGKILL');
    if (running) pgTool('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    if (dir) rmSync(dir, { recursive: true, force: true });
    console.log(`figures:\n${Object.entries(figures).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
  });

  it('after pg_restore --clean of an older dump, and a new amendment, every instance answers the restored truth, without a restart', async () => {
    const a = await instance();
    const b = await instance();
    const day = '2031-06-01';
    expect(await a.chairOn(day)).toBeNull();
    expect(await b.chairOn(day)).toBeNull();
    const dump = join(dir, 'before-x.dump');
    pgTool('pg_dump', ['-Fc', '-d', url, '-f', dump]);
    const atDump = a.cache.version();

    // X, through the API: the advisor meeting gets a chair in 2031. Both instances answer it, and
    // their answers (under X's version) are in Redis.
    expect((await a.ask(AMEND, { input: amendment(2031) }, AS_EDITOR)).errors).toBeUndefined();
    expect(await a.chairOn(day)).toBe(chairTitle);
    expect((await watch(() => b.chairOn(day), (v) => v !== null)).at(-1)!.value).toBe(chairTitle);
    expect(await titles(a.ask)).toContain('data version fault test 2031');
    const afterX = a.cache.version();
    expect(afterX).not.toBe(atDump);

    // The database goes back to the dump (X is gone), while both instances run.
    pgTool('pg_restore', ['--clean', '--if-exists', '-d', url, dump]);
    const restoredAt = performance.now();
    const seenA = await watch(() => a.chairOn(day), (v) => v === null);
    const seenB = await watch(() => b.chairOn(day), (v) => v === null);
    expect(seenA.at(-1)!.value).toBeNull();
    expect(seenB.at(-1)!.value).toBeNull();
    const stale = [...seenA, ...seenB].filter((s) => s.value !== null);
    figures['restore → restored truth'] =
      `${stale.length} stale answers of ${seenA.length + seenB.length} (instance A: the last at ${Math.round(seenA.at(-2)?.at ?? 0)} ms; ` +
      `both fresh ${Math.round(performance.now() - restoredAt)} ms after pg_restore returned)`;
    // Within the heartbeat (1 s) and its deadline, on a busy machine.
    for (const s of stale) expect(s.at).toBeLessThan(3_000);
    expect(await titles(a.ask)).not.toContain('data version fault test 2031');
    expect(logged.some((l) => l.startsWith('warn') && l.includes('data version went back'))).toBe(true);

    // Y, through the API: the version number X had comes again, for other data. The chair of 2031
    // stays gone; Y's chair (2032) is there.
    expect((await a.ask(AMEND, { input: amendment(2032) }, AS_EDITOR)).errors).toBeUndefined();
    const afterY = a.cache.version()!;
    expect(afterY.split(':')[1]).toBe(afterX!.split(':')[1]);
    expect(afterY).not.toBe(afterX);
    const staleAfterY: unknown[] = [];
    for (const x of [a, b]) {
      const seen = await watch(() => x.chairOn('2032-06-01'), (v) => v !== null);
      expect(seen.at(-1)!.value).toBe(chairTitle);
      for (let i = 0; i < 3; i++) {
        const v = await x.chairOn(day);
        if (v !== null) staleAfterY.push(v);
      }
    }
    // A newcomer finds in Redis the answers stored under X's version: none is served.
    const c = await instance();
    for (let i = 0; i < 3; i++) {
      const v = await c.chairOn(day);
      if (v !== null) staleAfterY.push(v);
    }
    expect(await c.chairOn('2032-06-01')).toBe(chairTitle);
    expect(await titles(c.ask)).toEqual(expect.arrayContaining(['data version fault test 2032']));
    expect(await titles(c.ask)).not.toContain('data version fault test 2031');
    expect(staleAfterY).toEqual([]);
    figures['after Y (same number as X)'] = `${staleAfterY.length} stale answers of 9 (2 running instances, 1 started after)`;

    // What the README tells an operator to run after a restore: a statement that writes no row still
    // fires the statement-level trigger, so every instance reads a new version at once.
    const before = [a, b, c].map((x) => x.cache.version());
    await psql('UPDATE body SET position = position WHERE false');
    for (const [i, x] of [a, b, c].entries()) {
      const seen = await watch(async () => x.cache.version(), (v) => v !== before[i], 500);
      expect(seen.at(-1)!.value).not.toBe(before[i]);
    }
  });

  it('a hung LISTEN connection is dropped within the heartbeat and its deadline; the stale answers meanwhile are counted', async () => {
    await Promise.all(instances.splice(0).map((c) => c.close()));
    const hung = await instance('memory');
    const writer = await instance('memory');
    // The chair in 2034 as the test before left it, answered and cached by the instance to be hung;
    // the write below changes it (ends the seat, or gives the meeting a chair).
    const day = '2034-06-01';
    const was = await hung.chairOn(day);
    expect(await hung.chairOn(day)).toBe(was);
    const now = was === null ? chairTitle : null;
    const [backend] = await psql<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE application_name = 'meibo data version' ORDER BY backend_start LIMIT 1`,
    );
    process.kill(backend.pid, 'SIGSTOP');
    stopped.push(backend.pid);
    const before = logged.length;

    // The write, through the other instance.
    expect((await writer.ask(AMEND, { input: amendment(2034, was === null ? 'SET_CHAIR' : 'REMOVE') }, AS_EDITOR)).errors).toBeUndefined();
    const acknowledged = performance.now();
    const seen = await watch(() => hung.chairOn(day), (v) => v === now);
    const fresh = performance.now() - acknowledged;
    expect(seen.at(-1)!.value).toBe(now);
    const stale = seen.filter((s) => s.value !== now);
    figures['hung LISTEN backend (SIGSTOP)'] = `${stale.length} stale answers over ${Math.round(stale.at(-1)?.at ?? 0)} ms; fresh ${Math.round(fresh)} ms after the write`;
    // heartbeat 1 s + deadline 1 s, with a margin for a busy machine (it was 10 s + 5 s)
    expect(fresh).toBeLessThan(4_000);
    expect(logged.slice(before).some((l) => l.startsWith('error') && l.includes('LISTEN connection lost (no answer within 1000 ms)'))).toBe(true);

    // The backend resumes (and finds its client gone); the instance has reconnected and caches again.
    process.kill(backend.pid, 'SIGCONT');
    stopped.splice(stopped.indexOf(backend.pid), 1);
    await watch(async () => hung.cache.version(), (v) => v !== null);
    expect(logged.slice(before).some((l) => l.startsWith('info') && l.includes('listening for writes'))).toBe(true);
    expect(await hung.chairOn('2034-07-01')).toBe(now);
    // The stopped backend's connection is gone too: one LISTEN connection per instance is left.
    const listening = async () => (await psql<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'meibo data version'`))[0].n;
    expect((await watch(listening, (n) => n === 2, 10_000)).at(-1)!.value).toBe(2);
  });
});
