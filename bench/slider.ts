// `npm run bench:slider`: a dashboard time slider (issue 17, goal 1; BENCHMARKS.md). Two servers as
// users run them (`npm start`: the build in dist/server, PGlite, default log level), one with
// MEIBO_RESPONSE_CACHE=memory and one with it off, loaded by autocannon from this process:
//
// - first visits: 365 distinct days inside one revision interval (2025-07-02 … 2026-07-01), each
//   asked once, for DOCS documents at a time (the same question under DOCS aliases, so that a pass
//   is long enough to time: 365 × DOCS requests), after one request per document has computed its
//   answer for the interval;
// - again: the same requests once more (first visits and repeats alternate by chunks of 25 days, so
//   that both meet the same moments of a shared machine); and the 365 days of one of the documents
//   to the uncached server;
// - a slider on the other axis: a known document asked with a new `knownAt` each request, every one
//   after the latest decision (one decision step: src/read/decisions.ts), so all but the first are
//   first visits the cache answers; and true misses: a new document each request; each beside the
//   same requests to the uncached server, by chunks of 100 taken in turn by the two servers.
//
// Figures per pass: req/s, and the server's own CPU per request (utime + stime of its process
// group from /proc, the load generator excluded). Rounds are interleaved; each uses new documents.
//
//   npm run bench:slider -- --rounds=5 --docs=20 --connections=8 [--chunk=25] [--misses=1000] [--fast-path=false]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { atInterrupt, groupPids, startChild, type Child } from './lib/children.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const ROUNDS = Number(args.get('rounds') ?? 5);
const DOCS = Number(args.get('docs') ?? 20);
const CONNECTIONS = Number(args.get('connections') ?? 8);
const MISSES = Number(args.get('misses') ?? 1_000);
const CHUNK = Number(args.get('chunk') ?? 25);

const log = (s: string) => console.error(`[slider ${new Date().toISOString().slice(11, 19)}] ${s}`);
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
/** utime + stime, ms, of every process of the group (npm-less: node → server) */
function groupCpuMs(pgid: number): number {
  let ms = 0;
  for (const pid of groupPids(pgid)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ms += ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
    } catch {
      /* gone */
    }
  }
  return ms;
}

const FIELDS = 'position post { title organization { name } } source { clause revision { decidedOn } }';
const doc = (alias: string, knownAt = false) =>
  `query($d: Date!${knownAt ? ', $k: Date' : ''}) { ${alias}: members(body: "secretariat", asOf: $d${knownAt ? ', knownAt: $k' : ''}) { ${FIELDS} } }`;
const body = (query: string, variables: Record<string, string>) => JSON.stringify({ query, variables });
const f = (p: Pass) => `${Math.round(p.rps).toLocaleString('en')} req/s, ${p.cpuMs.toFixed(3)} ms`;
const DAYS = Array.from({ length: 365 }, (_, i) => new Date(Date.UTC(2025, 6, 2 + i)).toISOString().slice(0, 10));

interface Pass { requests: number; rps: number; cpuMs: number; bad: number }

/** Passes taken as one: their requests and errors, req/s over their time, CPU per request over their requests. */
function total(passes: Pass[]): Pass {
  const requests = passes.reduce((n, p) => n + p.requests, 0);
  const seconds = passes.reduce((n, p) => n + p.requests / p.rps, 0);
  const cpuMs = passes.reduce((n, p) => n + p.cpuMs * p.requests, 0);
  return { requests, rps: requests / seconds, cpuMs: cpuMs / requests, bad: passes.reduce((n, p) => n + p.bad, 0) };
}
/** Sends `bodies` once each (in order, CONNECTIONS in flight) and times them. */
async function pass(server: { url: string; child: Child }, bodies: string[]): Promise<Pass> {
  let next = 0;
  const c0 = groupCpuMs(server.child.pid);
  const t0 = performance.now();
  // autocannon ends a run of `amount` requests on its next 1 s tick: time to the last response instead
  let last = t0;
  const result = await new Promise<autocannon.Result>((done, fail) => {
    const instance = autocannon({
      url: server.url, connections: Math.min(CONNECTIONS, bodies.length), amount: bodies.length,
      requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (r: any) => ({ ...r, body: bodies[next++ % bodies.length] }) }],
    }, (e: Error | null, r: autocannon.Result) => (e ? fail(e) : done(r)));
    instance.on('response', () => void (last = performance.now()));
  });
  const { exitCode, signalCode } = server.child.proc;
  if (exitCode !== null || signalCode !== null) throw new Error(`${server.child.name} exited (${exitCode ?? signalCode}):\n${server.child.output().slice(-2000)}`);
  const seconds = (last - t0) / 1000;
  const cpu = groupCpuMs(server.child.pid) - c0;
  return { requests: result.requests.total, rps: result.requests.total / seconds, cpuMs: cpu / result.requests.total, bad: result.errors + result.timeouts + result.non2xx };
}

