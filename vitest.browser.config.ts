// Browser tests (`npm run test:browser`): a real meibo server process and Debian's Chromium
// (/usr/bin/chromium, or MEIBO_CHROMIUM) driven by playwright-core — no browser download. Apart
// from `npm test`, which needs no browser; .ci/run runs both. Screenshots go to test-results/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/browser/**/*.test.ts'],
    // one server process and one Chromium for every file (tests/browser/setup.ts)
    globalSetup: ['tests/browser/setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
