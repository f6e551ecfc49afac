// Read replicas (DATABASE_REPLICA_URLS): a real primary and a streaming standby of it, each a
// private PostgreSQL cluster made here (initdb + pg_basebackup) on ports of their own. Queries
// read from the standby; a mutation writes on the primary and returns only once the standby has
// applied it (synchronous_commit = remote_apply), so the very next query, served by the standby,
// sees it. Runs with the PostgreSQL suite (MEIBO_TEST_PG_URL; .ci/run sets it), as it needs the
// server binaries.
import { execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { openDirectory, type Directory } from '../../src/db/open.js';
import { issueToken, parseTokens } from '../../src/auth.js';
import { closeAllDatabases } from '../../src/db/adapter.js';
import { createPrismaClient, replicationWarnings } from '../../src/db/client.js';
import { dbConfigFromEnv } from '../../src/db/config.js';
import { useDatabaseReadiness } from '../../src/http/health.js';
import { asRoot, freePort, pgTool as runPgTool } from '../support/processes.js';

const PG_URL = process.env.MEIBO_TEST_PG_URL;
const editor = issueToken('replica-test');
const AS_EDITOR = { authorization: `Bearer ${editor.token}` };
const MEMBERS = `query($b: ID!, $d: Date!) { members(body: $b, asOf: $d) { role position post { title } } }`;
const RECORD = `mutation($input: AmendmentInput!) { recordAmendment(input: $input) { sequence revision { sequence } } }`;
const NEW_POST = 'デジタル庁統括官付参事官（サイバーセキュリティ担当）';
const amendment = {
  instrument: 'designated-posts', title: 'replica test', decidedOn: '2026-11-26', effectiveOn: '2027-04-01',
  changes: [{ kind: 'ADD', body: 'secretariat', role: 'MEMBER', position: 3, post: NEW_POST }],
};

const bin = PG_URL ? execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim() : '';
const pgTool = (tool: string, args: string[]) => runPgTool(bin, tool, args);


async function sql<T>(port: number, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres` });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

describe.skipIf(!PG_URL)('read replicas: a primary and a streaming standby', () => {
  let dir: string;
  let primaryPort: number;
  let standbyPort: number;
  let directory: Directory;
  let yoga: ReturnType<typeof createApp>;
  const started: string[] = [];

  const gql = async (query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const response = await yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: any; errors?: Array<{ message: string }> };
  };
  const titlesOn = async (day: string) => {
    const r = await gql(MEMBERS, { b: 'secretariat', d: day });
    expect(r.errors).toBeUndefined();
    return (r.data.members as Array<{ post: { title: string } }>).map((m) => m.post.title);
  };

  async function standbyIsSynchronous() {
    for (let i = 0; i < 100; i++) {
      const rows = await sql<{ sync_state: string }>(primaryPort, 'SELECT sync_state FROM pg_stat_replication');
      if (rows[0]?.sync_state === 'sync') return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the standby did not become synchronous in 10 s');
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meibo-replicas-'));
    if (asRoot) {
      const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
      chownSync(dir, id('-u'), id('-g'));
    }
    [primaryPort, standbyPort] = [await freePort(), await freePort()];
    const primary = join(dir, 'primary');
    const standby = join(dir, 'standby');
    // initdb -A trust also trusts replication connections from localhost.
    pgTool('initdb', ['-D', primary, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
    appendFileSync(primary + '/postgresql.conf', [
      `port = ${primaryPort}`, `listen_addresses = '127.0.0.1'`, `unix_socket_directories = '${dir}'`,
      // every standby is synchronous: a commit can wait for it to apply (remote_apply)
      `synchronous_standby_names = '*'`, 'fsync = off', 'max_wal_senders = 4', '',
    ].join('\n'));
    pgTool('pg_ctl', ['-D', primary, '-l', join(dir, 'primary.log'), '-w', 'start']);
    started.push(primary);
    pgTool('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', standby, '-R', '-X', 'stream']);
    appendFileSync(standby + '/postgresql.auto.conf', `port = ${standbyPort}\nhot_standby = on\n`);
    pgTool('pg_ctl', ['-D', standby, '-l', join(dir, 'standby.log'), '-w', 'start']);
    started.push(standby);
    await standbyIsSynchronous();
    await sql(primaryPort, 'CREATE EXTENSION IF NOT EXISTS btree_gist');

    // Configured the way `npm start` reads it.
    const config = dbConfigFromEnv({
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${primaryPort}/postgres`,
      DATABASE_REPLICA_URLS: `postgresql://postgres@127.0.0.1:${standbyPort}/postgres?application_name=meibo-replica-test`,
    });
    directory = await openDirectory(config, { migrate: true, seed: true });
    yoga = createApp(directory.prisma, { reader: directory.reader, tokens: parseTokens(editor.entry) });
  }, 120_000);

  afterAll(async () => {
    // a failed test may leave replay paused, and a write waiting for it
    if (started.length === 2) await sql(standbyPort, 'SELECT pg_wal_replay_resume()').catch(() => {});
    await directory?.close();
    await closeAllDatabases();
    for (const cluster of started.reverse()) pgTool('pg_ctl', ['-D', cluster, '-m', 'immediate', '-w', 'stop']);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers queries from the standby', async () => {
    const CHAIR = `query { chair(body: "secretariat", asOf: "2025-07-01") { post { id title } } }`;
    const before = (await gql(CHAIR, {})).data.chair.post;
    // A change the primary has and the standby (replay paused) does not: queries do not see it…
    await sql(standbyPort, 'SELECT pg_wal_replay_pause()');
    const rename = (suffix: string, commit: 'local' | 'remote_apply') =>
      `SET synchronous_commit = ${commit}; UPDATE post SET title = '${before.title}${suffix}' WHERE title LIKE '${before.title}%'`;
    await sql(primaryPort, rename('（改）', 'local'));
    expect((await gql(CHAIR, {})).data.chair.post.title).toBe(before.title);
    // …until the standby replays it.
    await sql(standbyPort, 'SELECT pg_wal_replay_resume()');
    for (let i = 0; i < 50 && (await gql(CHAIR, {})).data.chair.post.title === before.title; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await gql(CHAIR, {})).data.chair.post.title).toBe(`${before.title}（改）`);
    await sql(primaryPort, rename('', 'remote_apply'));
    expect((await gql(CHAIR, {})).data.chair.post.title).toBe(before.title);

    const connections = await sql<{ n: number }>(standbyPort, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'meibo-replica-test'`);
    expect(connections[0]!.n).toBeGreaterThan(0);
    expect(await sql(standbyPort, 'SELECT pg_is_in_recovery() AS r')).toEqual([{ r: true }]);
  });

  it('warns at start about replicas that cannot keep the promise, and not about this one', async () => {
    expect(await replicationWarnings(directory)).toEqual([]);
    // The standby and the primary itself as replicas: the second is not a standby, and there are
    // two replicas for one synchronous standby; none at all once synchronous_standby_names is emptied.
    const url = `postgresql://postgres@127.0.0.1:${primaryPort}/postgres`;
    const odd = createPrismaClient(dbConfigFromEnv({ DATABASE_URL: url, DATABASE_REPLICA_URLS: `postgresql://postgres@127.0.0.1:${standbyPort}/postgres,${url}` }));
    try {
      expect(await replicationWarnings(odd)).toEqual([
        "1 of the primary's standbys are synchronous (pg_stat_replication), fewer than the 2 replicas: a query right after an amendment may read a replica that has not applied it yet",
        'replica 2 of 2 is not a standby (pg_is_in_recovery() is false)',
      ]);
      await sql(primaryPort, "ALTER SYSTEM SET synchronous_standby_names = ''");
      await sql(primaryPort, 'SELECT pg_reload_conf()');
      let warnings: string[] = [];
      for (let i = 0; i < 30 && !/no synchronous standbys/.test(warnings[0] ?? ''); i++, await new Promise((r) => setTimeout(r, 100))) warnings = await replicationWarnings(odd);
      expect(warnings[0]).toMatch(/no synchronous standbys/);
    } finally {
      await sql(primaryPort, 'ALTER SYSTEM RESET synchronous_standby_names');
      await sql(primaryPort, 'SELECT pg_reload_conf()');
      await standbyIsSynchronous();
      await odd.close();
    }
  });

  it('writes on the primary, returns once the standby has applied the write, and the next query sees it', async () => {
    // With replay paused on the standby, the mutation cannot finish…
    await sql(standbyPort, 'SELECT pg_wal_replay_pause()');
    let settled = false;
    const writing = gql(RECORD, { input: amendment }, AS_EDITOR).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(settled).toBe(false);
    // …and nobody sees the write yet: not the standby, nor even the primary, where the committing
    // transaction counts as in progress until its standbys confirm.
    const visible = `SELECT count(*)::int AS n FROM post WHERE title = '${NEW_POST}'`;
    expect(await sql(primaryPort, visible)).toEqual([{ n: 0 }]);
    expect(await titlesOn('2027-04-01')).not.toContain(NEW_POST);
    // Replay resumes: the mutation returns, and the very next query (from the standby) has it.
    await sql(standbyPort, 'SELECT pg_wal_replay_resume()');
    const written = await writing;
    expect(written.errors).toBeUndefined();
    expect(written.data.recordAmendment.revision.sequence).toBe(written.data.recordAmendment.sequence);
    expect(await titlesOn('2027-04-01')).toContain(NEW_POST);
    expect(await titlesOn('2027-03-31')).not.toContain(NEW_POST);
    expect(await sql(primaryPort, visible)).toEqual([{ n: 1 }]);
  }, 30_000);

  it('is ready only while the standby answers too', async () => {
    const readiness = createApp(directory.prisma, { plugins: [useDatabaseReadiness({ db: directory.prisma, replicas: directory.replicas, timeoutMs: 1_000 })] });
    expect((await readiness.fetch('http://yoga/ready')).status).toBe(200);
    pgTool('pg_ctl', ['-D', join(dir, 'standby'), '-m', 'immediate', '-w', 'stop']);
    started.splice(started.indexOf(join(dir, 'standby')), 1);
    expect((await readiness.fetch('http://yoga/ready')).status).toBe(503);
  }, 30_000);
});
