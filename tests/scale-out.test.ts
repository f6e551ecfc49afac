// Scale-out: two `src/server.ts` processes on one PostgreSQL schema and one Redis (a key prefix of
// this run's own). An answer cached on B is fresh on B as soon as PostgreSQL has announced the
// write (NOTIFY from the writing transaction, src/cache.ts) — a direct write from this process,
// which tells no one, and the recordAmendment mutation sent to A. Also /health, /ready and a
// graceful SIGTERM that lets an in-flight request finish. Runs when MEIBO_TEST_PG_URL and MEIBO_TEST_REDIS_URL are set (.ci/run sets both).
import { gql as post } from './support/gql.js';
import { startServer as startProcess, stopServer, type ServerProcess } from './support/processes.js';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDirectory, type Directory } from '../src/db/open.js';
import { closeAllDatabases } from '../src/db/adapter.js';
import { withPg } from './support/harness.js';

const PG_URL = process.env.MEIBO_TEST_PG_URL;
const REDIS_URL = process.env.MEIBO_TEST_REDIS_URL;

const CHAIR = `query($b: ID!, $d: Date!) { chair(body: $b, asOf: $d) { role post { title } } }`;
const MEMBERS = `query($b: ID!, $d: Date!, $r: Role) { members(body: $b, asOf: $d, role: $r) { role post { title } } }`;

// NODE_ENV=production as deployed: nothing in meibo may depend on it
const startServer = (name: string, env: Record<string, string>) => startProcess(name, { NODE_ENV: 'production', ...env });
type Server = ServerProcess;

