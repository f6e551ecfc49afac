// A thousand live-update subscribers and one write: a meibo server process (on the embedded PGlite,
// and on a private PostgreSQL cluster) holding 1,000 anonymous `directoryChanged` streams over SSE,
// from 125 loopback addresses (127.0.0.2…127.0.0.126, 8 each: the per-client cap keys clients by
// address). The caps refuse the 9th stream of one address and the 1,001st in all with 429
// TOO_MANY_SUBSCRIPTIONS. Then one amendment through the API: its acknowledgement, an ordinary
// query meanwhile, and every subscriber's event stay bounded; no event carries an error; and the
// database work of the fan-out is counted (meibo_db_statements_total): a few statements for the
// event, not a few per subscriber.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/auth.js';
import { EXAMPLE_AMENDMENT, gql, RECORD } from '../support/gql.js';
import { asRoot, freePort, havePgServer, pgBinDir, pgTool, startServer, stopServer, type ServerProcess } from '../support/processes.js';

const bin = pgBinDir();
const havePostgres = havePgServer(bin);
if (!havePostgres && process.env.CI) throw new Error('PostgreSQL server binaries not found (pg_config --bindir): the fault tests need initdb and pg_ctl');

const SUBSCRIBERS = 1_000;
const PER_ADDRESS = 8;
const ADDRESSES = SUBSCRIBERS / PER_ADDRESS; // 125
const address = (i: number) => `127.0.0.${2 + i}`;
const SUBSCRIBE = `subscription { directoryChanged { action sequence revision { diffs { unchanged } } bodies { code } } }`;
// each asks with an alias of its own: a new document, so the response cache cannot answer it
const ordinary = (i: number) => `{ q${i}: chair(body: "secretariat", asOf: "2025-07-01") { post { title } } }`;
const CHAIR_TITLE = '内閣官房内閣審議官（国家サイバー統括室）';
const REVERT = `mutation($sequence: Int!) { revertLatestAmendment(instrument: "designated-posts", sequence: $sequence) { sequence } }`;

const editor = issueToken('subscribers-fault-test');
const AS_EDITOR = { authorization: `Bearer ${editor.token}` };
const METRICS_TOKEN = 'subscribers-scrape';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Event {
  data?: { directoryChanged?: { action: string; sequence: number; revision: { diffs: Array<{ unchanged: number }> | null } | null; bodies: Array<{ code: string }> } };
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** One SSE subscription from a loopback address of its own choosing. */
interface Stream {
  status: number;
  /** the body when refused (JSON, or an SSE `next` frame carrying the error) */
  refusal: () => Promise<string>;
  events: Event[];
  /** ms (performance.now()) at which each event arrived */
  arrived: number[];
  ended: boolean;
  close(): void;
}

function subscribe(base: string, from: string, method: 'GET' | 'POST'): Promise<Stream> {
  const url = new URL('/graphql', base);
  const body = JSON.stringify({ query: SUBSCRIBE });
  if (method === 'GET') url.searchParams.set('query', SUBSCRIBE);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname, port: url.port, path: url.pathname + url.search, method, localAddress: from, agent: false,
        headers: { accept: 'text/event-stream', ...(method === 'POST' ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) },
      },
      (res: IncomingMessage) => {
        const stream: Stream = { status: res.statusCode ?? 0, refusal: async () => text, events: [], arrived: [], ended: false, close: () => req.destroy() };
        let text = '';
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (stream.status !== 200) return void (text += chunk);
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
            if (frame.split('\n').some((l) => l.startsWith('event: next')) && data) {
              stream.arrived.push(performance.now());
              stream.events.push(JSON.parse(data) as Event);
            }
          }
        });
        const ended = () => void (stream.ended = true);
        res.on('end', ended);
        res.on('close', ended);
        if (stream.status === 200) resolve(stream);
        else res.on('end', () => resolve(stream));
      },
    );
    req.on('error', reject);
    if (method === 'POST') req.write(body);
    req.end();
  });
}

