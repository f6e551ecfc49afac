// Global setup of the browser tests: one meibo server process (`src/server.ts` on a throwaway
// embedded database, a free port), as `npm start` runs it, for every test file. The page must be
// built (npm ci does it; `npm run build:web` otherwise).
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

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
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    // MEIBO_LOG_LEVEL info: the ready line is an info line
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', MEIBO_DATA_DIR: 'memory', MEIBO_LOG_LEVEL: 'info', MEIBO_TOKENS: tokens, DATABASE_URL: '', REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`meibo did not start in 90 s:\n${output.join('')}`));
    }, 90_000);
    let ready = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      if (ready) return; // afterwards: a log line per request, read and dropped
      output.push(chunk.toString());
      const match = /meibo ready on http:\/\/localhost:(\d+)\//.exec(output.join(''));
      if (match) {
        ready = true;
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`meibo exited (${code}) before it was ready:\n${output.join('')}`));
    });
  });
  project.provide('meiboUrl', url);
  project.provide('meiboToken', token);
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
}