const gql = (server: Server, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  post(server.url, query, variables, headers);

describe.skipIf(!PG_URL || !REDIS_URL)('instances on one PostgreSQL and one Redis', () => {
  const schema = `scale_${randomBytes(5).toString('hex')}`;
  const prefix = `meibo-test-${randomBytes(5).toString('hex')}:`;
  const databaseUrl = (() => {
    const url = new URL(PG_URL ?? 'postgresql://localhost/x');
    url.searchParams.set('schema', schema);
    return url.toString();
  })();
  let editorToken: string | undefined;
  let a: Server;
  let b: Server;
  /** a third instance without cache debugging: its hits take the HTTP fast path (src/http/fast-path.ts) */
  let c: Server;
  let directory: Directory;

  beforeAll(async () => {
    await withPg((c) => c.query('CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public'));
    // A token for the mutation, when the write path (src/auth.ts) is there.
    const env: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: REDIS_URL!,
      MEIBO_REDIS_PREFIX: prefix,
      MEIBO_RESPONSE_CACHE_DEBUG: 'true',
      MEIBO_MIGRATE_ON_START: 'true',
    };
    try {
      const auth = await import('../src/auth.js');
      const issued = auth.issueToken('scale-out-test');
      editorToken = issued.token;
      env.MEIBO_TOKENS = issued.entry;
    } catch {
      editorToken = undefined;
    }
    // One after the other: the first migrates and seeds, the second finds it done.
    a = await startServer('A', env);
    b = await startServer('B', env);
    c = await startServer('C', { ...env, MEIBO_RESPONSE_CACHE_DEBUG: 'false' });
    directory = await openDirectory({ kind: 'postgres', url: databaseUrl, schema });
  });

  afterAll(async () => {
    await Promise.all([stopServer(a), stopServer(b), stopServer(c)]);
    await directory?.close();
    await closeAllDatabases();
    await withPg((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    if (REDIS_URL) {
      const redis = new Redis(REDIS_URL);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      await redis.quit();
    }
  });

  it('serves /health and /ready', async () => {
    for (const server of [a, b]) {
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    }
  });

  it('shares the cache: an answer computed on A is a hit on B', async () => {
    const vars = { b: 'secretariat', d: '2025-07-01' };
    const onA = await gql(a, CHAIR, vars);
    expect(onA.errors).toBeUndefined();
    const onB = await gql(b, CHAIR, vars);
    expect(onB.extensions?.responseCache?.hit).toBe(true);
    expect(onB.data).toEqual(onA.data);
  });

  /** Asks until `ok` holds, at most `times` times: PostgreSQL's notification takes a moment to reach B. */
  async function eventually<T>(ask: () => Promise<T>, ok: (v: T) => boolean, times = 40): Promise<T> {
    let value = await ask();
    for (let i = 1; i < times && !ok(value); i++) {
      await new Promise((r) => setTimeout(r, 50));
      value = await ask();
    }
    return value;
  }

  it('a direct write that tells no one is fresh on B as soon as it is announced (null chair, empty list), and so is its undoing', async () => {
    const advisor = { b: 'advisor-liaison-meeting', d: '2025-07-01' };
    // Warm B with answers that hold no entity.
    for (let i = 0; i < 2; i++) {
      await gql(b, CHAIR, advisor);
      await gql(b, MEMBERS, { ...advisor, r: 'CHAIR' });
    }
    const warmChair = await gql(b, CHAIR, advisor);
    expect(warmChair.extensions?.responseCache?.hit).toBe(true);
    expect(warmChair.data!.chair).toBeNull();
    const warmList = await gql(b, MEMBERS, { ...advisor, r: 'CHAIR' });
    expect(warmList.extensions?.responseCache?.hit).toBe(true);
    expect(warmList.data!.members).toEqual([]);

    const [{ id }] = await directory.prisma.body.findMany({ where: { code: 'advisor-liaison-meeting' }, select: { id: true } });
    // a chair listed by the revision in force, as that revision's other listings are
    const inserted = await directory.prisma.$executeRaw`
      INSERT INTO seat (body_id, post_id, revision_id, clause, role, position, seat_key, valid_from, valid_to)
      SELECT body_id, (SELECT min(id) FROM post WHERE id NOT IN (SELECT post_id FROM seat WHERE body_id = ${id})),
             revision_id, clause, 'CHAIR'::"Role", 1, 'scale-out-chair', valid_from, valid_to
      FROM seat WHERE body_id = ${id} AND role = 'MEMBER' AND valid_to IS NULL ORDER BY position LIMIT 1`;
    expect(inserted).toBe(1);

    const chair = await eventually(() => gql(b, CHAIR, advisor), (r) => r.data?.chair !== null);
    expect(chair.data!.chair).toMatchObject({ role: 'CHAIR' });
    // and never the old answer again
    for (let i = 0; i < 3; i++) expect((await gql(b, CHAIR, advisor)).data!.chair).toMatchObject({ role: 'CHAIR' });
    const list = await gql(b, MEMBERS, { ...advisor, r: 'CHAIR' });
    expect(list.data!.members).toHaveLength(1);
    expect((await gql(a, CHAIR, advisor)).data!.chair).toMatchObject({ role: 'CHAIR' });

    // undone the same way: B forgets the chair as soon as it is announced
    expect(await directory.prisma.$executeRaw`DELETE FROM seat WHERE seat_key = 'scale-out-chair'`).toBe(1);
    const gone = await eventually(() => gql(b, CHAIR, advisor), (r) => r.data?.chair === null);
    expect(gone.data!.chair).toBeNull();
    expect((await gql(b, MEMBERS, { ...advisor, r: 'CHAIR' })).data!.members).toEqual([]);
  });

  it('a recordAmendment sent to A is fresh on B at once', async (ctx) => {
    const probe = await gql(a, `{ __type(name: "Mutation") { fields { name } } }`);
    const names = (probe.data?.__type?.fields ?? []).map((f: { name: string }) => f.name);
    if (!editorToken || !names.includes('recordAmendment')) ctx.skip();

    const day = { b: 'advisor-liaison-meeting', d: '2026-02-01' };
    await gql(b, CHAIR, day);
    const warm = await gql(b, CHAIR, day);
    expect(warm.extensions?.responseCache?.hit).toBe(true);
    expect(warm.data!.chair).toBeNull();
    // C answers the same from its fast path (the entry, and its own copy of it, are warm).
    for (let i = 0; i < 3; i++) expect((await gql(c, CHAIR, day)).data!.chair).toBeNull();

    for (let i = 0; i < 2; i++) expect((await gql(a, CHAIR, day)).data!.chair).toBeNull();
    const title = (await gql(a, CHAIR, { b: 'secretariat', d: '2025-07-01' })).data!.chair.post.title as string;
    const recorded = await gql(
      a,
      `mutation($input: AmendmentInput!) { recordAmendment(input: $input) { sequence } }`,
      {
        input: {
          instrument: 'advisor-liaison-meeting',
          title: 'scale-out test amendment',
          decidedOn: '2026-01-05',
          effectiveOn: '2026-01-05',
          changes: [{ kind: 'SET_CHAIR', body: 'advisor-liaison-meeting', post: title }],
        },
      },
      { authorization: `Bearer ${editorToken}` },
    );
    expect(recorded.errors).toBeUndefined();
    // A answers it at once (it re-read the data version before acknowledging the write)…
    expect((await gql(a, CHAIR, day)).data!.chair).toMatchObject({ role: 'CHAIR', post: { title } });
    // …the others as soon as the notification reaches them.
    const fresh = await eventually(() => gql(b, CHAIR, day), (r) => r.data?.chair !== null);
    expect(fresh.data!.chair).toMatchObject({ role: 'CHAIR', post: { title } });
    const onC = await eventually(() => gql(c, CHAIR, day), (r) => r.data?.chair !== null);
    expect(onC.data!.chair).toMatchObject({ role: 'CHAIR', post: { title } });

  });

  it('on SIGTERM, finishes the in-flight request, then exits', async () => {
    const locker = new pg.Client({ connectionString: PG_URL });
    await locker.connect();
    try {
      // Hold every reader of the seat table, so a request to B is in flight for as long as we like.
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE "${schema}".seat IN ACCESS EXCLUSIVE MODE`);
      const inFlight = gql(b, MEMBERS, { b: 'secretariat', d: '2024-12-24', r: 'OBSERVER' });
      await new Promise((r) => setTimeout(r, 500));
      b.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 700));
      expect(b.child.exitCode).toBeNull(); // still draining
      await expect(fetch(`${b.url}/health`)).rejects.toThrow(); // no longer accepting
      await locker.query('COMMIT');
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.members.length).toBeGreaterThan(0);
      const code = await Promise.race([b.exited, new Promise((r) => setTimeout(r, 15_000, 'timeout'))]);
      expect(code).toBe(0);
      expect(b.output.join('')).toContain('stopped');
    } finally {
      await locker.end();
    }
  });
});
