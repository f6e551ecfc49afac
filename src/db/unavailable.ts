// When the database cannot be reached or does not answer in time, a request fails with a coded,
// retriable error (SERVICE_UNAVAILABLE, HTTP 503, Retry-After) instead of a masked "Unexpected
// error.". Only failures of the database's availability qualify: an SQL error, a constraint
// violation or a bug stays masked (and logged), since retrying it would fail the same way.
import type { GraphQLError } from 'graphql';
import { serviceUnavailable } from '../errors.js';
import { DatabaseTimeout } from './deadline.js';

/** Seconds a client is asked to wait before retrying (Retry-After). */
const RETRY_AFTER_SECONDS = 5;

// Prisma's codes for "the server is not there or not answering": P1001 can't reach, P1002 timed
// out, P1008 operation timed out, P1017 server closed the connection, P2024 timed out fetching a
// connection from the pool.
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

// The kinds @prisma/driver-adapter-utils gives connection failures (adapter-pg's convertDriverError).
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

// SQLSTATEs: 57014 query_canceled (statement_timeout, or a cancel sent for a stopped request),
// 57P01–57P03 admin/crash shutdown and "cannot connect now" (starting up, recovering), 53300 too
// many connections, 25P03 idle_in_transaction_session_timeout; class 08, connection exceptions.
const SQLSTATES = new Set(['57014', '57P01', '57P02', '57P03', '53300', '25P03']);
const isUnavailableSqlState = (code: unknown) => typeof code === 'string' && (SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code));

// Node's socket errors, as pg passes them on when it has no connection to speak of.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

// pg's own errors carry no code, only these messages: a connect that timed out (client and pool),
// a connection lost or ended under a statement, a client already broken.
const PG_MESSAGES = new Set([
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
]);

/** The coded error for a database failure a client can retry, or null when `error` is something else. */
export function asServiceUnavailable(error: unknown): GraphQLError | null {
  const cause = unavailableCause(error);
  if (!cause) return null;
  return serviceUnavailable(
    `The database is unavailable or did not answer in time (${cause}). Nothing is wrong with the request: retry it later.`,
    RETRY_AFTER_SECONDS,
  );
}

/** A short, host-free reason when `error` (or an error it wraps) is the database being unavailable. */
export function unavailableCause(error: unknown, depth = 0): string | null {
  if (!error || typeof error !== 'object' || depth > 5) return null;
  const e = error as {
    name?: unknown; code?: unknown; message?: unknown; errno?: unknown;
    meta?: { driverAdapterError?: unknown }; cause?: unknown; originalError?: unknown;
  };
  if (error instanceof DatabaseTimeout) return error.message;
  if (typeof e.code === 'string' && PRISMA_CODES.has(e.code)) return e.code;
  const adapterCause = adapterErrorCause(e.meta?.driverAdapterError) ?? adapterErrorCause(error);
  if (adapterCause) return adapterCause;
  // a pg error from the server (it has a severity), e.g. 57014 after a statement_timeout
  if (typeof (error as { severity?: unknown }).severity === 'string' && isUnavailableSqlState(e.code)) return `SQLSTATE ${e.code as string}`;
  if (typeof e.code === 'string' && typeof e.errno === 'number' && SOCKET_CODES.has(e.code)) return e.code;
  if (error instanceof Error && error.constructor === Error && PG_MESSAGES.has(error.message)) return error.message;
  return unavailableCause(e.originalError, depth + 1) ?? unavailableCause(e.cause, depth + 1);
}

/** A DriverAdapterError (or its meta copy) whose kind is a connection failure. */
function adapterErrorCause(value: unknown): string | null {
  const adapterError = value as { name?: unknown; cause?: { kind?: unknown; code?: unknown; originalCode?: unknown } } | undefined;
  if (adapterError?.name !== 'DriverAdapterError' || !adapterError.cause) return null;
  const { kind, code, originalCode } = adapterError.cause;
  if (typeof kind === 'string' && ADAPTER_KINDS.has(kind)) return kind;
  if (kind === 'postgres' && isUnavailableSqlState(code)) return `SQLSTATE ${code as string}`;
  if (isUnavailableSqlState(originalCode)) return `SQLSTATE ${originalCode as string}`;
  return null;
}
