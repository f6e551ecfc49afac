// Trusted documents: the page's queries and the README's examples, built into
// trusted-documents.json (`npm run trusted-documents`), may be sent by `documentId` (the
// GraphQL-over-HTTP convention: `sha256:<hex of the document text>`), by POST or by GET — a GET
// with a documentId is cacheable by a CDN (an ETag from the response cache, and a Cache-Control
// below). @graphql-yoga/plugin-persisted-operations resolves the ids. With
// MEIBO_TRUSTED_DOCUMENTS_ONLY=true an anonymous caller may run nothing else (PERSISTED_QUERY_ONLY);
// the text of a trusted document sent as `query` is that document, so the page works unchanged.
// Editors (a valid bearer token) and meibo's own in-process requests (the exports) may still send
// any document.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { GraphQLError } from 'graphql';
import type { Plugin, YogaServerInstance } from 'graphql-yoga';
import { authenticate, type TokenEntry } from '../auth.js';

export const MANIFEST_URL = new URL('../../trusted-documents.json', import.meta.url);

/** A document's id: `sha256:` and the hex SHA-256 of its exact text. */
export const documentIdOf = (text: string) => `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;

/** The manifest, id → document text; every id checked against its text. */
export function loadTrustedDocuments(url: URL = MANIFEST_URL): Map<string, string> {
  const raw = JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
  const documents = new Map<string, string>();
  for (const [id, text] of Object.entries(raw)) {
    if (typeof text !== 'string' || documentIdOf(text) !== id) throw new Error(`trusted-documents.json: ${id.slice(0, 80)} is not the id of its text (run \`npm run trusted-documents\`)`);
    documents.set(id, text);
  }
  return documents;
}

/** The operation names of the trusted documents (labelled as themselves in the metrics). */
export function trustedOperationNames(documents: Map<string, string>): string[] {
  return [...documents.values()].flatMap((text) => [...text.matchAll(/\b(?:query|subscription|mutation)\s+([_A-Za-z]\w*)/g)].map((m) => m[1]!));
}

/** Marks meibo's own in-process requests (src/http/export.ts) as trusted callers. */
export const TRUSTED_CALLER = Symbol('meibo trusted caller');

/** `yoga`, for in-process callers whose documents are meibo's own (the exports). */
export function asTrustedCaller<T extends Pick<YogaServerInstance<any, any>, 'fetch'>>(yoga: T): Pick<YogaServerInstance<any, any>, 'fetch'> {
  return { fetch: ((input: RequestInfo | URL, init?: RequestInit) => yoga.fetch(input as never, init ?? {}, { [TRUSTED_CALLER]: true } as never)) as never };
}

const DOCUMENT_ID = /^sha256:[0-9a-f]{64}$/;

const coded = (message: string, code: string, status: number) => new GraphQLError(message, { extensions: { code, http: { status } } });

export interface TrustedDocumentsOptions {
  /** MEIBO_TRUSTED_DOCUMENTS_ONLY */
  only: boolean;
  /** who counts as an editor (MEIBO_TOKENS) */
  tokens: readonly TokenEntry[];
  /** default: trusted-documents.json */
  documents?: Map<string, string>;
}

/**
 * GET responses to a documentId are public (the same for everyone) and revalidated on every use:
 * their ETag carries the data version, so a CDN answers from its copy with a 304 from meibo until
 * a write changes the answer, and never serves one older than the last write.
 */
export const DOCUMENT_CACHE_CONTROL = 'public, no-cache';

export function useTrustedDocuments(options: TrustedDocumentsOptions): Array<Plugin<Record<string, unknown>>> {
  const documents = options.documents ?? loadTrustedDocuments();
  const trustedTexts = new Set(documents.values());
  const idOfRequest = new WeakMap<Request, string>();
  const isEditor = (request: Request) => authenticate(request.headers.get('authorization'), options.tokens)?.scopes.includes('editor') === true;

  const resolve = usePersistedOperations<Record<string, unknown>>({
    allowArbitraryOperations: true,
    getPersistedOperation: (id) => documents.get(id) ?? null,
    extractPersistedOperationId(params, request) {
      const id = request.method === 'GET'
        ? new URL(request.url, 'http://meibo').searchParams.get('documentId')
        : (params as { documentId?: unknown }).documentId;
      if (id == null) return null;
      if (typeof id !== 'string' || !DOCUMENT_ID.test(id)) return 'invalid';
      idOfRequest.set(request, id);
      return id;
    },
    customErrors: {
      keyNotFound: () => coded('Must provide a query string or a documentId.', 'BAD_REQUEST', 400),
      notFound: ({ request }) => idOfRequest.has(request)
        ? coded('No trusted document has this documentId: the ids are those of trusted-documents.json.', 'PERSISTED_QUERY_NOT_FOUND', 400)
        : coded('A documentId is `sha256:` and 64 lowercase hex digits, the SHA-256 of the document text.', 'BAD_REQUEST', 400),
    },
  });

  const enforce: Plugin<Record<string, unknown>> = {
    onParams({ params, request, context }) {
      if (!options.only || (context as Record<symbol, unknown>)[TRUSTED_CALLER]) return;
      if (typeof params.query === 'string' && trustedTexts.has(params.query)) return;
      if (isEditor(request)) return;
      throw coded(
        'This server runs trusted documents only: send a documentId from trusted-documents.json (the page\'s queries and the README\'s examples), or an editor token.',
        'PERSISTED_QUERY_ONLY',
        400,
      );
    },
    onResponse({ request, response }) {
      // a 304 (the response cache answers it before the parameters are read) carries them too
      if (request.method !== 'GET' || (response.status !== 200 && response.status !== 304)) return;
      if (request.headers.has('authorization') || !response.headers.has('etag')) return;
      if (!idOfRequest.has(request) && !(request.url.includes('documentId=') && new URL(request.url, 'http://meibo').searchParams.has('documentId'))) return;
      response.headers.set('cache-control', DOCUMENT_CACHE_CONTROL);
      const vary = response.headers.get('vary');
      if (!vary?.toLowerCase().includes('accept')) response.headers.set('vary', vary ? `${vary}, Accept` : 'Accept');
    },
  };
  return [resolve, enforce];
}
