// `npm run bench:history`: does an as-of lookup stay flat as a body's history grows?
//
// Generates synthetic but valid history for one body (R revisions × 40 listings; each revision
// lists every seat over [its day, the next revision's day), the newest open-ended; one member seat
// retitled or replaced per revision, the chair every 50th; the rows of one post's continuous
// listing share a tenure, as meibo_derive_tenures() links them), then measures what production
// runs — no copy of its SQL here:
// - the read function of src/read/seats.ts (listingsInForce, over a request's loaders) through
//   meibo's own Prisma client, as the resolvers call it;
// - the GraphQL API in process: createApp (src/app.ts) over the same client, answered by
//   yoga.fetch with no response cache (every request reaches the database);
// - EXPLAIN of the statements production sends, captured from Prisma's query events of a second
//   client (so the timed client logs nothing).
//
//   npm run bench:history
//   npm run bench:history -- --sizes=10000,100000,1000000 --pglite-sizes=10000,100000 --runs=300 --no-write
//
// PostgreSQL: a fresh schema per size in database `test` (MEIBO_BENCH_PG_URL), migrated with
// src/db/migrate.ts deployMigrations, dropped afterwards. PGlite: a temp data dir per size.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
// The production read path.
import { createApp } from '../src/app.js';
import { createContext } from '../src/context.js';
import { closeDatabase, getPGlite } from '../src/db/adapter.js';
import { createPrismaClient, type DbClient } from '../src/db/client.js';
import type { DbConfig } from '../src/db/config.js';
import { deployMigrations } from '../src/db/migrate.js';
import type { IsoDay } from '../src/domain/dates.js';
import { listingsInForce } from '../src/read/seats.js';
import { atInterrupt } from './lib/children.js';
import { fmt, machineFacts, percentile, table, writeSection } from './lib/report.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'] as const;
  }),
);
const sizesArg = (name: string, dflt: string) =>
  (args.get(name) ?? dflt).split(',').filter(Boolean).map(Number).filter((n) => Number.isInteger(n) && n >= 80 && n <= 2_000_000);
const PG_SIZES = sizesArg('sizes', '10000,100000,1000000');
const PGLITE_SIZES = sizesArg('pglite-sizes', '10000,100000');
const RUNS = Math.min(2000, Math.max(5, Number(args.get('runs') ?? 300)));
const WARMUP_RUNS = 30;
const MAX_MS_PER_MEASURE = 10_000; // a bound on every measurement loop
/** up to this size, the generated tenures are checked against meibo_derive_tenures() (an UPDATE of every row) */
const DERIVE_CHECK_MAX = 100_000;
const WRITE = args.get('no-write') !== 'true';
const PG_URL = process.env.MEIBO_BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const SEATS_PER_REVISION = 40;
const BATCH_REVISIONS = 1000; // 40,000 seat rows per INSERT
const BASE_DAY = Date.UTC(1950, 0, 1);
const BODY_CODE = 'synthetic';

const log = (s: string) => console.error(`[history ${new Date().toISOString().slice(11, 19)}] ${s}`);
const isoDay = (offset: number) => new Date(BASE_DAY + offset * 86_400_000).toISOString().slice(0, 10) as IsoDay;

// ------------------------------------------------------------------------------------------------
// An engine: meibo's client and GraphQL server over it, and a session of the bench's own (to fill
// the tables and to EXPLAIN).

type Row = Record<string, unknown>;
interface Captured { query: string; params: unknown[] }
interface Db {
  engine: 'postgres' | 'pglite';
  /** meibo's Prisma client: every timed call goes through it */
  client: DbClient;
  /** meibo's GraphQL server over `client`, without a response cache */
  yoga: ReturnType<typeof createApp>;
  /** runs `fn` on a second meibo client that logs its statements, and returns them */
  capture(fn: (client: DbClient) => Promise<unknown>): Promise<Captured[]>;
  /** the bench's own statements (filling the tables, checks) */
  exec(sql: string, params?: unknown[]): Promise<Row[]>;
  /** EXPLAIN the generic plan of a captured statement, as a prepared statement keeps it */
  explain(statement: Captured): Promise<string>;
  /** PostgreSQL only: the statement's plans under each plan_cache_mode */
  planCache?(statement: Captured): Promise<PlanCacheRun[]>;
  close(): Promise<void>;
}

function withCapture(config: DbConfig): DbClient & { take(): Captured[] } {
  const client = createPrismaClient(config, { log: [{ emit: 'event', level: 'query' }] });
  let seen: Captured[] = [];
  (client.prisma as unknown as { $on(e: 'query', f: (e: { query: string; params: string }) => void): void }).$on('query', (e) => {
    seen.push({ query: e.query, params: JSON.parse(e.params) as unknown[] });
  });
  return Object.assign(client, { take: () => [seen, (seen = [])][0]! });
}

