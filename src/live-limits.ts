// The default caps on live-update subscriptions, apart from src/live.ts: src/config.ts reads them
// at start, before (and without) loading Yoga's pub/sub (src/server.ts loads it while the database
// opens).

/**
 * Subscriptions are cheap to open and each costs the process a stream and a resolution per event:
 * a client may hold a few (one per dashboard tab), the process some hundreds.
 */
export const LIVE_LIMITS = { total: 500, perClient: 8 } as const;
