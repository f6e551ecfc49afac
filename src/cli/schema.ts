// Writes schema.graphql from the code (`npm run schema`), or with --check fails when the
// committed file is stale (`npm run schema:check`), so the contract never drifts unnoticed.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchemaFile } from '../schema/print.js';

const path = fileURLToPath(new URL('../../schema.graphql', import.meta.url));
const fresh = printSchemaFile();
if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(path, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (committed !== fresh) {
    console.error('schema.graphql is stale: run `npm run schema` and commit it.');
    process.exit(1);
  }
  console.log('schema.graphql is up to date.');
} else {
  writeFileSync(path, fresh);
  console.log(`wrote ${path}`);
}
