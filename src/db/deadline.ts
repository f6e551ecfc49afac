// The deadline of the request a statement belongs to: a query request's statements stop when its
// client goes away or MEIBO_REQUEST_TIMEOUT_MS has passed — none starts after that, and one
// running is cancelled on the server (src/db/adapter.ts). Carried by AsyncLocalStorage, because
// Prisma has no way to hand a signal down to the driver. Set by the Yoga plugin in
// src/http/deadline.ts.
import { AsyncLocalStorage } from 'node:async_hooks';

/** The deadline of the work run in it: none until the operation turns out to be a query. */
export interface DeadlineSlot {
  signal?: AbortSignal;
}

const scope = new AsyncLocalStorage<DeadlineSlot>();

/** Runs `work` with `slot` as the deadline of every statement it starts. */
export function runWithDeadline<T>(slot: DeadlineSlot, work: () => T): T {
  return scope.run(slot, work);
}

/** The slot of the work running now, if it runs in one. */
export function currentDeadlineSlot(): DeadlineSlot | undefined {
  return scope.getStore();
}

/** Why the database work of a request was stopped: out of time, or its client gone. */
export class DatabaseTimeout extends Error {
  override name = 'DatabaseTimeout';
}

/** The message of a DatabaseTimeout whose request's client went away (nobody reads its answer). */
export const CLIENT_GONE = 'the client has gone';

/** The signal of the request whose statement is about to run, if it has one. */
export function currentDeadline(): AbortSignal | undefined {
  return scope.getStore()?.signal;
}

/** The error a statement of an aborted request fails with. */
export function deadlineError(signal: AbortSignal): DatabaseTimeout {
  return signal.reason instanceof DatabaseTimeout ? signal.reason : new DatabaseTimeout('the request was stopped');
}
