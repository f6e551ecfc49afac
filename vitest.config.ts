// Database tests start PGlite (seconds) and run Prisma's wasm schema engine, which keeps
// per-process state: separate processes (forks) and generous timeouts.
import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (main) and ESM (module) builds. Node, and so Yoga and Pothos, load the
    // CJS one; Vite would hand our sources the ESM one, and two GraphQLError classes make Yoga
    // mask our own errors. One copy for everybody, as in production.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    pool: 'forks',
    // tests/faults/ run apart (`npm run test:faults`, vitest.faults.config.ts), tests/browser/ need
    // Chromium (`npm run test:browser`, vitest.browser.config.ts)
    exclude: ['**/node_modules/**', 'tests/faults/**', 'tests/browser/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
