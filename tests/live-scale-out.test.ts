// Live updates across instances: two `src/server.ts` processes on one PostgreSQL schema and one
// Redis (a channel prefix of this run's own). A subscriber of B is told of an amendment recorded
// through A, and of a revert run with `npm run amend` (REDIS_URL set); B's shutdown ends its
// streams. Runs when MEIBO_TEST_PG_URL and MEIBO_TEST_REDIS_URL are set (.ci/run sets both).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../src/auth.js';
import { EXAMPLE_AMENDMENT, gql, RECORD } from './support/gql.js';
import { withPg } from './support/harness.js';
import { ROOT, startServer as startProcess, stopServer, type ServerProcess } from './support/processes.js';
import { openEvents, until, type EventStream } from './support/sse.js';

const PG_URL = process.env.MEIBO_TEST_PG_URL;
const REDIS_URL = process.env.MEIBO_TEST_REDIS_URL;

// NODE_ENV=production as deployed; the ready line the start waits for is an info line
const startServer = (name: string, env: Record<string, string>) => startProcess(name, { NODE_ENV: 'production', MEIBO_LOG_LEVEL: 'info', ...env });
type Server = ServerProcess;

/** Runs `npm run amend -- …` as an operator would, with the servers' environment. */
function amend(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/amend.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

const SUBSCRIBE = `subscription { directoryChanged { action instrument { code } bodies { code } sequence decidedOn effectiveOn
  revision { sequence diffs { body { code } added { position post { title } } unchanged } } } }`;

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

    const result = await gql(a.url, RECORD, { input: EXAMPLE_AMENDMENT }, { authorization: `Bearer ${editor.token}` });
    expect(result.errors).toBeUndefined();
    const event = await stream.next();
    expect(event.data.directoryChanged).toMatchObject({
      action: 'RECORDED', instrument: { code: 'designated-posts' }, sequence: result.data!.recordAmendment.sequence, decidedOn: '2026-11-26', effectiveOn: '2027-04-01',
    });
    expect(event.data.directoryChanged.bodies.map((x: { code: string }) => x.code).sort()).toEqual(['deputy-director-meeting', 'secretariat']);
    // B reads the revision A wrote, and what it changed
    expect(event.data.directoryChanged.revision).toEqual({
      sequence: result.data!.recordAmendment.sequence,
      diffs: [
        { body: { code: 'deputy-director-meeting' }, added: [], unchanged: 32 },
        { body: { code: 'secretariat' }, added: [{ position: 3, post: { title: EXAMPLE_AMENDMENT.changes[0].post } }], unchanged: 39 },
      ],
    });
  });

  it('and of a revert run with `npm run amend -- --revert` against the same PostgreSQL and Redis', async () => {
    const run = await amend(['--revert', 'designated-posts'], env);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('Subscribers told');
    const event = await stream.next();
    expect(event.data.directoryChanged).toMatchObject({ action: 'REVERTED', instrument: { code: 'designated-posts' }, effectiveOn: '2027-04-01', revision: null });
  });

  it('B’s shutdown ends its streams, and B exits cleanly', async () => {
    b.child.kill('SIGTERM');
    expect(await stream.ended()).toBe(true);
    expect(await b.exited).toBe(0);
    expect(b.output.join('')).not.toMatch(/still running after/);
  });
});
