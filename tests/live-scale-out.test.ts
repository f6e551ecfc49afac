// Live updates across instances: two `src/server.ts` processes on one PostgreSQL schema and one
// Redis (a channel prefix of this run's own). A subscriber of B is told of an amendment recorded
// through A, and of a revert run with `npm run amend` (REDIS_URL set); B's shutdown ends its
// streams. Runs when MEIBO_TEST_PG_URL and MEIBO_TEST_REDIS_URL are set (.ci/run sets both).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../src/auth.js';
import { withPg } from './support/harness.js';
import { openEvents, until, type EventStream } from './support/sse.js';

const PG_URL = process.env.MEIBO_TEST_PG_URL;
const REDIS_URL = process.env.MEIBO_TEST_REDIS_URL;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Server {
  child: ChildProcess;
  url: string;
  output: string[];
  exited: Promise<number | null>;
}

async function startServer(name: string, env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production', MEIBO_LOG_LEVEL: 'info' /* the ready line is an info line */, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 90 s:\n${output.join('')}`)), 90_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      const match = /meibo ready on http:\/\/localhost:(\d+)\//.exec(output.join(''));
      if (match) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before it was ready:\n${output.join('')}`));
    });
  });
  return { child, url, output, exited };
}

async function stopServer(server: Server | undefined) {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  const timeout = new Promise((resolve) => setTimeout(resolve, 15_000, 'timeout'));
  if ((await Promise.race([server.exited, timeout])) === 'timeout') server.child.kill('SIGKILL');
}

/** Runs `npm run amend -- …` as an operator would, with the servers' environment. */
function amend(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/amend.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

const SUBSCRIBE = `subscription { directoryChanged { action instrument { code } bodies { code } sequence decidedOn effectiveOn } }`;

describe.skipIf(!PG_URL || !REDIS_URL)('live updates across instances on one PostgreSQL and one Redis', () => {
  const schema = `live_${randomBytes(5).toString('hex')}`;
  const prefix = `meibo-test-${randomBytes(5).toString('hex')}:`;
  const databaseUrl = (() => {
    const url = new URL(PG_URL ?? 'postgresql://localhost/x');
    url.searchParams.set('schema', schema);
    return url.toString();
  })();
  const editor = issueToken('live-scale-out');
  const env: Record<string, string> = { DATABASE_URL: databaseUrl, REDIS_URL: REDIS_URL ?? '', MEIBO_REDIS_PREFIX: prefix, MEIBO_TOKENS: editor.entry };
  let a: Server;
  let b: Server;
  let redis: Redis;
  let stream: EventStream;

  beforeAll(async () => {
    await withPg((c) => c.query('CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public'));
    // One after the other: the first migrates and seeds, the second finds it done.
    a = await startServer('A', { ...env, MEIBO_MIGRATE_ON_START: 'true' });
    b = await startServer('B', env);
    redis = new Redis(REDIS_URL!);
  }, 200_000);

  afterAll(async () => {
    await stream?.close();
    await Promise.all([stopServer(a), stopServer(b)]);
    await redis?.quit();
    await withPg((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  });

  /** Subscribers of this run's channel, over all instances (Redis's own count). */
  const subscribers = async () => Number(((await redis.pubsub('NUMSUB', `${prefix}directoryChanged`)) as [string, number])[1]);

  it('a subscriber of B is told of an amendment recorded through A', async () => {
    stream = await openEvents((init) => fetch(`${b.url}/graphql?query=${encodeURIComponent(SUBSCRIBE)}`, init));
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await until(async () => (await subscribers()) >= 1);

    const response = await fetch(`${a.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${editor.token}` },
      body: JSON.stringify({
        query: `mutation($input: AmendmentInput!) { recordAmendment(input: $input) { sequence } }`,
        variables: {
          input: {
            instrument: 'designated-posts', title: '…の一部改正について', decidedOn: '令和8年11月26日', effectiveOn: '令和9年4月1日',
            changes: [{ kind: 'ADD', body: 'secretariat', role: 'MEMBER', position: 3, post: 'デジタル庁統括官付参事官（サイバーセキュリティ担当）' }],
          },
        },
      }),
    });
    const result = (await response.json()) as any;
    expect(result.errors).toBeUndefined();
    const event = await stream.next();
    expect(event.data.directoryChanged).toMatchObject({
      action: 'RECORDED', instrument: { code: 'designated-posts' }, sequence: result.data.recordAmendment.sequence, decidedOn: '2026-11-26', effectiveOn: '2027-04-01',
    });
    expect(event.data.directoryChanged.bodies.map((x: { code: string }) => x.code).sort()).toEqual(['deputy-director-meeting', 'secretariat']);
  });

  it('and of a revert run with `npm run amend -- --revert` against the same PostgreSQL and Redis', async () => {
    const run = await amend(['--revert', 'designated-posts'], env);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('Subscribers told');
    const event = await stream.next();
    expect(event.data.directoryChanged).toMatchObject({ action: 'REVERTED', instrument: { code: 'designated-posts' }, effectiveOn: '2027-04-01' });
  });

  it('B’s shutdown ends its streams, and B exits cleanly', async () => {
    b.child.kill('SIGTERM');
    expect(await stream.ended()).toBe(true);
    expect(await b.exited).toBe(0);
    expect(b.output.join('')).not.toMatch(/still running after/);
  });
});
