// Response cache (src/cache/), in process through yoga.fetch: repeated reads cost no SQL; after
// a write the next answer is fresh — also answers that hold no entity (a null chair, an empty
// member list, a counts-only diff) — because every key carries the database's data version; a
// write acknowledged with Redis unreachable is reported as committed and seen by the next read;
// on PostgreSQL a write from another connection reaches the cache by NOTIFY, and while the LISTEN
// connection is down reads bypass the cache; a value in Redis that is not the answer stored for its
// key (forged, corrupt, of another key) is a miss, and no response header ever comes from Redis.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORS_OPTIONS, createApp } from '../src/app.js';
import { issueToken, parseTokens } from '../src/auth.js';
import { createResponseCache, type CacheLogger, type ResponseCache } from '../src/cache.js';
import { versionTracker } from '../src/cache/version.js';
import { withFastPath } from '../src/http/fast-path.js';
import { ENGINES, PG_URL, openTestDirectory, withPg, type TestDirectory } from './support/harness.js';

const REDIS_URL = process.env.MEIBO_TEST_REDIS_URL;

const DAY = '2025-07-01';
const CHAIR = `query($b: ID!, $d: Date!) { chair(body: $b, asOf: $d) { role post { title } } }`;
const MEMBERS = `query($b: ID!, $d: Date!, $r: Role) { members(body: $b, asOf: $d, role: $r) { role position post { title } } }`;
const DIFF = `{ membershipDiff(body: "advisor-liaison-meeting", from: "2020-01-01", to: "${DAY}") { unchanged added { role } removed { role } } }`;
// (bodies alone are read once per client and never again: their revisions are read per request)
const BODIES = `{ bodies { code revisions { sequence } } }`;
const editor = issueToken('cache-test');

function recorder() {
  const lines: string[] = [];
  const log: CacheLogger = { info: (m) => void lines.push(`info ${m}`), warn: (m) => void lines.push(`warn ${m}`), error: (m) => void lines.push(`error ${m}`) };
  return { lines, log };
}

/** A client of one yoga app, counting the SQL statements each request costs. */
function clientOf(t: TestDirectory, yoga: ReturnType<typeof createApp>) {
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
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    };
  }
  /** The answer, and how many SQL statements it cost. */
  async function measured(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) {
    const before = t.sql.length;
    const result = await gql(query, variables, headers);
    return { ...result, statements: t.sql.length - before };
  }
  return { gql, measured };
}

/** A chair for the advisor liaison meeting from 2025-04-01, written behind meibo's back. */
async function insertAdvisorChair(t: TestDirectory, seatKey: string) {
  const { id } = await t.directory.prisma.body.findUniqueOrThrow({ where: { code: 'advisor-liaison-meeting' } });
  return t.directory.prisma.$executeRaw`
    INSERT INTO seat (body_id, post_id, revision_id, clause, role, position, seat_key, valid_from, valid_to)
    SELECT body_id, (SELECT min(id) FROM post WHERE id NOT IN (SELECT post_id FROM seat WHERE body_id = ${id})),
           revision_id, clause, 'CHAIR'::"Role", 1, ${seatKey}, DATE '2025-04-01', NULL
    FROM seat WHERE body_id = ${id} AND role = 'MEMBER' AND valid_to IS NULL ORDER BY position LIMIT 1`;
}

