// `npm run bench`: meibo over HTTP next to a SQL floor and a precomputed ceiling, on the embedded
// database (PGlite) and on PostgreSQL, plus cold start of `npm start` and RSS under load.
//
//   npm run bench      # defaults: 10 connections, 8 s per server and operation (2 interleaved rounds of 4 s), after a 3 s warm-up of each server on each operation
//   npm run bench -- --duration=10 --rounds=2 --connections=10 --engines=pglite,postgres --cache=memory --no-write
//   npm run bench -- --ops=chair,members --peers=postgraphile   # the two dashboard questions, beside the peer
//
// Peer (on PostgreSQL, uncached runs): PostGraphile 5.0.0-rc.3 in bench/peers/postgraphile, with its
// own package.json, installed there (`npm ci`) on first use; --peers=none leaves it out. It answers
// only the questions it has a wording for (bench/queries.ts), checked equal to meibo's first.
//
// --cache=memory|redis passes MEIBO_RESPONSE_CACHE to the meibo servers (and REDIS_URL for redis): the
// same table with the response cache (src/cache.ts) answering repeats.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { atInterrupt, groupMaxRss, groupPids, startChild, sampleCpu, sampleRss, sampleServerCpu, rssMiB, type Child } from './lib/children.js';
import { fmt, machineFacts, percentile, table, writeSection } from './lib/report.js';
import { OPERATIONS as ALL_OPERATIONS, POSTGRAPHILE_OPERATIONS, requestBody, type Operation, type PeerOperation } from './queries.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'] as const;
  }),
);
const DURATION = Number(args.get('duration') ?? 8);
const WARMUP = Number(args.get('warmup') ?? 3);
const CONNECTIONS = Number(args.get('connections') ?? 10);
const ROUNDS = Math.max(1, Math.min(10, Math.round(Number(args.get('rounds') ?? 2))));
const SINGLE_DURATION = Number(args.get('single-duration') ?? 3);
const ENGINES = (args.get('engines') ?? 'pglite,postgres').split(',') as Array<'pglite' | 'postgres'>;
const CACHE = args.get('cache') ?? 'off';
const WRITE = args.get('no-write') !== 'true';
const OPS_ARG = args.get('ops')?.split(',');
const OPERATIONS = OPS_ARG ? ALL_OPERATIONS.filter((o) => OPS_ARG.includes(o.key)) : ALL_OPERATIONS;
if (OPERATIONS.length === 0) throw new Error(`--ops names none of ${ALL_OPERATIONS.map((o) => o.key).join(', ')}`);
const PEERS = (args.get('peers') ?? 'postgraphile').split(',').filter((p) => p && p !== 'none');
if (PEERS.some((p) => p !== 'postgraphile')) throw new Error('--peers is postgraphile or none');
const PG_URL = process.env.MEIBO_BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
if (![DURATION, WARMUP, CONNECTIONS, SINGLE_DURATION].every((n) => Number.isFinite(n) && n > 0 && n <= 120)) {
  throw new Error('--duration, --warmup, --connections and --single-duration must be between 0 and 120');
}
if (!['off', 'memory', 'redis'].includes(CACHE)) throw new Error('--cache is off, memory or redis');

const log = (s: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}`);
const READY = /meibo ready on http:\/\/localhost:(\d+)\/graphql \((.*); (\d+) ms\)/;
const BARE_READY = /ready on http:\/\/127\.0\.0\.1:(\d+)\/graphql/;
// Always explicit: the server's default depends on the engine (memory on the embedded database).
// Redis: a key prefix per server of this run (so two servers never share answers), deleted at the end.
const RUN_ID = randomBytes(4).toString('hex');
const cacheEnv: NodeJS.ProcessEnv = { MEIBO_RESPONSE_CACHE: CACHE, REDIS_URL: CACHE === 'redis' ? REDIS_URL : undefined };
const cacheEnvFor = (id: string): NodeJS.ProcessEnv =>
  CACHE === 'redis' ? { ...cacheEnv, MEIBO_REDIS_PREFIX: `meibo-bench-${RUN_ID}-${id}:` } : cacheEnv;

async function deleteRedisKeys() {
  if (CACHE !== 'redis') return;
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    for (let i = 0; i < 10_000; i++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `meibo-bench-${RUN_ID}-*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    redis.disconnect();
  }
}
// meibo as users run it: `npm start` (the build in dist/server, with the start script's node flags),
// not its sources through tsx, whose loader and unbundled modules cost CPU and memory of their own.
const meiboServer = (name: string, env: NodeJS.ProcessEnv) => startChild(name, 'npm', ['start', '--silent'], env, ROOT);

