// The GraphQL server (Yoga over the Pothos schema) with meibo's plugins: request ids, body and
// query limits, the mutation rule, error classification and logging. Opening the database is
// src/db/open.ts; serving HTTP is src/server.ts and src/http/.
import { PothosError, PothosValidationError } from '@pothos/core';
import { getOperationAST, GraphQLError } from 'graphql';
import { createYoga, maskError, type CORSOptions, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { authenticate, type TokenEntry } from './auth.js';
import { useRequestBodyLimit } from './http/body-limit.js';
import { createContext, refreshLoaders, type Context } from './context.js';
import { DEFAULT_TIMEOUTS } from './db/config.js';
import { useRequestDeadline } from './http/deadline.js';
import { asServiceUnavailable, unavailableCause } from './db/unavailable.js';
import { ErrorCode, quote } from './errors.js';
import { graphiqlOptions, renderGraphiQL, useGraphiQLHeaders } from './http/graphiql.js';
import { documentCaches, useQueryLimits, type DocumentCaches } from './limits.js';
import { notFoundPage } from './http/not-found.js';
import { useTrustedDocuments } from './http/trusted.js';
import { useCompiledQueries, type CompiledQueriesOptions } from './compiled-queries.js';
import { createLive, type Live } from './live.js';
import { silentLogger, useRequestId, yogaLogger, type Logger } from './log.js';
import { schema } from './schema/index.js';

export interface AppOptions {
  /** a query document asked again runs compiled by graphql-jit (src/compiled-queries.ts); default true */
  compiledQueries?: boolean | CompiledQueriesOptions;
  /** extra Yoga/Envelop plugins (response cache, health checks…), run after meibo's own */
  plugins?: Array<Plugin<Record<string, unknown>>>;
  /** tokens that may write (src/auth.ts); none: every mutation is refused */
  tokens?: TokenEntry[];
  /** called after each committed write with the ids of the bodies it changed */
  afterWrite?: (bodyIds: number[]) => Promise<void>;
  /** live updates (src/live.ts): where committed writes are published and subscriptions listen; default: this app only */
  live?: Live;
  /** the client a query (not a mutation) reads from: a read replica (DbClient.reader) */
  reader?: () => Context['prisma'];
  /** where masked errors are logged, with their cause (default: nowhere) */
  log?: Logger;
  /** CORS (default CORS_OPTIONS: any origin, no credentials); the fast path must be given the same */
  cors?: CORSOptions;
  /** how long the statements of one query may take together (default 15 s; MEIBO_REQUEST_TIMEOUT_MS) */
  requestTimeoutMs?: number;
  /** where parsed documents are kept, bounded by size (default: documentCaches() of src/limits.ts) */
  documentCaches?: DocumentCaches;
  /** MEIBO_TRUSTED_DOCUMENTS_ONLY: anonymous callers run only trusted documents (src/http/trusted.ts) */
  trustedDocumentsOnly?: boolean;
  /** observability plugins (src/http/metrics.ts, src/http/tracing.ts): run right after the request id, so they see every request and its id */
  observe?: Array<Plugin<Record<string, unknown>>>;
}

/**
 * CORS by default: any origin may read (the directory is public), never with credentials (a
 * browser must not send a user's cookies or auth to meibo on another site's behalf).
 * MEIBO_CORS_ORIGINS narrows the origins (src/server.ts). Named here because the HTTP fast path
 * (src/http/fast-path.ts) must answer a cross-origin hit with the same headers.
 */
export const CORS_OPTIONS: CORSOptions = { origin: '*', credentials: false };

export function createApp(prisma: Context['prisma'], options: AppOptions = {}): YogaServerInstance<Record<string, unknown>, Context> {
  const live = options.live ?? createLive();
  return createYoga<Record<string, unknown>, Context>({
    schema,
    plugins: [
      useRequestId(),
      ...(options.observe ?? []),
      useRequestBodyLimit(),
      // documentId → document before anything reads the query (the response cache among them)
      ...useTrustedDocuments({ only: options.trustedDocumentsOnly ?? false, tokens: options.tokens ?? [] }),
      useMutationsOnlyFromJson(),
      useGraphiQLHeaders(),
      ...useQueryLimits(),
      ...(options.reader ? [useReaderForQueries(options.reader)] : []),
      // a query's statements stop when its client goes or its time is up (src/http/deadline.ts)
      useRequestDeadline(options.requestTimeoutMs ?? DEFAULT_TIMEOUTS.requestMs),
      // a query document asked again runs compiled, with graphql-js's answer (src/compiled-queries.ts)
      ...(options.compiledQueries === false ? [] : [useCompiledQueries({ log: options.log ?? silentLogger, ...(options.compiledQueries === true ? {} : options.compiledQueries) })]),
      ...(options.plugins ?? []),
    ],
    // parses kept by document text, small documents only and bounded in bytes (src/limits.ts)
    parserAndValidationCache: options.documentCaches ?? documentCaches(),
    // src/http/body-limit.ts limits bodies as Yoga's own limit does, without streaming every body through it
    maxRequestBodySize: false,
    graphqlEndpoint: '/graphql',
    // an unknown path in a browser: meibo's 404, not Yoga's landing page (src/http/not-found.ts)
    landingPage: notFoundPage,
    cors: options.cors ?? CORS_OPTIONS,
    context: ({ request }) =>
      createContext(prisma, {
        principal: authenticate(request.headers.get('authorization'), options.tokens ?? []),
        afterWrite: options.afterWrite,
        live,
        log: { warn: (message: string) => (options.log ?? silentLogger).warn(message) },
      }),
    // Unexpected errors are masked: no stack trace or SQL reaches a client (never the dev mode that
    // would add the original error, whatever NODE_ENV says). Yoga logs each masked error once, with
    // its cause, through `logging` below.
    maskedErrors: { isDev: false, maskError: classifyError },
    // GraphiQL from the installed package, never a CDN (src/http/graphiql.ts); the README's examples as tabs
    graphiql: graphiqlOptions(),
    renderGraphiQL,
    // a database outage (retriable, 503) is one warning line a request, without a stack
    logging: yogaLogger(options.log ?? silentLogger, unavailableCause),
  });
}

/**
 * An error thrown below a resolver, as the client sees it: coded errors as they are; a database
 * outage as SERVICE_UNAVAILABLE (retriable); Pothos's own argument checks (a malformed global id
 * or cursor, `before` with `first`…) as BAD_USER_INPUT, quoting at most a short prefix of the
 * input; anything else masked as "Unexpected error." (code INTERNAL_SERVER_ERROR).
 */
export function classifyError(error: unknown, message: string): Error {
  const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
  const unavailable = asServiceUnavailable(original);
  if (unavailable) return located(unavailable, error);
  if (original instanceof PothosValidationError) {
    return located(new GraphQLError(quote(original.message, 200), { extensions: { code: ErrorCode.BAD_USER_INPUT } }), error);
  }
  if (original instanceof PothosError) {
    // A global id naming a type that has no nodes ("Nope:1") reaches Pothos's type lookup.
    const path = error instanceof GraphQLError ? error.path : undefined;
    if (path?.[0] === 'node' || path?.[0] === 'nodes') {
      return located(new GraphQLError('Not a global id of this API: ids are those that meibo answers in `id` fields.', { extensions: { code: ErrorCode.BAD_USER_INPUT } }), error);
    }
    // Pothos's errors are GraphQLErrors, which Yoga's masking would let through as they are.
    return located(new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR', unexpected: true } }), error);
  }
  return maskError(error, message, false);
}

/** `coded`, at the place in the document and the result where `error` happened. */
function located(coded: GraphQLError, error: unknown): GraphQLError {
  if (!(error instanceof GraphQLError)) return coded;
  return new GraphQLError(coded.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, extensions: coded.extensions });
}

/**
 * Browsers may send a form or multipart POST to any site without asking first (no CORS
 * preflight): a mutation is executed only from a JSON body, which a page on another origin cannot
 * send without the preflight that CORS then refuses. GET mutations are refused by Yoga itself.
 */
function useMutationsOnlyFromJson(): Plugin<Record<string, unknown>> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return;
      const request = (args.contextValue as { request?: Request }).request;
      const type = (request?.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
      if (type === 'application/json' || type === 'application/graphql-response+json') return;
      setResultAndStopExecution({
        errors: [new GraphQLError(`A mutation must be sent as a POST with Content-Type: application/json, not ${quote(type || 'none', 60)}.`, {
          extensions: { code: ErrorCode.UNSUPPORTED_MEDIA_TYPE, http: { status: 415 } },
        })],
      });
    },
  };
}

/**
 * A query runs all its statements on the client `reader` gives (one read replica for the whole
 * answer); a mutation stays on the primary, for its writes and for the payload it reads back.
 */
function useReaderForQueries(reader: () => Context['prisma']): Plugin<Record<string, unknown>> {
  return {
    onExecute({ args }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'query') return;
      const ctx = args.contextValue as unknown as Context;
      ctx.prisma = reader();
      // Yoga copies our context's fields onto its own object: the loaders made with it still read
      // the first object's client (the primary). Loaders bound to this one read the replica.
      refreshLoaders(ctx);
    },
  };
}
