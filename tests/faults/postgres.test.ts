// PostgreSQL stopped, frozen and back, under a small load: a private cluster (initdb on a free
// port), a meibo server process over it with 1 s connect and statement timeouts and a 3 s request
// timeout. Every client sees HTTP 503 SERVICE_UNAVAILABLE (never 200 "Unexpected error."),
// `/ready` is 503 meanwhile, and the same process answers correctly once PostgreSQL is back. A
// query whose client goes away, or whose time is up, leaves no statement running on the server.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, request as httpRequest, type ClientRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CORS_OPTIONS, createApp } from '../../src/app.js';
import { directPath } from '../../src/http/direct.js';
import { openDirectory } from '../../src/db/open.js';
import { issueToken } from '../../src/auth.js';
import { closeAllDatabases } from '../../src/db/adapter.js';
import { createPrismaClient, type DbClient } from '../../src/db/client.js';
import { dbConfigFromEnv } from '../../src/db/config.js';
import { asRoot, freePort, havePgServer, pgBinDir, pgTool as runPgTool } from '../support/processes.js';

const bin = pgBinDir();
const haveServer = havePgServer(bin);
// In CI the binaries are part of the job: their absence is a failure, not a skip.
if (!haveServer && process.env.CI) throw new Error('PostgreSQL server binaries not found (pg_config --bindir): the fault tests need initdb and pg_ctl');

const pgTool = (tool: string, args: string[]) => runPgTool(bin, tool, args);