// ------------------------------------------------------------------------------------------------
// Servers

interface Target {
  id: string;
  label: string;
  engine: 'pglite' | 'postgres' | null;
  kind: 'meibo' | 'floor' | 'ceiling' | 'peer';
  child: Child;
  /** a peer's own wording of the operations it answers (meibo, floors and ceiling answer all, as sent) */
  peerOps?: Partial<Record<Operation['key'], PeerOperation>>;
  /** on PostgreSQL: the application_name of the server's connections, by which its backends are found */
  appName?: string;
  url: string;
  /** the process whose RSS is the server's (under `npm start`, node, not npm); CPU is the whole group's */
  rssPid: number;
  idleRss: number;
  peakRss: number;
}

const targets: Target[] = [];

/** The bench's own PostgreSQL session (schemas, and finding each server's backends). */
let pgAdmin: pg.Client | undefined;

/** The pids of `t`'s PostgreSQL backends, found by its application_name; undefined for a server without one. */
function backendsOf(t: Target): (() => Promise<number[]>) | undefined {
  const admin = pgAdmin;
  if (!t.appName || !admin) return undefined;
  return async () => (await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [t.appName])).rows.map((r) => r.pid);
}
const cleanups: Array<() => Promise<void> | void> = [];
atInterrupt(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
});

/** The process of `pgid`'s group that runs `script` (npm's child), else the group's leader. */
function processRunning(pgid: number, script: string): number {
  for (const pid of groupPids(pgid)) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((a) => a.endsWith(script))) return pid;
    } catch {
      // gone meanwhile
    }
  }
  return pgid;
}

async function addTarget(t: Omit<Target, 'url' | 'rssPid' | 'idleRss' | 'peakRss'>, ready: RegExp, timeoutMs = 180_000) {
  const { match } = await t.child.waitFor(ready, timeoutMs);
  const rssPid = t.kind === 'meibo' ? processRunning(t.child.pid, 'src/start.mjs') : t.child.pid;
  const target = { ...t, url: `http://127.0.0.1:${match[1]}/graphql`, rssPid, idleRss: rssMiB(rssPid) ?? NaN, peakRss: 0 };
  targets.push(target);
  return target;
}

/** `npm start` on a data dir: wall time to the ready line, the server's own figure, RSS of the group's server. */
async function npmStart(dataDir: string, label: string) {
  const child = startChild(`npm start (${label})`, 'npm', ['start', '--silent'], { MEIBO_DATA_DIR: dataDir, PORT: '0', ...cacheEnvFor('start') }, ROOT);
  const { match, ms } = await child.waitFor(READY, 180_000);
  await new Promise((r) => setTimeout(r, 300));
  const rss = groupMaxRss(child.pid);
  await child.stop();
  return { label, wallMs: ms, selfMs: Number(match[3]), detail: match[2]!, rss };
}

const tsxNode = (script: string) => ['--import', 'tsx', script];

/** What `t` is sent for `op`, or null when it has no answer to it (a peer). */
function bodyFor(t: Target, op: Operation): string | null {
  if (!t.peerOps) return requestBody(op);
  const peer = t.peerOps[op.key];
  return peer ? JSON.stringify({ query: peer.query }) : null;
}

const PEER_DIR = join(ROOT, 'bench/peers/postgraphile');
/** The peer's own install (its package-lock.json), apart from meibo's; offline when npm's cache has it. */
function installPeer() {
  if (existsSync(join(PEER_DIR, 'node_modules/postgraphile/package.json'))) return;
  log('installing the PostGraphile peer (bench/peers/postgraphile: npm ci)');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: PEER_DIR, stdio: 'inherit' });
}

// ------------------------------------------------------------------------------------------------
// Load

interface LoadResult {
  latencies: number[];
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  bad: number;
  peakRss: number;
  /** CPU ms spent during the run by the server's process group, and by PostgreSQL and Redis */
  cpu: { serverMs: number; servicesMs: number } | null;
}

