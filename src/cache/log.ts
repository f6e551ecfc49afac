// Where the response cache reports what it cannot do: Redis or the LISTEN connection lost and back,
// a version that went backwards, a value in Redis that is not an answer. A pino logger will do.
export interface CacheLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const consoleLogger: CacheLogger = {
  info: (m) => console.log(`[meibo cache] ${m}`),
  warn: (m) => console.warn(`[meibo cache] ${m}`),
  error: (m) => console.error(`[meibo cache] ${m}`),
};
