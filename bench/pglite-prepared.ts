// `npx tsx bench/pglite-prepared.ts`: what src/db/pglite-prepared.ts (prepared statements on the
// embedded PGlite, MEIBO_PG_PREPARED_STATEMENTS) buys, uncached.
//
// Two embedded databases in one process, migrated and seeded as the server does it, each with
// meibo's own Prisma client and GraphQL server (createApp, no response cache): one with prepared
// statements (the default), one with MEIBO_PG_PREPARED_STATEMENTS=false (PGlite's own query():
// every statement parsed and planned anew). The HTTP benchmark's operations (bench/queries.ts) are
// answered by yoga.fetch one at a time, in interleaved rounds (on, off, off, on, …) so that other
// work on the machine falls on both; per request: wall time, and the process's CPU time
// (PGlite runs in the process, so its work is in it).
//
//   npx tsx bench/pglite-prepared.ts                       # 3 rounds of 3 s per variant and operation
//   npx tsx bench/pglite-prepared.ts --seconds=3 --rounds=3 --no-write
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { seedDatabase } from '../prisma/seed.js';
import { createApp } from '../src/app.js';
import { closeDatabase } from '../src/db/adapter.js';
import { createPrismaClient, type DbClient } from '../src/db/client.js';
import type { DbConfig } from '../src/db/config.js';
import { deployMigrations } from '../src/db/migrate.js';
import { atInterrupt } from './lib/children.js';
import { fmt, machineFacts, percentile, table, writeSection } from './lib/report.js';
import { OPERATIONS, requestBody, type Operation } from './queries.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'] as const;
  }),
);
const SECONDS = Math.min(30, Math.max(0.5, Number(args.get('seconds') ?? 3)));
const ROUNDS = Math.min(10, Math.max(1, Math.round(Number(args.get('rounds') ?? 3))));
const WARMUP_SECONDS = 3;
const WRITE = args.get('no-write') !== 'true';
const log = (s: string) => console.error(`[pglite-prepared ${new Date().toISOString().slice(11, 19)}] ${s}`);

interface Variant { id: 'on' | 'off'; label: string; config: DbConfig; client?: DbClient; yoga?: ReturnType<typeof createApp> }
interface Run { latencies: number[]; cpuMs: number; seconds: number }

const tmp = mkdtempSync(join(tmpdir(), 'meibo-pglite-prepared-'));
const variants: Variant[] = [
  { id: 'on', label: 'prepared (default)', config: { kind: 'pglite', dataDir: join(tmp, 'on'), preparedStatements: true } },
  { id: 'off', label: 'MEIBO_PG_PREPARED_STATEMENTS=false', config: { kind: 'pglite', dataDir: join(tmp, 'off'), preparedStatements: false } },
];
const cleanup = async () => {
  for (const v of variants) {
    await v.client?.close().catch(() => {});
    await closeDatabase(v.config).catch(() => {});
  }
  rmSync(tmp, { recursive: true, force: true });
};
atInterrupt(cleanup);

