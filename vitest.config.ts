// Database tests start PGlite (seconds) and run Prisma's wasm schema engine, which keeps
// per-process state: separate processes (forks) and generous timeouts.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
