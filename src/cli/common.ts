// What the database CLIs (amend, seed, migrate) share: one clear line for an expected failure,
// never a Node or Prisma stack; the embedded database taken for the command's duration
// (src/db/owner.ts); and a plain refusal on a database that lacks meibo's tables.
import { debugSwitches } from '../config.js';
import { pendingMigrations } from '../db/open.js';
import { closeAllDatabases } from '../db/adapter.js';
import type { DbClient } from '../db/client.js';
import { describeDbConfig, type DbConfig } from '../db/config.js';
import { claimDataDir, takeoverNotice, type Ownership } from '../db/owner.js';

/** An expected failure: its message is printed as is, and the process exits with `exitCode`. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** Takes the embedded data directory for this command (nothing on PostgreSQL or in memory). */
export function claimForCommand(config: DbConfig, command: string): Ownership | null {
  try {
    const ownership = claimDataDir(config, command);
    const notice = takeoverNotice(ownership);
    if (notice) console.error(`note: ${notice}`);
    return ownership;
  } catch (error) {
    if ((error as Error).name === 'DataDirInUse') throw new CliError((error as Error).message);
    throw error;
  }
}

export function notMigrated(config: DbConfig, pending: string[]): CliError {
  const how = config.kind === 'pglite'
    ? 'Start the server once (`npm start` migrates and seeds it), or run `npm run db:deploy` and `npm run db:seed`'
    : 'Run `npm run db:deploy` and `npm run db:seed` (or start the server with MEIBO_MIGRATE_ON_START=true)';
  return new CliError(`${describeDbConfig(config)} is not set up for meibo (missing migrations: ${pending.join(', ')}). ${how}, then run this again.`);
}

/** Refuses, with what to do, when the database lacks migrations (an empty data directory, a fresh schema). */
export async function requireMigrated(config: DbConfig, client: DbClient): Promise<void> {
  const pending = await pendingMigrations(client, config);
  if (pending.length > 0) throw notMigrated(config, pending);
}

/** Prisma's "table does not exist" (P2021), for a database that lost its tables after the check. */
export const isMissingTable = (error: unknown) => (error as { code?: string })?.code === 'P2021';

/** Runs a CLI's main: exit code from it, or one line for any failure (a stack only with MEIBO_DEBUG=true). */
export async function runCli(main: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await main();
  } catch (error) {
    if (error instanceof CliError) {
      console.error(error.message);
      process.exitCode = error.exitCode;
    } else {
      const e = error as Error;
      console.error(`Failed: ${e?.message?.trim().split('\n').at(-1) ?? String(error)}`);
      if (debugSwitches().debug) console.error(e?.stack);
      process.exitCode = 1;
    }
  } finally {
    await closeAllDatabases();
  }
}
