// The deadline of the request a statement belongs to: a query request's statements stop when its
// client goes away or MEIBO_REQUEST_TIMEOUT_MS has passed — none starts after that, and one
// running is cancelled on the server (src/db/adapter.ts). Carried by AsyncLocalStorage, because
// Prisma has no way to hand a signal down to the driver. Set by the Yoga plugin in
// src/http/deadline.ts.
import { AsyncLocalStorage } from 'node:async_hooks';

/** What stops a request's database work: the part of AbortSignal the adapters read. */
export interface StopSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * A request's deadline: stopped once, with a reason, its listeners told then. Not an
 * AbortController: Node's is an EventTarget, and making one and adding and removing two listeners
 * on it took 9–12 µs in a microbenchmark (this, 1–2 µs); a server built with it spent some 0.05 ms
 * more CPU on an uncached chair question (BENCHMARKS.md, 2026-12-06; issue 17).
 */
export class Deadline implements StopSignal {
  aborted = false;
  reason: unknown = undefined;
  #listeners: Array<() => void> | undefined;

  addEventListener(type: 'abort', listener: () => void): void {
    if (type === 'abort' && !this.aborted) (this.#listeners ??= []).push(listener);
  }

  removeEventListener(type: 'abort', listener: () => void): void {
    const listeners = this.#listeners;
    const at = type === 'abort' && listeners ? listeners.indexOf(listener) : -1;
    if (at >= 0) listeners!.splice(at, 1);
  }

  /** Stops the work (once): every listener is told, once. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners) for (const listener of listeners) listener();
  }
}

/** The deadline of the work run in it: none until the operation turns out to be a query. */
export interface DeadlineSlot {
  signal?: StopSignal;
  /** clears the deadline's timer and listeners once the work has ended */
  cleanup?: () => void;
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
export function currentDeadline(): StopSignal | undefined {
  return scope.getStore()?.signal;
}

/** The error a statement of an aborted request fails with. */
export function deadlineError(signal: StopSignal): DatabaseTimeout {
  return signal.reason instanceof DatabaseTimeout ? signal.reason : new DatabaseTimeout('the request was stopped');
}
