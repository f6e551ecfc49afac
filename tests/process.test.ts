// The process as a process manager and a newcomer meet it: `npm start` stops on SIGTERM sent to
// npm (and gives the data directory back); a browser at an unknown path gets meibo's own 404;
// metrics on a port of their own; MEIBO_RATE_LIMIT limits (its module is loaded only then);
// `npx meibo export …` writes the export alone, no npm banner.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, ROOT } from './support/processes.js';

const run = promisify(execFile);
/** requests per address the server started here answers in 10 minutes */
const RATE_LIMIT = 40;
const dir = mkdtempSync(join(tmpdir(), 'meibo-process-'));
const dataDir = join(dir, 'pglite');
let npm: ChildProcess;
let output = '';
let base: string;
let metricsBase: string;
let exited: Promise<number | null>;
/** when every process writing to npm's stdout and stderr (npm, and the server it started) has gone */
let closed: Promise<void>;

beforeAll(async () => {
  const [port, metricsPort] = [await freePort(), await freePort()];
  base = `http://127.0.0.1:${port}`;
  metricsBase = `http://127.0.0.1:${metricsPort}`;
  npm = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', MEIBO_DATA_DIR: dataDir, MEIBO_METRICS: String(metricsPort), MEIBO_LOG_LEVEL: 'info', MEIBO_RATE_LIMIT: `${RATE_LIMIT}/600` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  exited = new Promise((resolve) => npm.once('exit', resolve));
  closed = new Promise((resolve) => npm.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start was not ready in 120 s:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('meibo ready on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    npm.stdout!.on('data', onData);
    npm.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`npm start exited (${code}):\n${output}`)));
  });
}, 130_000);
afterAll(() => {
  if (npm && npm.exitCode === null) npm.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('answers a browser at an unknown path with meibo\'s 404, naming nothing of Yoga and loading nothing from elsewhere', async () => {
    const r = await fetch(`${base}/wp-login.php`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await r.text();
    expect(html).toContain('meibo 名簿');
    expect(html).toContain('/wp-login.php');
    expect(html).not.toMatch(/yoga|githubusercontent|https?:\/\//i);
  });

  it('serves /metrics on MEIBO_METRICS\'s port, not on the public one', async () => {
    await fetch(`${base}/graphql?query=${encodeURIComponent('{ bodies { code } }')}`);
    const r = await fetch(`${metricsBase}/metrics`);
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(text).toMatch(/^meibo_data_version \d+$/m);
    expect(text).toMatch(/^meibo_http_requests_total\{route="\/graphql",method="GET",status="200"\} [1-9]/m);
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
  });

  it('limits each address to MEIBO_RATE_LIMIT requests, then answers 429 RATE_LIMITED', async () => {
    const ask = () => fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT + 1; i++) statuses.push((await ask()).status);
    // the tests before this one asked a few already: some of these were answered, the last one was not
    expect(statuses[0]).toBe(200);
    expect(statuses.at(-1)).toBe(429);
    const refused = await ask();
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('RATE_LIMITED');
  });

  it('stops on a SIGTERM sent to npm, as a process manager sends it, and releases the data directory', async () => {
    expect(existsSync(`${dataDir}.owner`)).toBe(true);
    npm.kill('SIGTERM');
    const done = await Promise.race([closed.then(() => 'closed'), new Promise((r) => setTimeout(r, 20_000, 'still running'))]);
    expect(done, output).toBe('closed');
    expect(output).toContain('SIGTERM: finishing in-flight requests');
    expect(output).toContain('"msg":"stopped"');
    // nothing answers any more, and the lock is gone
    await expect(fetch(`${base}/health`)).rejects.toThrow();
    expect(existsSync(`${dataDir}.owner`)).toBe(false);
  }, 30_000);
});

describe('npx meibo', () => {
  it('writes an export alone on stdout (the CSV with its BOM, the Popolo JSON parseable)', async () => {
    const env = { ...process.env, MEIBO_DATA_DIR: dataDir };
    const csv = await run('npx', ['meibo', 'export', 'csv', '--body', 'secretariat', '--as-of', '令和7年7月1日'], { cwd: ROOT, env });
    expect(csv.stdout.startsWith('\uFEFFbody,role,position,title,')).toBe(true);
    expect(csv.stdout.split('\r\n').filter(Boolean).length).toBeGreaterThan(30); // the header and the secretariat's rows, nothing else
    expect(csv.stdout).not.toMatch(/^>/m);
    const popolo = await run('npx', ['meibo', 'export', 'popolo'], { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 });
    expect(JSON.parse(popolo.stdout).memberships.length).toBeGreaterThan(50);
    // two child processes, each compiling the CLI and opening the database: 60 s was too short once at load 10
  }, 180_000);

  it('names its commands when given none (exit code 2)', async () => {
    const r = await run('npx', ['meibo'], { cwd: ROOT }).catch((e) => e);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('meibo export popolo|csv');
  });
});
