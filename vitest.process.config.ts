// Process tests (`npm run test:process`): `npm start`, `npx meibo` and the editor's command line
// as real child processes, each starting a database and node of its own. They were the two slowest
// files of `npm test` (36 s and 21 s of a fresh clone's 202 s, issue 17 goal 7: `npm test` within
// 3 min on 2 cores), so they run apart; .ci/run runs them too.
import { defineConfig, mergeConfig } from 'vitest/config';
import base, { PROCESS_TESTS } from './vitest.config.js';

const config = mergeConfig(base, defineConfig({ test: { include: PROCESS_TESTS } }));
// mergeConfig concatenates arrays: base's exclude (which names these files) is replaced, not extended.
config.test!.exclude = ['**/node_modules/**'];
export default config;
