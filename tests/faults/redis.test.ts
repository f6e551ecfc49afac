// The response cache's Redis stopped, flushed, and brought back from an older snapshot, around
// writes: a private redis-server on a free port (its own temp dir, `--save ""`, SAVE and a copied
// dump.rdb for the older snapshot), meibo instances in process on a fresh PostgreSQL schema, each
// with its own LISTEN connection and in-process LRU, sharing the Redis. Each test asserts what a
// client saw: the write acknowledged as committed, the next answer fresh, never an answer older
// than the last acknowledged write; also for writes by `npm run amend` (no REDIS_URL) and by SQL
// run by hand, which tell no instance anything.
import { gql as post } from '../support/gql.js';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { issueToken, parseTokens } from '../../src/auth.js';
import { createResponseCache, type CacheLogger, type ResponseCache } from '../../src/cache.js';
import { PG_URL, openTestDirectory, withPg, type TestDirectory } from '../support/harness.js';
import { freePort, haveRedisServer, untilRedisAnswers } from '../support/processes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const haveRedis = haveRedisServer();
// In CI these are part of the job: their absence is a failure, not a skip.
if (process.env.CI && (!haveRedis || !PG_URL)) throw new Error('the Redis fault test needs redis-server on PATH and MEIBO_TEST_PG_URL');

const editor = issueToken('redis-fault-test');
const CHAIR = `query($b: ID!, $d: Date!) { chair(body: $b, asOf: $d) { role post { title } } }`;
const AMEND = `mutation($input: AmendmentInput!) { recordAmendment(input: $input) { sequence revision { decidedOn } } }`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


/** Asks until `ok` holds, at most `times` times (a notification or a reconnection takes a moment). */
async function eventually<T>(ask: () => Promise<T>, ok: (v: T) => boolean, times = 60): Promise<T> {
  let value = await ask();
  for (let i = 1; i < times && !ok(value); i++) {
    await sleep(50);
    value = await ask();
  }
  return value;
}

