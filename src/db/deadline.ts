// The deadline of the request a statement belongs to: a query request's statements stop when its
// client goes away or MEIBO_REQUEST_TIMEOUT_MS has passed — none starts after that, and one
// running is cancelled on the server (src/db/adapter.ts). Carried by AsyncLocalStorage, because
// Prisma has no way to hand a signal down to the driver.
import { AsyncLocalStorage } from 'node:async_hooks';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';

interface Scope {
  /** set once the operation is known to be a query */
  signal?: AbortSignal;
  /** clears the timer when the execution ends */
  done?: () => void;
}

const scope = new AsyncLocalStorage<Scope>();

/** Why the database work of a request was stopped: out of time, or its client gone. */
export class DatabaseTimeout extends Error {
  override name = 'DatabaseTimeout';
}

/** The signal of the request whose statement is about to run, if it has one. */
export function currentDeadline(): AbortSignal | undefined {
  return scope.getStore()?.signal;
}

/** The error a statement of an aborted request fails with. */
export function deadlineError(signal: AbortSignal): DatabaseTimeout {
  return signal.reason instanceof DatabaseTimeout ? signal.reason : new DatabaseTimeout('the request was stopped');
}

/**
 * Bounds the database work of each query request by `timeoutMs` and by its client's presence.
 * Mutations are left alone: stopping one after its commit would report a recorded write as
 * failed; their statements are bounded one by one (statement and connect timeouts) instead.
 */
export function useRequestDeadline(timeoutMs: number): Plugin<Record<string, unknown>> {
  return {
    instrumentation: {
      execute: (_payload, wrapped) => {
        const store: Scope = {};
        return scope.run(store, async () => {
          try {
            await wrapped();
          } finally {
            store.done?.();
          }
        });
      },
    },
    onExecute({ args }) {
      const store = scope.getStore();
      if (!store || getOperationAST(args.document, args.operationName)?.operation !== 'query') return;
      // Yoga's request.signal (from @whatwg-node/server) aborts when the response closes before it
      // is finished; it is not always a native AbortSignal, so AbortSignal.any cannot take it.
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new DatabaseTimeout(`the request ran out of time (${timeoutMs} ms, MEIBO_REQUEST_TIMEOUT_MS)`)), timeoutMs);
      const gone = () => controller.abort(new DatabaseTimeout('the client has gone'));
      const signal = (args.contextValue as { request?: Request }).request?.signal;
      if (signal?.aborted) gone();
      signal?.addEventListener('abort', gone, { once: true });
      store.signal = controller.signal;
      store.done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', gone);
      };
    },
  };
}
