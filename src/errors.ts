// The errors a user can act on. Each carries a stable `extensions.code`; anything else thrown in
// a resolver is masked by Yoga, so no stack trace or SQL ever reaches a client.
import { GraphQLError } from 'graphql';

export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  OUT_OF_COVERAGE: 'OUT_OF_COVERAGE',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  /** the database cannot be reached or did not answer in time (HTTP 503): retry later */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
} as const;

export function badUserInput(message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...extra } });
}

export function notFound(message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.NOT_FOUND, ...extra } });
}

export function outOfCoverage(message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.OUT_OF_COVERAGE, ...extra } });
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED } });
}

/** HTTP 503 with Retry-After: nothing is wrong with the request, so the same one may succeed later. */
export function serviceUnavailable(message: string, retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: ErrorCode.SERVICE_UNAVAILABLE,
      retryable: true,
      // Yoga sets the response's status and headers from `http` and leaves it out of the body.
      http: { status: 503, headers: { 'retry-after': String(retryAfterSeconds) } },
    },
  });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}
