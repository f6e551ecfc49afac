// The Yoga plugin that gives each query request its database deadline (src/db/deadline.ts): its
// statements stop when its client goes away or `timeoutMs` has passed.
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { CLIENT_GONE, currentDeadlineSlot, DatabaseTimeout, Deadline, runWithDeadline, type DeadlineSlot } from '../db/deadline.js';

/**
 * Bounds the database work of each query request by `timeoutMs` and by its client's presence.
 * Mutations are left alone: stopping one after its commit would report a recorded write as
 * failed; their statements are bounded one by one (statement and connect timeouts) instead.
 */
export function useRequestDeadline(timeoutMs: number): Plugin<Record<string, unknown>> {
  return {
    instrumentation: {
      execute: (_payload, wrapped) => {
        const slot: DeadlineSlot = {};
        return runWithDeadline(slot, async () => {
          try {
            await wrapped();
          } finally {
            slot.cleanup?.();
          }
        });
      },
    },
    onExecute({ args }) {
      const slot = currentDeadlineSlot();
      if (!slot || getOperationAST(args.document, args.operationName)?.operation !== 'query') return;
      const deadline = new Deadline();
      const timer = setTimeout(() => deadline.abort(new DatabaseTimeout(`the request ran out of time (${timeoutMs} ms, MEIBO_REQUEST_TIMEOUT_MS)`)), timeoutMs);
      // Yoga's request.signal (from @whatwg-node/server, or the direct path's, src/http/direct.ts)
      // aborts when the response closes before it is finished.
      const gone = () => deadline.abort(new DatabaseTimeout(CLIENT_GONE));
      const signal = (args.contextValue as { request?: Request }).request?.signal;
      if (signal?.aborted) gone();
      signal?.addEventListener('abort', gone, { once: true });
      slot.signal = deadline;
      slot.cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', gone);
      };
    },
  };
}
