// What the two paths that answer GraphQL requests before Yoga's Fetch layer (src/http/fast-path.ts
// for cache hits, src/http/direct.ts for the rest of a plain query's requests) read of a node:http
// request, each the way Yoga reads it: the media type of the answer, the JSON body, the CORS
// headers.
import type { IncomingMessage } from 'node:http';
import { getCORSHeadersByRequestAndOptions, type CORSOptions } from '@whatwg-node/server';

export type NodeHandler = (req: IncomingMessage, res: import('node:http').ServerResponse) => void;

/** The largest body either path reads itself (dashboards send far less); a larger one goes to Yoga. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * `handler`, called at most once for a request: a path in front of Yoga hands a request on at most
 * once, whatever fails after (a fault of its own included).
 */
export function once(handler: NodeHandler): NodeHandler {
  const handed = new WeakSet<IncomingMessage>();
  return (req, res) => {
    if (handed.has(req)) return;
    handed.add(req);
    handler(req, res);
  };
}

/** The media type Yoga answers a regular result with for this Accept header, or null if unsure. */
export function mediaType(accept: string | undefined): string | null {
  if (accept === undefined || accept === '*/*' || accept === 'application/json') return 'application/json';
  const value = accept.replace(/\s/g, '').toLowerCase().replace(/;charset=utf-8$/, '');
  if (value === 'application/graphql-response+json') return value;
  if (value === '*/*' || value === 'application/json' || value === 'application/json,*/*') return 'application/json';
  return null;
}

const JSON_TYPES = new Set(['application/json', 'application/json;charset=utf-8']);

/** A JSON body of 1 to MAX_BODY_BYTES bytes, announced by its Content-Length: its length, or null. */
export function jsonBodyLength(req: IncomingMessage): number | null {
  const type = req.headers['content-type'];
  if (!(type === 'application/json' || (type !== undefined && JSON_TYPES.has(type.replace(/\s/g, '').toLowerCase())))) return null;
  const length = Number(req.headers['content-length']);
  return Number.isInteger(length) && length > 0 && length <= MAX_BODY_BYTES ? length : null;
}

/** A body read before Yoga is handed along on the request, where @whatwg-node/server reads it. */
export type ReadRequest = IncomingMessage & { body?: Buffer };

/** The body, once all `length` bytes of it are in; null if it ends otherwise or fails. */
export function readBody(req: IncomingMessage, length: number, done: (body: Buffer | null) => void): void {
  // The listeners are shared functions reading the request's state: no closures made per request.
  (req as Reading)[READING] = { chunks: [], size: 0, length, done };
  req.on('data', onData);
  req.once('end', onEnd);
  req.once('error', onError);
}

const READING = Symbol('meibo body read');
type Reading = IncomingMessage & { [READING]?: { chunks: Buffer[]; size: number; length: number; done: ((body: Buffer | null) => void) | null } };

function onData(this: Reading, chunk: Buffer) {
  const state = this[READING]!;
  state.size += chunk.length;
  state.chunks.push(chunk);
}

function finishReading(req: Reading, ok: boolean) {
  const state = req[READING];
  const done = state?.done;
  if (!state || !done) return;
  state.done = null;
  const { chunks, size, length } = state;
  req[READING] = undefined;
  done(ok && size === length ? (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)) : null);
}

function onEnd(this: Reading) {
  finishReading(this, true);
}

function onError(this: Reading) {
  finishReading(this, false);
}

/** A request header as the Fetch API's Headers.get gives it. */
export function headerValue(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name.toLowerCase()];
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
}

/** `head` with the CORS headers Yoga adds for the request's Origin (the same function and options), if it has one. */
export function withCors(req: IncomingMessage, head: Array<readonly [string, string]>, corsOptions: CORSOptions): Array<readonly [string, string]> {
  if (!req.headers.origin) return head;
  const asFetch = { headers: { get: (name: string) => headerValue(req, name) } } as unknown as Request;
  for (const [k, v] of Object.entries(getCORSHeadersByRequestAndOptions(asFetch, corsOptions) ?? {})) head.push([k.toLowerCase(), v]);
  return head;
}
