// The response cache's defaults, apart from its code: src/config.ts reads them at start, before
// (and without) loading the cache and the GraphQL stack it needs (src/server.ts loads those while
// the database opens).

/** How long an answer is kept (MEIBO_RESPONSE_CACHE_TTL_MS): one hour. */
export const DEFAULT_TTL_MS = 60 * 60 * 1000;
