// The embedded database has one owner. A real server process on a data directory of its own;
// `npm run amend` next to it refuses, naming the server (pid and URL), and its amendment is not
// lost: it is neither claimed nor applied behind the server's back, and goes in through the
// server's API or once the server has stopped. After `kill -9` the next process takes the stale
// lock over and says so. `kill -9` in the middle of a write leaves the amendment whole or absent.
import { gql as post } from '../support/gql.js';
import { startServer as startProcess, stopServer, type ServerProcess } from '../support/processes.js';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { issueToken } from '../../src/auth.js';
import { claimDataDir, DataDirInUse, takeoverNotice } from '../../src/db/owner.js';

// A full disk, for the lock's own write (issue 18: after a disk filled up once, every start was refused).
/** full: every write fails; 'descriptors': only writes to an open file (the tmp copy is written whole) */
const disk = vi.hoisted(() => ({ full: false as boolean | 'descriptors', noHardLinks: false }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const full = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  return {
    ...fs,
    writeSync: ((...args: Parameters<typeof fs.writeSync>) => {
      if (disk.full) throw full();
      return fs.writeSync(...args);
    }) as typeof fs.writeSync,
    writeFileSync: ((...args: Parameters<typeof fs.writeFileSync>) => {
      if (disk.full === true) throw full();
      return fs.writeFileSync(...args);
    }) as typeof fs.writeFileSync,
    linkSync: ((...args: Parameters<typeof fs.linkSync>) => {
      if (disk.noHardLinks) throw Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' });
      return fs.linkSync(...args);
    }) as typeof fs.linkSync,
  };
});

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const editor = issueToken('owner-test');
const NEW_POST = 'デジタル庁統括官付参事官（サイバーセキュリティ担当）';
const MEMBERS = `{ members(body: "secretariat", asOf: "2027-04-01") { role position post { title } } }`;
const AUDIT = `{ instruments { code revisions { decidedOn } } amendments(instrument: "designated-posts") { edges { node { action revisionSequence } } } }`;
const amendmentYaml = (decidedOn: string, effectiveOn: string, position: number) => `instrument: designated-posts
title: 「サイバーセキュリティ対策推進会議議長の指定する職について」の一部改正について
decidedOn: ${decidedOn}
effectiveOn: ${effectiveOn}
changes:
  - add: { body: secretariat, role: MEMBER, position: ${position}, post: ${NEW_POST} }
`;

type Server = ServerProcess;
const startServer = (dataDir: string) =>
  startProcess('server', { MEIBO_DATA_DIR: dataDir, MEIBO_TOKENS: editor.entry, DATABASE_URL: '', REDIS_URL: '' }, 120_000);

async function kill9(server: Server | undefined) {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGKILL');
  await server.exited;
}

const stop = (server: Server | undefined) => stopServer(server, 20_000);

