// `npm run bench:uncached`: CPU and statements per uncached request of the two dashboard questions, in process (yoga.fetch), on PGlite or PostgreSQL (`-- postgres`, with MEIBO_TEST_PG_URL).
import { openTestDirectory } from '../tests/support/harness.js';
const engine = (process.argv[2] ?? 'pglite') as 'pglite' | 'postgres';
const t = await openTestDirectory(engine);
const MEMBERS = `query($d: Date!) { members(body: "secretariat", asOf: $d) { position role post { title organization { name } } source { clause revision { decidedOn } } } }`;
const CHAIR = `query($d: Date!) { chair(body: "secretariat", asOf: $d) { post { title } } }`;
for (const [name, q] of [['members', MEMBERS], ['chair', CHAIR]] as const) {
  for (let i = 0; i < 100; i++) await t.gql(q, { d: '2025-07-01' });
  const n = 600;
  const cpu0 = process.cpuUsage(); const t0 = performance.now(); const s0 = t.sql.length;
  for (let i = 0; i < n; i++) await t.gql(q, { d: '2025-07-01' });
  const cpu = process.cpuUsage(cpu0); const ms = performance.now() - t0;
  console.log(engine, name, `${(ms / n).toFixed(3)} ms wall/req`, `${((cpu.user + cpu.system) / 1000 / n).toFixed(3)} ms cpu/req`, `${(t.sql.length - s0) / n} stmts/req`);
}
await t.close(); process.exit(0);