describe.each(ENGINES)('response cache on %s', (engine) => {
  let t: TestDirectory;
  let cache: ResponseCache;
  let gql: ReturnType<typeof clientOf>['gql'];
  let measured: ReturnType<typeof clientOf>['measured'];

  beforeAll(async () => {
    t = await openTestDirectory(engine);
    cache = createResponseCache({ mode: 'memory', db: t.directory.prisma });
    await cache.ready();
    ({ gql, measured } = clientOf(t, createApp(t.directory.prisma, { plugins: [cache.plugin] })));
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
    expect((await measured(CHAIR, vars, { authorization: 'Bearer whatever' })).statements).toBeGreaterThan(0);
    expect((await measured(CHAIR, vars, { authorization: 'Bearer whatever' })).statements).toBeGreaterThan(0);
  });

  it('after a write, a null chair, an empty member list, a counts-only diff and every other answer are fresh', async () => {
    const advisor = { b: 'advisor-liaison-meeting', d: DAY };
    const chair = await measured(CHAIR, advisor);
    expect(chair.data!.chair).toBeNull();
    expect((await measured(MEMBERS, { ...advisor, r: 'CHAIR' })).data!.members).toEqual([]);
    const diff = await measured(DIFF);
    expect(diff.errors).toBeUndefined();
    expect(diff.data!.membershipDiff.added).toEqual([]);
    await measured(BODIES);
    const other = await measured(CHAIR, { b: 'secretariat', d: DAY });
    for (const [q, v] of [[CHAIR, advisor], [MEMBERS, { ...advisor, r: 'CHAIR' }], [DIFF, {}], [BODIES, {}]] as const) {
      expect((await measured(q, v)).statements).toBe(0);
    }
    const etag = (await gql(CHAIR, advisor)).etag;
    expect(etag).toBeTruthy();
    const versionBefore = cache.version();

    expect(await insertAdvisorChair(t, 'cache-test-chair')).toBe(1);
    // The write moved the data version in the database; this process reads it after writes of
    // its own (on PostgreSQL a LISTEN connection would bring it; this cache has none).
    await cache.refresh();
    expect(cache.version()).not.toBe(versionBefore);

    const chairAfter = await measured(CHAIR, advisor);
    expect(chairAfter.statements).toBeGreaterThan(0);
    expect(chairAfter.data!.chair).toMatchObject({ role: 'CHAIR' });
    expect((await measured(MEMBERS, { ...advisor, r: 'CHAIR' })).data!.members).toHaveLength(1);
    expect((await measured(DIFF)).data!.membershipDiff.added).toEqual([{ role: 'CHAIR' }]);
    expect((await measured(BODIES)).statements).toBeGreaterThan(0);
    // One version for everything: another body's answer is recomputed too, and the same.
    const otherAfter = await measured(CHAIR, { b: 'secretariat', d: DAY });
    expect(otherAfter.statements).toBeGreaterThan(0);
    expect(otherAfter.data).toEqual(other.data);
    // An old ETag earns no 304: its version is gone.
    const revalidated = await gql(CHAIR, advisor, { 'if-none-match': etag! });
    expect(revalidated.status).toBe(200);
    expect(revalidated.data!.chair).toMatchObject({ role: 'CHAIR' });
  });

  it('a current ETag earns a 304', async () => {
    const vars = { b: 'deputy-director-meeting', d: DAY };
    await gql(CHAIR, vars);
    const { etag } = await gql(CHAIR, vars);
    expect((await gql(CHAIR, vars, { 'if-none-match': etag! })).status).toBe(304);
  });
});

describe('data version readings', () => {
  const v = (epoch: string, n: number) => ({ epoch, n: BigInt(n) });
  it('keeps the reading that left last, whatever order they arrive in', () => {
    const { lines, log } = recorder();
    const versions = versionTracker(log);
    const beforeWrite = versions.leave();
    const afterWrite = versions.leave();
    versions.arrive(afterWrite, v('b', 8));
    versions.arrive(beforeWrite, v('a', 7)); // left before the write: dropped
    expect(versions.value()).toEqual(v('b', 8));
    expect(lines).toEqual([]);
  });
  it('takes a reading that goes backwards (a restore, a failover) as the new state, and says so', () => {
    const { lines, log } = recorder();
    const versions = versionTracker(log);
    versions.arrive(versions.leave(), v('x', 68));
    versions.arrive(versions.leave(), v('dump', 67));
    expect(versions.value()).toEqual(v('dump', 67));
    versions.arrive(versions.leave(), v('y', 68)); // the next write: X's number, another epoch
    expect(versions.value()).toEqual(v('y', 68));
    expect(lines).toEqual([expect.stringMatching(/^warn data version went back from x:68 to dump:67 .*nothing cached before is served/)]);
  });
});