/**
 * The generic plan, as a prepared statement keeps it: PREPARE the statement (its parameter types
 * inferred, as on the wire), force the generic plan, EXPLAIN EXECUTE it. `run` sends text on one
 * session.
 */
async function explainGeneric(run: (text: string) => Promise<Row[]>, { query, params }: Captured): Promise<string> {
  const literal = (v: unknown): string =>
    v === null || v === undefined
      ? 'NULL'
      : typeof v === 'number' || typeof v === 'boolean'
        ? String(v)
        : Array.isArray(v)
          ? `'{${v.map((x) => (x === null ? 'NULL' : JSON.stringify(String(x)))).join(',')}}'`
          : `'${String(v).replaceAll("'", "''")}'`;
  await run('DEALLOCATE ALL');
  try {
    await run(`PREPARE explained AS ${query}`);
    await run('SET plan_cache_mode = force_generic_plan');
    const rows = await run(`EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE explained(${params.map(literal).join(', ')})`);
    return rows.map((r) => String(Object.values(r)[0])).join('\n');
  } finally {
    await run('RESET plan_cache_mode');
    await run('DEALLOCATE ALL');
  }
}

/** How PostgreSQL's plan cache treats a prepared statement under one plan_cache_mode. */
interface PlanCacheRun {
  mode: string;
  /** pg_prepared_statements after the runs: plans made for this statement */
  generic: number;
  custom: number;
  /** EXECUTE round trips on the session, ms, runs 1…PLAN_CACHE_RUNS (the first 5 are custom in auto mode) */
  firstRuns: number[];
  /** median of PLAN_CACHE_TIMED further EXECUTEs, ms */
  steadyMs: number;
  /** EXPLAIN (ANALYZE) EXECUTE after the runs: planning and execution time as the server reports them */
  explained: string;
}
const PLAN_CACHE_RUNS = 10;
const PLAN_CACHE_TIMED = 200;
const PLAN_CACHE_MODES = ['auto', 'force_custom_plan', 'force_generic_plan'] as const;

/**
 * The as-of statement as meibo prepares it (one name per connection), run PLAN_CACHE_RUNS times
 * under each plan_cache_mode: whether PostgreSQL re-plans it on every run (custom plans) or keeps
 * one generic plan, read from pg_prepared_statements, and what each costs.
 */
