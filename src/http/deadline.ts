// The Yoga plugin that gives each query request its database deadline (src/db/deadline.ts): its
// statements stop when its client goes away or `timeoutMs` has passed.
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { CLIENT_GONE, currentDeadlineSlot, DatabaseTimeout, runWithDeadline, type DeadlineSlot } from '../db/deadline.js';

/**
 * Bounds the database work of each query request by `timeoutMs` and by its client's presence.
 * Mutations are left alone: stopping one after its commit would report a recorded write as
 * failed; their statements are bounded one by one (statement and connect timeouts) instead.
 */
export function useRequestDeadline(timeoutMs: number): Plugin<Record<string, unknown>> {
  // clears a query's timer when its execution ends
  const cleanups = new WeakMap<DeadlineSlot, () => void>();
  return {
    instrumentation: {
      execute: (_payload, wrapped) => {
        const slot: DeadlineSlot = {};
        return runWithDeadline(slot, async () => {
          try {
            await wrapped();
          } finally {
            cleanups.get(slot)?.();
          }
        });
      },
    },
    onExecute({ args }) {
      const slot = currentDeadlineSlot();
      if (!slot || getOperationAST(args.document, args.operationName)?.operation !== 'query') return;
      // Yoga's request.signal (from @whatwg-node/server) aborts when the response closes before it
      // is finished; it is not always a native AbortSignal, so AbortSignal.any cannot take it.
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new DatabaseTimeout(`the request ran out of time (${timeoutMs} ms, MEIBO_REQUEST_TIMEOUT_MS)`)), timeoutMs);
      const gone = () => controller.abort(new DatabaseTimeout(CLIENT_GONE));
      const signal = (args.contextValue as { request?: Request }).request?.signal;
      if (signal?.aborted) gone();
      signal?.addEventListener('abort', gone, { once: true });
      slot.signal = controller.signal;
      cleanups.set(slot, () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', gone);
      });
    },
  };
}
