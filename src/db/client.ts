// The Prisma client over the configured database. Returned bare (not wrapped) so callers can
// `$extends` it, e.g. to count statements with `query.$allOperations`.
import { PrismaClient, type Prisma } from '../generated/prisma/client.js';

import { createAdapterFactory, retainPGlite } from './adapter.js';
import type { DbConfig } from './config.js';

export type PrismaClientOptions = Omit<Prisma.PrismaClientOptions, 'adapter' | 'accelerateUrl'>;

export interface DbClient {
  prisma: PrismaClient;
  /**
   * Disconnects the client and releases its database: the pg pool, and the process's PGlite
   * instance once no other client holds it (an in-memory database is then gone).
   */
  close(): Promise<void>;
}

/**
 * `options` goes to PrismaClient as is, e.g. `{ log: [{ emit: 'event', level: 'query' }] }` and
 * then `prisma.$on('query', …)` to see SQL text.
 */
export function createPrismaClient(config: DbConfig, options: PrismaClientOptions = {}): DbClient {
  // Prepared statements for the client's queries (not the schema engine's DDL), unless turned off.
  const adapter = createAdapterFactory(config, { preparedStatements: config.kind === 'postgres' && config.preparedStatements !== false });
  const release = config.kind === 'pglite' ? retainPGlite(config.dataDir) : async () => {};
  // errorFormat 'minimal': otherwise Prisma builds an Error (a stack trace) on every query, only to
  // point at the calling line should it fail; 20–60 µs of a ~700 µs uncached as-of answer.
  // Clients never see these messages anyway (masked, src/errors.ts).
  const prisma = new PrismaClient({ errorFormat: 'minimal', ...options, adapter } as Prisma.PrismaClientOptions) as PrismaClient;
  let closing: Promise<void> | undefined;
  return {
    prisma,
    close() {
      closing ??= (async () => {
        try {
          await prisma.$disconnect();
        } finally {
          await adapter.close();
          await release();
        }
      })();
      return closing;
    },
  };
}
