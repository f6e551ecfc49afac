// `npm run bench:start`: how long `npm start` takes to give its first correct answer, and how
// much memory it holds, on a fresh embedded data directory (a clone's first start) and on the same
// directory again (every later start). Optionally on PostgreSQL (an already migrated and seeded
// schema, as production runs it).
//
//   npm run bench:start
//   npm run bench:start -- --runs=5 --postgres --no-write --load-seconds=10
//
// Each run: spawn `npm start` (its own process group) on a free port, ask the chair question every
// 25 ms from the moment of the spawn until the answer is right (equal to the first run's answer,
// which must be a chair), then sample the group's largest RSS for 3 s of idleness.
// Wall time is from spawn to that first correct answer, so npm's own start is in it.
// Then, on one more later start of each database, the memory under load: autocannon for
// --load-seconds (default 10; 0: none) on the members question, 10 connections, as `npm start`
// runs (the response cache on) and with MEIBO_RESPONSE_CACHE=off (every request a miss).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { freePort, groupMaxRss, sampleCpu, startChild } from './lib/children.js';
import { fmt, machineFacts, median, table, writeSection } from './lib/report.js';
import { OPERATIONS, requestBody } from './queries.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'] as const;
  }),
);
const RUNS = Math.max(1, Math.min(20, Number(args.get('runs') ?? 5)));
const POSTGRES = args.get('postgres') === 'true';
const WRITE = args.get('no-write') !== 'true';
const PG_URL = process.env.MEIBO_BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const IDLE_MS = 3_000;
const LOAD_SECONDS = Math.max(0, Math.min(120, Number(args.get('load-seconds') ?? 10)));
const log = (s: string) => console.error(`[bench:start ${new Date().toISOString().slice(11, 19)}] ${s}`);
const chair = OPERATIONS.find((o) => o.key === 'chair')!;
const members = OPERATIONS.find((o) => o.key === 'members')!;

interface Run {
  ms: number;
  peakMiB: number;
  idleMiB: number;
  load?: Load;
}

interface Load {
  requests: number;
  bad: number;
  /** the server's CPU (its process group) per request, ms */
  cpuMs: number;
  peakMiB: number;
  /** RSS 3 s after the load ended */
  afterMiB: number;
}

/** autocannon on the members question for LOAD_SECONDS, sampling the group's largest RSS every 25 ms. */
async function underLoad(port: number, pgid: number, peakSoFar: number): Promise<Load> {
  let peak = peakSoFar;
  const sampler = setInterval(() => (peak = Math.max(peak, groupMaxRss(pgid))), 25);
  const cpu = sampleCpu(pgid);
  try {
    const result = await autocannon({
      url: `http://127.0.0.1:${port}/graphql`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: requestBody(members),
      connections: 10,
      duration: LOAD_SECONDS,
      timeout: 10,
    });
    const spent = cpu.stop();
    peak = Math.max(peak, groupMaxRss(pgid));
    const requests = result.requests.total;
    await new Promise((r) => setTimeout(r, IDLE_MS));
    return { requests, bad: result.errors + result.timeouts + result.non2xx, cpuMs: spent.serverMs / Math.max(1, requests), peakMiB: peak, afterMiB: groupMaxRss(pgid) };
  } finally {
    clearInterval(sampler);
  }
}

let reference: unknown;

