// A Server-Sent Events reader for subscription tests: what `curl -N -H 'Accept: text/event-stream'`
// shows, parsed into the GraphQL results it carries (Yoga's `event: next` / `event: complete`).

export interface EventStream {
  response: Response;
  /** The next result; rejects if the stream ends first. */
  next(): Promise<{ data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }>;
  /** Resolves true once the stream has ended (after any results left in it). */
  ended(): Promise<boolean>;
  close(): Promise<void>;
}

/** Opens a stream: `fetcher` gets the init to send (Accept: text/event-stream and an abort signal). */
export async function openEvents(fetcher: (init: RequestInit & { headers: Record<string, string> }) => Response | Promise<Response>): Promise<EventStream> {
  const abort = new AbortController();
  const response = await fetcher({ headers: { accept: 'text/event-stream' }, signal: abort.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let streamDone = false;
  let wake: () => void = () => {};
  // Read all the time, as a client does: the server starts listening once the stream is read.
  void (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      wake();
    }
    streamDone = true;
    wake();
  })();
  let done = false;
  const queued: unknown[] = [];

  /** Waits until a frame with a result is queued, or the stream ends. */
  async function fill(): Promise<void> {
    while (queued.length === 0 && !done) {
      const frame = takeFrame();
      if (frame === undefined) {
        if (streamDone) {
          done = true;
          return;
        }
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      const lines = frame.split('\n');
      const event = lines.find((l) => l.startsWith('event:'))?.slice(6).trim();
      const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
      if (event === 'complete') done = true;
      else if (data) queued.push(JSON.parse(data));
      // `:` alone is a ping
    }
  }
  function takeFrame(): string | undefined {
    const end = buffer.indexOf('\n\n');
    if (end < 0) return undefined;
    const frame = buffer.slice(0, end);
    buffer = buffer.slice(end + 2);
    return frame;
  }

  return {
    response,
    async next() {
      await fill();
      if (queued.length === 0) throw new Error('the event stream ended');
      return queued.shift() as never;
    },
    async ended() {
      await fill();
      return done && queued.length === 0;
    },
    async close() {
      abort.abort();
      await reader.cancel().catch(() => {});
    },
  };
}

/** Waits until `ok()` holds (checked every 10 ms, at most `ms`). */
export async function until(ok: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  // a wait for a condition, not a measure: generous, so that a loaded machine only makes it slower
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
