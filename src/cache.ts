// The response cache (src/cache/): what the server, the fast path and the tests use of it.
export { createResponseCache, DEFAULT_TTL_MS, type CacheHit, type ResponseCache, type ResponseCacheMode, type ResponseCacheOptions } from './cache/response-cache.js';
export { type CacheableRequest, type PreparedRequest } from './cache/keys.js';
export { type CacheLogger } from './cache/log.js';
export { type CachedResult } from './cache/store.js';
export { VERSION_CHANNEL } from './cache/listen.js';
export { type VersionReader } from './cache/version.js';