/** `backends`: the pids of the server's own PostgreSQL backends (its application_name), whose CPU is then PostgreSQL's share instead of every postgres process's. */
async function load(url: string, body: string, connections: number, seconds: number, pid?: number, rssPid = pid, backends?: () => Promise<number[]>): Promise<LoadResult> {
  const cpu = pid ? (backends ? await sampleServerCpu(pid, backends) : sampleCpu(pid)) : null;
  return new Promise((resolvePromise, reject) => {
    const latencies: number[] = [];
    const rss = rssPid ? sampleRss(rssPid) : null;
    const instance = autocannon(
      { url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections, duration: seconds, timeout: 10 },
      async (err, result) => {
        const r = rss?.stop();
        const spent = (await cpu?.stop()) ?? null;
        if (err) return reject(err);
        latencies.sort((a, b) => a - b);
        resolvePromise({
          latencies,
          seconds,
          rps: latencies.length / seconds,
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          requests: latencies.length,
          bad: result.errors + result.timeouts + result.non2xx,
          peakRss: r?.peak ?? NaN,
          cpu: spent,
        });
      },
    );
    // autocannon's own histogram has 1 ms resolution; keep the exact (float ms) times instead.
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status === 200) latencies.push(ms);
    });
  });
}

/** A server that died under load makes every later figure meaningless: stop, and say how it died. */
function assertAlive(t: Target) {
  const { exitCode, signalCode } = t.child.proc;
  if (exitCode !== null || signalCode !== null) {
    throw new Error(`${t.id} (pid ${t.child.pid}) exited during the run (code ${exitCode}, signal ${signalCode}). Its last output:\n${t.child.output().slice(-3000)}`);
  }
}

/** Two runs of one server and operation as one: requests over total time, latencies pooled. */
function merge(a: LoadResult | undefined, b: LoadResult): LoadResult {
  if (!a) return b;
  const latencies = [...a.latencies, ...b.latencies].sort((x, y) => x - y);
  const seconds = a.seconds + b.seconds;
  return {
    latencies, seconds, rps: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99),
    requests: latencies.length, bad: a.bad + b.bad, peakRss: Math.max(a.peakRss, b.peakRss),
    cpu: a.cpu && b.cpu ? { serverMs: a.cpu.serverMs + b.cpu.serverMs, servicesMs: a.cpu.servicesMs + b.cpu.servicesMs } : null,
  };
}

async function post(url: string, body: string): Promise<{ status: number; text: string }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: r.status, text: await r.text() };
}

// ------------------------------------------------------------------------------------------------

