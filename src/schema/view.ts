// What every object of the graph carries: its row and the decision day (`knownAt`) of the question
// that reached it. A nested field answers as decided by the same day unless given its own, and an
// object's id names the decision that answer stands on (`…@2024-03-25` for a knownAt from
// 2024-03-25 to the day before the next decision: src/read/decisions.ts), so a normalized client
// cache keeps what was known then apart from what is known now, and holds one entry for every day
// of a step: one id, one value, wherever it appears and whichever day of the step was asked.
import type { IsoDay } from '../domain/dates.js';
import { parseDay } from '../domain/dates.js';
import { ReadRefusal } from '../read/refusal.js';
import type { KnownKind, KnownRows, RowLoaders } from '../read/rows.js';
import { decisionStep } from '../read/decisions.js';
import { GraphQLError } from 'graphql';
import { badUserInput, notFound, outOfCoverage } from '../errors.js';

export interface View<R> {
  row: R;
  /** decided by this day (null: everything recorded) */
  k: IsoDay | null;
}

export const view = <R>(row: R, k: IsoDay | null): View<R> => ({ row, k });

/**
 * The row `id` of `kind` (which must exist: a foreign key) as a view: at once when the request
 * holds it (RowLoaders.prime), so the field completes without a promise; else when loaded.
 */
export function viewRow<K extends KnownKind>(loaders: RowLoaders, kind: K, id: number, k: IsoDay | null): View<KnownRows[K]> | Promise<View<KnownRows[K]>> {
  const row = loaders.row(kind, id);
  return row instanceof Promise ? row.then((r) => view(r!, k)) : view(row!, k);
}
export const views = <R>(rows: readonly R[], k: IsoDay | null): Array<View<R>> => rows.map((row) => ({ row, k }));

/** The decision day a nested field answers by: its own argument, else the question's. */
export const knownAtOf = (parent: { k: IsoDay | null }, own: IsoDay | null | undefined): IsoDay | null => own ?? parent.k;

/** A node's local id: its row id, and the decision step (decisionStep) when the question had a decision day. */
export const localId = (id: number, step: IsoDay | null): string => (step === null ? String(id) : `${id}@${step}`);

/**
 * The decision an answer as decided by `k` stands on (src/read/decisions.ts), handed to `then`: at
 * once when this request has read the decision days, else once it has (one statement a request).
 */
export function onDecisionStep<T>(loaders: RowLoaders, k: IsoDay, then: (step: IsoDay) => T): T | Promise<T> {
  const days = loaders.decisionDaysAtHand();
  return days ? then(decisionStep(days, k)) : loaders.decisionDays().then((d) => then(decisionStep(d, k)));
}

const INT4_MAX = 2_147_483_647;

/**
 * A local id as the graph makes them ("12" or "12@2025-06-26"), or null for anything else (the
 * node answers null, as for a row that does not exist): ids are never coerced ("1e3", " 1",
 * "1.5") nor passed on out of range.
 */
export function parseLocalId(id: string): { id: number; k: IsoDay | null } | null {
  const m = /^([1-9][0-9]{0,9})(?:@([0-9]{4}-[0-9]{2}-[0-9]{2}))?$/.exec(id);
  if (!m) return null;
  const n = Number(m[1]);
  if (n > INT4_MAX) return null;
  if (m[2] === undefined) return { id: n, k: null };
  try {
    return { id: n, k: parseDay(m[2]) };
  } catch {
    return null;
  }
}

/**
 * A node type's id options and loader, one way for every type: the local id is the row's id and the
 * decision step of its decision day; ids the graph did not make, rows that are gone, and rows not yet decided by the day
 * the id names (`known`) answer null.
 */
export function nodeOf<R extends { id: number }, C>(
  load: (ctx: C, id: number) => Promise<R | null | undefined>,
  known?: (ctx: C, row: R, k: IsoDay | null) => boolean | Promise<boolean>,
  idOf: (row: R) => number = (row) => row.id,
) {
  return {
    id: {
      resolve: (v: View<R>, _args: unknown, ctx: { loaders: RowLoaders }) =>
        v.k === null ? localId(idOf(v.row), null) : onDecisionStep(ctx.loaders, v.k, (step) => localId(idOf(v.row), step)),
      parse: (id: string) => id,
    },
    loadMany: (ids: string[], ctx: C) =>
      Promise.all(ids.map(async (raw) => {
        const id = parseLocalId(raw);
        if (!id) return null;
        const row = await load(ctx, id.id);
        return row && (!known || (await known(ctx, row, id.k))) ? view(row, id.k) : null;
      })),
  };
}

/** The read layer's refusals as coded GraphQL errors; anything else stays as it is (masked). */
export function asGraphQLError(error: unknown): unknown {
  if (!(error instanceof ReadRefusal)) return error;
  switch (error.code) {
    case 'OUT_OF_COVERAGE': return outOfCoverage(error.message, error.details);
    case 'NOT_FOUND': return notFound(error.message, error.details);
    case 'BAD_USER_INPUT': return badUserInput(error.message, error.details);
  }
}

/** Awaits a read, turning its refusal into the coded GraphQL error. */
export async function answer<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (error) {
    throw asGraphQLError(error);
  }
}

export { GraphQLError };
