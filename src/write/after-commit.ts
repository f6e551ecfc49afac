// What follows a committed write, for the API's mutations and `npm run amend` alike: the response
// cache learns the new data version (in process; other instances learn it from the database), then
// live-update subscribers are told. The write has committed whatever happens here: a failure is
// logged for the operator and never turns the write's answer into an error.
import type { Live, DirectoryAction } from '../live.js';
import { directoryChangeOf } from '../live.js';
import type { WriteOutcome } from './amendments.js';

export interface AfterCommitDeps {
  /** the response cache's refresh (src/app.ts afterWrite); none in the CLI */
  refreshCache?: (bodyIds: number[]) => Promise<void>;
  live: Live | null;
  log: { warn(message: string): void; info?(message: string): void };
  /** wait until subscribers have been told (the CLI, before it quits); the API does not wait */
  awaitPublish?: boolean;
}

export async function afterCommit(outcome: WriteOutcome, action: DirectoryAction, deps: AfterCommitDeps): Promise<void> {
  if (outcome.dryRun) return;
  // Every body of the instrument gets new listings (their source is the new revision), so all of
  // them change, not only those with added, removed or renamed seats.
  try {
    await deps.refreshCache?.(Object.values(outcome.bodyIds));
  } catch (error) {
    deps.log.warn(`after a committed write, the response cache was not refreshed: ${(error as Error)?.message ?? error}`);
  }
  if (!deps.live) return;
  // After the cache has the new version, so a subscriber that reads at once reads the new answer.
  const published = deps.live.publish(directoryChangeOf(outcome, action)).then(
    () => deps.log.info?.('Subscribers told (directoryChanged).'),
    (error: Error) => deps.log.warn(`the write is recorded, but live-update subscribers were not told: ${error.message}`),
  );
  if (deps.awaitPublish) await published;
}