async function main() {
  const began = performance.now();
  const tmp = mkdtempSync(join(tmpdir(), 'meibo-bench-'));
  cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
  cleanups.push(deleteRedisKeys);
  const cold: Array<Awaited<ReturnType<typeof npmStart>>> = [];

  if (ENGINES.includes('pglite')) {
    const dir = join(tmp, 'pglite');
    log('cold start: npm start on an empty embedded data dir');
    cold.push(await npmStart(dir, 'embedded, empty data dir (initdb + migrate + seed)'));
    log('cold start: npm start on the same data dir, reopened');
    cold.push(await npmStart(dir, 'embedded, reopened data dir'));
    const floorDir = join(tmp, 'pglite-floor');
    cpSync(dir, floorDir, { recursive: true }); // PGlite: one process per data dir, so the floor gets a copy
    log('starting meibo (pglite) and floor (pglite)');
    await addTarget(
      {
        id: 'meibo-pglite', label: `meibo · PGlite · cache ${CACHE}`, engine: 'pglite', kind: 'meibo',
        child: meiboServer('meibo-pglite', { MEIBO_DATA_DIR: dir, PORT: '0', ...cacheEnvFor('pglite') }),
      },
      READY,
    );
    if (CACHE !== 'off') {
      const yogaDir = join(tmp, 'pglite-yoga');
      cpSync(dir, yogaDir, { recursive: true });
      await addTarget(
        {
          id: 'meibo-pglite-yoga', label: `meibo · PGlite · cache ${CACHE}, hits through Yoga (MEIBO_FAST_PATH=false)`, engine: 'pglite', kind: 'meibo',
          child: meiboServer('meibo-pglite-yoga', { MEIBO_DATA_DIR: yogaDir, PORT: '0', MEIBO_FAST_PATH: 'false', ...cacheEnvFor('pglite-yoga') }),
        },
        READY,
      );
    }
    await addTarget(
      {
        id: 'floor-pglite', label: 'floor · PGlite (1 SQL + JSON.stringify)', engine: 'pglite', kind: 'floor',
        child: startChild('floor-pglite', process.execPath, tsxNode('bench/servers/floor.ts'), { FLOOR_ENGINE: 'pglite', FLOOR_PGLITE_DIR: floorDir }, ROOT),
      },
      BARE_READY,
    );
    const preparedFloorDir = join(tmp, 'pglite-floor-prepared');
    cpSync(dir, preparedFloorDir, { recursive: true });
    await addTarget(
      {
        id: 'floor-pglite-prepared', label: 'floor · PGlite, prepared statement', engine: 'pglite', kind: 'floor',
        child: startChild('floor-pglite-prepared', process.execPath, tsxNode('bench/servers/floor.ts'),
          { FLOOR_ENGINE: 'pglite', FLOOR_PGLITE_DIR: preparedFloorDir, FLOOR_PREPARED: 'true' }, ROOT),
      },
      BARE_READY,
    );
  }

  if (ENGINES.includes('postgres')) {
    const schema = `bench_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    pgAdmin = admin;
    await admin.query('CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public');
    cleanups.push(async () => {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    });
    const url = new URL(PG_URL);
    url.searchParams.set('schema', schema);
    /** `base` with the application_name its backends are found by (backendsOf) */
    const named = (base: string | URL, appName: string) => {
      const u = new URL(base);
      u.searchParams.set('application_name', appName);
      return u.toString();
    };
    log(`starting meibo (postgres, fresh schema ${schema}, migrate + seed on start)`);
    const t0 = performance.now();
    const meiboPg = await addTarget(
      {
        id: 'meibo-postgres', label: `meibo · PostgreSQL · cache ${CACHE}`, engine: 'postgres', kind: 'meibo', appName: `bench-${RUN_ID}-meibo`,
        child: meiboServer('meibo-postgres',
          { DATABASE_URL: named(url, `bench-${RUN_ID}-meibo`), MEIBO_MIGRATE_ON_START: 'true', PORT: '0', ...cacheEnvFor('postgres') }),
      },
      READY,
    );
    const m = meiboPg.child.output().match(READY)!;
    cold.push({ label: 'PostgreSQL, fresh schema (migrate + seed), npm start', wallMs: performance.now() - t0, selfMs: Number(m[3]), detail: m[2]!, rss: meiboPg.idleRss });
    if (CACHE !== 'off') {
      await addTarget(
        {
          id: 'meibo-postgres-yoga', label: `meibo · PostgreSQL · cache ${CACHE}, hits through Yoga (MEIBO_FAST_PATH=false)`, engine: 'postgres', kind: 'meibo', appName: `bench-${RUN_ID}-meibo-yoga`,
          child: meiboServer('meibo-postgres-yoga',
            { DATABASE_URL: named(url, `bench-${RUN_ID}-meibo-yoga`), PORT: '0', MEIBO_FAST_PATH: 'false', ...cacheEnvFor('postgres-yoga') }),
        },
        READY,
      );
    }
    await addTarget(
      {
        id: 'floor-postgres', label: 'floor · PostgreSQL (1 SQL + JSON.stringify)', engine: 'postgres', kind: 'floor', appName: `bench-${RUN_ID}-floor`,
        child: startChild('floor-postgres', process.execPath, tsxNode('bench/servers/floor.ts'),
          { FLOOR_ENGINE: 'pg', FLOOR_PG_URL: named(PG_URL, `bench-${RUN_ID}-floor`), FLOOR_PG_SCHEMA: schema }, ROOT),
      },
      BARE_READY,
    );
    // meibo prepares its statements on PostgreSQL (src/db/adapter.ts): so does this floor, for a
    // like-for-like comparison; the chair target is judged against the faster of the two floors.
    await addTarget(
      {
        id: 'floor-postgres-prepared', label: 'floor · PostgreSQL, prepared statement', engine: 'postgres', kind: 'floor', appName: `bench-${RUN_ID}-floor-prepared`,
        child: startChild('floor-postgres-prepared', process.execPath, tsxNode('bench/servers/floor.ts'),
          { FLOOR_ENGINE: 'pg', FLOOR_PG_URL: named(PG_URL, `bench-${RUN_ID}-floor-prepared`), FLOOR_PG_SCHEMA: schema, FLOOR_PREPARED: 'true' }, ROOT),
      },
      BARE_READY,
    );
    if (PEERS.includes('postgraphile') && CACHE === 'off') {
      installPeer();
      await addTarget(
        {
          id: 'postgraphile', label: 'PostGraphile 5.0.0-rc.3 · PostgreSQL', engine: 'postgres', kind: 'peer', appName: `bench-${RUN_ID}-postgraphile`,
          child: startChild('postgraphile', process.execPath, ['server.mjs'], { PEER_PG_URL: named(PG_URL, `bench-${RUN_ID}-postgraphile`), PEER_PG_SCHEMA: schema, GRAPHILE_ENV: 'production' }, PEER_DIR),
          peerOps: POSTGRAPHILE_OPERATIONS,
        },
        BARE_READY,
      );
    }
  }

  // The ceiling serves meibo's own bytes; every server must give the same data as meibo.
  const reference = targets.find((t) => t.kind === 'meibo')!;
  const responses: Record<string, string> = {};
  for (const op of OPERATIONS) {
    const r = await post(reference.url, requestBody(op));
    if (r.status !== 200 || JSON.parse(r.text).errors) throw new Error(`meibo answered ${op.key} with ${r.status}: ${r.text.slice(0, 500)}`);
    responses[op.query] = r.text;
  }
  const responsesFile = join(tmp, 'ceiling.json');
  writeFileSync(responsesFile, JSON.stringify(responses));
  await addTarget(
    {
      id: 'ceiling', label: 'ceiling (precomputed response)', engine: null, kind: 'ceiling',
      child: startChild('ceiling', process.execPath, tsxNode('bench/servers/ceiling.ts'), { CEILING_RESPONSES: responsesFile }, ROOT),
    },
    BARE_READY,
  );
  const mismatches: string[] = [];
  for (const op of OPERATIONS) {
    const want = JSON.parse(responses[op.query]!).data;
    for (const t of targets) {
      const body = bodyFor(t, op);
      if (body === null) continue;
      const r = await post(t.url, body);
      const data = r.status === 200 ? JSON.parse(r.text).data : undefined;
      const got = data && t.peerOps ? t.peerOps[op.key]!.toMeibo(data) : data;
      if (!isDeepStrictEqual(got, want)) mismatches.push(`${t.id} ${op.key}: ${r.text.slice(0, 300)}`);
    }
  }
  if (mismatches.length) throw new Error(`servers disagree with meibo, so the comparison would be meaningless:\n${mismatches.join('\n')}`);
  log(`all ${targets.length} servers give meibo's answer to the ${OPERATIONS.length} operations`);

  // Side by side: for each operation, every server in turn, same load; in ROUNDS interleaved
  // rounds, so that a burst of other work on the machine falls on every server, not on one.
  // Warm-up first, every server on every operation: a long-running server is measured, not the
  // JIT compiling it (meibo's CPU per request halves over its first ~10 s under load).
  for (const t of targets) {
    for (const op of OPERATIONS) {
      const body = bodyFor(t, op);
      if (body !== null) await load(t.url, body, CONNECTIONS, WARMUP);
    }
    assertAlive(t);
  }
  log(`warmed up: ${WARMUP} s per server and operation`);
  const results = new Map<string, LoadResult>();
  const perRound = DURATION / ROUNDS;
  for (let round = 0; round < ROUNDS; round++) {
    for (const op of OPERATIONS) {
      for (const t of targets) {
        const body = bodyFor(t, op);
        if (body === null) continue;
        const r = await load(t.url, body, CONNECTIONS, perRound, t.child.pid, t.rssPid, backendsOf(t));
        assertAlive(t);
        t.peakRss = Math.max(t.peakRss, r.peakRss);
        const key = `${op.key}|${t.id}`;
        results.set(key, merge(results.get(key), r));
        log(`round ${round + 1}/${ROUNDS} ${op.key.padEnd(8)} ${t.id.padEnd(15)} ${fmt(r.rps)} req/s  p50 ${fmt(r.p50)} ms  p99 ${fmt(r.p99)} ms  rss ${fmt(r.peakRss, 0)} MiB${r.bad ? `  ${r.bad} errors/non-2xx!` : ''}`);
      }
    }
  }
  // One connection: per-request latency without queueing, for the chair target.
  const chair = ALL_OPERATIONS.find((o) => o.key === 'chair')!;
  const single = new Map<string, LoadResult>();
  for (const t of targets) {
    const body = bodyFor(t, chair);
    if (body === null || !OPERATIONS.includes(chair)) continue;
    await load(t.url, body, 1, WARMUP);
    const r = await load(t.url, body, 1, SINGLE_DURATION, t.child.pid, t.rssPid, backendsOf(t));
    assertAlive(t);
    single.set(t.id, r);
    log(`chair x1   ${t.id.padEnd(15)} ${fmt(r.rps)} req/s  p50 ${fmt(r.p50)} ms  p99 ${fmt(r.p99)} ms`);
  }

  for (const t of targets) await t.child.stop();
  const totalS = (performance.now() - began) / 1000;
  const markdown = render(results, single, cold, totalS);
  console.log(markdown);
  if (WRITE) {
    // a run of some operations (--ops) has a section of its own, beside the full run's
    const section = `bench:http${CACHE === 'off' ? '' : `:cache-${CACHE}`}${OPS_ARG ? `:${OPERATIONS.map((o) => o.key).join('-')}` : ''}`;
    writeSection(join(ROOT, 'BENCHMARKS.md'), section, markdown);
    log('wrote BENCHMARKS.md');
  }
}

// ------------------------------------------------------------------------------------------------
// Report

/** The floor of an engine with the lowest p50 (results keyed `${op}|${id}`, or by id when op is null). */
function fastestFloor(results: Map<string, LoadResult>, op: string | null, engine: string | null) {
  let best: { label: string; result: LoadResult } | undefined;
  for (const t of targets.filter((x) => x.kind === 'floor' && x.engine === engine)) {
    const r = results.get(op === null ? t.id : `${op}|${t.id}`);
    if (r && (!best || r.p50 < best.result.p50)) best = { label: t.label, result: r };
  }
  return best;
}

/** CPU ms per answered request: the server's process group, PostgreSQL's and Redis's processes, both. */
function cpuPerRequest(r: LoadResult) {
  if (!r.cpu || r.requests === 0) return null;
  const server = r.cpu.serverMs / r.requests;
  const services = r.cpu.servicesMs / r.requests;
  return { server, services, total: server + services };
}

function render(results: Map<string, LoadResult>, single: Map<string, LoadResult>, cold: Array<Awaited<ReturnType<typeof npmStart>>>, totalS: number) {
  const ceiling = (op: string) => results.get(`${op}|ceiling`);
  // Where there are two floors (PostgreSQL: plain and prepared), ratios are to the faster one.
  const floorOf = (op: string, engine: string | null) => fastestFloor(results, op, engine)?.result;
  const ratio = (a: number, b: number | undefined) => (b ? `${fmt(a / b)}×` : '–');
  const cpuCell = (r: LoadResult) => {
    const c = cpuPerRequest(r);
    return c ? `${fmt(c.server, 3)} + ${fmt(c.services, 3)}` : '–';
  };
  const rows: string[][] = [];
  for (const op of OPERATIONS) {
    for (const t of targets) {
      const r = results.get(`${op.key}|${t.id}`);
      if (!r) continue;
      const floor = t.kind === 'meibo' ? floorOf(op.key, t.engine) : undefined;
      rows.push([
        t === targets[0] ? `**${op.label}**<br>${t.label}` : t.label,
        fmt(r.rps, 0),
        fmt(r.p50),
        fmt(r.p99),
        cpuCell(r),
        t.kind === 'meibo' ? ratio(r.p50, floor?.p50) : '',
        t.kind === 'meibo' ? ratio(r.rps, floor?.rps) : '',
        t.kind !== 'ceiling' ? ratio(r.rps, ceiling(op.key)?.rps) : '',
        fmt(r.peakRss, 0),
      ]);
    }
  }
  const main = table(['operation / server', 'req/s', 'p50 ms', 'p99 ms', 'CPU ms/req: server + PostgreSQL, Redis', 'p50 ÷ floor p50', 'req/s ÷ floor', 'req/s ÷ ceiling', 'RSS peak MiB'], rows);

  const singleRows = targets.filter((t) => single.has(t.id)).map((t) => {
    const r = single.get(t.id)!;
    const f = t.kind === 'meibo' ? fastestFloor(single, null, t.engine)?.result : undefined;
    return [t.label, fmt(r.rps, 0), fmt(r.p50), fmt(r.p99), t.kind === 'meibo' ? ratio(r.p50, f?.p50) : ''];
  });
  const singleTable = table(['server (chair, 1 connection)', 'req/s', 'p50 ms', 'p99 ms', 'p50 ÷ floor p50'], singleRows);

  const verdict = (ok: boolean) => (ok ? '**met**' : '**not met**');
  const targetRows: string[][] = [];
  // Each run judges what it measures: the GraphQL path against the floor without a cache, the
  // cache against the ceiling with one (a cache hit against SQL, or no cache against the ceiling,
  // says nothing about either target).
  // Against every floor of the engine (on PostgreSQL: the statement as sent, as the issue's floor
  // is written, and prepared, as meibo sends its own); the summary reads the stricter one.
  for (const t of targets.filter((x) => x.kind === 'meibo' && CACHE === 'off')) {
    for (const f of targets.filter((x) => x.kind === 'floor' && x.engine === t.engine)) {
      for (const [runs, where] of [[results, `${CONNECTIONS} connections`], [single, '1 connection']] as const) {
        const m = runs.get(runs === single ? t.id : `chair|${t.id}`);
        const r = runs.get(runs === single ? f.id : `chair|${f.id}`);
        if (!m || !r) continue;
        targetRows.push([`chair: meibo p50 ≤ 2× SQL floor p50, ${t.label}, ${where}`, `${fmt(m.p50)} vs ${fmt(r.p50)} ms (${f.label}) = ${fmt(m.p50 / r.p50)}×`, verdict(m.p50 <= 2 * r.p50)]);
      }
      // The same cost as CPU time, which the load generator's share of the cores does not move.
      const mr = results.get(`chair|${t.id}`);
      const fr = results.get(`chair|${f.id}`);
      const m = mr && cpuPerRequest(mr);
      const r = fr && cpuPerRequest(fr);
      if (m && r) {
        targetRows.push([
          `chair: meibo CPU per request ≤ 2× SQL floor's (server + PostgreSQL, Redis), ${t.label}, ${CONNECTIONS} connections`,
          `${fmt(m.total, 3)} vs ${fmt(r.total, 3)} ms (${f.label}) = ${fmt(m.total / r.total)}×`,
          verdict(m.total <= 2 * r.total),
        ]);
      }
    }
  }
  // The peer (issue 17, goal 2): on PostgreSQL meibo at most half PostGraphile's CPU per request,
  // on PGlite at most PostGraphile's; and on PostgreSQL at most 2.5× the floor's.
  for (const peer of targets.filter((x) => x.kind === 'peer')) {
    for (const op of OPERATIONS) {
      const p = results.get(`${op.key}|${peer.id}`);
      const pc = p && cpuPerRequest(p);
      if (!p || !pc) continue;
      for (const t of targets.filter((x) => x.kind === 'meibo')) {
        const m = results.get(`${op.key}|${t.id}`);
        const mc = m && cpuPerRequest(m);
        if (!m || !mc) continue;
        const bound = t.engine === 'postgres' ? 0.5 : 1;
        targetRows.push([
          `${op.key}: meibo CPU per request ≤ ${bound}× PostGraphile's, ${t.label}`,
          `${fmt(mc.total, 3)} vs ${fmt(pc.total, 3)} ms = ${fmt(mc.total / pc.total)}× (req/s ${fmt(m.rps, 0)} vs ${fmt(p.rps, 0)})`,
          verdict(mc.total <= bound * pc.total),
        ]);
      }
    }
  }
  for (const t of targets.filter((x) => x.kind === 'meibo' && x.engine === 'postgres' && CACHE === 'off')) {
    for (const op of OPERATIONS) {
      const m = results.get(`${op.key}|${t.id}`);
      const f = fastestFloor(results, op.key, 'postgres');
      const mc = m && cpuPerRequest(m);
      const fc = f && cpuPerRequest(f.result);
      if (!f || !mc || !fc) continue;
      targetRows.push([`${op.key}: meibo CPU per request ≤ 2.5× the floor's, ${t.label}`, `${fmt(mc.total, 3)} vs ${fmt(fc.total, 3)} ms (${f.label}) = ${fmt(mc.total / fc.total)}×`, verdict(mc.total <= 2.5 * fc.total)]);
    }
  }
  for (const t of targets.filter((x) => x.kind === 'meibo' && CACHE !== 'off')) {
    for (const op of OPERATIONS) {
      const r = results.get(`${op.key}|${t.id}`)!;
      const c = ceiling(op.key)!;
      targetRows.push([
        `repeated ${op.key}: meibo req/s ≥ ½ ceiling, ${t.label}`,
        `${fmt(r.rps, 0)} vs ${fmt(c.rps, 0)} req/s = ${fmt((100 * r.rps) / c.rps, 1)} %`,
        verdict(r.rps >= c.rps / 2),
      ]);
    }
  }
  const targetTable = table(['target', 'measured', 'result'], targetRows);

  const coldTable = table(
    ['start', 'to "meibo ready" (wall, from spawn)', "server's own figure", 'RSS at ready MiB'],
    cold.map((c) => [c.label, `${fmt(c.wallMs, 0)} ms`, `${fmt(c.selfMs, 0)} ms`, fmt(c.rss, 0)]),
  );
  const rssTable = table(
    ['server', 'RSS idle after start MiB', `RSS peak under load MiB`],
    targets.map((t) => [t.label, fmt(t.idleRss, 0), fmt(t.peakRss, 0)]),
  );
  const bad = [...results.values(), ...single.values()].reduce((n, r) => n + r.bad, 0);
  const cmd = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;

  return `## HTTP: meibo vs SQL floor vs ceiling${CACHE === 'off' ? '' : ` (cache=${CACHE})`}

Command: \`${cmd}\` (${CONNECTIONS} connections, ${DURATION} s per server and operation in ${ROUNDS} interleaved round${ROUNDS > 1 ? 's' : ''} of ${fmt(DURATION / ROUNDS, 1)} s, after a warm-up of ${WARMUP} s per server and operation; chair also with 1 connection for ${SINGLE_DURATION} s; whole run ${fmt(totalS, 0)} s).
Load generator: autocannon in the bench process, on the same machine as the servers (and PostgreSQL): it takes CPU from them, most visibly against the ceiling.
Latency: exact per-request times (autocannon's own histogram rounds to 1 ms). ${bad ? `**${bad} requests failed or were not 2xx.**` : 'No errors, timeouts or non-2xx responses.'}

${machineFacts()}

Servers (all checked to give meibo's exact \`data\` before the load):
- **meibo**: \`npm start\` (the build in dist/server, the start script's node flags), embedded PGlite on a temp MEIBO_DATA_DIR, or PostgreSQL (a fresh schema in database \`test\`, migrated and seeded on start, dropped afterwards). Started with MEIBO_RESPONSE_CACHE=${CACHE}.${CACHE === 'off' ? '' : ' Cache hits are answered by the HTTP fast path (src/fast-path.ts) before Yoga; the rows "hits through Yoga" are the same server with MEIBO_FAST_PATH=false.'}
- **floor**: \`bench/servers/floor.ts\`, bare node:http, one hand-written SQL statement per operation + JSON.stringify, on the same engine (pg pool of 10 / PGlite on a copy of meibo's data dir). No coverage check, no GraphQL. On each engine twice: as sent (parsed and planned each time) and as a prepared statement, as meibo sends its own; ratios are to the faster floor.
- **ceiling**: \`bench/servers/ceiling.ts\`, bare node:http returning meibo's response bytes, precomputed.${targets.some((t) => t.kind === 'peer') ? `
- **PostGraphile** (peer): 5.0.0-rc.3 with the amber preset, \`bench/peers/postgraphile/server.mjs\` (its own package.json and lock, all graphile packages pinned to the rc.3 train), over the same PostgreSQL schema, pg pool of 10; the as-of rule as two STABLE SQL functions (chair, members) it exposes as query fields. Only the questions it has a wording for (bench/queries.ts), checked to give meibo's data.` : ''}

${main}

Chair, one connection at a time (latency without queueing):

${singleTable}

### Targets

${targetTable}
${CACHE === 'off' ? '' : `
With a response cache, the repeated requests are cache hits: the floor comparison then sets cache hits against uncached SQL, so the chair/floor rows above say little about the GraphQL path itself (see the cache-off section for that).
`}

### Cold start (\`npm start\`) and memory

${coldTable}

${rssTable}

RSS: VmRSS from /proc/<pid>/status, sampled every 200 ms during each run.
CPU ms/req: user + system time from /proc/<pid>/stat over each run, divided by the requests answered: the server's process group, and the services it uses: a PostgreSQL server's own backends (found by the application_name its connection string gives them; not the other servers' idle backends nor PostgreSQL's background workers), every postgres process for the embedded servers and the ceiling (a little idle noise), and redis-server (which holds the shared copy of the answers in the redis cache mode; the version a hit is checked against comes from PostgreSQL's LISTEN, not Redis). PGlite runs inside the server's process, so its share is in the first figure. The load generator's CPU is in neither, so this cost does not move with the share of the cores it takes, as latency does.
`;
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const t of targets) await t.child.stop().catch(() => {});
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch((e) => console.error('cleanup:', e));
    process.exit(process.exitCode ?? 0);
  });
