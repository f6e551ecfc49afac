// The direct path: an anonymous JSON query that the response cache did not answer runs through
// Yoga's own pipeline (its parameter hooks, parse, validation, the Envelop plugins around
// execution, error masking) without Yoga's Fetch layer: no Request, URL, Headers, AbortController
// and Response objects made and converted back to node:http, and no per-request hooks that a plain
// query's answer does not need. An answer without an error is written here as Yoga writes it (the
// same status, headers and bytes). Anything else, and every request this file is not sure about,
// is Yoga's:
// - an answer with an error, or any other status than 200: Yoga is handed the request with the
//   answer already computed (the plugin below sets it in onParams), so its status, extensions,
//   logging and headers are Yoga's own and the query does not run twice;
// - a mutation or subscription: stopped before it runs, then handed to Yoga untouched;
// - a GET, credentials, If-None-Match, a compressed body, an Accept or body this file does not read
//   as Yoga would.
//
// Why: Yoga's Fetch layer and hook chain were up to a third of an uncached question's CPU in the server
// process on PostgreSQL (chair 0.54 → 0.36 ms, members 0.86 → 0.60–0.70 ms; BENCHMARKS.md,
// 2026-12-05 (late), issue 17), where meibo is to use at most half of PostGraphile's CPU.
//
// What is skipped: Yoga's onRequest hooks (/health, /ready, CORS preflight, GraphiQL's page, other
// paths, the cache's If-None-Match: none applies to a POST to the endpoint without If-None-Match),
// its request parsers and body limit (the body is read and parsed here, at most 64 KiB), its
// result processors (the media type is chosen here as they choose it), onResponse (CORS and
// x-request-id are written here; trusted documents' Cache-Control is for GET, GraphiQL's headers
// for HTML) and useRequestId's request instrumentation (entered here: inRequest).
// tests/direct.test.ts counts these hooks: a plugin added with one must be weighed here. Plugins
// that watch every HTTP request and response (metrics, tracing) would not see this path:
// src/server.ts turns it off when either is on.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CORSOptions } from '@whatwg-node/server';
import { getOperationAST, GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { sentBody, type CachedResult } from '../cache/store.js';
import { inRequest, REQUEST_ID_HEADER, requestIdFrom } from '../log.js';
import { headerValue, jsonBodyLength, mediaType, once, readBody, withCors, type NodeHandler, type ReadRequest } from './node-request.js';

type Result = ExecutionResult & { stringify?: (result: unknown) => string; extensions?: CachedResult['extensions'] & { http?: { status?: number } } };
type ServerContext = { req: IncomingMessage; res: ServerResponse; waitUntil: (promise: Promise<unknown> | void) => void };
type ResultForParams = (payload: { params: Record<string, unknown>; request: Request }, context: ServerContext) => unknown;

/** What the direct pass stopped before it ran: a mutation or a subscription, which Yoga runs. */
const NOT_A_QUERY: ExecutionResult = { errors: [new GraphQLError('not a query: answered by Yoga')] };

/**
 * The part of a Fetch Request that Yoga's parameter and execution hooks read (meibo's, Yoga's,
 * Envelop's): method, url, headers.get/has, and a signal that aborts when the client goes away
 * before its answer is written (the request deadline, src/http/deadline.ts).
 */
class DirectRequest {
  readonly method = 'POST';
  readonly url: string;
  readonly headers: { get(name: string): string | null; has(name: string): boolean };
  readonly signal: ClientSignal;
  constructor(req: IncomingMessage, res: ServerResponse) {
    this.url = `http://${req.headers.host ?? 'localhost'}${req.url}`;
    this.headers = { get: (name) => headerValue(req, name), has: (name) => req.headers[name.toLowerCase()] !== undefined };
    this.signal = new ClientSignal(res);
  }
}

/** AbortSignal's part the deadline uses: `aborted`, and 'abort' listeners, told when the response closes unfinished. */
class ClientSignal {
  aborted = false;
  reason: unknown = undefined;
  private listeners: Array<() => void> = [];
  constructor(private readonly res: ServerResponse) {}
  addEventListener(type: string, listener: () => void): void {
    if (type !== 'abort' || this.aborted) return;
    if (this.listeners.length === 0) this.res.once('close', () => this.closed());
    this.listeners.push(listener);
  }
  removeEventListener(type: string, listener: () => void): void {
    if (type === 'abort') this.listeners = this.listeners.filter((l) => l !== listener);
  }
  private closed(): void {
    if (this.res.writableFinished || this.aborted) return;
    this.aborted = true;
    this.reason = new DOMException('The client went away before its answer was written', 'AbortError');
    for (const listener of this.listeners.splice(0)) listener();
  }
}

export interface DirectPath {
  /** goes in createApp(prisma, { plugins }): hands Yoga an answer computed here, and stops what is not a query */
  plugin: Plugin<Record<string, unknown>>;
  /** The node handler: plain queries answered here, the rest by `yoga` (createApp's Yoga, whose getResultForParams runs the pipeline). */
  wrap(yoga: NodeHandler, corsOptions: CORSOptions, endpoint?: string): NodeHandler;
}

export function directPath(log: { error(message: string): void } = console): DirectPath {
  /** requests whose answer the direct pass computed and Yoga is to send */
  const precomputed = new WeakMap<IncomingMessage, unknown>();
  /** requests in the direct pass */
  const direct = new WeakSet<IncomingMessage>();

  const plugin: Plugin<Record<string, unknown>> = {
    onParams({ context, setResult }) {
      const req = (context as Partial<ServerContext>).req;
      if (!req || !precomputed.has(req)) return;
      setResult(precomputed.get(req) as never);
      precomputed.delete(req);
    },
    onExecute({ args, setResultAndStopExecution }) {
      const req = (args.contextValue as Partial<ServerContext>).req;
      if (req && direct.has(req) && getOperationAST(args.document, args.operationName)?.operation !== 'query') setResultAndStopExecution(NOT_A_QUERY);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const req = (args.contextValue as Partial<ServerContext>).req;
      if (req && direct.has(req)) setResultAndStopExecution(NOT_A_QUERY);
    },
  };

  const waitUntil = (promise: Promise<unknown> | void) => {
    promise?.catch((error: unknown) => log.error(`[meibo direct path] background work failed: ${(error as Error)?.message ?? error}`));
  };

  function wrap(yoga: NodeHandler, corsOptions: CORSOptions, endpoint = '/graphql'): NodeHandler {
    const resultForParams = (yoga as unknown as { getResultForParams: ResultForParams }).getResultForParams;
    const yogaOnce = once(yoga);
    const toYoga: NodeHandler = (req, res) => {
      direct.delete(req);
      yogaOnce(req, res);
    };

    /** A fault of this file: Yoga answers instead, unless the answer has begun. */
    function fault(req: IncomingMessage, res: ServerResponse, error: unknown): void {
      log.error(`[meibo direct path] ${(error as Error)?.message ?? error}; answered by Yoga`);
      if (res.headersSent) res.destroy();
      else toYoga(req, res);
    }

    function answer(req: IncomingMessage, res: ServerResponse, media: string, result: unknown): void {
      direct.delete(req);
      if (result === NOT_A_QUERY) return toYoga(req, res);
      const r = result as Result | null;
      // An error, another status, a stream or a batch: Yoga sends the answer computed here.
      if (
        !r || typeof r !== 'object' || Array.isArray(r) || Symbol.asyncIterator in r || r.errors !== undefined ||
        (r.extensions?.http?.status !== undefined && r.extensions.http.status !== 200)
      ) {
        precomputed.set(req, result);
        return toYoga(req, res);
      }
      if (res.destroyed) return;
      // As Yoga's regular result processor: extensions.http becomes headers and leaves the body,
      // serialized by the result's own `stringify` if it has one (a stored answer, src/cache/store.ts).
      let body = sentBody(r as CachedResult);
      if (!body) {
        const { http, ...extensions } = r.extensions ?? {};
        const sanitized = http ? { ...r, extensions: Object.keys(extensions).length ? extensions : undefined } : r;
        body = Buffer.from((r.stringify ?? JSON.stringify)(sanitized));
      }
      const head: Array<readonly [string, string]> = [['content-type', `${media}; charset=utf-8`]];
      for (const [name, value] of Object.entries(r.extensions?.http?.headers ?? {})) head.push([name.toLowerCase(), String(value)]);
      head.push(['content-length', String(body.length)]);
      if (!res.hasHeader(REQUEST_ID_HEADER)) head.push([REQUEST_ID_HEADER, requestIdFrom(headerValue(req, REQUEST_ID_HEADER))]);
      res.writeHead(200, withCors(req, head, corsOptions).flat());
      res.end(body);
    }

    function run(req: IncomingMessage, res: ServerResponse, media: string, body: Buffer): void {
      let params: unknown;
      try {
        params = JSON.parse(body.toString('utf8'));
      } catch {
        return toYoga(req, res); // Yoga's 400, in its words
      }
      if (typeof params !== 'object' || params === null || Array.isArray(params)) return toYoga(req, res);
      const request = new DirectRequest(req, res) as unknown as Request;
      // withRequestLog gave the request its id in this header; useRequestId reads it from there too
      const id = requestIdFrom(headerValue(req, REQUEST_ID_HEADER));
      req.headers[REQUEST_ID_HEADER] = id;
      direct.add(req);
      const context: ServerContext = { req, res, waitUntil };
      const result = inRequest(id, () => {
        try {
          return resultForParams({ params: params as Record<string, unknown>, request }, context);
        } catch (error) {
          return new Thrown(error);
        }
      });
      if (result instanceof Thrown) return toYoga(req, res); // a parameter hook refused it: Yoga says so
      if (result instanceof Promise) {
        result.then(
          (r) => {
            try {
              answer(req, res, media, r);
            } catch (error) {
              fault(req, res, error);
            }
          },
          () => toYoga(req, res),
        );
        return;
      }
      answer(req, res, media, result);
    }

    function handle(req: IncomingMessage, res: ServerResponse): void {
      const { headers } = req;
      if (req.method !== 'POST' || req.url !== endpoint || headers.authorization !== undefined || headers['if-none-match'] !== undefined) return toYoga(req, res);
      // a compressed body is Yoga's to decode
      if (headers['content-encoding'] !== undefined && headers['content-encoding'] !== 'identity') return toYoga(req, res);
      const media = mediaType(headers.accept);
      if (!media) return toYoga(req, res);
      // a body the fast path has read already
      const read = (req as ReadRequest).body;
      if (read) return run(req, res, media, read);
      const length = jsonBodyLength(req);
      if (length === null) return toYoga(req, res);
      readBody(req, length, (body) => {
        // the client went away mid-body: nobody is left to answer
        if (!body) return void res.destroy();
        (req as ReadRequest).body = body;
        try {
          run(req, res, media, body);
        } catch (error) {
          fault(req, res, error);
        }
      });
    }

    return (req, res) => {
      try {
        handle(req, res);
      } catch (error) {
        fault(req, res, error);
      }
    };
  }

  return { plugin, wrap };
}

/** A parameter hook's refusal, thrown where Yoga would catch it and answer. */
class Thrown {
  constructor(readonly error: unknown) {}
}