async function ask(v: Variant, op: Operation): Promise<string> {
  const response = await v.yoga!.fetch('http://bench/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: requestBody(op) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${v.id} ${op.key}: ${response.status} ${text.slice(0, 300)}`);
  return text;
}

/** Requests one at a time for `seconds`: each one's wall time, and the process's CPU time over them all. */
async function run(v: Variant, op: Operation, seconds: number): Promise<Run> {
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const stopAt = t0 + seconds * 1000;
  while (performance.now() < stopAt) {
    const t = performance.now();
    await ask(v, op);
    latencies.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  return { latencies, cpuMs: (cpu.user + cpu.system) / 1000, seconds: (performance.now() - t0) / 1000 };
}

async function main() {
  const began = performance.now();
  for (const v of variants) {
    log(`${v.id}: migrate and seed ${v.config.kind === 'pglite' ? v.config.dataDir : ''}`);
    await deployMigrations(v.config);
    v.client = createPrismaClient(v.config);
    await seedDatabase(v.client.prisma);
    v.yoga = createApp(v.client.prisma);
  }
  for (const op of OPERATIONS) {
    const [a, b] = await Promise.all(variants.map(async (v) => JSON.parse(await ask(v, op)) as { data?: unknown; errors?: unknown }));
    if (a!.errors || !isDeepStrictEqual(a, b)) throw new Error(`the two variants answer ${op.key} differently: ${JSON.stringify([a, b]).slice(0, 500)}`);
  }
  log('both variants give the same answers; warming up');
  for (const v of variants) for (const op of OPERATIONS) await run(v, op, WARMUP_SECONDS);

  const totals = new Map<string, Run>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const op of OPERATIONS) {
      // on, off in even rounds; off, on in odd ones
      for (const v of round % 2 === 0 ? variants : [...variants].reverse()) {
        const r = await run(v, op, SECONDS);
        const key = `${op.key}|${v.id}`;
        const t = totals.get(key);
        totals.set(key, t ? { latencies: [...t.latencies, ...r.latencies], cpuMs: t.cpuMs + r.cpuMs, seconds: t.seconds + r.seconds } : r);
        log(`round ${round + 1}/${ROUNDS} ${op.key.padEnd(8)} ${v.id.padEnd(3)} ${fmt(r.latencies.length / r.seconds, 0)} req/s, ${fmt(r.cpuMs / r.latencies.length, 3)} ms CPU a request`);
      }
    }
  }

  const stats = (r: Run) => {
    const sorted = [...r.latencies].sort((x, y) => x - y);
    return { rps: sorted.length / r.seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), cpu: r.cpuMs / sorted.length, n: sorted.length };
  };
  const rows: string[][] = [];
  const summary: string[][] = [];
  for (const op of OPERATIONS) {
    const on = stats(totals.get(`${op.key}|on`)!);
    const off = stats(totals.get(`${op.key}|off`)!);
    for (const [v, s] of [[variants[0]!, on], [variants[1]!, off]] as const) {
      rows.push([v.id === 'on' ? `**${op.label}**<br>${v.label}` : v.label, fmt(s.rps, 0), fmt(s.p50), fmt(s.p99), fmt(s.cpu, 3), s.n.toLocaleString('en-US')]);
    }
    summary.push([op.label, `${fmt(off.cpu, 3)} → ${fmt(on.cpu, 3)} ms (${fmt(off.cpu / on.cpu)}×)`, `${fmt(off.rps, 0)} → ${fmt(on.rps, 0)} (${fmt(on.rps / off.rps)}×)`, `${fmt(off.p50)} → ${fmt(on.p50)} ms`]);
  }
  const totalS = (performance.now() - began) / 1000;
  const cmd = `npx tsx bench/pglite-prepared.ts${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
  const markdown = `## PGlite: what prepared statements (src/db/pglite-prepared.ts) buy, uncached

Command: \`${cmd}\` (${ROUNDS} interleaved rounds of ${SECONDS} s per variant and operation, after ${WARMUP_SECONDS} s of warm-up of each; whole run ${fmt(totalS, 0)} s).

${machineFacts()}

Two embedded databases in one process, migrated and seeded as the server does (\`deployMigrations\`, \`seedDatabase\`), each under meibo's own Prisma client and GraphQL server (\`createApp\`, no response cache, so every request runs its SQL): one with prepared statements (\`src/db/pglite-prepared.ts\`, the default), one with \`MEIBO_PG_PREPARED_STATEMENTS=false\` (PGlite's own \`query()\`: every statement parsed and planned anew). The HTTP benchmark's operations (bench/queries.ts), answered by \`yoga.fetch\` in process one at a time (no HTTP, no concurrency: PGlite runs on the one thread anyway). **CPU ms/req**: the process's user + system time over the requests (PGlite's work included). Both variants give the same answers (checked first).

| operation / variant | req/s (one at a time, in process) | p50 ms | p99 ms | CPU ms/req | requests |
| --- | ---: | ---: | ---: | ---: | ---: |
${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}

Off → on:

${table(['operation', 'CPU per request', 'req/s', 'p50'], summary)}
`;
  console.log(markdown);
  if (WRITE) {
    writeSection(join(ROOT, 'BENCHMARKS.md'), 'bench:pglite-prepared', markdown);
    log('wrote BENCHMARKS.md');
  }
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanup().catch((e) => console.error('cleanup:', e));
    process.exit(process.exitCode ?? 0);
  });
