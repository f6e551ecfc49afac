import { readFileSync, writeFileSync } from 'node:fs';
import { openTestDirectory } from '../tests/support/harness.js';
const t = await openTestDirectory('pglite');
let readme = readFileSync('README.md', 'utf8');
const blocks = [...readme.matchAll(/```graphql\n((?:(?!```)[\s\S])*?)```\n```json\n(@@\d+)\n```/g)];
for (const m of blocks) {
  const res = await t.yoga.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ query: m[1].trim() }) });
  const text = await res.text();
  readme = readme.replace(m[2] + '\n', text + '\n');
}
const r = await t.gql<any>(`{ instruments { code revisions { id sequence decidedOn contentKnown } } }`);
console.log(JSON.stringify(r.data));
writeFileSync('README.md', readme);
await t.close();
process.exit(0);
