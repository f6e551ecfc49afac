// The HTTP fast path: a repeated query whose answer is in the response cache is answered here,
// before Yoga, with the bytes and headers Yoga would send for that hit. Everything else, and every
// request this file is not sure about, goes on untouched: to the direct path (src/http/direct.ts)
// in front of Yoga, or to Yoga.
//
// Why: a hit inside Yoga still pays for the Fetch API request and response objects, abort
// signals, the Envelop chain and the result processors: 0.08–0.12 ms of CPU a request on the
// 2-core machine of BENCHMARKS.md, 8–12k req/s where bare node:http with the answer precomputed
// serves 37–60k; answered here, 0.019–0.025 ms and 36–50k. This is not a second cache: the
// answer, its key and its validity check are the response-cache plugin's own (src/cache/response-cache.ts
// `prepare` and `lookup`), so a write invalidates both paths at once.
//
// Served here: GET or POST on the GraphQL endpoint, JSON body (POST) of at most 64 KiB (node-request.ts) with
// a Content-Length, no Authorization (never cached), an Accept Yoga would answer with JSON. A
// cross-origin request gets the CORS headers Yoga would add, from the same function
// (@whatwg-node/server) and options, which the caller passes as it passes them to Yoga;
// If-None-Match with the current ETag (the quoted cache key) gets the plugin's 304.
//
// Yoga plugins that watch every response (onResponse: metrics, logging) do not see these hits:
// one added later that must, has to be told about them here too.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CORSOptions } from '@whatwg-node/server';
import type { ResponseCache } from '../cache.js';
import { unchangedSince, type CacheHit } from '../cache/response-cache.js';
import { boundedMemo, type CacheableRequest, type PreparedRequest } from '../cache/keys.js';
import { bodyPreparer } from '../cache/bodies.js';
import { markCacheHit } from '../log.js';
import { bodyOf, type CachedResult } from '../cache/store.js';
import { jsonBodyLength, mediaType, once, readBody, withCors as withCorsFor, type NodeHandler, type ReadRequest } from './node-request.js';

export type { NodeHandler };
/** distinct request bodies (and GET URLs) whose cache identity is kept, the oldest going first, if
 * they are at most MAX_REMEMBERED_TEXT long (dashboards send far less): at most ~8 MB of text */
const MAX_PREPARED = 1_000;

/** The GraphQL parameters of a request, or null when it is not a plain JSON query request. */
export function parseParams(raw: unknown): Omit<CacheableRequest, 'authorized'> | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const { query, variables, operationName, ...rest } = raw as Record<string, unknown>;
  if (Object.keys(rest).length > 0 || typeof query !== 'string') return null; // extensions: Yoga's
  if (variables != null && (typeof variables !== 'object' || Array.isArray(variables))) return null;
  if (operationName != null && typeof operationName !== 'string') return null;
  return { query, variables: variables as Record<string, unknown> | null | undefined, operationName: operationName as string | null | undefined };
}

/**
 * Wraps Yoga's node handler (or the direct path's in front of it): cache hits are answered here,
 * everything else is handed to `handler` (a POST body already read is handed along on `req.body`,
 * where whatwg-node and the direct path read it).
 */
