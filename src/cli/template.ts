// `npm run db:template` (run by postinstall): builds the embedded database's template, migrated
// and seeded, which a fresh data directory then starts as a copy of (src/db/template.ts).
// Offline and idempotent: nothing to do when the template of the current inputs is there.
import { buildTemplate, templateStamp, TEMPLATE_ROOT } from '../db/template.js';

const started = performance.now();
try {
  const built = await buildTemplate();
  const where = `${TEMPLATE_ROOT}/${templateStamp()}`;
  console.log(built ? `Built the embedded database's template in ${where} (${Math.round(performance.now() - started)} ms).` : `The template in ${where} is up to date.`);
  if (built) await (await import('../db/adapter.js')).closeAllDatabases();
} catch (error) {
  // Not fatal to an install: the first start then migrates and seeds in place, as before.
  console.error(`Could not build the embedded database's template (${(error as Error).message.split('\n')[0]}); the first \`npm start\` will migrate and seed instead.`);
}