async function planCacheModes(run: (text: string) => Promise<Row[]>, { query, params }: Captured): Promise<PlanCacheRun[]> {
  const args = params.map((v) => (v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`)).join(', ');
  const out: PlanCacheRun[] = [];
  for (const mode of PLAN_CACHE_MODES) {
    await run('DEALLOCATE ALL');
    await run(`SET plan_cache_mode = ${mode}`);
    try {
      await run(`PREPARE asof AS ${query}`);
      const firstRuns: number[] = [];
      for (let i = 0; i < PLAN_CACHE_RUNS; i++) {
        const t = performance.now();
        await run(`EXECUTE asof(${args})`);
        firstRuns.push(performance.now() - t);
      }
      const [counts] = await run(`SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE name = 'asof'`);
      const steady: number[] = [];
      for (let i = 0; i < PLAN_CACHE_TIMED; i++) {
        const t = performance.now();
        await run(`EXECUTE asof(${args})`);
        steady.push(performance.now() - t);
      }
      const explained = (await run(`EXPLAIN (ANALYZE, TIMING OFF, SUMMARY) EXECUTE asof(${args})`)).map((r) => String(Object.values(r)[0]));
      out.push({
        mode,
        generic: Number(counts!.generic),
        custom: Number(counts!.custom),
        firstRuns,
        steadyMs: percentile(steady.sort((a, b) => a - b), 50),
        explained: explained.filter((l) => /Planning Time|Execution Time/.test(l)).map((l) => l.trim()).join('; '),
      });
    } finally {
      await run('RESET plan_cache_mode');
      await run('DEALLOCATE ALL');
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// Generator

interface Generated { revisions: number; seats: number; posts: number; days: { first: IsoDay; middle: IsoDay; beforeMiddle: IsoDay; newest: IsoDay }; lastChairChange: number }

/**
 * Which revisions change the post of a slot: member slot k (3…39) at every i ≡ k−3 (mod 37), i > 0;
 * the chair (slot 0) at every 50th; the vice-chairs never.
 */
function changes(k: number, i: number): boolean {
  if (i <= 0) return false;
  if (k === 0) return i % 50 === 0;
  if (k <= 2) return false;
  return i % 37 === k - 3;
}
/** the revision that started the tenure slot k holds at revision i, and the one that ends it (null: none, it continues) */
function tenureOf(k: number, i: number, R: number): { start: number; end: number | null } {
  let start = i;
  while (start > 0 && !changes(k, start)) start--;
  let end: number | null = i + 1;
  while (end < R && !changes(k, end)) end++;
  return { start, end: end >= R ? null : end };
}

async function generate(db: Db, seats: number): Promise<Generated> {
  const R = Math.max(2, Math.round(seats / SEATS_PER_REVISION));
  const posts = SEATS_PER_REVISION + R + Math.ceil(R / 50);
  await db.exec(`INSERT INTO organization (id, name, position) VALUES (1, 'synthetic ministry', 1)`);
  await db.exec(
    `INSERT INTO post (id, title, title_search, organization_id)
     SELECT g, 'post ' || g, 'post ' || g, 1 FROM generate_series(1, $1::int) g`,
    [posts],
  );
  await db.exec(`INSERT INTO instrument (id, code, title, decided_by) VALUES (1, 'synthetic', 'synthetic instrument', 'bench')`);
  // revision of sequence g: id g+1, decided and in force on day g
  await db.exec(
    `INSERT INTO revision (id, instrument_id, sequence, decided_on, effective_on, content_known)
     SELECT g + 1, 1, g, $1::date + g, $1::date + g, true FROM generate_series(0, $2::int - 1) g`,
    [isoDay(0), R],
  );
  await db.exec(
    `INSERT INTO body (id, code, name, coverage_note, position, instrument_id) VALUES (1, '${BODY_CODE}', 'synthetic body', 'bench', 1, 1)`,
  );

  // 40 slots: 1 chair, 2 vice-chairs, 37 members; revision i's listing of slot k is row id i·40+k+1.
  // A retitle (same key, new post) or, every 5th, a replacement (new key, new post) ends the slot's
  // tenure; a slot listed unchanged continues it: the rows share tenure_id (the id of its first
  // row) and tenure_from, and carry its end (tenure_to, the revision that ends it and that
  // revision's decision day) once one is recorded — as meibo_derive_tenures() links rows, checked
  // below. Posts are never reused, so a post sits at most once per day.
  const slots = Array.from({ length: SEATS_PER_REVISION }, (_, k) => ({
    role: k === 0 ? 'CHAIR' : k <= 2 ? 'VICE_CHAIR' : 'MEMBER',
    position: k === 0 ? 1 : k <= 2 ? k : k - 2,
    key: `slot-${k}`,
    post: k + 1,
    tenure: tenureOf(k, 0, R),
  }));
  let nextPost = SEATS_PER_REVISION + 1;
  let lastChairChange = 0;
  const cols = {
    id: [] as number[], post: [] as number[], rev: [] as number[], role: [] as string[], pos: [] as number[], key: [] as string[],
    from: [] as number[], to: [] as Array<number | null>, tid: [] as number[], tfrom: [] as number[], tto: [] as Array<number | null>,
  };
  const flush = async () => {
    if (cols.id.length === 0) return;
    await db.exec(
      `INSERT INTO seat (id, body_id, post_id, revision_id, clause, role, position, seat_key, valid_from, valid_to,
                         tenure_id, tenure_from, tenure_to, tenure_ended_by, tenure_end_decided_on)
       SELECT i, 1, p, r, '第1項', ro::"Role", po, k, $12::date + f, $12::date + t,
              ti, $12::date + tf, $12::date + tt, tt + 1, $12::date + tt
         FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::int[], $6::text[], $7::int[], $8::int[], $9::int[], $10::int[], $11::int[])
           AS u(i, p, r, ro, po, k, f, t, ti, tf, tt)`,
      [cols.id, cols.post, cols.rev, cols.role, cols.pos, cols.key, cols.from, cols.to, cols.tid, cols.tfrom, cols.tto, isoDay(0)],
    );
    for (const c of Object.values(cols)) c.length = 0;
  };
  for (let i = 0; i < R; i++) {
    for (const [k, s] of slots.entries()) {
      if (changes(k, i)) {
        s.post = nextPost++;
        if (k > 2 && i % 5 === 0) s.key = `slot-${k}-r${i}`;
        if (k === 0) lastChairChange = i;
        s.tenure = tenureOf(k, i, R);
      }
      cols.id.push(i * SEATS_PER_REVISION + k + 1);
      cols.post.push(s.post);
      cols.rev.push(i + 1);
      cols.role.push(s.role);
      cols.pos.push(s.position);
      cols.key.push(s.key);
      cols.from.push(i);
      cols.to.push(i === R - 1 ? null : i + 1);
      cols.tid.push(s.tenure.start * SEATS_PER_REVISION + k + 1);
      cols.tfrom.push(s.tenure.start);
      cols.tto.push(s.tenure.end);
    }
    if ((i + 1) % BATCH_REVISIONS === 0) await flush();
  }
  await flush();
  await db.exec(`SELECT setval(pg_get_serial_sequence('seat', 'id'), $1::int)`, [R * SEATS_PER_REVISION]);
  await db.exec('ANALYZE');
  // The middle day: a revision near the middle that retitles one member seat and nothing else
  // (not a replacement, not the chair), so that the diff across it does the same work at every size.
  let mid = Math.floor(R / 2);
  while (mid % 5 === 0 || mid % 50 === 0) mid++;
  return { revisions: R, seats: R * SEATS_PER_REVISION, posts, days: { first: isoDay(0), middle: isoDay(mid), beforeMiddle: isoDay(mid - 1), newest: isoDay(R - 1) }, lastChairChange };
}

/** The generated tenure columns are what meibo_derive_tenures() (the seed's and the migration's linking) makes of the rows. */
async function checkTenuresAgainstDerive(db: Db): Promise<number> {
  const hash = async () =>
    String((await db.exec(`SELECT md5(string_agg(concat_ws(',', id, tenure_id, tenure_from, tenure_to, tenure_ended_by, tenure_end_decided_on), ';' ORDER BY id)) AS h FROM seat`))[0]!.h);
  const before = await hash();
  const t0 = performance.now();
  await db.exec('SELECT meibo_derive_tenures()');
  const ms = performance.now() - t0;
  if ((await hash()) !== before) throw new Error('the generated tenures differ from what meibo_derive_tenures() derives');
  await db.exec('VACUUM ANALYZE seat');
  return ms;
}

// ------------------------------------------------------------------------------------------------
// What is timed: production's functions and API

const BODY_REF = { id: 1, code: BODY_CODE, name: 'synthetic body', instrumentId: 1 };
// Each call a request of its own: fresh loaders, nothing remembered from the call before.
const asOf = (client: DbClient, day: IsoDay, knownAt: IsoDay | null = null) =>
  listingsInForce(createContext(client.prisma), BODY_REF, day, null, knownAt);
/** the listings with their posts: what the root fields `chair` and `members { post }` run */
const oneBody = async (client: DbClient, day: IsoDay) => {
  const ctx = createContext(client.prisma);
  const listings = await listingsInForce(ctx, BODY_REF, day, null, null);
  await ctx.loaders.post.loadMany(listings.map((l) => l.postId));
  return listings;
};

const MEMBERS = (day: IsoDay) => `{ members(body: "${BODY_CODE}", asOf: "${day}") { id role position validFrom validTo post { title } source { revision { decidedOn } } } }`;
const MEMBERS_COVERAGE = (day: IsoDay) => `{ members(body: "${BODY_CODE}", asOf: "${day}") { id role validTo seat { validFrom validFromIsCoverageStart validTo } } }`;
const DIFF = (from: IsoDay, to: IsoDay) =>
  `{ membershipDiff(body: "${BODY_CODE}", from: "${from}", to: "${to}") { unchanged added { id post { title } } removed { id post { title } } renamed { kind before { id post { title } } after { id post { title } } } } }`;

async function graphql<T>(db: Db, query: string): Promise<T> {
  const response = await db.yoga.fetch('http://bench/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  const result = (await response.json()) as { data?: T; errors?: unknown[] };
  if (response.status !== 200 || result.errors || !result.data) throw new Error(`GraphQL answered ${response.status}: ${JSON.stringify(result).slice(0, 500)}`);
  return result.data;
}

/** a listing of MEMBERS_COVERAGE, and its seat (the tenure) */
type Member = { id: string; role: string; validTo: string | null; seat: { validFrom: string; validTo: string | null; validFromIsCoverageStart: boolean } };

// ------------------------------------------------------------------------------------------------
// Measurement

interface Timing { median: number; p90: number; runs: number }
const ROUNDS = 3;

/** Up to `runs` timed calls of `fn` (after a warm-up), bounded in time; the raw times, added to `into`. */
async function measure(fn: () => Promise<unknown>, runs: number, into: number[]): Promise<void> {
  const warmUntil = performance.now() + MAX_MS_PER_MEASURE / ROUNDS / 2;
  for (let i = 0; i < WARMUP_RUNS && performance.now() < warmUntil; i++) await fn();
  const stopAt = performance.now() + MAX_MS_PER_MEASURE / ROUNDS;
  for (let n = 0; n < runs && performance.now() < stopAt; n++) {
    const t = performance.now();
    await fn();
    into.push(performance.now() - t);
  }
}
function timing(times: number[]): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), p90: percentile(sorted, 90), runs: sorted.length };
}

interface PlanFacts { summary: string; text: string }

function planFacts(texts: string[]): PlanFacts {
  const text = texts.join('\n\n');
  const scans = [...text.matchAll(/(Index Only Scan|Index Scan Backward|Index Scan|Bitmap Index Scan|Seq Scan)(?: using| on)? (\S+)(?: on (\S+))?/g)];
  // every scan but of body (the one row asked about)
  const names = [...new Set(scans.filter((m) => m[2] !== 'body').map((m) => (m[1] === 'Seq Scan' ? `**Seq Scan ${m[2]}**` : `${m[1]} \`${m[2]}\``)))].join(', ') || '?';
  const buffers = texts.map((t) => /Buffers: shared ([^\n]*)/.exec(t)?.[1] ?? '?');
  const summary = `${names}; buffers ${buffers.join(' + ') || '?'}`;
  const all = scans.map((m) => `${m[1]} ${m[2]}${m[3] ? ` on ${m[3]}` : ''}`).join('; ');
  return { summary, text: `${all}\n${text}` };
}

