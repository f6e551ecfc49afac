// Database tests start PGlite (seconds) and run Prisma's wasm schema engine, which keeps
// per-process state: separate processes (forks) and generous timeouts.
import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/** Tests of child processes, run apart (`npm run test:process`, vitest.process.config.ts). */
export const PROCESS_TESTS = ['tests/process.test.ts', 'tests/cli.test.ts'];

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (main) and ESM (module) builds. Node, and so Yoga and Pothos, load the
    // CJS one; Vite would hand our sources the ESM one, and two GraphQLError classes make Yoga
    // mask our own errors. One copy for everybody, as in production.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    pool: 'forks',
    // Two at once on a 2-core machine (vitest's default is one fewer than the cores: one): most
    // files wait on PGlite, PostgreSQL, timers or a child process as much as they compute. A fresh
    // clone's `npm test` 192 s → 126 s; with PostgreSQL and Redis 214 s → 156 s (2026-12-05).
    maxWorkers: 2,
    // tests/faults/ run apart (`npm run test:faults`, vitest.faults.config.ts), tests/browser/ need
    // Chromium (`npm run test:browser`, vitest.browser.config.ts), and the tests of child processes
    // run apart too (`npm run test:process`, vitest.process.config.ts)
    exclude: ['**/node_modules/**', 'tests/faults/**', 'tests/browser/**', ...PROCESS_TESTS],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
