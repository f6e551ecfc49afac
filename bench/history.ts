// `npm run bench:history`: does an as-of lookup stay flat as a body's history grows?
//
// Generates synthetic but valid history for one body (R revisions × 40 seats; each revision's seats
// cover [its day, the next revision's day), the newest open-ended; seat keys carried over, one seat
// renamed or replaced per revision), inserted with multi-row INSERT … SELECT unnest($arrays) with
// every constraint of the migrations in force (exclusion constraints included), then measures the
// SQL meibo runs (src/schema/seat.ts inForce + the findMany by ids) and a diff (two as-of
// lookups + pairing with src/domain/diff.ts), median of many runs, and EXPLAINs the lookup.
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
import { createContext } from '../src/context.js';
import { closeDatabase, getPGlite } from '../src/db/adapter.js';
import { withPreparedStatements } from '../src/db/pglite-prepared.js';
import { createPrismaClient, type DbClient } from '../src/db/client.js';
import type { DbConfig } from '../src/db/config.js';
import type { IsoDay } from '../src/domain/dates.js';
import { seatsInForceOfOne } from '../src/schema/seat.js';
import { deployMigrations } from '../src/db/migrate.js';
import { diffSeats } from '../src/domain/diff.js';
import { atInterrupt } from './lib/children.js';
import { fmt, machineFacts, median, percentile, table, writeSection } from './lib/report.js';

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
const MAX_MS_PER_MEASURE = 15_000; // a bound on every measurement loop
const WRITE = args.get('no-write') !== 'true';
const PG_URL = process.env.MEIBO_BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const SEATS_PER_REVISION = 40;
const BATCH_REVISIONS = 1000; // 40,000 seat rows per INSERT
const BASE_DAY = Date.UTC(1950, 0, 1);

const log = (s: string) => console.error(`[history ${new Date().toISOString().slice(11, 19)}] ${s}`);
const isoDay = (offset: number) => new Date(BASE_DAY + offset * 86_400_000).toISOString().slice(0, 10);

// ------------------------------------------------------------------------------------------------
// The engine-neutral surface: a query function. pg: a pool of 2 (the diff's two lookups run in
// parallel, as meibo's Promise.all does); PGlite: its one connection.

type Row = Record<string, unknown>;
interface Db {
  engine: 'postgres' | 'pglite';
  /** prepared, as meibo's client sends its statements (`name`: the statement's name on PostgreSQL) */
  query(sql: string, params?: unknown[], name?: string): Promise<Row[]>;
  /** EXPLAIN the plan a prepared statement settles on (the generic plan) */
  explain(sql: string, params: unknown[]): Promise<Row[]>;
  /** meibo's own Prisma client on the same data, for the one-body query of the root fields */
  client: DbClient;
  close(): Promise<void>;
}

/** The one-body as-of query of Query.chair / Query.members (src/schema/seat.ts), with each seat's post. */
const SYNTHETIC_BODY = { id: 1, code: 'synthetic', name: 'synthetic body', instrumentId: 1 };
async function oneBodySeats(db: Db, day: string) {
  return seatsInForceOfOne(createContext(db.client.prisma), { include: { post: true } }, SYNTHETIC_BODY, day as IsoDay, null);
}

// meibo's statements, as src/schema/seat.ts (inForce, one body, without knownAt) and Prisma send
// them: whether the day is covered (the revision in force) and the ids of the seats in force
// ($1 body, $2 day, $3 role). Prepared, as meibo's client runs it, so that the plan measured is
// the generic plan PostgreSQL keeps for it.
const AS_OF_SQL = `SELECT b.id AS body_id,
      (SELECT r.content_known FROM revision r
        WHERE r.instrument_id = b.instrument_id AND r.in_force_from <= $2::date
        ORDER BY r.in_force_from DESC, r.sequence DESC
        LIMIT 1) AS covered,
      ARRAY(
        SELECT s.id FROM seat s
        WHERE s.body_id = b.id
          AND daterange(s.valid_from, s.valid_to, '[)') @> $2::date
          AND ($3::text IS NULL OR s.role::text = $3::text)
      ) AS seat_ids
    FROM body b
    WHERE b.id = $1::int`;
