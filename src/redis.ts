// ioredis, loaded when the first Redis client is made: only with REDIS_URL. Loading it (a CommonJS
// package of ~60 files, left in node_modules by the build) cost every start ~60-110 ms of the main
// thread and a few MiB, with or without Redis.
import { createRequire } from 'node:module';
import type { Redis, RedisOptions } from 'ioredis';

const require = createRequire(import.meta.url);
let RedisClass: typeof Redis | undefined;

/** `new Redis(url, options)` of ioredis, loaded on the first call. */
export function newRedis(url: string, options: RedisOptions): Redis {
  RedisClass ??= (require('ioredis') as typeof import('ioredis')).Redis;
  return new RedisClass(url, options);
}
