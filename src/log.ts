// What operators see: structured JSON logs (pino), one line per HTTP request (reads answered well
// are counted in one line a second) and one per masked error with its cause, each carrying the
// request id that the client also gets (`x-request-id` header, `extensions.requestId` on errors).
// Never a token, a request body or a query string: they may carry credentials or personal data,
// and a 1 MiB body must not become a 1 MiB line.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type DestinationStream, type Logger } from 'pino';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { CLIENT_GONE } from './db/deadline.js';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The process's logger: JSON lines on stdout (or `destination`), at `level`. Written
 * asynchronously (pino's SonicBoom): a synchronous write per line made every cache hit 1.5× as
 * dear (13.7k vs 20k req/s, BENCHMARKS.md 2026-11-29). What is still buffered when the process
 * exits is written by flushLogs(), which src/server.ts calls before every exit.
 */
export function createLogger(level: LogLevel = 'info', destination?: DestinationStream): Logger {
  if (!destination) {
    stdout ??= pino.destination({ fd: 1, sync: false });
    destination = stdout;
  }
  return pino({ level, base: { service: 'meibo' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

let stdout: ReturnType<typeof pino.destination> | undefined;

/** Writes what the stdout logger still holds, before the process exits. */
export function flushLogs(): void {
  try {
    stdout?.flushSync();
  } catch {
    // nothing buffered, or a write already in progress (SonicBoom then writes it itself)
  }
}

/** A logger that writes nothing: the default of createApp, so tests stay quiet unless they listen. */
export const silentLogger: Logger = pino({ level: 'silent' });

/**
 * The request being served, wherever its work has got to (async continuations included): its id,
 * and whether a line saying the database was unavailable was written for it already.
 */
const current = new AsyncLocalStorage<{ id: string; unavailable?: boolean }>();
export const currentRequestId = (): string | undefined => current.getStore()?.id;
/** Runs `fn` as part of request `id`, as useRequestId runs everything Yoga does for a request (src/http/direct.ts). */
export const inRequest = <T>(id: string, fn: () => T): T => current.run({ id }, fn);

/** A client's own id is kept when it is a plausible one (so its logs and ours line up); anything else is replaced. */
const CLIENT_ID = /^[A-Za-z0-9._:-]{1,64}$/;
export const REQUEST_ID_HEADER = 'x-request-id';

export function requestIdFrom(header: string | null | undefined): string {
  return header && CLIENT_ID.test(header) ? header : randomUUID();
}

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * How a request was answered, when it was a read that went well: a cache hit the fast path served
 * before Yoga, or a query Yoga answered without an error. Such requests are counted, not written
 * one by one (withRequestLog).
 */
const QUIET_READ = Symbol('meibo read answered');
type Marked = Record<symbol, 'hit' | 'read' | undefined>;

/** Marks a response as a cache hit served before Yoga: the request log counts it instead of a line. */
export function markCacheHit(res: ServerResponse): void {
  (res as unknown as Marked)[QUIET_READ] = 'hit';
}

/** How often the request log writes its line of reads answered well (one a second, only when there were some). */
export const HIT_SUMMARY_MS = 1_000;
/** A read slower than this keeps its own line, so that an operator sees it. */
export const SLOW_READ_MS = 1_000;

/**
 * Wraps the whole HTTP handler (the cache's fast path and Yoga alike): gives each request its id,
 * returns it in `x-request-id`, and logs it when the response is finished (or the client went away
 * first).
 */
export function withRequestLog(handler: NodeHandler, log: Logger, summaryMs = HIT_SUMMARY_MS): NodeHandler {
  // Reads answered well — cache hits, and queries answered without an error — are the bulk of a
  // busy server's requests and tell an operator nothing one by one; a line each was a tenth of an
  // uncached request's CPU (socket and log writes, issue 17). They are counted, and written once a
  // period with their count, how many were hits, statuses, and mean and slowest times. Every
  // error, write, slow read, aborted request and other request (exports, the page) keeps its line.
  let reads: { n: number; hits: number; byStatus: Record<string, number>; maxMs: number; totalMs: number } | null = null;
  const flush = () => {
    if (!reads) return;
    const r = reads;
    reads = null;
    log.info({ reads: r.n, hits: r.hits, statuses: r.byStatus, msMax: Math.round(r.maxMs * 10) / 10, msMean: Math.round((r.totalMs / r.n) * 100) / 100 }, 'reads');
  };
  const timer = setInterval(flush, summaryMs);
  timer.unref();
  const countRead = (hit: boolean, status: number, ms: number) => {
    reads ??= { n: 0, hits: 0, byStatus: {}, maxMs: 0, totalMs: 0 };
    reads.n++;
    if (hit) reads.hits++;
    reads.byStatus[status] = (reads.byStatus[status] ?? 0) + 1;
    reads.maxMs = Math.max(reads.maxMs, ms);
    reads.totalMs += ms;
  };
  // What a request's 'close' listener needs, kept on the response: one listener function for every
  // request, not two closures made for each.
  function closed(this: ServerResponse) {
    const state = (this as unknown as Tracked)[REQUEST];
    if (!state || state.logged || !log.isLevelEnabled('info')) return;
    state.logged = true;
    // a response emits 'close' after 'finish' too, and is finished then unless aborted
    const aborted = !this.writableFinished;
    const ms = performance.now() - state.started;
    const quiet = (this as unknown as Marked)[QUIET_READ];
    if (!aborted && quiet && this.statusCode < 400 && ms < SLOW_READ_MS) {
      countRead(quiet === 'hit', this.statusCode, ms);
      return;
    }
    const { req } = state;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    log.info({
      requestId: state.id,
      method: req.method,
      path: q === -1 ? url : url.slice(0, q),
      status: aborted ? null : this.statusCode,
      ms: Math.round(ms * 10) / 10,
      ...(aborted ? { aborted: true } : {}),
    }, aborted ? 'request aborted by the client' : 'request');
  }
  return (req, res) => {
    const raw = req.headers[REQUEST_ID_HEADER];
    const id = requestIdFrom(Array.isArray(raw) ? raw[0] : raw);
    // Yoga reads it back from here (useRequestId), so both answer with the same id.
    req.headers[REQUEST_ID_HEADER] = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    (res as unknown as Tracked)[REQUEST] = { req, id, started: performance.now(), logged: false };
    res.on('close', closed);
    // The request's async context (its id for the lines Yoga's logger writes) is entered by
    // useRequestId, inside Yoga: a cache hit answered before Yoga never needs it, and entering it
    // here for every request was a sixth of a hit's CPU (2026-12-05).
    handler(req, res);
  };
}

const REQUEST = Symbol('meibo request log');
type Tracked = Record<typeof REQUEST, { req: IncomingMessage; id: string; started: number; logged: boolean } | undefined>;

/**
 * The request id inside Yoga: taken from the header withRequestLog set (or made here when Yoga
 * is called directly, as by `yoga.fetch` in tests), the async context everything Yoga does for the
 * request runs in, added to every error's extensions, and returned in the `x-request-id` header.
 */
export function useRequestId(): Plugin<Record<string, unknown>> {
  const ids = new WeakMap<Request, string>();
  const idOf = (request: Request) => {
    let id = ids.get(request);
    if (!id) ids.set(request, (id = requestIdFrom(request.headers.get(REQUEST_ID_HEADER))));
    return id;
  };
  return {
    instrumentation: {
      // everything Yoga does for the request runs with its id (yogaLogger's lines), async
      // continuations included
      request: ({ request }, wrapped) => current.run({ id: idOf(request) }, wrapped),
    },
    onExecute({ args }) {
      // a query (never a write) served over node:http: counted in the request log when it goes well
      const res = (args.contextValue as { res?: ServerResponse }).res;
      if (res && getOperationAST(args.document, args.operationName)?.operation === 'query') (res as unknown as Marked)[QUIET_READ] = 'read';
    },
    onResultProcess({ request, result, serverContext }) {
      const id = idOf(request);
      const res = (serverContext as { res?: ServerResponse } | undefined)?.res;
      const results = Array.isArray(result) ? result : [result];
      // an answer with an error, or streamed (a subscription), keeps its own line
      if (res && results.some((r) => !r || typeof r !== 'object' || !('data' in r) || (r as { errors?: unknown }).errors)) (res as unknown as Marked)[QUIET_READ] = undefined;
      for (const r of results) {
        const errors = (r as { errors?: Array<{ extensions?: Record<string, unknown> }> })?.errors;
        if (!Array.isArray(errors)) continue;
        for (const error of errors) {
          if (error && typeof error === 'object') {
            // GraphQLError keeps a plain, writable extensions object; a masked error gets a new one.
            if (!error.extensions || Object.isFrozen(error.extensions)) (error as { extensions: Record<string, unknown> }).extensions = { ...error.extensions };
            error.extensions!.requestId = id;
          }
        }
      }
    },
    onResponse({ request, response }) {
      if (!response.headers.has(REQUEST_ID_HEADER)) response.headers.set(REQUEST_ID_HEADER, idOf(request));
    },
  };
}

/**
 * Yoga's logger interface over pino. Yoga logs each error it masks through `error`, with the
 * original error, and twice at that (its maskError wrapper and its handleError both do): here it
 * becomes one line with the cause and the request id. An outage the client was told to retry
 * (`unavailable` gives its short cause: the database out of connections, stopped, too slow) is
 * no bug: one warning line a request, without a stack, however many fields failed with it.
 */
export function yogaLogger(log: Logger, unavailable: (error: unknown) => string | null = () => null) {
  const logged = new WeakSet<object>();
  const line = (level: 'debug' | 'info' | 'warn' | 'error') => (...args: unknown[]) => {
    const [first, ...rest] = args;
    if (first instanceof Error) {
      if (logged.has(first)) return;
      logged.add(first);
      const cause = level === 'error' ? unavailable(first) : null;
      // a request whose client went away is no outage: its request line says it was aborted
      if (cause === CLIENT_GONE) return;
      if (cause !== null) {
        const request = current.getStore();
        if (request?.unavailable || !log.isLevelEnabled('warn')) return;
        if (request) request.unavailable = true;
        log.warn({ requestId: request?.id, cause }, 'database unavailable: answered 503 SERVICE_UNAVAILABLE');
        return;
      }
    }
    if (!log.isLevelEnabled(level)) return;
    const requestId = currentRequestId();
    if (first instanceof Error) {
      log[level]({ requestId, err: causeOf(first) }, level === 'error' ? 'masked error' : first.message);
    } else {
      log[level]({ requestId, ...(rest.length ? { details: rest.map(String) } : {}) }, String(first));
    }
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

/** The error as an operator needs it: its class, message, code and stack, and its original error when wrapped. */
function causeOf(error: Error): Record<string, unknown> {
  const original = (error as { originalError?: unknown }).originalError;
  const base = original instanceof Error ? original : error;
  return {
    type: base.name,
    message: truncate(base.message, 2_000),
    code: (base as { code?: unknown }).code,
    stack: base.stack,
    ...(original instanceof Error && error.message !== base.message ? { path: (error as { path?: unknown }).path, wrapped: truncate(error.message, 500) } : {}),
  };
}

const truncate = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s);