interface SizeResult {
  engine: 'postgres' | 'pglite';
  gen: Generated;
  insertMs: number;
  deriveMs: number | null;
  tableMiB: number;
  planCache?: PlanCacheRun[];
  t: Record<MeasureKey, Timing>;
  planNow: PlanFacts;
  planMid: PlanFacts;
  planOne: PlanFacts;
}

const MEASURES = [
  ['asOfNow', 'as-of, now'],
  ['asOfMid', 'as-of, middle'],
  ['asOfKnown', 'as-of, middle, knownAt'],
  ['oneNow', 'listings + posts, now'],
  ['oneMid', 'listings + posts, middle'],
  ['gqlNow', 'GraphQL members, now'],
  ['gqlMid', 'GraphQL members, middle'],
  ['gqlDiff', 'GraphQL diff'],
  ['gqlCoverage', 'GraphQL members + validFromIsCoverageStart'],
] as const;
type MeasureKey = (typeof MEASURES)[number][0];

interface Prepared { db: Db; target: number; gen: Generated; insertMs: number; deriveMs: number | null; fns: Record<MeasureKey, () => Promise<unknown>>; times: Record<MeasureKey, number[]> }

/** Fills the tables and checks, through production, that they answer as expected. */
async function prepareSize(db: Db, target: number, checkDerive: boolean): Promise<Prepared> {
  const t0 = performance.now();
  const gen = await generate(db, target);
  const insertMs = performance.now() - t0;
  log(`${db.engine} ${target}: ${gen.seats.toLocaleString('en-US')} listings in ${gen.revisions} revisions inserted in ${fmt(insertMs / 1000, 1)} s`);
  const deriveMs = checkDerive ? await checkTenuresAgainstDerive(db) : null;
  if (deriveMs !== null) log(`${db.engine} ${target}: tenures as meibo_derive_tenures() makes them (it took ${fmt(deriveMs / 1000, 1)} s)`);
  const { days } = gen;

  // Sanity, through production: 40 seats each way, the tenures as the API tells them, a diff of one change.
  for (const [what, n] of [
    ['as-of now', (await asOf(db.client, days.newest)).length],
    ['as-of middle', (await asOf(db.client, days.middle)).length],
    ['as-of knownAt', (await asOf(db.client, days.middle, days.middle)).length],
    ['listings + posts now', (await oneBody(db.client, days.newest)).length],
    ['listings + posts middle', (await oneBody(db.client, days.middle)).length],
  ] as const) {
    if (n !== SEATS_PER_REVISION) throw new Error(`${what} gave ${n} seats, not ${SEATS_PER_REVISION}`);
  }
  const now = (await graphql<{ members: Member[] }>(db, MEMBERS_COVERAGE(days.newest))).members;
  const vice = now.filter((m) => m.role === 'VICE_CHAIR');
  const chair = now.find((m) => m.role === 'CHAIR');
  if (now.length !== SEATS_PER_REVISION || now.some((m) => m.validTo !== null || m.seat.validTo !== null)) throw new Error(`members now: ${JSON.stringify(now).slice(0, 300)}`);
  if (vice.length !== 2 || vice.some((m) => m.seat.validFrom !== days.first || m.seat.validFromIsCoverageStart !== true)) throw new Error(`vice-chairs are not one tenure since the first day: ${JSON.stringify(vice)}`);
  if (chair?.seat.validFrom !== isoDay(gen.lastChairChange) || (gen.lastChairChange > 0 && chair.seat.validFromIsCoverageStart !== false)) {
    throw new Error(`the chair's tenure should start on ${isoDay(gen.lastChairChange)}: ${JSON.stringify(chair)}`);
  }
  const diff = (await graphql<{ membershipDiff: { unchanged: number; added: unknown[]; removed: unknown[]; renamed: Array<{ kind: string }> } }>(db, DIFF(days.beforeMiddle, days.middle))).membershipDiff;
  // the new post of a retitled slot never sat before, and no unit's rename explains it: a REPLACEMENT
  if (diff.unchanged !== SEATS_PER_REVISION - 1 || diff.added.length + diff.removed.length !== 0 || diff.renamed.length !== 1 || diff.renamed[0]!.kind !== 'REPLACEMENT') {
    throw new Error(`unexpected diff: ${JSON.stringify(diff).slice(0, 500)}`);
  }

  const fns: Record<MeasureKey, () => Promise<unknown>> = {
    asOfNow: () => asOf(db.client, days.newest),
    asOfMid: () => asOf(db.client, days.middle),
    asOfKnown: () => asOf(db.client, days.middle, days.middle),
    oneNow: () => oneBody(db.client, days.newest),
    oneMid: () => oneBody(db.client, days.middle),
    gqlNow: () => graphql(db, MEMBERS(days.newest)),
    gqlMid: () => graphql(db, MEMBERS(days.middle)),
    gqlDiff: () => graphql(db, DIFF(days.beforeMiddle, days.middle)),
    gqlCoverage: () => graphql(db, MEMBERS_COVERAGE(days.newest)),
  };
  const times = Object.fromEntries(MEASURES.map(([key]) => [key, [] as number[]])) as unknown as Record<MeasureKey, number[]>;
  return { db, target, gen, insertMs, deriveMs, fns, times };
}

