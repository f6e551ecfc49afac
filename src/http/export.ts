// GET /export/popolo.json and /export/seats.csv (?body=CODE&asOf=D&knownAt=K, each optional): the
// exports, built from meibo's own GraphQL answers (yoga.fetch, in process), so that they follow the
// seat model and are cached and invalidated with every other answer (src/cache.ts keys those by the
// database's data version); the exports themselves are cheap transformations of them. Refusals
// are JSON, with GraphQL's codes: 400 BAD_USER_INPUT (a bad day, an unknown parameter),
// 404 NOT_FOUND (an unknown body), 400 OUT_OF_COVERAGE (a day the data does not cover, with the
// covered ranges), 503 SERVICE_UNAVAILABLE; 405 for another method than GET or HEAD.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { YogaServerInstance } from 'graphql-yoga';
import { csvFileNames, toCsv } from '../export/csv.js';
import { ExportError, readExport, type Execute, type ExportErrorCode } from '../export/directory.js';
import { toPopolo } from '../export/popolo.js';
import { REQUEST_ID_HEADER } from '../log.js';

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

export const EXPORT_PATHS = { popolo: '/export/popolo.json', csv: '/export/seats.csv' } as const;
const PARAMETERS = new Set(['body', 'asOf', 'knownAt']);

const STATUS: Record<ExportErrorCode, number> = {
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  OUT_OF_COVERAGE: 400,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

/** GraphQL requests through Yoga itself (its response cache included), as a client would send them. */
export function executeThrough(yoga: Pick<YogaServerInstance<any, any>, 'fetch'>, requestId?: string): Execute {
  return async (query, variables) => {
    const response = await yoga.fetch('http://meibo/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return response.json() as never;
  };
}

export interface ExportOptions {
  /** MEIBO_PUBLIC_URL: where the Popolo sources' links point; without it they are left out */
  publicUrl?: string;
}

/** An export's bytes and headers, or a refusal: shared by the HTTP handler and tests. */
export async function renderExport(
  execute: Execute,
  kind: keyof typeof EXPORT_PATHS,
  search: URLSearchParams,
  options: ExportOptions = {},
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  try {
    for (const key of search.keys()) {
      if (!PARAMETERS.has(key)) throw new ExportError(`Unknown parameter "${key.slice(0, 40)}": an export takes body (a body code), asOf (a day) and knownAt (決定日: a day).`, 'BAD_USER_INPUT');
    }
    for (const key of PARAMETERS) {
      if (search.getAll(key).length > 1) throw new ExportError(`"${key}" is given more than once.`, 'BAD_USER_INPUT');
    }
    const data = await readExport(execute, { body: search.get('body'), asOf: search.get('asOf'), knownAt: search.get('knownAt') });
    if (kind === 'popolo') {
      return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(toPopolo(data, { publicUrl: options.publicUrl }), null, 2) + '\n' };
    }
    const names = csvFileNames(data);
    return {
      status: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        // RFC 6266: an ASCII name for old clients, the Japanese one (RFC 5987) for the others
        'content-disposition': `attachment; filename="${names.ascii}"; filename*=UTF-8''${encodeURIComponent(names.utf8)}`,
      },
      body: toCsv(data),
    };
  } catch (error) {
    // anything else is the caller's to log and mask
    if (!(error instanceof ExportError)) throw error;
    const refusal = error;
    const body = { errors: [{ message: refusal.message, extensions: { code: refusal.code, ...refusal.extensions } }] };
    return { status: STATUS[refusal.code], headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
  }
}

/**
 * Serves the exports; every other request goes to `next` (the fast path, then Yoga). Goes inside
 * withRequestLog, which gives the request its id and its log line.
 */
export function withExports(
  yoga: Pick<YogaServerInstance<any, any>, 'fetch'>, next: NodeHandler, log?: { error(o: object, m: string): void }, options: ExportOptions = {},
): NodeHandler {
  return (req, res) => {
    const url = req.url ?? '/';
    if (!url.startsWith('/export/')) return next(req, res);
    const parsed = new URL(url, 'http://meibo');
    const kind = parsed.pathname === EXPORT_PATHS.popolo ? 'popolo' : parsed.pathname === EXPORT_PATHS.csv ? 'csv' : null;
    const requestId = req.headers[REQUEST_ID_HEADER] as string | undefined;
    const send = (status: number, headers: Record<string, string>, body: string) => {
      const bytes = Buffer.from(body, 'utf8');
      res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
      res.end(req.method === 'HEAD' ? undefined : bytes);
    };
    const refuse = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
      send(status, { 'content-type': 'application/json; charset=utf-8', ...headers }, JSON.stringify({ errors: [{ message, extensions: { code, requestId } }] }));
    if (!kind) return refuse(404, 'NOT_FOUND', `No such export. There are ${EXPORT_PATHS.popolo} and ${EXPORT_PATHS.csv}.`);
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(405, 'METHOD_NOT_ALLOWED', 'An export is read with GET.', { allow: 'GET, HEAD' });

    // The sources' links point at the configured public URL, never at the request's Host header
    // (which any client sets, and which a cached file would then carry to everyone).
    renderExport(executeThrough(yoga, requestId), kind, parsed.searchParams, options).then(
      ({ status, headers, body }) => {
        if (status >= 400) {
          const parsedBody = JSON.parse(body);
          parsedBody.errors[0].extensions.requestId = requestId;
          return send(status, headers, JSON.stringify(parsedBody));
        }
        // The same bytes for the same data version: a client may revalidate (304) as with /graphql.
        const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
        const common = { etag, 'cache-control': 'no-cache' };
        if (req.headers['if-none-match'] === etag) {
          res.writeHead(304, common);
          return res.end();
        }
        send(status, { ...headers, ...common }, body);
      },
      (error: Error) => {
        log?.error({ requestId, err: { message: error.message, stack: error.stack } }, 'masked error');
        refuse(500, 'INTERNAL_SERVER_ERROR', 'Unexpected error.');
      },
    );
  };
}