describe('with Redis unreachable', () => {
  let t: TestDirectory;
  let cache: ResponseCache;
  const { lines, log } = recorder();
  beforeAll(async () => {
    t = await openTestDirectory('pglite', { tokens: parseTokens(editor.entry) });
    // Nothing listens on port 1.
    cache = createResponseCache({ mode: 'redis', redisUrl: 'redis://127.0.0.1:1', db: t.directory.prisma, log });
    await cache.ready();
  });
  afterAll(async () => {
    await cache?.close();
    await t?.close();
  });

  it('a write is acknowledged as committed, and the next read sees it; repeated reads are still cached in process', async () => {
    const tokens = parseTokens(editor.entry);
    const { gql, measured } = clientOf(t, createApp(t.directory.prisma, { plugins: [cache.plugin], tokens, afterWrite: () => cache.refresh() }));
    const day = { b: 'advisor-liaison-meeting', d: '2026-02-01' };
    expect((await measured(CHAIR, day)).data!.chair).toBeNull();
    expect((await measured(CHAIR, day)).statements).toBe(0);

    const title = (await gql(CHAIR, { b: 'secretariat', d: DAY })).data!.chair.post.title as string;
    const recorded = await gql(
      `mutation($input: AmendmentInput!) { recordAmendment(input: $input) { sequence revision { decidedOn } } }`,
      { input: { instrument: 'advisor-liaison-meeting', title: 'cache test', decidedOn: '2026-01-05', effectiveOn: '2026-01-05', changes: [{ kind: 'SET_CHAIR', body: 'advisor-liaison-meeting', post: title }] } },
      { authorization: `Bearer ${editor.token}` },
    );
    expect(recorded.errors).toBeUndefined();
    expect(recorded.data!.recordAmendment.revision).toEqual({ decidedOn: '2026-01-05' });

    const after = await measured(CHAIR, day);
    expect(after.statements).toBeGreaterThan(0);
    expect(after.data!.chair).toMatchObject({ role: 'CHAIR', post: { title } });
    expect(lines.filter((l) => l.startsWith('error'))).toEqual([]); // Redis was never up: nothing to report lost
  });
});

describe.skipIf(!PG_URL)('on PostgreSQL, kept current by LISTEN', () => {
  let t: TestDirectory;
  let cache: ResponseCache;
  const { lines, log } = recorder();
  let measured: ReturnType<typeof clientOf>['measured'];

  beforeAll(async () => {
    t = await openTestDirectory('postgres');
    const url = new URL(PG_URL!);
    const schema = (await t.directory.prisma.$queryRaw<Array<{ s: string }>>`SELECT current_schema() AS s`)[0].s;
    url.searchParams.set('schema', schema);
    cache = createResponseCache({ mode: 'memory', db: t.directory.prisma, listen: { url: url.toString(), schema }, log });
    await cache.ready();
    ({ measured } = clientOf(t, createApp(t.directory.prisma, { plugins: [cache.plugin] })));
  });
  afterAll(async () => {
    await cache?.close();
    await t?.close();
  });

  /** Asks until `ok` holds, at most `times` times (a notification takes a moment to arrive). */
  async function eventually<T>(ask: () => Promise<T>, ok: (v: T) => boolean, times = 50): Promise<T> {
    let value = await ask();
    for (let i = 1; i < times && !ok(value); i++) {
      await new Promise((r) => setTimeout(r, 50));
      value = await ask();
    }
    return value;
  }

  it('SQL run by hand on another connection, under another search_path, reaches the cache without a word from the writer', async () => {
    const advisor = { b: 'advisor-liaison-meeting', d: DAY };
    await measured(CHAIR, advisor);
    expect((await measured(CHAIR, advisor)).statements).toBe(0);
    const schema = (await t.directory.prisma.$queryRaw<Array<{ s: string }>>`SELECT current_schema() AS s`)[0].s;
    const before = cache.version();
    await withPg(async (c) => {
      const { rows } = await c.query(`SELECT id FROM "${schema}".body WHERE code = 'advisor-liaison-meeting'`);
      await c.query(
        `INSERT INTO "${schema}".seat (body_id, post_id, revision_id, clause, role, position, seat_key, valid_from, valid_to)
         SELECT body_id, (SELECT min(id) FROM "${schema}".post WHERE id NOT IN (SELECT post_id FROM "${schema}".seat WHERE body_id = $1)),
                revision_id, clause, 'CHAIR', 1, 'listen-test-chair', DATE '2025-04-01', NULL
         FROM "${schema}".seat WHERE body_id = $1 AND role = 'MEMBER' AND valid_to IS NULL ORDER BY position LIMIT 1`,
        [rows[0].id],
      );
    });
    const after = await eventually(() => measured(CHAIR, advisor), (r) => r.data?.chair !== null);
    expect(after.data!.chair).toMatchObject({ role: 'CHAIR' });
    expect(cache.version()).not.toBe(before);
  });

  it('while the LISTEN connection is down, reads bypass the cache; once it is back, the cache serves again', async () => {
    const vars = { b: 'secretariat', d: DAY };
    await measured(CHAIR, vars);
    expect((await measured(CHAIR, vars)).statements).toBe(0);
    const schema = (await t.directory.prisma.$queryRaw<Array<{ s: string }>>`SELECT current_schema() AS s`)[0].s;
    // This cache's own LISTEN connection (it names its schema), as a restarted PostgreSQL or a cut network would end it.
    const killed = await withPg(async (c) => (await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [`meibo data version ${schema}`])).rowCount);
    expect(killed).toBeGreaterThan(0);
    const bypassed = await eventually(() => measured(CHAIR, vars), (r) => r.statements > 0, 20);
    expect(bypassed.statements).toBeGreaterThan(0);
    expect(bypassed.data!.chair.role).toBe('CHAIR');
    // An answer that is not cached has no ETag (it was once the invalid `ETag: nocache`).
    expect(bypassed.etag).toBeNull();
    expect(lines.some((l) => l.startsWith('error') && l.includes('LISTEN connection lost'))).toBe(true);
    // Reconnected and caught up: cached again.
    await eventually(async () => cache.version(), (v) => v !== null);
    await measured(CHAIR, vars);
    expect((await measured(CHAIR, vars)).statements).toBe(0);
  });
});