/** Runs `work` over `items`, `width` at a time. */
async function inBatches<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) out.push(...(await Promise.all(items.slice(i, i + width).map(work))));
  return out;
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

function fanOut(kind: 'pglite' | 'postgres') {
  let server: ServerProcess;
  let dir: string;
  let stopDatabase = () => {};
  const streams: Stream[] = [];
  const figures: Record<string, string> = {};

  const scrape = async (name: string) => {
    const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.split(' ')[1]) : NaN;
  };
  const statements = () => scrape('meibo_db_statements_total');
  /** statements a function's requests cost the server */
  const counted = async <T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> => {
    const before = await statements();
    const result = await work();
    return { result, statements: (await statements()) - before };
  };
  const timed = async <T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> => {
    const started = performance.now();
    const result = await work();
    return { result, ms: performance.now() - started };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `meibo-subscribers-${kind}-`));
    const env: Record<string, string> = {
      MEIBO_TOKENS: editor.entry,
      MEIBO_LIVE_MAX_SUBSCRIPTIONS: String(SUBSCRIBERS),
      MEIBO_LIVE_MAX_PER_CLIENT: String(PER_ADDRESS),
      MEIBO_METRICS: 'on',
      MEIBO_METRICS_TOKEN: createHash('sha256').update(METRICS_TOKEN).digest('hex'),
      REDIS_URL: '',
      // the ready line is an info line; a line per request besides, which is the deployed default
      MEIBO_LOG_LEVEL: 'info',
    };
    if (kind === 'pglite') {
      Object.assign(env, { DATABASE_URL: '', MEIBO_DATA_DIR: join(dir, 'pglite') });
    } else {
      if (asRoot) {
        const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
        chownSync(dir, id('-u'), id('-g'));
      }
      const pgPort = await freePort();
      const data = join(dir, 'data');
      pgTool(bin, 'initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
      appendFileSync(join(data, 'postgresql.conf'), [`port = ${pgPort}`, `listen_addresses = '127.0.0.1'`, `unix_socket_directories = '${dir}'`, 'fsync = off', ''].join('\n'));
      pgTool(bin, 'pg_ctl', ['-D', data, '-l', join(dir, 'postgres.log'), '-w', 'start']);
      stopDatabase = () => pgTool(bin, 'pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      Object.assign(env, { DATABASE_URL: `postgresql://postgres@127.0.0.1:${pgPort}/postgres`, MEIBO_MIGRATE_ON_START: 'true' });
    }
    server = await startServer(kind, env, 150_000);
  }, 200_000);

  afterAll(async () => {
    for (const s of streams) s.close();
    await stopServer(server);
    try {
      stopDatabase();
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
    console.log(`[subscribers ${kind}] ${JSON.stringify(figures, null, 1)}`);
  });

  // The amendment recorded and reverted with nobody listening: what each write costs by itself.
  const alone = { record: 0, revert: 0 };
  let recorded = 0;
  const record = () => gql(server.url, RECORD, { input: EXAMPLE_AMENDMENT }, AS_EDITOR);
  const revert = () => gql(server.url, REVERT, { sequence: recorded }, AS_EDITOR);
  it('measures the write, its revert, and an ordinary query, with nobody subscribed', async () => {
    const q = await counted(() => timed(() => gql(server.url, ordinary(0))));
    expect(q.result.result.data?.q0.post.title).toBe(CHAIR_TITLE);
    const w = await counted(() => timed(record));
    expect(w.result.result.errors).toBeUndefined();
    recorded = w.result.result.data!.recordAmendment.sequence;
    const r = await counted(revert);
    expect(r.result.errors).toBeUndefined();
    alone.record = w.statements;
    alone.revert = r.statements;
    Object.assign(figures, {
      writeAlone: `${Math.round(w.result.ms)} ms, ${w.statements} statements (its revert ${r.statements})`,
      ordinaryQueryAlone: `${Math.round(q.result.ms)} ms, ${q.statements} statements`,
    });
  });

  it(`holds ${SUBSCRIBERS} subscriptions from ${ADDRESSES} addresses, and refuses the 9th of an address and the ${SUBSCRIBERS + 1}st in all`, async () => {
    figures.rssBeforeMb = rssMb(server.child.pid!).toFixed(0);
    const refusedOf = async (s: Stream) => {
      expect(s.status).toBe(429);
      const text = await s.refusal();
      const json = JSON.parse(text.includes('data:') ? text.split('\n').find((l) => l.startsWith('data:'))!.slice(5) : text);
      return json.errors[0].extensions as { code: string; scope: string; limit: number };
    };
    const open = async (slots: number[]) => {
      const opened = await inBatches(slots, 50, (i) => subscribe(server.url, address(i % ADDRESSES), i % 2 ? 'POST' : 'GET'));
      streams.push(...opened);
      expect(opened.map((s) => s.status).filter((s) => s !== 200)).toEqual([]);
    };
    const listening = async (n: number) => {
      // a subscription listens once its stream is read: all of them, soon
      for (let i = 0; i < 300 && (await scrape('meibo_subscriptions_open')) !== n; i++) await sleep(100);
      expect(await scrape('meibo_subscriptions_open')).toBe(n);
    };

    const slots = Array.from({ length: SUBSCRIBERS }, (_, i) => i);
    const opened = await timed(() => open(slots.slice(0, -1)));
    await listening(SUBSCRIBERS - 1);
    // the 9th from an address that holds 8: the client's cap (GET and POST alike)
    for (const method of ['GET', 'POST'] as const) {
      expect(await refusedOf(await subscribe(server.url, address(0), method))).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', scope: 'client', limit: PER_ADDRESS });
    }
    await open(slots.slice(-1));
    await listening(SUBSCRIBERS);
    figures.opened = `${SUBSCRIBERS} in ${Math.round(opened.ms)} ms`;
    figures.rssSubscribedMb = rssMb(server.child.pid!).toFixed(0);
    // the 1,001st, from an address that holds none: the process's cap
    expect(await refusedOf(await subscribe(server.url, '127.0.0.250', 'GET'))).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', scope: 'total', limit: SUBSCRIBERS });
    await listening(SUBSCRIBERS);

    // a stream closed frees its place: the address may open one again
    const last = streams.pop()!;
    last.close();
    await listening(SUBSCRIBERS - 1);
    const again = await subscribe(server.url, address((SUBSCRIBERS - 1) % ADDRESSES), 'POST');
    expect(again.status).toBe(200);
    streams.push(again);
    await listening(SUBSCRIBERS);
  });

  /** Waits until every stream has `n` events (at most 90 s); ms from `since` to the last one's arrival. */
  const everyStreamHas = async (n: number, since: number) => {
    for (let i = 0; i < 900 && !streams.every((s) => s.events.length >= n); i++) await sleep(100);
    return Math.max(...streams.map((s) => s.arrived[n - 1] ?? Infinity)) - since;
  };
  /** The n-th event of every stream: none missing, none with an error, each as `expected` says. */
  const expectEvents = (n: number, expected: { action: string; sequence: number; diffs: number | null }) => {
    const events = streams.map((s) => s.events[n - 1]);
    const errors = events.flatMap((e) => e?.errors ?? []);
    expect(events.filter((e) => !e).length, 'subscribers without the event').toBe(0);
    expect(errors, `${errors.length} errors: ${JSON.stringify([...new Set(errors.map((e) => e.extensions?.code))])}`).toEqual([]);
    for (const e of events) {
      const change = e!.data!.directoryChanged!;
      expect(change).toMatchObject({ action: expected.action, sequence: expected.sequence });
      expect(change.bodies.map((b) => b.code).sort()).toEqual(['deputy-director-meeting', 'secretariat']);
      expect(change.revision?.diffs?.length ?? null).toBe(expected.diffs);
    }
  };

  it('one amendment: the write and ordinary queries meanwhile stay bounded, every subscriber gets its event, none an error', async () => {
    const rssBefore = rssMb(server.child.pid!);
    const started = performance.now();
    const write = timed(record);
    // ordinary queries, one after another (each a new document, so read from the database), until every event has arrived
    const queries: number[] = [];
    const asking = (async () => {
      for (let i = 1; (i <= 3 || !streams.every((s) => s.events.length >= 1)) && performance.now() - started < 90_000; i++) {
        const q = await timed(() => gql(server.url, ordinary(i)));
        queries.push(q.ms);
        expect(q.result.errors, JSON.stringify(q.result.errors)).toBeUndefined();
        expect(q.result.data?.[`q${i}`].post.title).toBe(CHAIR_TITLE);
      }
    })();
    const { result: written, ms: writeMs } = await write;
    expect(written.errors).toBeUndefined();
    recorded = written.data!.recordAmendment.sequence;
    const allMs = await everyStreamHas(1, started);
    await asking;
    const rssAfter = rssMb(server.child.pid!);
    const sorted = [...queries].sort((x, y) => x - y);
    Object.assign(figures, {
      write: `${Math.round(writeMs)} ms`,
      ordinaryQueries: `${queries.length} during the fan-out, slowest ${Math.round(sorted.at(-1)!)} ms, median ${Math.round(sorted[Math.floor(sorted.length / 2)]!)} ms`,
      everyEvent: `${Math.round(allMs)} ms after the write was sent`,
      rss: `${figures.rssBeforeMb} MB before subscribing, ${rssBefore.toFixed(0)} with ${SUBSCRIBERS} subscribers, ${rssAfter.toFixed(0)} after the event`,
    });

    expectEvents(1, { action: 'RECORDED', sequence: recorded, diffs: 2 });
    // Generous, load-proof bounds: 2 shared cores, the client of 1,000 streams beside the server.
    expect(writeMs).toBeLessThan(10_000);
    expect(sorted.at(-1)!).toBeLessThan(10_000);
    expect(allMs).toBeLessThan(60_000);
    expect(rssAfter - Number(figures.rssBeforeMb)).toBeLessThan(600);
  });

  // The work counted, with no other traffic: each write with 1,000 subscribers against the same
  // write alone. One read of each thing for the event, whoever reads it: a statement per
  // subscriber would be a thousand.
  it('the fan-out of an event costs the database a few statements, not a few per subscriber', async () => {
    const reverted = await counted(async () => {
      const started = performance.now();
      const r = await revert();
      expect(r.errors).toBeUndefined();
      return everyStreamHas(2, started);
    });
    expectEvents(2, { action: 'REVERTED', sequence: recorded, diffs: null });
    const again = await counted(async () => {
      const started = performance.now();
      const r = await record();
      expect(r.errors).toBeUndefined();
      recorded = r.data!.recordAmendment.sequence;
      return everyStreamHas(3, started);
    });
    expectEvents(3, { action: 'RECORDED', sequence: recorded, diffs: 2 });
    const fanOut = { revert: reverted.statements - alone.revert, record: again.statements - alone.record };
    figures.fanOutStatements = `RECORDED: ${fanOut.record} (every event in ${Math.round(again.result)} ms), REVERTED: ${fanOut.revert} (in ${Math.round(reverted.result)} ms), for ${SUBSCRIBERS} subscribers`;
    expect(fanOut.record).toBeLessThanOrEqual(20);
    expect(fanOut.revert).toBeLessThanOrEqual(20);
    expect(again.result).toBeLessThan(60_000);
    expect(reverted.result).toBeLessThan(60_000);
  });
}

describe('1,000 subscribers and one write, on the embedded PGlite', () => fanOut('pglite'));
describe.skipIf(!havePostgres)('1,000 subscribers and one write, on PostgreSQL', () => fanOut('postgres'));
