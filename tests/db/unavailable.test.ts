// Which failures are "the database is unavailable" (HTTP 503 SERVICE_UNAVAILABLE, retriable) and
// which stay masked: the shapes Prisma 7, @prisma/adapter-pg and pg give them, as measured
// against a refused port, a server that never answers, and a statement_timeout.
import { describe, expect, it } from 'vitest';
import { DatabaseTimeout } from '../../src/db/deadline.js';
import { asServiceUnavailable } from '../../src/db/unavailable.js';

const prismaError = (code: string, meta?: unknown) => Object.assign(new Error('Invalid `prisma.body.findMany()` invocation'), { name: 'PrismaClientKnownRequestError', code, meta });
const adapterError = (cause: Record<string, unknown>) => ({ driverAdapterError: { name: 'DriverAdapterError', cause } });
const pgServerError = (code: string) => Object.assign(new Error('canceling statement due to statement timeout'), { code, severity: 'ERROR' });
const socketError = (code: string) => Object.assign(new Error(`connect ${code} 10.0.0.1:5432`), { code, errno: -111, syscall: 'connect' });

describe('asServiceUnavailable', () => {
  it.each([
    ['a refused connection (Prisma P1001, DatabaseNotReachable)', prismaError('P1001', adapterError({ kind: 'DatabaseNotReachable', host: '10.0.0.1', port: 5432 }))],
    ['a refused connection in a raw query (P2010 wrapping DatabaseNotReachable)', prismaError('P2010', adapterError({ kind: 'DatabaseNotReachable' }))],
    ['a connection closed under a statement', prismaError('P1017', adapterError({ kind: 'ConnectionClosed' }))],
    ['no connection from the pool in time (P2024)', prismaError('P2024')],
    ['a statement_timeout (57014)', prismaError('P2010', adapterError({ kind: 'postgres', code: '57014', severity: 'ERROR', message: 'canceling statement' }))],
    ['a server shutting down (57P01)', prismaError('P2010', adapterError({ kind: 'postgres', code: '57P01' }))],
    ['a server starting up (57P03)', prismaError('P2010', adapterError({ kind: 'postgres', code: '57P03' }))],
    ['a connection exception (08006)', prismaError('P2010', adapterError({ kind: 'postgres', code: '08006' }))],
    ['too many connections', prismaError('P2037', adapterError({ kind: 'TooManyConnections' }))],
    ['a pg server error 57014, unwrapped', pgServerError('57014')],
    ['a connect that timed out (pg, no code)', new Error('Connection terminated due to connection timeout')],
    ['no free connection in time (pg-pool)', new Error('timeout exceeded when trying to connect')],
    ['a connection lost under a statement (pg)', new Error('Connection terminated unexpectedly')],
    ['ECONNREFUSED from the socket', socketError('ECONNREFUSED')],
    ['a request out of time', new DatabaseTimeout('the request ran out of time')],
    ['any of these as the cause of another error', Object.assign(new Error('wrapped'), { cause: new Error('Connection terminated unexpectedly') })],
  ])('%s → 503 SERVICE_UNAVAILABLE, retriable', (_name, error) => {
    const coded = asServiceUnavailable(error);
    expect(coded?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true, http: { status: 503, headers: { 'retry-after': '5' } } });
    expect(coded?.message).toMatch(/retry it later/);
    // nothing of the host or the SQL reaches the client
    expect(coded?.message).not.toMatch(/10\.0\.0\.1|5432|prisma|canceling/);
  });

  it.each([
    ['a unique violation', prismaError('P2002')],
    ['a unique violation in a raw query', prismaError('P2010', adapterError({ kind: 'UniqueConstraintViolation' }))],
    ['an SQL error', prismaError('P2010', adapterError({ kind: 'postgres', code: '42601', message: 'syntax error' }))],
    ['a missing table', prismaError('P2021')],
    ['an authentication failure (a configuration error: retrying does not help)', prismaError('P1000', adapterError({ kind: 'AuthenticationFailed' }))],
    ['a pg server error that is not about availability', pgServerError('22P02')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'title')")],
    ['an Error that merely says "timeout"', new Error('timeout')],
    ['a subclass of Error with a pg message', new (class extends Error {})('Connection terminated unexpectedly')],
    ['not an error', 'Connection terminated unexpectedly'],
    ['nothing', undefined],
  ])('%s → null (stays masked)', (_name, error) => {
    expect(asServiceUnavailable(error)).toBeNull();
  });
});