const tmp = mkdtempSync(join(tmpdir(), 'meibo-slider-'));
const servers: Array<{ name: 'on' | 'off'; url: string; child: Child }> = [];
atInterrupt(() => rmSync(tmp, { recursive: true, force: true }));
try {
  for (const name of ['on', 'off'] as const) {
    // as users run it: `npm start` (the build, the start script's node flags)
    const child = startChild(`meibo cache ${name}`, 'npm', ['start', '--silent'],
      { MEIBO_DATA_DIR: join(tmp, name), PORT: '0', MEIBO_RESPONSE_CACHE: name === 'on' ? 'memory' : 'off', ...(args.get('fast-path') === 'false' ? { MEIBO_FAST_PATH: 'false' } : {}) }, ROOT);
    const { match } = await child.waitFor(/meibo ready on http:\/\/localhost:(\d+)\/graphql/, 180_000);
    servers.push({ name, url: `http://127.0.0.1:${match[1]}/graphql`, child });
  }
  const [on, off] = servers;
  const rows: string[] = [];
  // warm-up: every path once (JIT), on documents no round uses
  for (const s of servers) {
    for (const bodies of [
      DAYS.map((d) => body(doc('w'), { d })), DAYS.map((d) => body(doc('w'), { d })),
      DAYS.map((d, i) => body(doc(`wm${i}`), { d })), DAYS.map((d) => body(doc('wk', true), { d: '2025-07-01', k: d })),
    ]) await pass(s, bodies);
  }
  for (let round = 0; round < ROUNDS; round++) {
    const aliases = Array.from({ length: DOCS }, (_, k) => `r${round}d${k}`);
    // each document's answer for the interval, computed once (a miss each)
    await pass(on, aliases.map((a) => body(doc(a), { d: '2025-07-01' })));
    // In chunks of CHUNK days, each chunk's first visits and then the same requests again, so
    // that both meet the same moment of a shared machine; summed over the 365 days.
    const firsts: Pass[] = [];
    const agains: Pass[] = [];
    for (let i = 0; i < DAYS.length; i += CHUNK) {
      const chunk = DAYS.slice(i, i + CHUNK).flatMap((d) => aliases.map((a) => body(doc(a), { d })));
      firsts.push(await pass(on, chunk));
      agains.push(await pass(on, chunk));
    }
    const [first, again] = [total(firsts), total(agains)];
    const offFirst = await pass(off, DAYS.map((d) => body(doc(aliases[0]), { d }))); // 365: uncached is slow
    const bad = [first, again, offFirst].reduce((n, p) => n + p.bad, 0);
    const loadavg = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const row = `| ${round} | ${f(first)} | ${f(again)} | ${(first.rps / again.rps * 100).toFixed(0)} % / ${(again.cpuMs / first.cpuMs * 100).toFixed(0)} % | ${f(offFirst)} | ${loadavg}${bad ? ` | ${bad} errors!` : ''} |`;
    log(row);
    rows.push(row);
  }
  // The misses after every slider round: their garbage is collected during the passes after them.
  const missRows: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // a new knownAt each time, all in the decision step after 2025-06-27; a new document each time (true misses)
    const knownAt = Array.from({ length: MISSES }, (_, i) => body(doc(`r${round}k`, true), { d: '2025-07-01', k: new Date(Date.UTC(2026, 0, 1 + i + round * MISSES)).toISOString().slice(0, 10) }));
    const newDocs = Array.from({ length: MISSES }, (_, i) => body(doc(`r${round}n${i}`), { d: '2025-07-01' }));
    // The uncached server is asked the very same bodies, by chunks of 100 alternating with the
    // cached one's, each chunk's order alternating too: what one leaves behind (garbage, a busier
    // core) the other meets as often, and both meet the same moments of a shared machine.
    const both = async (bodies: string[]) => {
      const passes = { on: [] as Pass[], off: [] as Pass[] };
      for (let i = 0, k = round; i < bodies.length; i += 100, k++) {
        const chunk = bodies.slice(i, i + 100);
        const order: Array<'on' | 'off'> = k % 2 ? ['off', 'on'] : ['on', 'off'];
        for (const name of order) passes[name].push(await pass(name === 'on' ? on : off, chunk));
      }
      return [total(passes.on), total(passes.off)] as const;
    };
    const [kOn, kOff] = await both(knownAt);
    const [nOn, nOff] = await both(newDocs);
    const bad = [kOn, kOff, nOn, nOff].reduce((n, p) => n + p.bad, 0);
    const loadavg = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const row = `| ${round} | ${f(kOn)} | ${f(kOff)} | ${(kOn.cpuMs / kOff.cpuMs).toFixed(2)}× | ${f(nOn)} | ${f(nOff)} | ${(nOn.cpuMs / nOff.cpuMs).toFixed(2)}× | ${loadavg}${bad ? ` | ${bad} errors!` : ''} |`;
    log(row);
    missRows.push(row);
  }
  console.log(`${365 * DOCS} first visits a round (${DOCS} documents × 365 days, in chunks of ${CHUNK} days each followed by its repeat), ${CONNECTIONS} connections; ${MISSES} misses of each kind; CPU: the server's own, per request.\n`);
  console.log('| round | first visits (cache on) | same again | first ÷ again: req/s / CPU | uncached, 365 of the same requests | load average |');
  console.log('| ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of rows) console.log(r);
  console.log('\n| round | new knownAt, one decision step: cache on | cache off | on ÷ off (CPU) | miss, new document: cache on | cache off | on ÷ off (CPU) | load average |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of missRows) console.log(r);
} finally {
  for (const s of servers) await s.child.stop();
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(0);
