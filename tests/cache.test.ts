// Response cache (src/cache.ts), in process through yoga.fetch: repeated reads cost no SQL, and
// after a write and `invalidateBodies` the next answer is fresh — also for answers that hold no
// entity (a null chair, an empty member list) — while other bodies' answers stay cached.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../src/app.js';
import { analyzeDocument, createResponseCache, type ResponseCache } from '../src/cache.js';
import { schema } from '../src/schema/index.js';
import { ENGINES, openTestDirectory, type TestDirectory } from './support/harness.js';

const DAY = '2025-07-01';
const CHAIR = `query($b: ID!, $d: Date!) { chair(body: $b, asOf: $d) { role post { title } } }`;
const MEMBERS = `query($b: ID!, $d: Date!, $r: Role) { members(body: $b, asOf: $d, role: $r) { role position post { title } } }`;
const DIFF = `{ membershipDiff(body: "advisor-liaison-meeting", from: "2020-01-01", to: "${DAY}") { unchanged added { role } removed { role } } }`;
const BODIES = `{ bodies { code } }`;

describe.each(ENGINES)('response cache on %s', (engine) => {
  let t: TestDirectory;
  let cache: ResponseCache;
  let yoga: ReturnType<typeof createApp>;
  let bodyId: (code: string) => Promise<number>;

  async function gql(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    const response = await yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = response.status === 304 ? {} : await response.json();
    return { status: response.status, etag: response.headers.get('etag'), ...body } as {
      status: number;
      etag: string | null;
      data?: Record<string, any>;
      errors?: Array<{ extensions?: { code?: string } }>;
    };
  }

  /** The answer, and how many SQL statements it cost. */
  async function measured(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) {
    const before = t.sql.length;
    const result = await gql(query, variables, headers);
    return { ...result, statements: t.sql.length - before };
  }

  beforeAll(async () => {
    t = await openTestDirectory(engine);
    cache = createResponseCache({ mode: 'memory', db: t.directory.prisma });
    yoga = createApp(t.directory.prisma, { plugins: [cache.plugin] });
    const ids = new Map((await t.directory.prisma.body.findMany()).map((b) => [b.code, b.id]));
    bodyId = async (code) => ids.get(code)!;
  });
  afterAll(async () => {
    await cache?.close();
    await t?.close();
  });

  it('serves a repeated query from the cache: no SQL the second time', async () => {
    const vars = { b: 'secretariat', d: DAY };
    const first = await measured(CHAIR, vars);
    expect(first.errors).toBeUndefined();
    expect(first.data!.chair.role).toBe('CHAIR');
    expect(first.statements).toBeGreaterThan(0);
    const second = await measured(CHAIR, vars);
    expect(second.data).toEqual(first.data);
    expect(second.statements).toBe(0);
    // Same document, other variables: another entry.
    expect((await measured(CHAIR, { b: 'deputy-director-meeting', d: DAY })).statements).toBeGreaterThan(0);
  });

  it('does not cache errors: an OUT_OF_COVERAGE answer is recomputed each time', async () => {
    const vars = { b: 'secretariat', d: '1999-01-01' };
    for (let i = 0; i < 2; i++) {
      const r = await measured(CHAIR, vars);
      expect(r.errors?.[0]?.extensions?.code).toBe('OUT_OF_COVERAGE');
      expect(r.statements).toBeGreaterThan(0);
    }
  });

  it('does not share answers with requests that carry credentials', async () => {
    const vars = { b: 'secretariat', d: DAY };
    await gql(CHAIR, vars); // cached for the public
    const withToken = await measured(CHAIR, vars, { authorization: 'Bearer whatever' });
    expect(withToken.statements).toBeGreaterThan(0);
    expect((await measured(CHAIR, vars, { authorization: 'Bearer whatever' })).statements).toBeGreaterThan(0);
  });

  it('after a write and invalidateBodies, a null chair, an empty member list and a counts-only diff are fresh', async () => {
    const advisor = { b: 'advisor-liaison-meeting', d: DAY };
    // Warm: entity-free answers.
    const chair = await measured(CHAIR, advisor);
    expect(chair.data!.chair).toBeNull();
    const chairs = await measured(MEMBERS, { ...advisor, r: 'CHAIR' });
    expect(chairs.data!.members).toEqual([]);
    const diff = await measured(DIFF);
    expect(diff.errors).toBeUndefined();
    expect(diff.data!.membershipDiff.added).toEqual([]);
    const bodies = await measured(BODIES);
    const other = await measured(CHAIR, { b: 'secretariat', d: DAY });
    for (const [q, v] of [[CHAIR, advisor], [MEMBERS, { ...advisor, r: 'CHAIR' }], [DIFF, {}], [BODIES, {}]] as const) {
      expect((await measured(q, v)).statements).toBe(0);
    }
    const etag = (await gql(CHAIR, advisor)).etag;
    expect(etag).toBeTruthy();

    // A write behind the API's back: the advisor meeting gets a chair from 2025-04-01.
    const id = await bodyId('advisor-liaison-meeting');
    const inserted = await t.directory.prisma.$executeRaw`
      INSERT INTO seat (body_id, post_id, revision_id, clause, role, position, seat_key, valid_from, valid_to)
      SELECT body_id, (SELECT min(id) FROM post WHERE id NOT IN (SELECT post_id FROM seat WHERE body_id = ${id})),
             revision_id, clause, 'CHAIR'::"Role", 1, 'cache-test-chair', DATE '2025-04-01', NULL
      FROM seat WHERE body_id = ${id} AND role = 'MEMBER' AND valid_to IS NULL ORDER BY position LIMIT 1`;
    expect(inserted).toBe(1);
    // Not yet invalidated: still the cached (now stale) answer — the cache is really in the way.
    expect((await measured(CHAIR, advisor)).data!.chair).toBeNull();

    await cache.invalidateBodies([id]);

    const chairAfter = await measured(CHAIR, advisor);
    expect(chairAfter.statements).toBeGreaterThan(0);
    expect(chairAfter.data!.chair).toMatchObject({ role: 'CHAIR' });
    const chairsAfter = await measured(MEMBERS, { ...advisor, r: 'CHAIR' });
    expect(chairsAfter.data!.members).toHaveLength(1);
    const diffAfter = await measured(DIFF);
    expect(diffAfter.data!.membershipDiff.added).toEqual([{ role: 'CHAIR' }]);
    // Unscoped answers depend on every body.
    expect((await measured(BODIES)).statements).toBeGreaterThan(0);
    // Another body's answer was not touched by this write.
    const otherAfter = await measured(CHAIR, { b: 'secretariat', d: DAY });
    expect(otherAfter.statements).toBe(0);
    expect(otherAfter.data).toEqual(other.data);
    // An old ETag earns no 304: its entry is no longer current.
    const revalidated = await gql(CHAIR, advisor, { 'if-none-match': etag! });
    expect(revalidated.status).toBe(200);
    expect(revalidated.data!.chair).toMatchObject({ role: 'CHAIR' });
    expect(bodies.data).toBeTruthy();

    // invalidateAll reaches the other body's answers too.
    await cache.invalidateAll();
    expect((await measured(CHAIR, { b: 'secretariat', d: DAY })).statements).toBeGreaterThan(0);
  });

  it('a current ETag earns a 304', async () => {
    const vars = { b: 'deputy-director-meeting', d: DAY };
    await gql(CHAIR, vars);
    const { etag } = await gql(CHAIR, vars);
    expect((await gql(CHAIR, vars, { 'if-none-match': etag! })).status).toBe(304);
  });

  it('invalidating one body reaches the bodies that share its instrument', async () => {
    const vars = { b: 'deputy-director-meeting', d: DAY };
    await gql(CHAIR, vars);
    expect((await measured(CHAIR, vars)).statements).toBe(0);
    await cache.invalidateBodies([await bodyId('secretariat')]); // same instrument (designated-posts)
    expect((await measured(CHAIR, vars)).statements).toBeGreaterThan(0);
  });
});