/** The plans of the statements production sent, the table's size, and the timings pooled over the rounds. */
async function finishSize(p: Prepared): Promise<SizeResult> {
  const { db, gen: { days } } = p;
  const inForceOf = (captured: Captured[]) => {
    const s = captured.find((c) => c.query.includes('in_force_from'));
    if (!s) throw new Error(`no as-of statement among ${captured.length} captured`);
    return s;
  };
  const asOfNow = inForceOf(await db.capture((c) => asOf(c, days.newest)));
  const planNow = planFacts([await db.explain(asOfNow)]);
  const planCache = await db.planCache?.(asOfNow);
  const planMid = planFacts([await db.explain(inForceOf(await db.capture((c) => asOf(c, days.middle))))]);
  const one = await db.capture((c) => oneBody(c, days.newest));
  // one after the other: each EXPLAIN prepares the statement under one name, on one session
  const plansOne: string[] = [];
  for (const s of one) plansOne.push(await db.explain(s));
  const planOne = planFacts(plansOne);
  const [size] = await db.exec(`SELECT pg_total_relation_size('seat')::float8 / 1048576 AS mib`);
  const t = Object.fromEntries(MEASURES.map(([key]) => [key, timing(p.times[key])])) as Record<MeasureKey, Timing>;
  log(`${db.engine} ${p.target}: as-of now ${fmt(t.asOfNow.median, 3)} ms, middle ${fmt(t.asOfMid.median, 3)} ms, GraphQL members ${fmt(t.gqlNow.median, 3)} ms, diff ${fmt(t.gqlDiff.median, 3)} ms; plan ${planNow.summary}`);
  return { engine: db.engine, gen: p.gen, insertMs: p.insertMs, deriveMs: p.deriveMs, tableMiB: Number(size!.mib), t, planNow, planMid, planOne, planCache };
}