/** `npm run amend -- …` as a process: exit code and what it printed. */
function amend(dataDir: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/amend.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, MEIBO_DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

const gql = (server: Server, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  post(server.url, query, variables, headers);

/** What the directory holds about the test amendments: secretariat members from 2027-04-01, designated-posts revisions, audit entries. */
async function state(server: Server) {
  const members = await gql(server, MEMBERS);
  const audit = await gql(server, AUDIT);
  expect(members.errors).toBeUndefined();
  expect(audit.errors).toBeUndefined();
  return {
    members: (members.data!.members as Array<{ post: { title: string } }>).map((m) => m.post.title),
    revisions: (audit.data!.instruments.find((i: { code: string }) => i.code === 'designated-posts').revisions as Array<{ decidedOn: string }>).map((r) => r.decidedOn),
    audit: (audit.data!.amendments.edges as Array<{ node: { action: string } }>).map((e) => e.node.action),
  };
}

describe('the embedded database has one owner', () => {
  let dir: string;
  let dataDir: string;
  let file: string;
  let server: Server | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meibo-owner-'));
    dataDir = join(dir, 'pglite');
    file = join(dir, 'amendment.yaml');
    writeFileSync(file, amendmentYaml('2026-11-26', '2027-04-01', 3));
    server = await startServer(dataDir);
  });
  afterAll(async () => {
    await kill9(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('`npm run amend` next to a running server refuses, naming it, and the amendment is not lost', async () => {
    const before = await state(server!);
    expect(before.members).toHaveLength(39);

    const refused = await amend(dataDir, [file]);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).not.toContain('Written');
    expect(refused.stderr).toContain(`pid ${server!.child.pid}`);
    expect(refused.stderr).toContain(`${server!.url.replace('127.0.0.1', 'localhost')}/graphql`);
    expect(refused.stderr).not.toMatch(/\n\s+at /); // no stack
    // Not applied behind the server's back (the server sees nothing new, now or after a restart).
    expect(await state(server!)).toEqual(before);
    // A dry run is refused too: a second PGlite on the same files is the danger, not the write.
    expect((await amend(dataDir, [file, '--dry-run'])).code).not.toBe(0);

    // The way the message points to: through the server's API.
    const recorded = await gql(
      server!,
      `mutation($input: AmendmentInput!) { recordAmendment(input: $input) { sequence } }`,
      { input: { instrument: 'designated-posts', title: '「サイバーセキュリティ対策推進会議議長の指定する職について」の一部改正について', decidedOn: '2026-11-26', effectiveOn: '2027-04-01', changes: [{ kind: 'ADD', body: 'secretariat', role: 'MEMBER', position: 3, post: NEW_POST }] } },
      { authorization: `Bearer ${editor.token}` },
    );
    expect(recorded.errors).toBeUndefined();
    const after = await state(server!);
    expect(after.members).toHaveLength(40);
    expect(after.members).toContain(NEW_POST);
  });

  it('after kill -9, the next server takes the stale lock over and says so; the CLI works once the server has stopped', async () => {
    const pid = server!.child.pid;
    await kill9(server);
    expect(JSON.parse(readFileSync(`${dataDir}.owner`, 'utf8')).pid).toBe(pid); // left behind

    server = await startServer(dataDir);
    expect(server.output.join('')).toMatch(new RegExp(`took over .*pid ${pid}.*no longer runs`));
    expect((await state(server)).members).toHaveLength(40); // the write acknowledged before the kill is there

    // Refused while it runs; then, with the server stopped, the CLI reverts (printed as a revert).
    expect((await amend(dataDir, ['--revert', 'designated-posts'])).code).not.toBe(0);
    await stop(server);
    expect(existsSync(`${dataDir}.owner`)).toBe(false); // released on shutdown
    const reverted = await amend(dataDir, ['--revert', 'designated-posts']);
    expect(reverted.stderr).toBe('');
    expect(reverted.code).toBe(0);
    expect(reverted.stdout).toMatch(/^Reverted revision \d+ of designated-posts/);
    expect(existsSync(`${dataDir}.owner`)).toBe(false);

    // A CLI killed with -9 leaves a lock behind too: the next server takes it over.
    writeFileSync(`${dataDir}.owner`, JSON.stringify({ pid: 999_999, role: 'npm run amend', host: (await import('node:os')).hostname(), since: 'earlier' }));
    server = await startServer(dataDir);
    expect(server.output.join('')).toMatch(/took over .*npm run amend.*pid 999999/);
    expect((await state(server)).members).toHaveLength(39); // the revert is there
  });

  it('kill -9 during writes leaves every amendment whole or absent', async () => {
    // Amendments one after the other, each adding the post at the end of a later day; the server
    // is killed a little later each round, somewhere inside one of them.
    let round = 0;
    let day = 2028;
    for (const delayMs of [150, 400, 700]) {
      round++;
      const before = await state(server!);
      const sent: Array<Promise<unknown>> = [];
      for (let i = 0; i < 4; i++, day++) {
        sent.push(
          gql(
            server!,
            `mutation($input: AmendmentInput!) { recordAmendment(input: $input) { sequence } }`,
            { input: { instrument: 'designated-posts', title: `round ${round} amendment ${i}`, decidedOn: `${day}-01-01`, effectiveOn: `${day}-04-01`, changes: [{ kind: i % 2 ? 'REMOVE' : 'ADD', body: 'secretariat', role: 'MEMBER', ...(i % 2 ? {} : { position: 3 }), post: NEW_POST }] } },
            { authorization: `Bearer ${editor.token}` },
          ).catch(() => 'connection lost'),
        );
        await new Promise((r) => setTimeout(r, delayMs / 4));
      }
      await kill9(server);
      await Promise.all(sent);
      server = await startServer(dataDir);
      const after = await state(server);
      // Each amendment is whole or absent: its revision, its audit entry and its seats go together.
      const added = after.revisions.length - before.revisions.length;
      expect(added).toBeGreaterThanOrEqual(0);
      expect(after.audit.length - before.audit.length).toBe(added);
      // The latest amendment that is there has its whole list: an even one of the round added the
      // post, an odd one removed it (one that was refused or lost changed nothing).
      const lastYear = Number(after.revisions.at(-1)!.slice(0, 4));
      const members = await gql(server, `{ members(body: "secretariat", asOf: "${lastYear}-04-01") { post { title } } }`);
      const titles = (members.data!.members as Array<{ post: { title: string } }>).map((m) => m.post.title);
      const lastIndex = lastYear - (day - 4); // index within this round, when the last revision is this round's
      if (added > 0) expect(titles.includes(NEW_POST)).toBe(lastIndex % 2 === 0);

    }
  });
});

describe('the lock file itself (issue 18, hole 9)', () => {
  let dir: string;
  let n = 0;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'meibo-lock-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** a data directory of its own for each case (a process holds a claim until it releases it) */
  const fresh = () => join(dir, `pglite-${++n}`);
  const claim = (dataDir: string) => claimDataDir({ kind: 'pglite', dataDir } as never, 'npm run amend');
  const lockOf = (dataDir: string) => `${dataDir}.owner`;
  /** a live process that has nothing to do with meibo */
  const unrelated = async () => {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    await new Promise((r) => child.once('spawn', r));
    return child;
  };

  it.each([
    ['empty (its writer died, or its write failed, between open and write)', ''],
    ['not JSON', '{"pid": 12'],
    ['JSON, not a record', 'null'],
    ['a record without a pid', JSON.stringify({ role: 'server', host: hostname(), since: 'earlier' })],
    ['pid 0', JSON.stringify({ pid: 0, role: 'server', host: hostname(), since: 'earlier' })],
  ])('a lock that is %s is stale: taken over, and said so', (_what, content) => {
    const dataDir = fresh();
    writeFileSync(lockOf(dataDir), content);
    const ownership = claim(dataDir)!;
    expect(ownership.tookOverFrom).not.toBeNull();
    expect(takeoverNotice(ownership)).toMatch(/took over .*\(unreadable\) no longer runs/);
    expect(JSON.parse(readFileSync(lockOf(dataDir), 'utf8')).pid).toBe(process.pid);
    ownership.release();
    expect(existsSync(lockOf(dataDir))).toBe(false);
  });

  it('a lock whose write failed (a full disk) is not left behind; the next start takes the directory', () => {
    const dataDir = fresh();
    disk.full = true;
    try {
      expect(() => claim(dataDir)).toThrow(/ENOSPC/);
    } finally {
      disk.full = false;
    }
    expect(readdirSync(dir).filter((f) => f.startsWith(`pglite-${n}.`))).toEqual([]); // no lock, no temporary file
    const ownership = claim(dataDir)!;
    expect(ownership.tookOverFrom).toBeNull();
    ownership.release();
  });

  it('on a file system without hard links, the lock is made in place, and still not left behind by a failed write', () => {
    disk.noHardLinks = true;
    try {
      const dataDir = fresh();
      disk.full = 'descriptors';
      try {
        expect(() => claim(dataDir)).toThrow(/ENOSPC/);
      } finally {
        disk.full = false;
      }
      expect(readdirSync(dir).filter((f) => f.startsWith(`pglite-${n}.`))).toEqual([]);
      const ownership = claim(dataDir)!;
      expect(JSON.parse(readFileSync(lockOf(dataDir), 'utf8')).pid).toBe(process.pid);
      expect(() => claimDataDir({ kind: 'pglite', dataDir } as never, 'other')).not.toThrow(); // the same process: its own claim
      ownership.release();
      expect(existsSync(lockOf(dataDir))).toBe(false);
    } finally {
      disk.noHardLinks = false;
    }
  });

  it('a lock naming a live, unrelated process that started after the lock was written (its pid reused) is stale, start time or not', async () => {
    const child = await unrelated();
    try {
      for (const started of [undefined, '1']) {
        const dataDir = fresh();
        writeFileSync(lockOf(dataDir), JSON.stringify({ pid: child.pid, role: 'npm run amend', host: hostname(), since: 'an hour ago', started }));
        const anHourAgo = new Date(Date.now() - 3_600_000);
        utimesSync(lockOf(dataDir), anHourAgo, anHourAgo);
        const ownership = claim(dataDir)!;
        expect(ownership.tookOverFrom?.pid).toBe(child.pid);
        ownership.release();
      }
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a lock naming a live process that started before the lock was written is refused, naming it', async () => {
    const child = await unrelated();
    try {
      await new Promise((r) => setTimeout(r, 1_100));
      const dataDir = fresh();
      writeFileSync(lockOf(dataDir), JSON.stringify({ pid: child.pid, role: 'npm run amend', host: hostname(), since: 'just now' }));
      expect(() => claim(dataDir)).toThrow(DataDirInUse);
      expect(() => claim(dataDir)).toThrow(new RegExp(`pid ${child.pid}`));
      expect(existsSync(lockOf(dataDir))).toBe(true); // left to its owner
    } finally {
      child.kill('SIGKILL');
    }
  });
});