/** One `npm start` in env: spawn → first correct answer, peak RSS until then, RSS after IDLE_MS. */
async function oneStart(env: NodeJS.ProcessEnv, withLoad = false): Promise<Run> {
  const port = await freePort();
  const child = startChild('npm start', 'npm', ['start', '--silent'], { PORT: String(port), HOST: '127.0.0.1', REDIS_URL: '', ...env }, ROOT);
  const started = performance.now();
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, groupMaxRss(child.pid))), 25);
  try {
    for (;;) {
      if (child.proc.exitCode !== null) throw new Error(`npm start exited (${child.proc.exitCode}):\n${child.output().slice(-3000)}`);
      if (performance.now() - started > 180_000) throw new Error(`no correct answer in 180 s:\n${child.output().slice(-3000)}`);
      const data = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: requestBody(chair),
        signal: AbortSignal.timeout(5_000),
      })
        .then(async (r) => (r.status === 200 ? ((await r.json()) as { data?: { chair?: unknown }; errors?: unknown }) : null))
        .catch(() => null);
      if (data && !data.errors && data.data?.chair) {
        reference ??= data.data;
        if (!isDeepStrictEqual(data.data, reference)) throw new Error(`a different answer than the first run's: ${JSON.stringify(data)}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    const ms = performance.now() - started;
    await new Promise((r) => setTimeout(r, IDLE_MS));
    peak = Math.max(peak, groupMaxRss(child.pid));
    const idleMiB = groupMaxRss(child.pid);
    clearInterval(sampler);
    const load = withLoad ? await underLoad(port, child.pid, idleMiB) : undefined;
    return { ms, peakMiB: peak, idleMiB, load };
  } finally {
    clearInterval(sampler);
    await child.stop();
  }
}

async function main() {
  const rows: string[][] = [];
  const record = (label: string, runs: Run[]) => {
    const ms = runs.map((r) => r.ms);
    rows.push([
      label,
      `${fmt(median(ms), 0)} (${fmt(Math.min(...ms), 0)}–${fmt(Math.max(...ms), 0)})`,
      fmt(median(runs.map((r) => r.peakMiB)), 0),
      fmt(Math.max(...runs.map((r) => r.peakMiB)), 0),
      fmt(median(runs.map((r) => r.idleMiB)), 0),
    ]);
    log(`${label}: ${runs.map((r) => `${fmt(r.ms, 0)} ms / peak ${fmt(r.peakMiB, 0)} / idle ${fmt(r.idleMiB, 0)} MiB`).join('; ')}`);
  };
  const first: Run[] = [];
  const later: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    const tmp = mkdtempSync(join(tmpdir(), 'meibo-start-'));
    try {
      const env = { MEIBO_DATA_DIR: join(tmp, 'pglite') };
      first.push(await oneStart(env));
      later.push(await oneStart(env));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  record('embedded, fresh data directory (a clone\'s first start)', first);
  record('embedded, the same directory again (a later start)', later);

  const loads: string[][] = [];
  const recordLoad = (label: string, run: Run) => {
    const l = run.load!;
    loads.push([label, fmt(run.idleMiB, 0), fmt(l.peakMiB, 0), fmt(l.afterMiB, 0), String(l.requests), fmt(l.cpuMs, 3), String(l.bad)]);
    log(`${label}: idle ${fmt(run.idleMiB, 0)}, under load ${fmt(l.peakMiB, 0)}, after ${fmt(l.afterMiB, 0)} MiB; ${l.requests} requests, ${fmt(l.cpuMs, 3)} ms CPU each, ${l.bad} bad`);
  };
  const loaded = async (label: string, env: NodeJS.ProcessEnv) => {
    if (LOAD_SECONDS === 0) return;
    recordLoad(`${label}, response cache as configured`, await oneStart(env, true));
    recordLoad(`${label}, MEIBO_RESPONSE_CACHE=off`, await oneStart({ ...env, MEIBO_RESPONSE_CACHE: 'off' }, true));
  };
  {
    const tmp = mkdtempSync(join(tmpdir(), 'meibo-start-'));
    try {
      const env = { MEIBO_DATA_DIR: join(tmp, 'pglite') };
      await oneStart(env);
      await loaded('embedded', env);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }

  if (POSTGRES) {
    const schema = `bench_start_${randomBytes(4).toString('hex')}`;
    const url = new URL(PG_URL);
    url.searchParams.set('schema', schema);
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      await admin.query('CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public');
      const env = { DATABASE_URL: url.toString() };
      // migrated and seeded once, as `npm run db:deploy && npm run db:seed` leave it
      await oneStart({ ...env, MEIBO_MIGRATE_ON_START: 'true' });
      const runs: Run[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await oneStart(env));
      record('PostgreSQL, migrated and seeded schema', runs);
      await loaded('PostgreSQL', env);
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  }

  const cmd = `npm run bench:start${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const markdown = `## Start: \`npm start\` to its first correct answer

Command: \`${cmd}\` (${RUNS} runs of each; medians, range in brackets).
Each run spawns \`npm start\` on a free port and asks the chair question every 25 ms from the spawn
on; the time is from spawn to the first correct answer (npm's own start included). RSS is the
largest process of the group (the server), sampled every 25 ms until that answer (peak) and
${IDLE_MS / 1000} s later (idle).

${machineFacts()}

${table(['start', 'ms to first correct answer', 'peak RSS MiB (median)', 'peak RSS MiB (max)', 'idle RSS MiB'], rows)}
${
  loads.length
    ? `
Under load (one later start each): autocannon, ${LOAD_SECONDS} s, 10 connections, the members question; RSS of the
server sampled every 25 ms (peak), and ${IDLE_MS / 1000} s after the load; CPU of the server's process group per request.

${table(['server', 'idle RSS MiB', 'peak RSS MiB under load', 'RSS MiB after', 'requests', 'CPU ms/request', 'errors'], loads)}
`
    : ''
}`;
  console.log(markdown);
  if (WRITE) writeSection(join(ROOT, 'BENCHMARKS.md'), 'bench:start', markdown);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