const fetchSql = (n: number) =>
  `SELECT "id", "body_id", "seat_key", "post_id" FROM "seat" WHERE "id" IN (${Array.from({ length: n }, (_, i) => `$${i + 1}`).join(',')}) ORDER BY "body_id" ASC, "role" ASC, "position" ASC`;

async function asOfIds(db: Db, bodyId: number, day: string): Promise<number[]> {
  const [row] = await db.query(AS_OF_SQL, [bodyId, day, null], 'as_of');
  if (row?.covered !== true) throw new Error(`day ${day} not covered`);
  return (row.seat_ids as Array<number | string>).map(Number);
}
async function asOfSeats(db: Db, bodyId: number, day: string) {
  const ids = await asOfIds(db, bodyId, day);
  return ids.length ? ((await db.query(fetchSql(ids.length), ids)) as Array<{ id: number; seatKey: string; postId: number; seat_key: string; post_id: number }>).map((r) => ({ id: r.id, seatKey: r.seat_key, postId: r.post_id })) : [];
}

// ------------------------------------------------------------------------------------------------
// Generator

interface Generated { revisions: number; seats: number; posts: number; days: { first: string; middle: string; beforeMiddle: string; newest: string } }

async function generate(db: Db, seats: number): Promise<Generated> {
  const R = Math.max(2, Math.round(seats / SEATS_PER_REVISION));
  const posts = SEATS_PER_REVISION + R + Math.ceil(R / 50);
  await db.query(`INSERT INTO organization (id, name, position) VALUES (1, 'synthetic ministry', 1)`);
  await db.query(
    `INSERT INTO post (id, title, title_search, organization_id)
     SELECT g, 'post ' || g, 'post ' || g, 1 FROM generate_series(1, $1::int) g`,
    [posts],
  );
  await db.query(`INSERT INTO instrument (id, code, title, decided_by) VALUES (1, 'synthetic', 'synthetic instrument', 'bench')`);
  await db.query(
    `INSERT INTO revision (id, instrument_id, sequence, decided_on, effective_on, content_known)
     SELECT g + 1, 1, g, $1::date + g, $1::date + g, true FROM generate_series(0, $2::int - 1) g`,
    [isoDay(0), R],
  );
  await db.query(
    `INSERT INTO body (id, code, name, coverage_note, position, instrument_id) VALUES (1, 'synthetic', 'synthetic body', 'bench', 1, 1)`,
  );

  // 40 slots: 1 chair, 2 vice-chairs, 37 members. Each revision after the first retitles one member
  // seat (same key, new post) or, every 5th, replaces it (new key, new post); every 50th also
  // retitles the chair (one chair per day: the chair seat is one row per revision). Posts are never reused, so a post sits at most once per day.
  const slots = Array.from({ length: SEATS_PER_REVISION }, (_, k) => ({
    role: k === 0 ? 'CHAIR' : k <= 2 ? 'VICE_CHAIR' : 'MEMBER',
    position: k === 0 ? 1 : k <= 2 ? k : k - 2,
    key: `slot-${k}`,
    post: k + 1,
  }));
  let nextPost = SEATS_PER_REVISION + 1;
  const cols = { post: [] as number[], rev: [] as number[], role: [] as string[], pos: [] as number[], key: [] as string[], from: [] as number[], to: [] as Array<number | null> };
  const flush = async () => {
    if (cols.post.length === 0) return;
    await db.query(
      `INSERT INTO seat (body_id, post_id, revision_id, clause, role, position, seat_key, valid_from, valid_to)
       SELECT 1, p, r, '第1項', ro::"Role", po, k, $8::date + f, $8::date + t
         FROM unnest($1::int[], $2::int[], $3::text[], $4::int[], $5::text[], $6::int[], $7::int[]) AS u(p, r, ro, po, k, f, t)`,
      [cols.post, cols.rev, cols.role, cols.pos, cols.key, cols.from, cols.to, isoDay(0)],
    );
    for (const c of Object.values(cols)) c.length = 0;
  };
  for (let i = 0; i < R; i++) {
    if (i > 0) {
      const slot = slots[3 + (i % 37)]!;
      slot.post = nextPost++;
      if (i % 5 === 0) slot.key = `slot-${3 + (i % 37)}-r${i}`;
      if (i % 50 === 0) slots[0]!.post = nextPost++;
    }
    for (const s of slots) {
      cols.post.push(s.post);
      cols.rev.push(i + 1);
      cols.role.push(s.role);
      cols.pos.push(s.position);
      cols.key.push(s.key);
      cols.from.push(i);
      cols.to.push(i === R - 1 ? null : i + 1);
    }
    if ((i + 1) % BATCH_REVISIONS === 0) await flush();
  }
  await flush();
  await db.query('ANALYZE');
  const mid = Math.floor(R / 2);
  return { revisions: R, seats: R * SEATS_PER_REVISION, posts, days: { first: isoDay(0), middle: isoDay(mid), beforeMiddle: isoDay(mid - 1), newest: isoDay(R - 1) } };
}

