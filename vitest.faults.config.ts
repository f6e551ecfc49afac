// Fault tests (`npm run test:faults`): each starts throwaway services of its own (a PostgreSQL
// cluster via initdb, a redis-server on a free port, a meibo server process), breaks them, and
// asserts what the client saw and what the data is. Slow and machine-dependent, so apart from
// `npm test`; .ci/run runs both.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

const config = mergeConfig(base, defineConfig({
  test: {
    include: ['tests/faults/**/*.test.ts'],
    // one at a time: each starts servers of its own on a 2-core machine
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
}));
// mergeConfig concatenates arrays: base's exclude (which names tests/faults/) is replaced, not extended.
config.test!.exclude = ['**/node_modules/**'];
export default config;
