// A data directory meibo cannot write (a read-only mount, a copy owned by another user): the
// server refuses at start with one coded line naming the directory, not PGlite's wasm stack and
// not "lacks migrations" about a directory that is fully migrated.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireWritableDataDir } from '../../src/db/open.js';
import { copyTemplateInto } from '../../src/db/template.js';
import { asRoot, ROOT } from '../support/processes.js';

/** chmod -R a-w; root writes anyway, so as root the server runs as nobody (below). */
function makeReadOnly(path: string) {
  if (statSync(path).isDirectory()) for (const name of readdirSync(path)) makeReadOnly(join(path, name));
  chmodSync(path, statSync(path).isDirectory() ? 0o555 : 0o444);
}
const NOBODY = 65534;

let tmp: string;
let dataDir: string;
/** ancestors of the checkout that nobody could not pass through (a CI clone under a 0700 mktemp), opened for the test */
const opened: Array<{ path: string; mode: number }> = [];

/** As root the server runs as nobody, who must reach the checkout's code: each ancestor gets o+x for the test. */
function letNobodyReach(path: string) {
  for (let dir = path; dir !== dirname(dir); dir = dirname(dir)) {
    const mode = statSync(dir).mode & 0o7777;
    if ((mode & 0o001) === 0) {
      opened.push({ path: dir, mode });
      chmodSync(dir, mode | 0o001);
    }
  }
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'meibo-readonly-'));
  chmodSync(tmp, 0o777); // the owner lock (<dataDir>.owner) is written beside the directory
  dataDir = join(tmp, 'pglite');
  // a migrated and seeded directory, as a first start leaves it
  expect(await copyTemplateInto(dataDir)).toBe(true);
  makeReadOnly(dataDir);
  if (asRoot) letNobodyReach(ROOT);
});

afterAll(() => {
  for (const { path, mode } of opened.reverse()) chmodSync(path, mode);
  if (tmp) {
    chmodSync(dataDir, 0o755);
    rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  }
});

describe('a read-only data directory', () => {
  it('the server refuses with DATA_DIR_NOT_WRITABLE, naming the directory, and exits 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', MEIBO_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', HOME: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, output).toBe(2);
    const lines = output.trim().split('\n');
    expect(lines, output).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as { level: number; code: string; msg: string };
    expect(line.code).toBe('DATA_DIR_NOT_WRITABLE');
    expect(line.msg).toContain(`The embedded database in ${dataDir} cannot be written`);
    expect(line.msg).toContain('MEIBO_DATA_DIR');
    expect(output).not.toMatch(/wasm:\/\/|\n\s+at |lacks migrations/);
    // a child process's start (tsx compiling the server, PGlite's wasm) on a loaded machine: minutes, not seconds
  }, 180_000);
});

describe('requireWritableDataDir', () => {
  it('passes a missing directory (config.ts creates it) and a writable one, leaving no probe file behind', async () => {
    expect(() => requireWritableDataDir(join(tmp, 'missing'))).not.toThrow();
    const writable = join(tmp, 'writable2');
    await copyTemplateInto(writable);
    expect(() => requireWritableDataDir(writable)).not.toThrow();
    expect(readdirSync(writable).filter((n) => n.startsWith('.meibo-write-probe'))).toEqual([]);
  });
});
