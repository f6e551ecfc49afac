// What every resolver can reach: the Prisma client and per-request loaders (so one request
// never asks the database the same thing twice, and lists never ask once per item).
import DataLoader from 'dataloader';
import type { Principal } from './auth.js';
import type { Live } from './live.js';
import type { PrismaClient } from './generated/prisma/client.js';
import { coveredRanges, type DayRange } from './domain/coverage.js';
import { fromDate } from './domain/dates.js';

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
  /** per `${day}|${role}|${knownAt}`: coverage and ids of the seats in force, by body id */
  inForce: Map<string, DataLoader<number, { covered: boolean; seatIds: number[] }>>;
  /** per query shape (the fields asked for): seat rows by id */
  seatRows: Map<string, DataLoader<number, unknown>>;
}

export function createContext(prisma: PrismaClient, options: ContextOptions = {}): Context {
  const ctx: Context = {
    prisma,
    // ctx.prisma is read when a batch runs: a read-only request is moved to a replica (src/app.ts).
    loaders: { coverage: new DataLoader((keys) => loadCoverage(ctx.prisma, keys)), inForce: new Map(), seatRows: new Map() },
    principal: 'principal' in options ? options.principal : null,
    afterWrite: options.afterWrite ?? (async () => {}),
    live: options.live ?? null,
  };
  return ctx;
}

/**
 * One statement for any number of bodies: the revisions of each body's instrument (decided by
 * knownAt, when the question is asked as known on a past day).
 */
async function loadCoverage(prisma: PrismaClient, keys: readonly string[]): Promise<DayRange[][]> {
  const parsed = keys.map((k) => {
    const [id, knownAt] = k.split('|');
    return { id: Number(id), knownAt: knownAt || null };
  });
  const rows = await prisma.$queryRaw<Array<{ body_id: number; decided_on: Date; in_force_from: Date; content_known: boolean }>>`
    SELECT b.id AS body_id, r.decided_on, r.in_force_from, r.content_known
    FROM body b JOIN revision r ON r.instrument_id = b.instrument_id
    WHERE b.id = ANY(${[...new Set(parsed.map((p) => p.id))]}::int[])`;
  return parsed.map(({ id, knownAt }) =>
    coveredRanges(
      rows
        .filter((r) => r.body_id === id && (knownAt === null || fromDate(r.decided_on) <= knownAt))
        .map((r) => ({ inForceFrom: fromDate(r.in_force_from), contentKnown: r.content_known })),
    ),
  );
}