// ------------------------------------------------------------------------------------------------
// Measurement

interface Timing { median: number; p90: number; runs: number }

async function measure(fn: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < WARMUP_RUNS; i++) await fn();
  const times: number[] = [];
  const stopAt = performance.now() + MAX_MS_PER_MEASURE;
  while (times.length < RUNS && performance.now() < stopAt) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { median: median(times), p90: percentile(times, 90), runs: times.length };
}

interface PlanFacts { node: string; index: string | null; rows: number; removed: number; buffers: string; ms: number; text: string }

async function explain(db: Db, day: string): Promise<PlanFacts> {
  const rows = await db.explain(`EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) ${AS_OF_SQL}`, [1, day, null]);
  const text = rows.map((r) => String(Object.values(r)[0])).join('\n');
  // The statement scans body (a handful of rows), revision and seat: report the seat scan, and
  // list every scan so a sequential scan of revision or seat would show.
  const scans = [...text.matchAll(/(Index Only Scan|Index Scan Backward|Index Scan|Bitmap Index Scan|Seq Scan)(?: using| on)? (\S+)/g)];
  const scan = scans.find((m) => /seat|gist|once|chair/.test(m[2]!)) ?? scans[0] ?? null;
  const all = scans.map((m) => `${m[1]} ${m[2]}`).join('; ');
  const removed = [...text.matchAll(/Rows Removed by (?:Filter|Index Recheck): (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
  return {
    node: scan?.[1] ?? '?',
    index: scan && scan[1] !== 'Seq Scan' ? scan[2]! : null,
    rows: Number(/actual rows=(\d+)/.exec(text)?.[1] ?? NaN),
    removed,
    buffers: /Buffers: (shared [^\n]*)/.exec(text)?.[1] ?? '',
    ms: Number(/Execution Time: ([\d.]+) ms/.exec(text)?.[1] ?? NaN),
    text: `${all}\n${text}`,
  };
}

interface SizeResult {
  engine: 'postgres' | 'pglite';
  target: number;
  gen: Generated;
  migrateMs: number;
  insertMs: number;
  nowIds: Timing;
  midIds: Timing;
  nowSeats: Timing;
  midSeats: Timing;
  nowOne: Timing;
  midOne: Timing;
  diff: Timing;
  planNow: PlanFacts;
  planMid: PlanFacts;
  tableMiB: number;
}

async function benchSize(db: Db, target: number, migrateMs: number): Promise<SizeResult> {
  const t0 = performance.now();
  const gen = await generate(db, target);
  const insertMs = performance.now() - t0;
  log(`${db.engine} ${target}: ${gen.seats.toLocaleString('en-US')} seats in ${gen.revisions} revisions inserted in ${fmt(insertMs / 1000, 1)} s`);
  // Sanity: the lookups answer 40 seats, and the diff across the middle sees exactly one change.
  const nowCount = (await asOfIds(db, 1, gen.days.newest)).length;
  const midCount = (await asOfIds(db, 1, gen.days.middle)).length;
  if (nowCount !== SEATS_PER_REVISION || midCount !== SEATS_PER_REVISION) throw new Error(`as-of gave ${nowCount}/${midCount} seats, not ${SEATS_PER_REVISION}`);
  const oneCounts = [(await oneBodySeats(db, gen.days.newest)).length, (await oneBodySeats(db, gen.days.middle)).length];
  if (oneCounts.some((n) => n !== SEATS_PER_REVISION)) throw new Error(`the one-body query gave ${oneCounts.join('/')} seats, not ${SEATS_PER_REVISION}`);
  const runDiff = async () => {
    const [before, after] = await Promise.all([asOfSeats(db, 1, gen.days.beforeMiddle), asOfSeats(db, 1, gen.days.middle)]);
    return diffSeats(before, after);
  };
  const d = await runDiff();
  if (d.unchanged.length + d.renamed.length + d.added.length !== SEATS_PER_REVISION || d.unchanged.length < 37) {
    throw new Error(`unexpected diff: ${JSON.stringify({ u: d.unchanged.length, r: d.renamed.length, a: d.added.length, x: d.removed.length })}`);
  }
  const r: Omit<SizeResult, 'planNow' | 'planMid' | 'tableMiB'> = {
    engine: db.engine,
    target,
    gen,
    migrateMs,
    insertMs,
    nowIds: await measure(() => asOfIds(db, 1, gen.days.newest)),
    midIds: await measure(() => asOfIds(db, 1, gen.days.middle)),
    nowSeats: await measure(() => asOfSeats(db, 1, gen.days.newest)),
    midSeats: await measure(() => asOfSeats(db, 1, gen.days.middle)),
    nowOne: await measure(() => oneBodySeats(db, gen.days.newest)),
    midOne: await measure(() => oneBodySeats(db, gen.days.middle)),
    diff: await measure(runDiff),
  };
  const planNow = await explain(db, gen.days.newest);
  const planMid = await explain(db, gen.days.middle);
  const [size] = await db.query(`SELECT pg_total_relation_size('seat')::float8 / 1048576 AS mib`);
  log(`${db.engine} ${target}: as-of now ${fmt(r.nowIds.median, 3)} ms, middle ${fmt(r.midIds.median, 3)} ms, diff ${fmt(r.diff.median, 3)} ms; plan ${planNow.node} ${planNow.index ?? ''}`);
  return { ...r, planNow, planMid, tableMiB: Number(size!.mib) };
}

// ------------------------------------------------------------------------------------------------
// Engines

const cleanups: Array<() => Promise<unknown>> = [];
atInterrupt(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

async function onPostgres(target: number): Promise<SizeResult> {
  const schema = `bench_hist_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  const drop = async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  };
  cleanups.push(drop);
  try {
    await admin.query('CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public');
    const url = new URL(PG_URL);
    url.searchParams.set('schema', schema);
    const config: DbConfig = { kind: 'postgres', url: url.toString(), schema };
    const t0 = performance.now();
    await deployMigrations(config);
    const migrateMs = performance.now() - t0;
    const pool = new pg.Pool({ connectionString: PG_URL, max: 2, options: `-c search_path="${schema}"` });
    const client = createPrismaClient(config);
    const db: Db = {
      engine: 'postgres',
      client,
      query: async (sql, params, name) => (await pool.query(name ? { name, text: sql, values: params } : { text: sql, values: params })).rows,
      async explain(sql, params) {
        const client = await pool.connect();
        try {
          return await explainGeneric(async (text) => (await client.query(text)).rows, sql, params);
        } finally {
          client.release();
        }
      },
      close: async () => {
        await client.close();
        await pool.end();
      },
    };
    try {
      return await benchSize(db, target, migrateMs);
    } finally {
      await db.close();
    }
  } finally {
    cleanups.splice(cleanups.indexOf(drop), 1);
    await drop();
  }
}

/**
 * The generic plan, as a prepared statement keeps it: PREPARE it, force the generic plan, EXPLAIN
 * EXECUTE (EXPLAIN of a statement with parameters would plan it for their values). `run` sends
 * text on one session.
 */
async function explainGeneric(run: (text: string) => Promise<Row[]>, sql: string, params: unknown[]): Promise<Row[]> {
  const literal = (v: unknown) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`);
  try {
    await run(`PREPARE explained (int, date, text) AS ${sql.replace(/^EXPLAIN \([^)]*\) /, '')}`);
    await run('SET plan_cache_mode = force_generic_plan');
    const options = /^EXPLAIN (\([^)]*\))/.exec(sql)?.[1] ?? '';
    return await run(`EXPLAIN ${options} EXECUTE explained(${params.map(literal).join(', ')})`);
  } finally {
    await run('RESET plan_cache_mode');
    await run('DEALLOCATE explained');
  }
}

async function onPglite(target: number): Promise<SizeResult> {
  const dir = mkdtempSync(join(tmpdir(), 'meibo-history-'));
  const config: DbConfig = { kind: 'pglite', dataDir: dir };
  const remove = async () => rmSync(dir, { recursive: true, force: true });
  cleanups.push(remove);
  try {
    const t0 = performance.now();
    await deployMigrations(config);
    const migrateMs = performance.now() - t0;
    const pglite = await getPGlite(dir);
    const prepared = withPreparedStatements(pglite);
    const client = createPrismaClient(config);
    const db: Db = {
      engine: 'pglite',
      client,
      // prepared, as meibo's client prepares its statements (src/db/pglite-prepared.ts)
      query: async (sql, params) => (await prepared.query<Row>(sql, params)).rows,
      explain: (sql, params) => explainGeneric(async (text) => (await pglite.query<Row>(text)).rows, sql, params),
      close: async () => {
        await client.close();
        await closeDatabase(config);
      },
    };
    try {
      return await benchSize(db, target, migrateMs);
    } finally {
      await db.close();
    }
  } finally {
    cleanups.splice(cleanups.indexOf(remove), 1);
    await remove();
  }
}

// ------------------------------------------------------------------------------------------------
// Report

function render(results: SizeResult[], totalS: number): string {
  const ms = (t: Timing) => `${fmt(t.median, 3)} <sub>p90 ${fmt(t.p90, 3)}</sub>`;
  const rows = results.map((r) => [
    `${r.engine === 'postgres' ? 'PostgreSQL' : 'PGlite'} ${r.gen.seats.toLocaleString('en-US')}`,
    r.gen.revisions.toLocaleString('en-US'),
    `${fmt(r.insertMs / 1000, 1)} s (${fmt(r.gen.seats / (r.insertMs / 1000), 0)} rows/s)`,
    fmt(r.tableMiB, 1),
    ms(r.nowIds),
    ms(r.midIds),
    ms(r.nowSeats),
    ms(r.midSeats),
    ms(r.nowOne),
    ms(r.midOne),
    ms(r.diff),
    `${r.planNow.node} ${r.planNow.index ? `\`${r.planNow.index}\`` : ''}; buffers ${r.planNow.buffers.replace('shared ', '')}; ${r.planNow.removed} rows filtered`,
    `${r.planMid.node} ${r.planMid.index ? `\`${r.planMid.index}\`` : ''}; buffers ${r.planMid.buffers.replace('shared ', '')}; ${r.planMid.removed} rows filtered`,
  ]);
  const main = table(
    ['engine · seats', 'revisions', 'insert', 'seat table + indexes MiB', 'as-of ids, now (ms)', 'as-of ids, middle', 'as-of ids + rows, now', 'as-of ids + rows, middle', 'one-body query, now', 'one-body query, middle', 'diff (2 as-of + pairing)', 'plan, now', 'plan, middle'],
    rows,
  );
  const verdicts: string[][] = [];
  for (const engine of ['postgres', 'pglite'] as const) {
    const mine = results.filter((r) => r.engine === engine).sort((a, b) => a.gen.seats - b.gen.seats);
    if (mine.length < 2) continue;
    const small = mine[0]!;
    const big = mine.at(-1)!;
    for (const [what, pick] of [['as-of ids, now', (r: SizeResult) => r.nowIds], ['as-of ids, middle', (r: SizeResult) => r.midIds], ['as-of ids + rows, now', (r: SizeResult) => r.nowSeats], ['one-body query, now', (r: SizeResult) => r.nowOne], ['one-body query, middle', (r: SizeResult) => r.midOne], ['diff', (r: SizeResult) => r.diff]] as const) {
      const ratio = pick(big).median / pick(small).median;
      verdicts.push([
        `${engine === 'postgres' ? 'PostgreSQL' : 'PGlite'}: ${what} at ${big.gen.seats.toLocaleString('en-US')} ≤ 2× at ${small.gen.seats.toLocaleString('en-US')}`,
        `${fmt(pick(big).median, 3)} vs ${fmt(pick(small).median, 3)} ms = ${fmt(ratio)}×`,
        ratio <= 2 ? '**met**' : '**not met**',
      ]);
    }
  }
  const largestPg = results.filter((r) => r.engine === 'postgres').sort((a, b) => b.gen.seats - a.gen.seats)[0];
  const cmd = `npm run bench:history${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  return `## History: as-of and diff latency as a body's history grows

Command: \`${cmd}\` (median of up to ${RUNS} runs after ${WARMUP_RUNS} warm-up runs, each loop bounded to ${MAX_MS_PER_MEASURE / 1000} s; whole run ${fmt(totalS, 0)} s).

${machineFacts()}

Data: one body, R revisions × ${SEATS_PER_REVISION} seats (1 chair, 2 vice-chairs, 37 members); revision i is in force over [day i, day i+1), the newest open-ended; each revision retitles or replaces one member seat (keys carried over) and every 50th retitles the chair. Inserted 40,000 rows per \`INSERT … SELECT unnest(arrays)\` with all the migrations' constraints and indexes in place (so the exclusion constraints checked every row), then \`ANALYZE\`. PostgreSQL: a fresh schema per size, migrated by \`deployMigrations\` (src/db/migrate.ts) and dropped afterwards; PGlite: a temp data dir, in process.

Timed from the client (pg over loopback / PGlite in process), in ms:
- **as-of ids**: the statement of \`inForce\` for one body (src/schema/seat.ts): the revision in force (coverage) and the ids of the seats with \`daterange(valid_from, valid_to, '[)') @> day\`; a prepared statement, as meibo sends it (on PGlite too, src/db/pglite-prepared.ts), so after 5 runs PostgreSQL answers with its generic plan; **now** = the newest revision's day, **middle** = the middle revision's day.
- **+ rows**: then the findMany by those ids (\`WHERE id IN (…) ORDER BY body_id, role, position\`). This pair is what a body's own fields (\`Body.chair\`, \`Body.members\`, batched over a list of bodies) and the diff run.
- **one-body query**: what the root fields \`chair\` and \`members\` run: \`seatsInForceOfOne\` (src/schema/seat.ts) through meibo's Prisma client, one Prisma query (the revision in force by \`revision_in_force_idx\`, its seats of the body joined in), each seat with its post.
- **diff**: two as-of lookups with rows (days either side of the middle revision, in parallel as meibo does) and \`diffSeats\` (src/domain/diff.ts).
- **plan**: \`EXPLAIN (ANALYZE, BUFFERS)\` of the as-of statement: its generic plan, the one the prepared statement keeps.

${main}

### Target: as-of latency at the largest size within 2× of the smallest

${table(['target', 'measured', 'result'], verdicts)}
${largestPg ? `
Plan of the as-of lookup for "now" at ${largestPg.gen.seats.toLocaleString('en-US')} seats (PostgreSQL):

\`\`\`
${largestPg.planNow.text}
\`\`\`

And for the middle day:

\`\`\`
${largestPg.planMid.text}
\`\`\`
` : ''}`;
}

async function main() {
  const began = performance.now();
  const results: SizeResult[] = [];
  for (const n of PG_SIZES) {
    log(`PostgreSQL, ${n.toLocaleString('en-US')} seats`);
    results.push(await onPostgres(n));
  }
  for (const n of PGLITE_SIZES) {
    log(`PGlite, ${n.toLocaleString('en-US')} seats`);
    results.push(await onPglite(n));
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