describe('what an answer depends on', () => {
  const bodiesOf = (source: string) => analyzeDocument(source, schema)?.bodies ?? null;

  it('scopes body-rooted queries whose fields stay inside the body', () => {
    expect(bodiesOf(`{ chair(body: "secretariat", asOf: "${DAY}") { post { title organization { name } } source { revision { decidedOn } } } }`)).toEqual([
      { code: 'secretariat' },
    ]);
    expect(bodiesOf(`query($b: ID!) { a: members(body: $b, asOf: "${DAY}") { role } b: body(code: "secretariat") { name } }`)).toEqual([
      { variable: 'b' },
      { code: 'secretariat' },
    ]);
  });

  it('depends on everything as soon as a field may reach another body', () => {
    expect(bodiesOf(`{ chair(body: "secretariat", asOf: "${DAY}") { post { seats { body { code } } } } }`)).toBeNull();
    expect(bodiesOf(`{ body(code: "secretariat") { parent { members(asOf: "${DAY}") { role } } } }`)).toBeNull();
    expect(bodiesOf(`{ bodies { code } }`)).toBeNull();
    expect(bodiesOf(`{ searchPosts(text: "AI") { title } }`)).toBeNull();
    expect(bodiesOf(`{ chair(body: "secretariat", asOf: "${DAY}") { role } bodies { code } }`)).toBeNull();
  });
});

