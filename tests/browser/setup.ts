// Global setup of the browser tests: one meibo server process (`src/server.ts` on a throwaway
// embedded database, a free port), as `npm start` runs it, for every test file. The page must be
// built (npm ci does it; `npm run build:web` otherwise).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { ROOT, startServer, stopServer } from '../support/processes.js';

declare module 'vitest' {
  export interface ProvidedContext {
    meiboUrl: string;
    /** an editor token the server admits (the live test records and reverts an amendment) */
    meiboToken: string;
  }
}

export default async function setup(project: TestProject) {
  if (!existsSync(`${ROOT}/web/dist/index.html`)) throw new Error('web/dist/index.html is missing: run `npm run build:web` first');
  const token = `meibo_${randomBytes(24).toString('base64url')}`;
  const tokens = `browser-test:editor:${createHash('sha256').update(token).digest('hex')}`;
  // MEIBO_LOG_LEVEL info: the ready line is an info line
  const server = await startServer('meibo', { MEIBO_DATA_DIR: 'memory', MEIBO_LOG_LEVEL: 'info', MEIBO_TOKENS: tokens, DATABASE_URL: '', REDIS_URL: '' });
  const url = server.url;
  project.provide('meiboUrl', url);
  project.provide('meiboToken', token);
  return () => stopServer(server);
}