const CHAIR = `{ chair(body: "secretariat", asOf: "2025-07-01") { post { title } } }`;
const CHAIR_TITLE = '内閣官房内閣審議官（国家サイバー統括室）';
const MEMBERS = `{ members(body: "deputy-director-meeting", asOf: "2025-07-01", role: OBSERVER) { position post { title } } }`;
const AMENDMENTS = `{ amendments(first: 50) { edges { node { id } } } }`;
const RECORD = `mutation($input: AmendmentInput!) { recordAmendment(input: $input) { sequence } }`;
const WRITE = {
  instrument: 'designated-posts', title: 'written during an outage', decidedOn: '2026-11-26', effectiveOn: '2027-04-01',
  changes: [{ kind: 'REMOVE', body: 'secretariat', post: CHAIR_TITLE }],
};
const editor = issueToken('fault-test');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Seen {
  status: number;
  ms: number;
  retryAfter: string | null;
  body: { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

describe.skipIf(!haveServer)('PostgreSQL stopped, frozen and back', () => {
  let dir: string;
  let data: string;
  let pgPort: number;
  let url: string;
  let running = false;
  let frozen: number[] = [];
  let server: ChildProcess | undefined;
  let serverPort: number;
  let output = '';
  const figures: Record<string, string> = {};

  const psql = async <T>(text: string, client?: pg.Client): Promise<T[]> => {
    if (client) return (await client.query(text)).rows as T[];
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(text)).rows as T[];
    } finally {
      await c.end();
    }
  };

  const post = async (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Seen> => {
    const started = performance.now();
    const response = await fetch(`http://127.0.0.1:${serverPort}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    return { status: response.status, ms: performance.now() - started, retryAfter: response.headers.get('retry-after'), body };
  };
  const write = () => post(RECORD, { input: WRITE }, { authorization: `Bearer ${editor.token}` });
  const amendmentCount = async () => ((await post(AMENDMENTS)).body.data.amendments.edges as unknown[]).length;
  const ready = async () => (await fetch(`http://127.0.0.1:${serverPort}/ready`)).status;

  /** 4 clients, each sending `rounds` queries one after another: a bounded load. */
  const load = async (rounds: number): Promise<Seen[]> => {
    const seen: Seen[] = [];
    await Promise.all(
      [CHAIR, MEMBERS, CHAIR, MEMBERS].map(async (query) => {
        for (let i = 0; i < rounds; i++) seen.push(await post(query));
      }),
    );
    return seen;
  };

  const expectAllUnavailable = (seen: Seen[]) => {
    for (const s of seen) {
      expect(s.status, JSON.stringify(s.body)).toBe(503);
      expect(s.retryAfter).toBe('5');
      expect(s.body.errors?.length).toBeGreaterThan(0);
      for (const error of s.body.errors ?? []) {
        expect(error.extensions?.code).toBe('SERVICE_UNAVAILABLE');
        expect(error.extensions?.retryable).toBe(true);
        expect(error.extensions).not.toHaveProperty('http');
        expect(error.message).toMatch(/retry/);
        expect(error.message).not.toContain(String(pgPort));
      }
    }
  };

  const expectAllCorrect = (seen: Seen[]) => {
    for (const s of seen) {
      expect(s.status, JSON.stringify(s.body)).toBe(200);
      expect(s.body.errors).toBeUndefined();
      if (s.body.data.chair) expect(s.body.data.chair.post.title).toBe(CHAIR_TITLE);
      else expect(s.body.data.members).toHaveLength(5);
    }
  };

  const summary = (seen: Seen[]) => {
    const ms = seen.map((s) => s.ms).sort((a, b) => a - b);
    return `${seen.length} requests, ${Math.round(ms[0]!)}–${Math.round(ms.at(-1)!)} ms (median ${Math.round(ms[Math.floor(ms.length / 2)]!)} ms)`;
  };

  /** Polls until `done()` (at most `tries` times, 100 ms apart). */
  const until = async (done: () => Promise<boolean>, tries = 100) => {
    for (let i = 0; i < tries; i++) {
      if (await done()) return true;
      await sleep(100);
    }
    return false;
  };

  const startCluster = () => {
    pgTool('pg_ctl', ['-D', data, '-l', join(dir, 'postgres.log'), '-w', 'start']);
    running = true;
  };
  const stopCluster = () => {
    pgTool('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    running = false;
  };

  /** The postmaster and every process it started (backends, checkpointer…). */
  const clusterPids = () => {
    const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .filter((name) => {
        try {
          // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after ')'
          const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
        } catch {
          return false;
        }
      })
      .map(Number);
    return [postmaster, ...children];
  };
  const freeze = () => {
    frozen = clusterPids();
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
  };
  const thaw = () => {
    for (const pid of frozen) process.kill(pid, 'SIGCONT');
    frozen = [];
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meibo-pg-faults-'));
    if (asRoot) {
      const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
      chownSync(dir, id('-u'), id('-g'));
    }
    pgPort = await freePort();
    data = join(dir, 'data');
    url = `postgresql://postgres@127.0.0.1:${pgPort}/postgres`;
    pgTool('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
    appendFileSync(join(data, 'postgresql.conf'), [
      `port = ${pgPort}`, `listen_addresses = '127.0.0.1'`, `unix_socket_directories = '${dir}'`, 'fsync = off', '',
    ].join('\n'));
    startCluster();
    const directory = await openDirectory(dbConfigFromEnv({ DATABASE_URL: url }), { migrate: true, seed: true });
    await directory.close();

    serverPort = await freePort();
    server = spawn(join('node_modules', '.bin', 'tsx'), ['src/server.ts'], {
      env: {
        ...process.env,
        PORT: String(serverPort),
        HOST: '127.0.0.1',
        DATABASE_URL: url,
        MEIBO_PG_CONNECT_TIMEOUT_MS: '1000',
        MEIBO_PG_STATEMENT_TIMEOUT_MS: '1000',
        MEIBO_REQUEST_TIMEOUT_MS: '3000',
        // every answer from the database, none from a cache
        MEIBO_RESPONSE_CACHE: 'off',
        MEIBO_TOKENS: editor.entry,
        REDIS_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (chunk) => (output += chunk));
    server.stderr!.on('data', (chunk) => (output += chunk));
    const listening = await until(async () => /meibo ready on/.test(output) || server!.exitCode !== null, 600);
    if (!listening || server.exitCode !== null) throw new Error(`meibo did not start:\n${output}`);
  }, 120_000);

  afterAll(async () => {
    if (frozen.length) thaw();
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await until(async () => server!.exitCode !== null, 100);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    await closeAllDatabases();
    if (running) stopCluster();
    if (dir) rmSync(dir, { recursive: true, force: true });
    console.log(`figures:\n${Object.entries(figures).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
  });

  it('answers while PostgreSQL runs', async () => {
    expect(await ready()).toBe(200);
    expectAllCorrect(await load(3));
  });

  it('answers 503 SERVICE_UNAVAILABLE while PostgreSQL is stopped, and recovers without a restart', async () => {
    const pid = server!.pid;
    const amendments = await amendmentCount();
    stopCluster();
    const seen = await load(5);
    expectAllUnavailable(seen);
    const written = await write();
    expectAllUnavailable([written]);
    figures['stopped, a write'] = `${Math.round(written.ms)} ms`;
    // bounded by the configured timeouts (connect 1 s); 10 s is a generous margin for a busy machine
    for (const s of seen) expect(s.ms).toBeLessThan(10_000);
    figures.stopped = summary(seen);
    expect(await ready()).toBe(503);

    startCluster();
    expect(await until(async () => (await ready()) === 200)).toBe(true);
    expectAllCorrect(await load(3));
    // the write reported as not done is not there
    expect(await amendmentCount()).toBe(amendments);
    expect(server!.pid).toBe(pid);
    expect(server!.exitCode).toBeNull();
  });

  it('answers 503 SERVICE_UNAVAILABLE within the timeouts while PostgreSQL hangs, and recovers when it resumes', async () => {
    const pid = server!.pid;
    // connections in the pool, so that both waits are met: a statement on an open connection and
    // a new connection
    expectAllCorrect(await load(2));
    const amendments = await amendmentCount();
    freeze();
    const seen = await load(3);
    expectAllUnavailable(seen);
    const written = await write();
    expectAllUnavailable([written]);
    expect(written.ms).toBeLessThan(10_000);
    figures['frozen, a write'] = `${Math.round(written.ms)} ms`;
    // connect 1 s, statement 1 s (+1 s for the client's own bound), request 3 s: never the hang's length
    for (const s of seen) expect(s.ms).toBeLessThan(10_000);
    figures.frozen = summary(seen);
    const readyStarted = performance.now();
    expect(await ready()).toBe(503);
    figures['frozen /ready'] = `${Math.round(performance.now() - readyStarted)} ms`;

    thaw();
    expect(await until(async () => (await ready()) === 200)).toBe(true);
    expectAllCorrect(await load(3));
    expect(await amendmentCount()).toBe(amendments);
    expect(server!.pid).toBe(pid);
  });

  describe('a query that waits on the server (a table locked by another session)', () => {
    let client: DbClient;
    let locker: pg.Client;
    const APP = 'meibo-fault-gone';
    // the statement timeout is a minute: only the request's own end can stop the statement sooner
    beforeAll(async () => {
      client = createPrismaClient(dbConfigFromEnv({ DATABASE_URL: `${url}?application_name=${APP}`, MEIBO_PG_STATEMENT_TIMEOUT_MS: '60000' }));
      locker = new pg.Client({ connectionString: url });
      await locker.connect();
    });
    afterAll(async () => {
      await locker?.end();
      await client?.close();
    });

    // The request's statements running on the server: one or more (a first question reads the
    // bodies and units beside its own statement), none once it is stopped. A failure says which.
    const running = () =>
      psql<{ query: string; wait: string | null }>(`SELECT left(query, 60) AS query, wait_event_type AS wait FROM pg_stat_activity WHERE application_name = '${APP}' AND state = 'active'`);
    const untilRunning = async (want: (n: number) => boolean, tries = 100) => {
      let last: Array<{ query: string; wait: string | null }> = [];
      return (await until(async () => want((last = await running()).length), tries)) ? 'as expected' : `running then: ${JSON.stringify(last)}`;
    };

    it('runs on connections whose statements the server itself bounds', async () => {
      const [settings] = await client.prisma.$queryRaw<Array<{ statement: string; idle: string }>>`
        SELECT current_setting('statement_timeout') AS statement, current_setting('idle_in_transaction_session_timeout') AS idle`;
      expect(settings).toEqual({ statement: '1min', idle: '1min' });
    });

    const lockBody = async () => {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE body IN ACCESS EXCLUSIVE MODE');
    };

    it('stops its statement on the server when the client goes away', async () => {
      const yoga = createApp(client.prisma, { requestTimeoutMs: 60_000 });
      await lockBody();
      try {
        const controller = new AbortController();
        const asking = Promise.resolve(yoga.fetch(new Request('http://yoga/graphql', {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json' },
            body: JSON.stringify({ query: CHAIR }),
            signal: controller.signal,
          }))).catch((error: Error) => error);
        expect(await untilRunning((n) => n >= 1)).toBe('as expected');
        const abortedAt = performance.now();
        controller.abort();
        await asking;
        // cancelled at once, not left to wait for the lock (or the minute's statement timeout)
        expect(await untilRunning((n) => n === 0, 30)).toBe('as expected');
        figures['client gone → statement stopped'] = `${Math.round(performance.now() - abortedAt)} ms`;
      } finally {
        await locker.query('ROLLBACK');
      }
    });

    it('stops its statement and answers 503 when the request runs out of time', async () => {
      const yoga = createApp(client.prisma, { requestTimeoutMs: 1_000 });
      await lockBody();
      try {
        const started = performance.now();
        const response = await yoga.fetch('http://yoga/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ query: CHAIR }),
        });
        figures['request timeout 1 s → 503'] = `${Math.round(performance.now() - started)} ms`;
        expect(response.status).toBe(503);
        const body = (await response.json()) as Seen['body'];
        expect(body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
        expect(await untilRunning((n) => n === 0, 30)).toBe('as expected');
      } finally {
        await locker.query('ROLLBACK');
      }
      // and the client's next query is answered (its pool lost only the cancelled connection)
      const again = await yoga.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: CHAIR }),
      });
      expect(((await again.json()) as Seen['body']).data.chair.post.title).toBe(CHAIR_TITLE);
    });

    // The same two over HTTP, on the path `npm start` takes for an anonymous query: past Yoga's
    // Fetch layer, whose Request.signal the deadline otherwise listens to (src/http/direct.ts).
    describe('on the direct path', () => {
      let server: Server;
      let port: number;
      let timeoutMs = 60_000;
      beforeAll(async () => {
        const direct = directPath();
        const yoga = createApp(client.prisma, { requestTimeoutMs: 60_000, plugins: [direct.plugin] });
        const short = createApp(client.prisma, { requestTimeoutMs: 1_000, plugins: [direct.plugin] });
        const [long, quick] = [direct.wrap(yoga, CORS_OPTIONS), direct.wrap(short, CORS_OPTIONS)];
        server = createServer((req, res) => (timeoutMs === 60_000 ? long : quick)(req, res));
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        port = (server.address() as AddressInfo).port;
      });
      afterAll(() => server?.close());
      const ask = (onRequest?: (req: ClientRequest) => void) =>
        new Promise<{ status: number; body: string } | Error>((resolve) => {
          const body = JSON.stringify({ query: CHAIR });
          const req = httpRequest({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
            let text = '';
            res.on('data', (c) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode!, body: text }));
          });
          req.on('error', resolve);
          req.end(body);
          onRequest?.(req);
        });

      it('stops its statement on the server when the client goes away', async () => {
        timeoutMs = 60_000;
        await lockBody();
        try {
          const asking = ask((req) => void untilRunning((n) => n >= 1).then(() => req.destroy()));
          expect(await untilRunning((n) => n >= 1)).toBe('as expected');
          const gone = await asking;
          expect(gone).toBeInstanceOf(Error);
          // cancelled at once, not left to wait for the lock (or the minute's statement timeout)
          expect(await untilRunning((n) => n === 0, 30)).toBe('as expected');
        } finally {
          await locker.query('ROLLBACK');
        }
        const again = await ask();
        expect(again).not.toBeInstanceOf(Error);
        expect(JSON.parse((again as { body: string }).body).data.chair.post.title).toBe(CHAIR_TITLE);
      });

      it('stops its statement and answers 503 when the request runs out of time', async () => {
        timeoutMs = 1_000;
        await lockBody();
        try {
          const answer = (await ask()) as { status: number; body: string };
          expect(answer.status).toBe(503);
          expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
          expect(await untilRunning((n) => n === 0, 30)).toBe('as expected');
        } finally {
          await locker.query('ROLLBACK');
        }
      });
    });
  });
});
