// What every resolver can reach: the Prisma client and the read layer's per-request loaders (so
// one request never asks the database the same thing twice, and lists never ask once per item).
import type { Principal } from './auth.js';
import type { Live } from './live.js';
import type { PrismaClient } from './generated/prisma/client.js';
import { createReadLoaders, type ReadLoaders } from './read/loaders.js';

export interface Context {
  prisma: PrismaClient;
  loaders: ReadLoaders;
  /** who is asking: null without a token, undefined with a token that is not recognized */
  principal: Principal | null | undefined;
  /** called after a write commits, with the bodies whose seats changed (cache invalidation) */
  afterWrite: (bodyIds: number[]) => Promise<void>;
  /** live updates (src/live.ts): committed writes are published here; null: nobody is told */
  live: Live | null;
  /** the operator's log (what follows a committed write, when it fails) */
  log: { warn(message: string): void };
}

export interface ContextOptions {
  principal?: Principal | null | undefined;
  afterWrite?: (bodyIds: number[]) => Promise<void>;
  live?: Live | null;
  log?: { warn(message: string): void };
}

export function createContext(prisma: PrismaClient, options: ContextOptions = {}): Context {
  const ctx: Context = {
    prisma,
    // ctx.prisma is read when a batch runs: a read-only request is moved to a replica (src/app.ts).
    loaders: createReadLoaders(() => ctx.prisma),
    principal: 'principal' in options ? options.principal : null,
    afterWrite: options.afterWrite ?? (async () => {}),
    live: options.live ?? null,
    log: options.log ?? { warn: () => {} },
  };
  return ctx;
}

/** Fresh loaders for the same request: each event of a subscription reads the data as it is then. */
export function refreshLoaders(ctx: Context): void {
  ctx.loaders = createReadLoaders(() => ctx.prisma);
}
