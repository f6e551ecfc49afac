// The Prisma client over the configured database. Returned bare (not wrapped) so callers can
// `$extends` it, e.g. to count statements with `query.$allOperations`.
import { readReplicas } from '@prisma/extension-read-replicas';
import { PrismaClient, type Prisma } from '../generated/prisma/client.js';

import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { createAdapterFactory, retainPGlite } from './adapter.js';
import { registerDirect } from './raw.js';
import { postgresConfigFromUrl, type DbConfig } from './config.js';

export type PrismaClientOptions = Omit<Prisma.PrismaClientOptions, 'adapter' | 'accelerateUrl'>;

export interface DbClient {
  /** the primary: every write, and every read of a request that writes */
  prisma: PrismaClient;
  /**
   * The client a read-only request uses for all its statements: one of the read replicas, picked
   * at random by Prisma's read-replica extension, or the primary when none is configured.
   */
  reader(): PrismaClient;
  /** the read replicas' clients (empty without DATABASE_REPLICA_URLS) */
  replicas: PrismaClient[];
  /**
   * Disconnects the client and releases its database: the pg pools, and the process's PGlite
   * instance once no other client holds it (an in-memory database is then gone).
   */
  close(): Promise<void>;
}

/**
 * `options` goes to PrismaClient as is, e.g. `{ log: [{ emit: 'event', level: 'query' }] }` and
 * then `prisma.$on('query', …)` to see SQL text.
 */
export function createPrismaClient(config: DbConfig, options: PrismaClientOptions = {}): DbClient {
  const primary = clientFor(config, options);
  const replicas = config.kind === 'postgres'
    ? (config.replicaUrls ?? []).map((url) => {
        // A replica is the same database: its URL may leave out the primary's ?schema=.
        const schema = postgresConfigFromUrl(url).schema ?? config.schema;
        return clientFor({ ...config, url, schema, replicaUrls: undefined }, options);
      })
    : [];
  // The extension routes each read statement to a random replica. meibo asks it for one replica
  // per request instead ($replica()), so that the statements of one answer all read one server,
  // and its $queryRaw (which the extension leaves on the primary) goes there too.
  const routed = replicas.length ? primary.prisma.$extends(readReplicas({ replicas: replicas.map((r) => r.prisma) })) : null;
  let closing: Promise<void> | undefined;
  return {
    prisma: primary.prisma,
    reader: routed ? () => routed.$replica() as unknown as PrismaClient : () => primary.prisma,
    replicas: replicas.map((r) => r.prisma),
    close() {
      closing ??= Promise.all([primary, ...replicas].map((c) => c.close())).then(() => {});
      return closing;
    },
  };
}

function clientFor(config: DbConfig, options: PrismaClientOptions) {
  // Prepared statements for the client's queries (not the schema engine's DDL), unless turned off;
  // and the statement timeout, which migrations do without.
  const adapter = createAdapterFactory(config, { preparedStatements: config.preparedStatements !== false, boundStatements: true });
  // The embedded database is opened (and held) on the client's first statement, not here: a CLI
  // that finds an empty data directory refuses without PGlite creating a cluster in it.
  let release = async () => {};
  let retained = false;
  // One connected adapter, for Prisma and for the read layer's direct statements (src/db/raw.ts),
  // whichever asks first; forgotten when Prisma disposes of it (a later statement connects anew).
  let connected: SqlDriverAdapter | undefined;
  let connecting: Promise<SqlDriverAdapter> | undefined;
  const connect = adapter.connect.bind(adapter);
  adapter.connect = () => {
    if (config.kind === 'pglite' && !retained) {
      retained = true;
      release = retainPGlite(config.dataDir);
    }
    connecting ??= connect().then(
      (a) => {
        const dispose = a.dispose.bind(a);
        a.dispose = () => {
          if (connected === a) [connected, connecting] = [undefined, undefined];
          return dispose();
        };
        return (connected = a);
      },
      (error: unknown) => {
        connecting = undefined;
        throw error;
      },
    );
    return connecting;
  };
  // errorFormat 'minimal': otherwise Prisma builds an Error (a stack trace) on every query, only to
  // point at the calling line should it fail; 20–60 µs of a ~700 µs uncached as-of answer.
  // Clients never see these messages anyway (masked, src/errors.ts).
  const prisma = new PrismaClient({ errorFormat: 'minimal', ...options, adapter } as Prisma.PrismaClientOptions) as PrismaClient;
  registerDirect(prisma, () => connected ?? adapter.connect());
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

/**
 * What is wrong with the read replicas for meibo's promise that an amendment is seen by the next
 * query anywhere: a "replica" that is not a standby, or a primary without synchronous standbys
 * (then a commit does not wait for any replica, and an answer read right after a write may be
 * stale, and be cached). Empty when all is well or there are no replicas.
 */
export async function replicationWarnings(db: DbClient): Promise<string[]> {
  if (db.replicas.length === 0) return [];
  const warnings: string[] = [];
  const [{ names, sync }] = await db.prisma.$queryRaw<Array<{ names: string; sync: number }>>`
    SELECT current_setting('synchronous_standby_names') AS names,
      (SELECT count(*) FROM pg_stat_replication WHERE sync_state IN ('sync', 'quorum'))::int AS sync`;
  const stale = 'a query right after an amendment may read a replica that has not applied it yet';
  if (!names.trim()) {
    warnings.push(`the primary has no synchronous standbys (synchronous_standby_names is empty): ${stale}`);
  } else if (sync < db.replicas.length) {
    // e.g. '*' with two replicas: only the first is synchronous. (sync_state needs pg_monitor.)
    warnings.push(`${sync} of the primary's standbys are synchronous (pg_stat_replication), fewer than the ${db.replicas.length} replicas: ${stale}`);
  }
  for (const [i, replica] of db.replicas.entries()) {
    const [{ standby }] = await replica.$queryRaw<Array<{ standby: boolean }>>`SELECT pg_is_in_recovery() AS standby`;
    if (!standby) warnings.push(`replica ${i + 1} of ${db.replicas.length} is not a standby (pg_is_in_recovery() is false)`);
  }
  return warnings;
}
