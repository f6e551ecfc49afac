// When the database cannot be reached or does not answer in time, a request fails with a coded,
// retriable error (SERVICE_UNAVAILABLE, HTTP 503) instead of a masked "Unexpected error.".
// (Placeholder: filled in by the time-bounds work of issue 11.)
import type { GraphQLError } from 'graphql';

/** The coded error for a database failure a client can retry, or null when `error` is something else. */
export function asServiceUnavailable(_error: unknown): GraphQLError | null {
  return null;
}