describe.skipIf(!haveRedis || !PG_URL)('Redis stopped, flushed and restored from an older snapshot, around writes', () => {
  let dir: string;
  let port: number;
  let redisProcess: ChildProcess | undefined;
  let admin: Redis;
  let t: TestDirectory;
  let schema: string;
  let databaseUrl: string;
  const prefix = 'meibo-fault:';
  const instances: Array<{ cache: ResponseCache }> = [];
  const logged: string[] = [];
  const log: CacheLogger = { info: (m) => void logged.push(`info ${m}`), warn: (m) => void logged.push(`warn ${m}`), error: (m) => void logged.push(`error ${m}`) };

  async function startRedis() {
    redisProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--dbfilename', 'dump.rdb'], { stdio: 'ignore' });
    await untilRedisAnswers(port);
  }
  async function stopRedis() {
    const p = redisProcess;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL'); // a crash: nothing saved (and --save "" saves nothing on a clean stop either)
    await exited;
  }

  /** One meibo instance: its own cache (LRU, LISTEN connection) on the shared Redis and database. */
  async function instance() {
    const url = new URL(PG_URL!);
    url.searchParams.set('schema', schema);
    const cache = createResponseCache({
      mode: 'redis', redisUrl: `redis://127.0.0.1:${port}`, keyPrefix: prefix, db: t.directory.prisma, listen: { url: url.toString(), schema }, log,
    });
    await cache.ready();
    instances.push({ cache });
    const yoga = createApp(t.directory.prisma, { plugins: [cache.plugin], tokens: parseTokens(editor.entry), afterWrite: () => cache.refresh() });
    async function gql(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
      const before = t.sql.length;
      const result = await post(yoga.fetch, query, variables, headers);
      return { ...result, statements: t.sql.length - before };
    }
    return { cache, gql };
  }

  /** The chair of the advisor liaison meeting on `day` (null until an amendment gives it one). */
  const chairOn = (day: string) => ({ b: 'advisor-liaison-meeting', d: day });
  let chairTitle: string;
  let year = 2030;
  /** An amendment giving the advisor meeting a chair (SET_CHAIR) or not (REMOVE), a year after the last. */
  function amendment(kind: 'SET_CHAIR' | 'REMOVE') {
    year++;
    return {
      instrument: 'advisor-liaison-meeting', title: `redis fault test ${year}`, decidedOn: `${year}-01-05`, effectiveOn: `${year}-01-05`,
      changes: [kind === 'SET_CHAIR' ? { kind, body: 'advisor-liaison-meeting', post: chairTitle } : { kind, body: 'advisor-liaison-meeting', role: 'CHAIR', post: chairTitle }],
    };
  }

  /** Waits until Redis serves instances again: an answer stored by one is a hit (no SQL) on a newcomer. */
  async function sharedAgain(day: string) {
    const a = await instance();
    const b = await instance();
    const hit = await eventually(async () => {
      await a.gql(CHAIR, chairOn(day));
      return b.gql(CHAIR, chairOn(day));
    }, (r) => r.statements === 0);
    expect(hit.statements).toBe(0);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meibo-redis-'));
    port = await freePort();
    await startRedis();
    admin = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
    admin.on('error', () => {}); // it reconnects after each restart
    t = await openTestDirectory('postgres', { tokens: parseTokens(editor.entry) });
    schema = (await t.directory.prisma.$queryRaw<Array<{ s: string }>>`SELECT current_schema() AS s`)[0].s;
    const url = new URL(PG_URL!);
    url.searchParams.set('schema', schema);
    databaseUrl = url.toString();
    chairTitle = (await t.gql<{ chair: { post: { title: string } } }>(CHAIR, { b: 'secretariat', d: '2025-07-01' })).data!.chair.post.title;
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.cache.close()));
    admin?.disconnect();
    await stopRedis();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shares answers through Redis: an answer computed by one instance is a hit on another', async () => {
    await sharedAgain('2025-07-01');
  });

  it('Redis stopped: a write is acknowledged as committed, and the next read sees it, on every instance', async () => {
    const a = await instance();
    const b = await instance();
    const day = chairOn(`${year + 1}-06-01`);
    expect((await a.gql(CHAIR, day)).data!.chair).toBeNull();
    expect((await b.gql(CHAIR, day)).data!.chair).toBeNull();
    expect((await b.gql(CHAIR, day)).statements).toBe(0);

    await stopRedis();
    const started = performance.now();
    const recorded = await a.gql(AMEND, { input: amendment('SET_CHAIR') }, { authorization: `Bearer ${editor.token}` });
    const took = performance.now() - started;
    console.log(`[figure] recordAmendment with Redis down: ${took.toFixed(0)} ms`);
    expect(recorded.status).toBe(200);
    expect(recorded.errors).toBeUndefined();
    expect(recorded.data!.recordAmendment.revision.decidedOn).toBe(`${year}-01-05`);

    // The writer at once; the other instance as soon as PostgreSQL's notification reaches it.
    expect((await a.gql(CHAIR, day)).data!.chair).toMatchObject({ role: 'CHAIR', post: { title: chairTitle } });
    const onB = await eventually(() => b.gql(CHAIR, day), (r) => r.data?.chair !== null);
    expect(onB.data!.chair).toMatchObject({ role: 'CHAIR', post: { title: chairTitle } });
    // While Redis is down the in-process copies still serve.
    expect((await a.gql(CHAIR, day)).statements).toBe(0);

    await startRedis();
    await sharedAgain(`${year + 1}-07-01`);
    for (const x of [a, b]) expect((await x.gql(CHAIR, day)).data!.chair).toMatchObject({ role: 'CHAIR' });
  });

  it('Redis flushed: fresh answers', async () => {
    const a = await instance();
    const day = chairOn(`${year}-06-01`);
    const before = await a.gql(CHAIR, day);
    await admin.flushall();
    const b = await instance(); // nothing in process: whatever it answers comes from Redis or the database
    const after = await b.gql(CHAIR, day);
    expect(after.statements).toBeGreaterThan(0);
    expect(after.data).toEqual(before.data);
  });

  it('Redis restored from a snapshot taken before a write: the answer after the write, never the old one', async () => {
    const a = await instance();
    const day = chairOn(`${year + 1}-06-01`);
    // The chair is there before the write; the snapshot holds that answer, under the version of then.
    expect((await a.gql(CHAIR, day)).data!.chair).toMatchObject({ role: 'CHAIR' });
    const b = await instance();
    expect((await eventually(() => b.gql(CHAIR, day), (r) => r.statements === 0)).statements).toBe(0); // from Redis
    await admin.save();
    copyFileSync(join(dir, 'dump.rdb'), join(dir, 'older.rdb'));

    // The write: the chair's seat ends.
    const removed = await a.gql(AMEND, { input: amendment('REMOVE') }, { authorization: `Bearer ${editor.token}` });
    expect(removed.errors).toBeUndefined();
    expect((await a.gql(CHAIR, day)).data!.chair).toBeNull();

    // Redis comes back with the older snapshot (and with it, every answer of before the write).
    await stopRedis();
    copyFileSync(join(dir, 'older.rdb'), join(dir, 'dump.rdb'));
    await startRedis();
    expect(await admin.dbsize()).toBeGreaterThan(0);
    await sharedAgain(`${year + 2}-01-01`);

    for (const x of [a, b, await instance()]) {
      const answer = await eventually(() => x.gql(CHAIR, day), (r) => r.data?.chair === null);
      expect(answer.data!.chair).toBeNull();
    }
  });

  it('writes by `npm run amend` (no REDIS_URL) and by SQL run by hand reach a running instance', async () => {
    const a = await instance();
    const day = chairOn(`${year + 1}-06-01`);
    expect((await a.gql(CHAIR, day)).data!.chair).toBeNull();
    expect((await a.gql(CHAIR, day)).statements).toBe(0);

    const file = join(dir, 'amendment.json');
    writeFileSync(file, JSON.stringify({ ...amendment('SET_CHAIR'), changes: [{ setChair: { body: 'advisor-liaison-meeting', post: chairTitle } }] }));
    const cli = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/amend.ts', file], {
      cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: '' }, encoding: 'utf8',
    });
    expect(cli).toContain('Recorded revision');
    const afterCli = await eventually(() => a.gql(CHAIR, day), (r) => r.data?.chair !== null);
    expect(afterCli.data!.chair).toMatchObject({ role: 'CHAIR', post: { title: chairTitle } });

    // By hand, in psql's default search_path: the chair's listing is deleted again (a listing's days
    // are its revision's, so it is the row itself that goes).
    const deleted = await withPg((c) => c.query(`DELETE FROM "${schema}".seat WHERE role = 'CHAIR' AND valid_to IS NULL AND valid_from = DATE '${year}-01-05'`));
    expect(deleted.rowCount).toBe(1);
    const afterSql = await eventually(() => a.gql(CHAIR, day), (r) => r.data?.chair === null);
    expect(afterSql.data!.chair).toBeNull();
    expect(logged.filter((l) => l.includes('LISTEN connection lost'))).toEqual([]);
  });
});