describe('with Redis unreachable', () => {
  let t: TestDirectory;
  let cache: ResponseCache;
  const logged: string[] = [];
  beforeAll(async () => {
    t = await openTestDirectory('pglite');
    // Nothing listens on port 1: every read bypasses the cache and still answers.
    cache = createResponseCache({
      mode: 'redis',
      redisUrl: 'redis://127.0.0.1:1',
      db: t.directory.prisma,
      invalidateRetryMs: 300,
      log: (m) => logged.push(m),
    });
  });
  afterAll(async () => {
    await cache?.close();
    await t?.close();
  });

  it('answers from the database, and a failed invalidation is an error, not silence', async () => {
    const yoga = createApp(t.directory.prisma, { plugins: [cache.plugin] });
    for (let i = 0; i < 2; i++) {
      const before = t.sql.length;
      const response = await yoga.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: CHAIR, variables: { b: 'secretariat', d: DAY } }),
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { data: { chair: { role: string } } }).data.chair.role).toBe('CHAIR');
      expect(t.sql.length).toBeGreaterThan(before);
    }
    await expect(cache.invalidateBodies([1])).rejects.toThrow();
    expect(logged.some((m) => m.includes('FAILED'))).toBe(true);
  });
});

describe.skipIf(!process.env.MEIBO_TEST_REDIS_URL)('on Redis, reads that arrive together', () => {
  const REDIS_URL = process.env.MEIBO_TEST_REDIS_URL!;
  const prefix = `meibo-test-${Math.random().toString(36).slice(2, 10)}:`;
  let t: TestDirectory;
  let cache: ResponseCache;
  const chair = { query: CHAIR, variables: { b: 'secretariat', d: DAY }, operationName: null, authorized: false };
  // The HMGETs this process sends (each test file runs in a process of its own, and by now this
  // describe's cache is its only Redis client), as [key, ...fields].
  const realHmget = Redis.prototype.hmget;
  const hmget = vi.spyOn(Redis.prototype, 'hmget');

  beforeAll(async () => {
    t = await openTestDirectory('pglite');
    cache = createResponseCache({ mode: 'redis', redisUrl: REDIS_URL, keyPrefix: prefix, db: t.directory.prisma });
  });
  afterAll(async () => {
    hmget.mockRestore();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await cache?.close();
    await t?.close();
  });

  /** The HMGETs sent while `run` runs. */
  async function counted(run: () => Promise<unknown>) {
    const before = hmget.mock.calls.length;
    await run();
    return hmget.mock.calls.slice(before).map((args) => args.flat().map(String));
  }

  it('share one HMGET of the versions, and still see every write acknowledged before they arrived', async () => {
    const yoga = createApp(t.directory.prisma, { plugins: [cache.plugin] });
    const prepared = cache.prepare(chair)!;
    const ask = () => yoga.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: chair.query, variables: chair.variables }) });
    // Stored, once the cache's Redis has connected (it connects in the background; until then
    // reads bypass the cache).
    for (let i = 0; i < 50 && !(await cache.lookup(prepared)); i++) {
      expect((await ask()).status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await cache.lookup(prepared)).toBeDefined();

    let hits: unknown[] = [];
    const together = await counted(async () => (hits = await Promise.all(Array.from({ length: 12 }, () => cache.lookup(prepared)))));
    expect(hits.every(Boolean)).toBe(true);
    expect(together).toEqual([['versions', 'epoch', 'b:secretariat']]);

    // A write acknowledged before the next requests: all of them miss (one HMGET, new versions).
    const secretariat = (await t.directory.prisma.body.findUniqueOrThrow({ where: { code: 'secretariat' } })).id;
    await cache.invalidateBodies([secretariat]);
    const after = await counted(async () => (hits = await Promise.all(Array.from({ length: 12 }, () => cache.lookup(prepared)))));
    expect(hits.every((h) => h === undefined)).toBe(true);
    expect(after).toHaveLength(1);
  });

  it('a read that arrives while an HMGET is on its way waits for the next one, which sees a write acknowledged in between', async () => {
    const yoga = createApp(t.directory.prisma, { plugins: [cache.plugin] });
    const prepared = cache.prepare(chair)!;
    const ask = () => yoga.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: chair.query, variables: chair.variables }) });
    for (let i = 0; i < 50 && !(await cache.lookup(prepared)); i++) expect((await ask()).status).toBe(200);
    expect(await cache.lookup(prepared)).toBeDefined();

    // The next HMGET's answer (the versions before the write) reaches the cache 200 ms late.
    hmget.mockImplementationOnce(function (this: Redis, ...args: Parameters<Redis['hmget']>) {
      return (realHmget.apply(this, args) as Promise<Array<string | null>>).then((v) => new Promise((r) => setTimeout(() => r(v), 200)));
    } as Redis['hmget']);
    let early: unknown;
    let late: unknown;
    const reads = await counted(async () => {
      const first = cache.lookup(prepared);
      await new Promise((r) => setTimeout(r, 20)); // its HMGET has left
      const secretariat = (await t.directory.prisma.body.findUniqueOrThrow({ where: { code: 'secretariat' } })).id;
      await cache.invalidateBodies([secretariat]);
      // Arrives after the write was acknowledged, while the first HMGET is still on its way.
      [early, late] = await Promise.all([first, cache.lookup(prepared)]);
    });
    expect(early).toBeDefined(); // it arrived before the write
    expect(late).toBeUndefined(); // not answered from the versions read before the write
    expect(reads).toHaveLength(2);
  });
});
