// What every resolver can reach: the Prisma client and per-request loaders (so one request
// never asks the database the same thing twice, and lists never ask once per item).
import DataLoader from 'dataloader';
import type { PrismaClient } from './generated/prisma/client.js';
import { coveredRanges, type DayRange } from './domain/coverage.js';
import { fromDate } from './domain/dates.js';

export interface Context {
  prisma: PrismaClient;
  loaders: Loaders;
}

export interface Loaders {
  /** covered day ranges of a body, by body id */
  coverage: DataLoader<number, DayRange[]>;
  /** per query shape: seats in force, by `${bodyId}|${day}|${role ?? ''}` */
  seatLoaders: Map<string, DataLoader<number, unknown[]>>;
}

export function createContext(prisma: PrismaClient): Context {
  // One statement for any number of bodies: the revisions of each body's instrument.
  const coverage = new DataLoader<number, DayRange[]>(async (bodyIds) => {
    const rows = await prisma.$queryRaw<Array<{ body_id: number; decided_on: Date; effective_on: Date | null; content_known: boolean }>>`
      SELECT b.id AS body_id, r.decided_on, r.effective_on, r.content_known
      FROM body b JOIN revision r ON r.instrument_id = b.instrument_id
      WHERE b.id = ANY(${[...bodyIds]}::int[])`;
    return bodyIds.map((id) =>
      coveredRanges(
        rows
          .filter((r) => r.body_id === id)
          .map((r) => ({ inForceFrom: fromDate(r.effective_on ?? r.decided_on), contentKnown: r.content_known })),
      ),
    );
  });
  return { prisma, loaders: { coverage, seatLoaders: new Map() } };
}
