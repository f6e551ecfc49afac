// The response cache (src/cache/): what the server, its configuration and the tests use of it.
export { createResponseCache, type ResponseCache, type ResponseCacheMode } from './cache/response-cache.js';
export type { CacheLogger } from './cache/log.js';
