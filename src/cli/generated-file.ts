// Files generated from the code and committed: written, or checked to be current (CI fails on a stale one).
import { readFileSync, writeFileSync } from 'node:fs';

/**
 * A generated file kept in the repository (schema.graphql, trusted-documents.json): written, or with
 * --check compared with what is committed, exiting 1 when it is stale (missing counts as stale).
 */
export function writeOrCheck(path: string, fresh: string, regenerate: string, wrote = `wrote ${path}`): void {
  const name = path.split('/').pop();
  if (process.argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(path, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (committed !== fresh) {
      console.error(`${name} is stale: run \`${regenerate}\` and commit it.`);
      process.exit(1);
    }
    console.log(`${name} is up to date.`);
  } else {
    writeFileSync(path, fresh);
    console.log(wrote);
  }
}
