// The errors a user can act on. Each carries a stable `extensions.code`; anything else thrown in
// a resolver is masked by Yoga, so no stack trace or SQL ever reaches a client.
import { GraphQLError } from 'graphql';

export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  OUT_OF_COVERAGE: 'OUT_OF_COVERAGE',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  /** a write that conflicts with one recorded before it, or racing it */
  CONFLICT: 'CONFLICT',
  /** a mutation not sent as JSON (HTTP 415) */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** the database cannot be reached or did not answer in time (HTTP 503): retry later */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
} as const;

export function badUserInput(message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...extra } });
}

/** The write conflicts with what is (or, racing, was just) recorded: retry after reading it again. */
export function conflict(message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.CONFLICT, ...extra } });
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

/**
 * `input` as a message may quote it: at most `max` characters, then "…" and its length, so an
 * error never echoes a huge argument back.
 */
export function quote(input: string, max = 80): string {
  const chars = [...input];
  return chars.length <= max ? input : `${chars.slice(0, max).join('')}… (${chars.length} characters)`;
}
