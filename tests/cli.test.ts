// The editor's command line (`npm run amend`, `db:seed`): what an operator who mistypes sees is
// one line saying what is wrong and a non-zero exit code, never a Node or Prisma stack. (Next to a
// running server, and after kill -9: tests/faults/embedded-owner.test.ts.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function run(script: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', MEIBO_DATA_DIR: 'memory', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at |Error: |P2021/);

describe('npm run amend', () => {
  it('a missing file: one line naming it, exit code 1', () => {
    const r = run('src/cli/amend.ts', ['no/such/amendment.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('Cannot read the amendment file no/such/amendment.yaml: no such file.');
    expect(r.stdout).toBe('');
  });

  it('--revert without an instrument, an unknown option, no file: a usage error, exit code 2', () => {
    for (const args of [['--revert'], ['--revert', '--dry-run'], ['x.yaml', '--force'], []]) {
      const r = run('src/cli/amend.ts', args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain('usage: npm run amend');
      expect(r.stderr).not.toContain('No instrument has the code');
      noStack(r.stderr);
    }
  });

  // A fresh clone's empty data directory, before the first `npm start`. Answered from the folder
  // alone: opening it would first create a whole PGlite cluster (initdb), which took this test
  // 78.8 s on a loaded machine.
  it('a database that was never migrated: says so and what to run, without a Prisma stack, and without creating one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meibo-cli-'));
    try {
      const dataDir = join(dir, 'pglite');
      const r = run('src/cli/amend.ts', ['--revert', 'designated-posts'], { MEIBO_DATA_DIR: dataDir });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^pglite:.*\/pglite is not set up for meibo \(missing migrations: 20261126142352_init, .*\)\. .*npm run db:deploy/);
      noStack(r.stderr);
      const seed = run('src/cli/seed.ts', [], { MEIBO_DATA_DIR: dataDir });
      expect(seed.code).toBe(1);
      expect(seed.stderr).toMatch(/is not set up for meibo/);
      noStack(seed.stderr);
      // nothing was created in it: the next `npm start` still starts from the template
      expect(readdirSync(dataDir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