export function withFastPath(cache: ResponseCache, handler: NodeHandler, corsOptions: CORSOptions, endpoint = '/graphql'): NodeHandler {
  const yoga = once(handler);
  // Dashboards send the same few requests again and again: each distinct GET URL (here) or POST
  // body (bodyPreparer, below) is parsed and digested once (cache.prepare), and a hit then costs
  // one Map lookup on its text before the versions are read. null: not cacheable (a mutation, bad
  // JSON), straight to Yoga.
  const prepared = boundedMemo<PreparedRequest | null>(MAX_PREPARED);
  function prepareOnce(text: string, parse: () => Omit<CacheableRequest, 'authorized'> | null): PreparedRequest | null {
    const compute = () => {
      const params = parse();
      return params && cache.prepare({ ...params, authorized: false });
    };
    return prepared.get(text, compute);
  }
  // POST bodies: also by shape, so that a time slider's new day is keyed without parsing its body
  // (src/cache/bodies.ts)
  const prepareBody = bodyPreparer((text) => {
    let params: Omit<CacheableRequest, 'authorized'> | null;
    try {
      params = parseParams(JSON.parse(text));
    } catch {
      return null;
    }
    return params && cache.prepare({ ...params, authorized: false });
  }, MAX_PREPARED);

  // The in-memory LRU (the whole store, or the one in front of Redis) hands back the same result
  // object for every hit on a key: its bytes and its header list per media type are kept with it,
  // and go when the LRU drops it.
  type Response = { body: Buffer; headers: Array<readonly [string, string]>; flat: Map<string, string[]> };
  const responses = new WeakMap<CachedResult, Response>();
  function responseOf(result: CachedResult): Response {
    let response = responses.get(result);
    if (!response) {
      // As Yoga's result processor: extensions.http becomes headers and leaves the body.
      const { http, ...extensions } = result.extensions ?? {};
      // a stored answer is kept serialized (src/cache/store.ts compact)
      const body = bodyOf(result) ?? Buffer.from(JSON.stringify({ ...result, extensions: Object.keys(extensions).length ? extensions : undefined }));
      const extra = Object.entries(http?.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)] as const);
      response = { body, headers: [['content-length', String(body.length)], ...extra], flat: new Map() };
      responses.set(result, response);
    }
    return response;
  }

  // No promise on a hit from memory (the store answers at once there): a promise, and the async
  // hooks the request log's AsyncLocalStorage puts on each, were a good part of a hit's cost.
  /** Answers `hit`, as Yoga would. */
  function answer(req: IncomingMessage, res: ServerResponse, media: string, hit: CacheHit): void {
    const { headers } = req;
    // the request log counts hits per second instead of a line each (src/log.ts)
    markCacheHit(res);

    // A dashboard polling with the ETag it was given: 304 when the answer has not changed, as the
    // plugin answers (same headers, same Last-Modified rule). Only for the request's own current
    // key: an ETag of another query never earns a 304 here.
    const lastModified = hit.result.extensions?.http?.headers?.['Last-Modified'];
    if (headers['if-none-match'] === hit.key && lastModified != null && unchangedSince(lastModified, headers['if-modified-since'])) {
      res.writeHead(304, withCors(req, [['etag', hit.key], ['last-modified', lastModified]]).flat());
      res.end();
      return;
    }

    // No closure made per hit here: its head and CORS are made by functions made once.
    const response = responseOf(hit.result);
    let flat = response.flat.get(media);
    if (!flat) response.flat.set(media, (flat = headOf(media, response).flat()));
    // writeHead takes a flat [name, value, …] list as it is: the same one for every hit on this answer.
    res.writeHead(200, headers.origin ? withCors(req, headOf(media, response)).flat() : flat);
    res.end(response.body);
  }

  const headOf = (media: string, response: Response): Array<readonly [string, string]> => [['content-type', `${media}; charset=utf-8`], ...response.headers];

  const withCors = (req: IncomingMessage, head: Array<readonly [string, string]>) => withCorsFor(req, head, corsOptions);

  /** Answers a prepared request from the cache, or hands it to Yoga. */
  function serve(req: IncomingMessage, res: ServerResponse, media: string, request: PreparedRequest | null): void {
    if (!request) return yoga(req, res);
    const found = cache.lookup(request, req);
    if (!(found instanceof Promise)) return found ? answer(req, res, media, found) : yoga(req, res);
    found.then((hit) => (hit ? answer(req, res, media, hit) : yoga(req, res)), (error: unknown) => fault(req, res, error));
  }

  /** A fault of this file: Yoga answers instead (it has the body, if one was read). */
  function fault(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    console.error(`[meibo fast path] ${(error as Error)?.message ?? error}; answered by Yoga`);
    if (res.headersSent) res.destroy();
    else yoga(req, res);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const { headers } = req;
    const media = mediaType(headers.accept);
    if (!media || headers.authorization) return yoga(req, res);
    const url = req.url ?? '';
    const q = url.indexOf('?');
    if ((q === -1 ? url : url.slice(0, q)) !== endpoint) return yoga(req, res);

    if (req.method === 'GET') {
      const request = prepareOnce(url, () => {
        const raw: Record<string, unknown> = Object.fromEntries(new URLSearchParams(q === -1 ? '' : url.slice(q + 1)));
        try {
          if (typeof raw.variables === 'string') raw.variables = JSON.parse(raw.variables);
        } catch {
          return null;
        }
        return parseParams(raw);
      });
      return serve(req, res, media, request);
    }
    if (req.method !== 'POST') return yoga(req, res);
    const length = jsonBodyLength(req);
    if (length === null) return yoga(req, res);
    readBody(req, length, (body) => {
      if (!body) {
        // The client went away mid-body: nobody is left to answer.
        res.destroy();
        return;
      }
      // From here on the stream is consumed: Yoga gets the bytes instead.
      (req as ReadRequest).body = body;
      let request: PreparedRequest | null;
      try {
        request = prepareBody(body.toString('utf8'));
      } catch (error) {
        return fault(req, res, error);
      }
      serve(req, res, media, request);
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