/**
 * Every size of one engine filled first, then measured in ROUNDS interleaved rounds (each size,
 * each measure, in turn), so that a burst of other work on the shared machine falls on every size
 * rather than on one.
 */
async function benchEngine(engine: 'postgres' | 'pglite', sizes: number[]): Promise<SizeResult[]> {
  const opened: Array<{ db: Db; release: () => Promise<void> }> = [];
  try {
    const prepared: Prepared[] = [];
    for (const n of sizes) {
      log(`${engine}, ${n.toLocaleString('en-US')} seat rows`);
      const o = await openDb(engine);
      opened.push(o);
      prepared.push(await prepareSize(o.db, n, n <= DERIVE_CHECK_MAX));
    }
    for (let round = 1; round <= ROUNDS; round++) {
      log(`${engine}: round ${round} of ${ROUNDS}`);
      for (const p of prepared) {
        for (const [key] of MEASURES) await measure(p.fns[key], Math.ceil(RUNS / ROUNDS), p.times[key]);
      }
    }
    const results: SizeResult[] = [];
    for (const p of prepared) results.push(await finishSize(p));
    return results;
  } finally {
    for (const o of opened.reverse()) await o.release().catch((e) => console.error('cleanup:', e));
  }
}

// ------------------------------------------------------------------------------------------------
// Engines