describe.skipIf(!REDIS_URL)('values in Redis are a copy that is checked', () => {
  let t: TestDirectory;
  let admin: Redis;
  const prefix = `meibo-test-${randomBytes(4).toString('hex')}:`;
  const opened: Array<{ cache: ResponseCache; server: Server }> = [];
  const { lines, log } = recorder();
  const advisor = { b: 'secretariat', d: DAY };

  /** A new instance (empty in-process cache) on the shared Redis, through the fast path and Yoga. */
  async function instance() {
    const cache = createResponseCache({ mode: 'redis', redisUrl: REDIS_URL, keyPrefix: prefix, db: t.directory.prisma, log });
    await cache.ready();
    const yoga = createApp(t.directory.prisma, { plugins: [cache.plugin] });
    const server = createServer(withFastPath(cache, yoga, CORS_OPTIONS));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    opened.push({ cache, server });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    return async (query: string, variables: Record<string, unknown>, fast: boolean) => {
      const before = t.sql.length;
      const body = JSON.stringify({ query, variables });
      const response = fast
        ? await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body })
        : await yoga.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body });
      return { status: response.status, headers: Object.fromEntries([...response.headers].map(([k, v]) => [k.toLowerCase(), v])) as Record<string, string>, text: await response.text(), statements: t.sql.length - before };
    };
  }

  beforeAll(async () => {
    t = await openTestDirectory('pglite');
    admin = new Redis(REDIS_URL!);
  });
  afterAll(async () => {
    for (const { cache, server } of opened) {
      server.close();
      await cache.close();
    }
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length) await admin.del(...keys);
    admin.disconnect();
    await t?.close();
  });

  it('an answer stored by one instance is a hit on another, with the same ETag and Last-Modified', async () => {
    const a = await instance();
    const first = await a(CHAIR, advisor, true);
    expect(first.statements).toBeGreaterThan(0);
    const [key] = await eventuallyKeys(1);
    expect(key).toBe(`${prefix}${first.headers.etag}`);
    const b = await instance();
    for (const fast of [true, false]) {
      const hit = await b(CHAIR, advisor, fast);
      expect(hit.statements, `fast path ${fast}`).toBe(0);
      expect(hit.text).toBe(first.text);
      expect(hit.headers.etag).toBe(first.headers.etag);
      expect(hit.headers['last-modified']).toBe(first.headers['last-modified']);
    }
  });

  async function eventuallyKeys(n: number) {
    for (let i = 0; i < 50; i++) {
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length >= n) return keys;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('nothing was stored in Redis');
  }

  it('a forged, corrupt or foreign value is a miss answered from the database, with none of its headers; one warning', async () => {
    const truth = await (await instance())(CHAIR, advisor, false);
    const [key] = await eventuallyKeys(1);
    const etag = key.slice(prefix.length);
    const good = JSON.parse((await admin.get(key))!);
    const forgedHeaders = { 'Set-Cookie': 'session=evil', Location: 'http://evil.example/', 'Content-Type': 'text/html', ETag: '"evil"', 'Last-Modified': 'Thu, 01 Jan 2099 00:00:00 GMT' };
    const forgedData = { chair: { role: 'CHAIR', post: { title: '偽の議長' } } };
    const forged: Record<string, string> = {
      'a result with headers (the format the plugin once stored)': JSON.stringify({ data: forgedData, extensions: { http: { headers: forgedHeaders } } }),
      'the envelope with headers added': JSON.stringify({ ...good, data: forgedData, extensions: { http: { headers: forgedHeaders } } }),
      'the envelope of another key': JSON.stringify({ ...good, key: etag.replace(/\|[^|]+"$/, '|other"'), data: forgedData }),
      'the envelope of another version': JSON.stringify({ ...good, key: etag.replace(/^"r\|[^|]+\|/, '"r|00000000-0000-0000-0000-000000000000:1|'), data: forgedData }),
      'invalid JSON': '{"data": {"chair":',
      'a number': '42',
      'null': 'null',
      'an array': '[]',
      'data that is not an object': JSON.stringify({ ...good, data: 'forged' }),
      'a time that is not one': JSON.stringify({ ...good, modified: 'yesterday' }),
    };
    let lookups = 0;
    for (const [what, value] of Object.entries(forged)) {
      for (const fast of [true, false]) {
        await admin.set(key, value, 'PX', 60_000);
        const ask = await instance(); // nothing in process: whatever it answers comes from Redis or the database
        const seen = await ask(CHAIR, advisor, fast);
        lookups++;
        const where = `${what}, fast path ${fast}`;
        expect(seen.status, where).toBe(200);
        expect(seen.statements, where).toBeGreaterThan(0);
        expect(seen.text, where).toBe(truth.text);
        expect(seen.headers['content-type'], where).toBe('application/json; charset=utf-8');
        expect(seen.headers['set-cookie'], where).toBeUndefined();
        expect(seen.headers.location, where).toBeUndefined();
        expect(seen.headers.etag, where).toBe(etag);
        expect(seen.headers['last-modified'], where).not.toBe(forgedHeaders['Last-Modified']);
      }
    }
    // Each instance warned once, however many times it read the bad value (up to three per request).
    const warnings = lines.filter((l) => l.startsWith('warn') && l.includes('not its answer'));
    expect(warnings).toHaveLength(lookups);
    expect(lines.filter((l) => l.startsWith('error'))).toEqual([]);
    // The miss stored the true answer over the forged one: the next newcomer has a hit again.
    await new Promise((r) => setTimeout(r, 50));
    const again = await (await instance())(CHAIR, advisor, true);
    expect(again.statements).toBe(0);
    expect(again.text).toBe(truth.text);
  });

  it('one instance warns once for many bad values, until it reads a good one', async () => {
    const ask = await instance();
    const before = lines.length;
    // three answers under three keys (days of one interval share one: src/cache/days.ts)
    // (none in the interval of the day the tests above asked, 2025-07-01 on)
    const asked = [{ b: 'secretariat', d: '2024-06-01' }, { b: 'deputy-director-meeting', d: '2024-06-01' }, { b: 'deputy-director-meeting', d: '2025-08-01' }];
    const already = (await admin.keys(`${prefix}*`)).length;
    for (const v of asked) await (await instance())(CHAIR, v, false); // stored by others
    const keys = await eventuallyKeys(already + asked.length);
    for (const key of keys) await admin.set(key, 'garbage', 'PX', 60_000);
    for (const v of asked) expect((await ask(CHAIR, v, true)).statements).toBeGreaterThan(0);
    expect(lines.slice(before).filter((l) => l.includes('not its answer'))).toHaveLength(1);
  });
});
