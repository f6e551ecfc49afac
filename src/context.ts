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
  const coverage = new DataLoader<number, DayRange[]>(async (bodyIds) => {
    const bodies = await prisma.body.findMany({
      where: { id: { in: [...bodyIds] } },
      select: { id: true, instrument: { select: { revisions: { select: { decidedOn: true, effectiveOn: true, contentKnown: true } } } } },
    });
    const byId = new Map(
      bodies.map((b) => [
        b.id,
        coveredRanges(
          (b.instrument?.revisions ?? []).map((r) => ({
            inForceFrom: fromDate(r.effectiveOn ?? r.decidedOn),
            contentKnown: r.contentKnown,
          })),
        ),
      ]),
    );
    return bodyIds.map((id) => byId.get(id) ?? []);
  });
  return { prisma, loaders: { coverage, seatLoaders: new Map() } };
}
