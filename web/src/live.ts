// Live updates: the page refreshes itself when an amendment is recorded or reverted, through the
// GraphQL subscription `directoryChanged(body: ID): DirectoryChange!` over Server-Sent Events
// (issue 13 §4). The page asks the schema whether the field exists before subscribing, so it works
// against a meibo without it (nothing happens) and picks it up as soon as it is there.
import { requestText } from './api.js';

const SUBSCRIPTION_FIELDS = 'query SubscriptionFields { __schema { subscriptionType { fields { name } } } }';
interface SubscriptionFields {
  __schema: { subscriptionType: { fields: Array<{ name: string }> } | null };
}

let available: Promise<boolean> | undefined;

/** Whether this meibo offers `directoryChanged` (asked once per page load). */
export function liveAvailable(): Promise<boolean> {
  available ??= requestText<SubscriptionFields>(SUBSCRIPTION_FIELDS, {})
    .then((d) => Boolean(d.__schema.subscriptionType?.fields.some((f) => f.name === 'directoryChanged')))
    .catch(() => false);
  return available;
}

/**
 * Calls `onChange` after every amendment recorded or reverted that concerns `body`; returns a
 * function that stops listening. EventSource reconnects by itself after a network failure.
 */
export function watchDirectory(body: string, onChange: () => void): () => void {
  let source: EventSource | undefined;
  let stopped = false;
  void liveAvailable().then((ok) => {
    if (!ok || stopped) return;
    const query = 'subscription Live($body: ID) { directoryChanged(body: $body) { __typename } }';
    const url = `/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify({ body }))}`;
    source = new EventSource(url);
    const onEvent = (event: MessageEvent) => {
      try {
        const result = JSON.parse(event.data as string) as { data?: unknown };
        if (result.data) onChange();
      } catch {
        // a keep-alive or an empty `complete` event
      }
    };
    // Yoga's SSE sends plain `message` events; the GraphQL-over-SSE protocol names them `next`.
    source.onmessage = onEvent;
    source.addEventListener('next', onEvent as EventListener);
  });
  return () => {
    stopped = true;
    source?.close();
  };
}