const cleanups: Array<() => Promise<unknown>> = [];
atInterrupt(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

async function openDb(engine: 'postgres' | 'pglite'): Promise<{ db: Db; release: () => Promise<void> }> {
  let config: DbConfig;
  let exec: Db['exec'];
  let explain: Db['explain'];
  let planCache: Db['planCache'];
  let release: () => Promise<void>;
  if (engine === 'postgres') {
    const schema = `bench_hist_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    const drop = async () => {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    };
    cleanups.push(drop);
    await admin.query('CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public');
    const url = new URL(PG_URL);
    url.searchParams.set('schema', schema);
    config = { kind: 'postgres', url: url.toString(), schema };
    await deployMigrations(config);
    const session = new pg.Client({ connectionString: PG_URL, options: `-c search_path="${schema}",public` });
    await session.connect();
    exec = async (sql, params) => (await session.query(sql, params)).rows;
    explain = (s) => explainGeneric(async (text) => (await session.query(text)).rows, s);
    planCache = (s) => planCacheModes(async (text) => (await session.query(text)).rows, s);
    release = async () => {
      await session.end();
      cleanups.splice(cleanups.indexOf(drop), 1);
      await drop();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'meibo-history-'));
    const remove = async () => rmSync(dir, { recursive: true, force: true });
    cleanups.push(remove);
    config = { kind: 'pglite', dataDir: dir };
    await deployMigrations(config);
    const pglite = await getPGlite(dir);
    exec = async (sql, params) => (await pglite.query<Row>(sql, params)).rows;
    explain = (s) => explainGeneric(async (text) => (await pglite.query<Row>(text)).rows, s);
    release = async () => {
      await closeDatabase(config);
      cleanups.splice(cleanups.indexOf(remove), 1);
      await remove();
    };
  }
  const client = createPrismaClient(config);
  const capturing = withCapture(config);
  const db: Db = {
    engine,
    client,
    yoga: createApp(client.prisma),
    async capture(run) {
      capturing.take();
      await run(capturing);
      return capturing.take();
    },
    exec,
    explain,
    planCache,
    async close() {
      await capturing.close();
      await client.close();
    },
  };
  return {
    db,
    release: async () => {
      try {
        await db.close();
      } finally {
        await release();
      }
    },
  };
}

// ------------------------------------------------------------------------------------------------
// Report

function render(results: SizeResult[], totalS: number): string {
  const ms = (t: Timing) => `${fmt(t.median, 3)} <sub>p90 ${fmt(t.p90, 3)}</sub>`;
  const label = (r: SizeResult) => `${r.engine === 'postgres' ? 'PostgreSQL' : 'PGlite'} ${r.gen.seats.toLocaleString('en-US')}`;
  const main = table(
    ['engine · seat rows', 'revisions', 'insert', 'seat table + indexes MiB', ...MEASURES.map(([, name]) => `${name} (ms)`)],
    results.map((r) => [
      label(r),
      r.gen.revisions.toLocaleString('en-US'),
      `${fmt(r.insertMs / 1000, 1)} s${r.deriveMs === null ? '' : `; derive ${fmt(r.deriveMs / 1000, 1)} s`}`,
      fmt(r.tableMiB, 1),
      ...MEASURES.map(([key]) => ms(r.t[key])),
    ]),
  );
  const plans = table(
    ['engine · seat rows', 'as-of statement, now', 'as-of statement, middle', 'listings + posts (all their statements)'],
    results.map((r) => [label(r), r.planNow.summary, r.planMid.summary, r.planOne.summary]),
  );
  const verdicts: string[][] = [];
  for (const engine of ['postgres', 'pglite'] as const) {
    const mine = results.filter((r) => r.engine === engine).sort((a, b) => a.gen.seats - b.gen.seats);
    if (mine.length < 2) continue;
    const small = mine[0]!;
    const big = mine.at(-1)!;
    for (const [key, name] of MEASURES) {
      const ratio = big.t[key].median / small.t[key].median;
      verdicts.push([
        `${engine === 'postgres' ? 'PostgreSQL' : 'PGlite'}: ${name} at ${big.gen.seats.toLocaleString('en-US')} ≤ 2× at ${small.gen.seats.toLocaleString('en-US')}`,
        `${fmt(big.t[key].median, 3)} vs ${fmt(small.t[key].median, 3)} ms = ${fmt(ratio)}×`,
        ratio <= 2 ? '**met**' : '**not met**',
      ]);
    }
  }
  const largestPg = results.filter((r) => r.engine === 'postgres').sort((a, b) => b.gen.seats - a.gen.seats)[0];
  const cmd = `npm run bench:history${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  return `## History: as-of and diff latency as a body's history grows

Command: \`${cmd}\` (every size of an engine filled first, then measured in ${ROUNDS} interleaved rounds: median of up to ${RUNS} calls, ${Math.ceil(RUNS / ROUNDS)} a round after ${WARMUP_RUNS} warm-up calls, each measure bounded to ${MAX_MS_PER_MEASURE / 1000} s, warm-up included; whole run ${fmt(totalS, 0)} s).

${machineFacts()}

Data: one body, R revisions × ${SEATS_PER_REVISION} listings (\`seat\` rows: 1 chair, 2 vice-chairs, 37 members); revision i is in force over [day i, day i+1), the newest open-ended, and lists every seat; each revision after the first retitles one member seat (every 5th replaces it: a new seat key) and every 50th the chair. The rows of a post listed unchanged over contiguous days are one tenure (one API seat): \`tenure_id\`, \`tenure_from\`, \`tenure_to\`, \`tenure_ended_by\`, \`tenure_end_decided_on\` filled as \`meibo_derive_tenures()\` links them (migration 20261129200000; checked by running it on every size up to ${DERIVE_CHECK_MAX.toLocaleString('en-US')} rows: no row changed — "derive" is its time). Inserted 40,000 rows per \`INSERT … SELECT unnest(arrays)\` with all the migrations' constraints and indexes in place (the exclusion constraints checked every row), then \`ANALYZE\`. PostgreSQL: a fresh schema per size, migrated by \`deployMigrations\` (src/db/migrate.ts) and dropped afterwards; PGlite: a temp data dir, in process.

Timed in the bench process, in ms, **through production code only** (no SQL of the bench's own is timed): meibo's Prisma client (\`createPrismaClient\`, prepared statements on, as by default) over pg on loopback / PGlite in process.
- **as-of**: \`listingsInForce\` (src/read/seats.ts) for the body, with a request's fresh loaders: the as-of statement (the revision in force by \`revision_in_force_idx\`) and the findMany of the listings that revision prints. What every list of a body (\`chair\`, \`members\`, the diff) runs. **now** = the newest revision's day, **middle** = the day of a revision near the middle that retitles one member seat; **knownAt** = as known on the middle day (the bitemporal statement: the revision decided by then, its listings by \`(revision_id, body_id, …)\`).
- **listings + posts**: \`listingsInForce\`, then the listings' posts through the post loader: what \`members { post }\` runs.
- **GraphQL**: \`createApp\` (src/app.ts) over the same client, no response cache, answered by \`yoga.fetch\` in process: \`members(body, asOf) { id role position validFrom validTo post { title } source { revision { decidedOn } } }\`; \`membershipDiff\` across the middle revision with each seat's post and the rename's \`kind\`; and \`members { … seat { validFrom validFromIsCoverageStart validTo } }\`, which also loads each seat's first listing and whether the day before it is covered.
- **plans**: \`EXPLAIN (ANALYZE, BUFFERS)\`, generic plan, of the statements meibo's client sent for these calls, captured from Prisma's query events (a second client; the timed one logs nothing).

${main}

Plans (every scan but of the one \`body\` row; a sequential scan in bold; buffers of each statement's top node):

${plans}

### PostgreSQL's plan cache for the prepared as-of statement

The as-of statement for "now", as meibo's client sent it, PREPAREd on one session and EXECUTEd ${PLAN_CACHE_RUNS} times under each \`plan_cache_mode\`; the plans PostgreSQL made for it (\`pg_prepared_statements.generic_plans\` / \`custom_plans\`), then the median of ${PLAN_CACHE_TIMED} more EXECUTEs (a round trip on loopback, simple protocol), and the server's own planning and execution time of one more (\`EXPLAIN (ANALYZE) EXECUTE\`).

${table(
    ['seat rows', 'plan_cache_mode', `plans after ${PLAN_CACHE_RUNS} runs: generic / custom`, `runs 1–${PLAN_CACHE_RUNS} ms`, `steady EXECUTE ms (median of ${PLAN_CACHE_TIMED})`, 'EXPLAIN ANALYZE EXECUTE'],
    results.filter((r) => r.planCache).flatMap((r) => r.planCache!.map((c) => [
      r.gen.seats.toLocaleString('en-US'), c.mode, `${c.generic} / ${c.custom}`, c.firstRuns.map((x) => fmt(x, 2)).join(' '), fmt(c.steadyMs, 3), c.explained,
    ])),
  )}

### Target: as-of latency at the largest size within 2× of the smallest

${table(['target', 'measured', 'result'], verdicts)}
${largestPg ? `
The as-of statement for "now" at ${largestPg.gen.seats.toLocaleString('en-US')} rows (PostgreSQL), as meibo sends it, generic plan:

\`\`\`
${largestPg.planNow.text}
\`\`\`

The listings with their posts (root \`members { post }\`), "now":

\`\`\`
${largestPg.planOne.text}
\`\`\`
` : ''}`;
}

async function main() {
  const began = performance.now();
  const results: SizeResult[] = [];
  for (const [engine, sizes] of [['postgres', PG_SIZES], ['pglite', PGLITE_SIZES]] as const) {
    if (sizes.length) results.push(...(await benchEngine(engine, sizes)));
  }
  const markdown = render(results, (performance.now() - began) / 1000);
  console.log(markdown);
  if (WRITE) {
    writeSection(join(ROOT, 'BENCHMARKS.md'), 'bench:history', markdown);
    log('wrote BENCHMARKS.md');
  }
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const c of cleanups.reverse()) await c().catch((e) => console.error('cleanup:', e));
    process.exit(process.exitCode ?? 0);
  });
