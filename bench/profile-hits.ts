// Not a benchmark: a CPU profile (node --cpu-prof) of the server under one kind of load, for
// finding where a cache hit or miss spends its time. `npx tsx bench/profile-hits.ts <kind> <cache> <dir>`
// kind: hit-chair | hit-members | slider | miss-knownat | miss-doc; cache: memory | off | ceiling (the
// static ceiling, bench/servers/ceiling.ts, serving the answer meibo gives to the hit-* question).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startChild } from './lib/children.js';
import { OPERATIONS } from './queries.js';

const [kind = 'hit-chair', cache = 'memory', dir = join(tmpdir(), 'meibo-cpu-profiles')] = process.argv.slice(2);
const N = Number(process.env.N ?? 20_000);
const FIELDS = 'position post { title organization { name } } source { clause revision { decidedOn } }';
const doc = (alias: string, knownAt = false) =>
  `query($d: Date!${knownAt ? ', $k: Date' : ''}) { ${alias}: members(body: "secretariat", asOf: $d${knownAt ? ', knownAt: $k' : ''}) { ${FIELDS} } }`;
const day = (i: number) => new Date(Date.UTC(2025, 6, 2 + (i % 365))).toISOString().slice(0, 10);
const bodyOf: (i: number) => string = {
  'hit-chair': () => JSON.stringify({ query: OPERATIONS[0]!.query }),
  'hit-members': () => JSON.stringify({ query: OPERATIONS[1]!.query }),
  slider: (i: number) => JSON.stringify({ query: doc('a'), variables: { d: day(i) } }),
  'miss-knownat': (i: number) => JSON.stringify({ query: doc('k', true), variables: { d: '2025-07-01', k: new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10) } }),
  'miss-doc': (i: number) => JSON.stringify({ query: doc(`n${i}`), variables: { d: '2025-07-01' } }),
}[kind]!;
const data = mkdtempSync(join(tmpdir(), 'meibo-prof-'));
const meibo = (profile: boolean) => startChild('meibo', process.execPath, [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []), '--import', 'tsx', 'src/server.ts'],
  { MEIBO_DATA_DIR: data, PORT: '0', MEIBO_RESPONSE_CACHE: cache === 'ceiling' ? 'memory' : cache }, process.cwd());
let child = meibo(cache !== 'ceiling');
let { match } = await child.waitFor(/meibo ready on http:\/\/localhost:(\d+)\/graphql/, 120_000);
if (cache === 'ceiling') {
  // meibo's own bytes for the question, served by the ceiling
  const { query } = JSON.parse(bodyOf(0)) as { query: string };
  const answer = await (await fetch(`http://127.0.0.1:${match[1]}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodyOf(0) })).text();
  await child.stop();
  writeFileSync(join(data, 'responses.json'), JSON.stringify({ [query]: answer }));
  child = startChild('ceiling', process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', 'bench/servers/ceiling.ts'], { CEILING_RESPONSES: join(data, 'responses.json'), PORT: '0' }, process.cwd());
  ({ match } = await child.waitFor(/ready on http:\/\/127\.0\.0\.1:(\d+)\/graphql/, 60_000));
}
let next = 0;
const t0 = performance.now();
await autocannon({
  url: `http://127.0.0.1:${match[1]}/graphql`, connections: 8, amount: N,
  requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (r: any) => ({ ...r, body: bodyOf(next++) }) }],
});
console.log(`${kind} cache=${cache}: ${N} requests in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
await child.stop();
rmSync(data, { recursive: true, force: true });
