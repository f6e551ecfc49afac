// Puts meibo together: a database (migrated and seeded when asked), and the GraphQL server over it.
import { readdir } from 'node:fs/promises';
import { getOperationAST } from 'graphql';
import { createYoga, type CORSOptions, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { seedDatabase, type SeedResult } from '../prisma/seed.js';
import type { Dataset } from './domain/dataset.js';
import { authenticate, type TokenEntry } from './auth.js';
import { useRequestBodyLimit } from './body-limit.js';
import { createContext, type Context } from './context.js';
import { createPrismaClient, type DbClient, type PrismaClientOptions } from './db/client.js';
import { DEFAULT_TIMEOUTS, type DbConfig } from './db/config.js';
import { useRequestDeadline } from './db/deadline.js';
import { deployMigrations } from './db/migrate.js';
import { schema } from './schema/index.js';

export interface OpenOptions {
  /** apply pending migrations first (the embedded default always does) */
  migrate?: boolean;
  /** seed the directory from prisma/data when the database holds none */
  seed?: boolean;
  prismaOptions?: PrismaClientOptions;
  /** what to seed (default: prisma/data/directory.yaml) */
  dataset?: Dataset;
}

export interface Directory extends DbClient {
  applied: string[];
  seeded: SeedResult | null;
}

export async function openDirectory(config: DbConfig, options: OpenOptions = {}): Promise<Directory> {
  const applied = options.migrate ? await deployMigrations(config) : [];
  const client = createPrismaClient(config, options.prismaOptions);
  try {
    const seeded = options.seed ? await seedDatabase(client.prisma, options.dataset) : null;
    return { ...client, applied, seeded };
  } catch (error) {
    await client.close();
    throw error;
  }
}

/** Names of migrations in the folder that the database has not applied (empty when up to date). */
export async function pendingMigrations(client: DbClient): Promise<string[]> {
  const folder = new URL('../prisma/migrations/', import.meta.url);
  const names = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  let applied: string[] = [];
  try {
    const rows = await client.prisma.$queryRaw<Array<{ migration_name: string }>>`
      SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    applied = rows.map((r) => r.migration_name);
  } catch {
    // no _prisma_migrations table: nothing applied yet
  }
  return names.filter((n) => !applied.includes(n)).sort();
}

export interface AppOptions {
  /** extra Yoga/Envelop plugins (response cache, health checks…), run after meibo's own */
  plugins?: Array<Plugin<Record<string, unknown>>>;
  /** tokens that may write (src/auth.ts); none: every mutation is refused */
  tokens?: TokenEntry[];
  /** called after each committed write with the ids of the bodies it changed */
  afterWrite?: (bodyIds: number[]) => Promise<void>;
  /** the client a query (not a mutation) reads from: a read replica (DbClient.reader) */
  reader?: () => Context['prisma'];
  /** how long the statements of one query may take together (default 15 s; MEIBO_REQUEST_TIMEOUT_MS) */
  requestTimeoutMs?: number;
}

/**
 * CORS as Yoga applies it (its default: any origin, credentials allowed). Named here because the
 * HTTP fast path (src/fast-path.ts) must answer a cross-origin hit with the same headers.
 */
export const CORS_OPTIONS: CORSOptions = {};

export function createApp(prisma: Context['prisma'], options: AppOptions = {}): YogaServerInstance<Record<string, unknown>, Context> {
  return createYoga<Record<string, unknown>, Context>({
    schema,
    plugins: [useRequestBodyLimit(), ...(options.reader ? [useReaderForQueries(options.reader)] : []),
      // a query's statements stop when its client goes or its time is up (src/db/deadline.ts)
      useRequestDeadline(options.requestTimeoutMs ?? DEFAULT_TIMEOUTS.requestMs),
      ...(options.plugins ?? []),
    ],
    // src/body-limit.ts limits bodies as Yoga's own limit does, without streaming every body through it
    maxRequestBodySize: false,
    graphqlEndpoint: '/graphql',
    cors: CORS_OPTIONS,
    context: ({ request }) =>
      createContext(prisma, {
        principal: authenticate(request.headers.get('authorization'), options.tokens ?? []),
        afterWrite: options.afterWrite,
      }),
    // Unexpected errors are masked (Yoga's default): no stack trace or SQL reaches a client.
    maskedErrors: true,
    graphiql: {
      title: 'meibo',
      defaultQuery: `# Who chairs the secretariat (幹事会) the day the 2025 amendment takes effect?
{
  chair(body: "secretariat", asOf: "令和7年7月1日") {
    post { title organization { name } }
    validFrom
    source { instrument { title } revision { decidedOn effectiveOn } clause }
  }
}
`,
    },
    logging: false,
  });
}

/**
 * A query runs all its statements on the client `reader` gives (one read replica for the whole
 * answer); a mutation stays on the primary, for its writes and for the payload it reads back.
 */
function useReaderForQueries(reader: () => Context['prisma']): Plugin<Record<string, unknown>> {
  return {
    onExecute({ args }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'query') return;
      (args.contextValue as unknown as Context).prisma = reader();
    },
  };
}
