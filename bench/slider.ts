// `npm run bench:slider`: a dashboard time slider — 365 distinct days inside one revision interval, first visits vs the same days again, with the response cache (fast path, memory) and without, over HTTP on PGlite (issue 17, goal 1; BENCHMARKS.md).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'node:http';
import { createApp, CORS_OPTIONS } from '../src/app.js';
import { createResponseCache } from '../src/cache.js';
import { withFastPath } from '../src/http/fast-path.js';
import { openTestDirectory } from '../tests/support/harness.js';
const t = await openTestDirectory('pglite');
const Q = `query($d: Date!) { members(body: "secretariat", asOf: $d) { position post { title organization { name } } source { clause revision { decidedOn } } } }`;
const agent = new Agent({ keepAlive: true, maxSockets: 4 });
const post = (url: string, body: string) => new Promise<void>((resolve, reject) => {
  const r = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => { res.resume(); res.on('end', () => resolve()); });
  r.on('error', reject); r.end(body);
});
const days = Array.from({ length: 365 }, (_, i) => new Date(Date.UTC(2025, 6, 2 + i)).toISOString().slice(0, 10));
for (let round = 0; round < 3; round++) {
  for (const mode of ['on', 'off'] as const) {
    const cache = createResponseCache({ mode: mode === 'on' ? 'memory' : 'off', db: t.directory.prisma, log: { info() {}, warn() {}, error() {} } });
    await cache.ready();
    const yoga = createApp(t.directory.prisma, { plugins: [cache.plugin] });
    const server = createServer(mode === 'on' ? withFastPath(cache, yoga, CORS_OPTIONS) : yoga);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    await post(url, JSON.stringify({ query: Q, variables: { d: '2025-07-01' } }));
    const pass = async () => { const t0 = performance.now(); const c0 = process.cpuUsage(); for (let i = 0; i < days.length; i += 4) await Promise.all(days.slice(i, i + 4).map((d) => post(url, JSON.stringify({ query: Q, variables: { d } })))); const c = process.cpuUsage(c0); return { rps: days.length / ((performance.now() - t0) / 1000), cpu: (c.user + c.system) / 1000 / days.length }; };
    const first = await pass();
    const again = await pass();
    console.log(`round ${round} cache=${mode}: first visits ${first.rps.toFixed(0)} req/s (${first.cpu.toFixed(3)} ms CPU), same days again ${again.rps.toFixed(0)} req/s (${again.cpu.toFixed(3)} ms CPU), first/again ${(first.rps / again.rps * 100).toFixed(0)} %`);
    await new Promise((r) => server.close(r)); await cache.close();
  }
}
await t.close(); process.exit(0);
