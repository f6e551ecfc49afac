// What every resolver can reach: the Prisma client and per-request loaders (so one request
// never asks the database the same thing twice, and lists never ask once per item).
import DataLoader from 'dataloader';
import type { Principal } from './auth.js';
import type { Live } from './live.js';
import type { PrismaClient } from './generated/prisma/client.js';
import type { DayRange } from './domain/coverage.js';
import { loadCoverage, loadCoveredDayBefore } from './read/coverage.js';
import { loadPostExistedBefore } from './read/seats.js';

export interface Context {
  prisma: PrismaClient;
  loaders: Loaders;
  /** who is asking: null without a token, undefined with a token that is not recognized */
  principal: Principal | null | undefined;
  /** called after a write commits, with the bodies whose seats changed (cache invalidation) */
  afterWrite: (bodyIds: number[]) => Promise<void>;
  /** live updates (src/live.ts): committed writes are published here; null: nobody is told */
  live: Live | null;
}

export interface ContextOptions {
  principal?: Principal | null | undefined;
  afterWrite?: (bodyIds: number[]) => Promise<void>;
  live?: Live | null;
}

export interface Loaders {
  /** covered day ranges of a body, by `${bodyId}|${knownAt ?? ''}` */
  coverage: DataLoader<string, DayRange[]>;
  /** whether the data covers the day before, by `${bodyId}|${day}` (a seat's validFromIsCoverageStart) */
  coveredDayBefore: DataLoader<string, boolean>;
  /** per `${day}|${role}|${knownAt}`: coverage and ids of the seats in force, by body id */
  inForce: Map<string, DataLoader<number, { covered: boolean; seatIds: number[] }>>;
  /** per query shape (the fields asked for): seat rows by id */
  seatRows: Map<string, DataLoader<number, unknown>>;
  /** whether a post was in the data before a day, by `${postId}|${day}` (a rename's kind) */
  postExistedBefore: DataLoader<string, boolean>;
  /** the day the data was last checked against its sources (Coverage.checkedOn), read once a request */
  checkedOn: () => Promise<Date | null>;
}

export function createContext(prisma: PrismaClient, options: ContextOptions = {}): Context {
  let checked: Promise<Date | null> | undefined;
  const ctx: Context = {
    prisma,
    // ctx.prisma is read when a batch runs: a read-only request is moved to a replica (src/app.ts).
    loaders: {
      coverage: new DataLoader((keys) => loadCoverage(ctx.prisma, keys)),
      coveredDayBefore: new DataLoader((keys) => loadCoveredDayBefore(ctx.prisma, keys)),
      inForce: new Map(),
      seatRows: new Map(),
      postExistedBefore: new DataLoader((keys) => loadPostExistedBefore(ctx.prisma, keys)),
      checkedOn: () => (checked ??= ctx.prisma.datasetInfo.findUnique({ where: { id: 1 } }).then((d) => d?.checkedOn ?? null)),
    },
    principal: 'principal' in options ? options.principal : null,
    afterWrite: options.afterWrite ?? (async () => {}),
    live: options.live ?? null,
  };
  return ctx;
}
