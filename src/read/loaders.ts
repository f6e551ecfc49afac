// The read layer's per-request state: row loaders (src/read/rows.ts) and the batched as-of,
// coverage and rename lookups. One per request (and one per subscription event), so one request
// never asks the database the same thing twice and a list never asks once per item.
import DataLoader from 'dataloader';
import { Prisma, type Organization, type Revision, type Seat } from '../generated/prisma/client.js';
import { fromDate, type IsoDay } from '../domain/dates.js';
import type { DayRange } from '../domain/coverage.js';
import { loadCoverage, loadCoveredDayBefore } from './coverage.js';
import { dateOf, queryRows, statementShape, type StatementShape } from '../db/raw.js';
import { revisionInForceSql } from './in-force.js';
import { RowLoaders, type Db, type PostRow } from './rows.js';

export interface InForce {
  covered: boolean;
  revisionId: number | null;
  /** the body's listings that revision prints, in listing order, their posts and revision primed in the row loaders */
  listings: Seat[];
}

/** What a read needs of the request: the client and the request's loaders. */
export interface ReadContext {
  prisma: Db;
  loaders: ReadLoaders;
}

/** The read layer's loaders of one request: the row loaders, and the as-of, coverage and rename lookups, each built when first asked for. */
export class ReadLoaders extends RowLoaders {
  #inForceByDay?: Map<string, DataLoader<number, InForce>>;
  #coverage?: DataLoader<string, DayRange[]>;
  #coveredDayBefore?: DataLoader<string, boolean>;
  #postExistedBefore?: DataLoader<string, boolean>;

  /** per day, decision day and role (null: all): the revision in force for each body (by body id), whether its text is known, and its listings */
  inForce(day: IsoDay, knownAt: IsoDay | null, role: Seat['role'] | null = null): DataLoader<number, InForce> {
    const key = `${day}|${knownAt ?? ''}|${role ?? ''}`;
    const byDay = (this.#inForceByDay ??= new Map());
    let loader = byDay.get(key);
    if (!loader) {
      loader = new DataLoader<number, InForce>(async (bodyIds) => {
        const found = await loadInForce(this.db(), [...bodyIds], day, knownAt, role, this);
        return bodyIds.map((id) => found.get(id) ?? { covered: false, revisionId: null, listings: [] });
      });
      byDay.set(key, loader);
    }
    return loader;
  }

  /** covered day ranges of a body, by `${bodyId}|${knownAt ?? ''}` */
  get coverage() {
    return (this.#coverage ??= new DataLoader<string, DayRange[]>((keys) => loadCoverage(this.db(), keys)));
  }

  /** whether the data covers the day before, by `${instrumentId}|${day}` (validFromIsCoverageStart) */
  get coveredDayBefore() {
    return (this.#coveredDayBefore ??= new DataLoader<string, boolean>((keys) => loadCoveredDayBefore(this.db(), keys)));
  }

  /** whether a post was in the data before a day, by `${postId}|${day}|${knownAt ?? ''}` (a rename's kind) */
  get postExistedBefore() {
    return (this.#postExistedBefore ??= new DataLoader<string, boolean>((keys) => loadPostExistedBefore(this.db(), keys)));
  }
}

export const createReadLoaders = (db: () => Db): ReadLoaders => new ReadLoaders(db);

/**
 * For each body: the revision in force on `day` as decided by `knownAt`, whether its text is known,
 * and the listings it prints for the body with their posts and organizations — one statement for
 * any number of bodies, flat however long the history: the revision through revision_in_force_idx,
 * its listings through the unique index on (revision_id, body_id, role, position). The rows read
 * are handed to the row loaders, so the fields a member list asks for cost nothing more. One body
 * (the usual question) is asked with `=`: then PostgreSQL keeps one generic plan for the prepared
 * statement instead of planning it anew each time, as it does for `= ANY(array)`.
 *
 * One row a body, its revision and listings one JSON array of positional arrays (RevisionTuple,
 * LISTING_COLUMNS): decoding 22 columns of every listing through the wire protocol's row parser
 * and the driver adapter, with the revision's 10 repeated on each, was most of a member list's
 * CPU in the read layer (0.40–0.65 ms against 0.20–0.27 ms for the same rows as one JSON text,
 * for the same PostgreSQL time; issue 17).
 */
async function loadInForce(db: Db, bodyIds: number[], day: IsoDay, knownAt: IsoDay | null, role: Seat['role'] | null, rows: RowLoaders): Promise<Map<number, InForce>> {
  const one = bodyIds.length === 1;
  const found = await queryRows<InForceRow>(db, inForceStatement(one, role !== null).bind({ bodies: one ? bodyIds[0] : bodyIds, day, knownAt, role }));
  const byBody = new Map<number, InForce>();
  for (const row of found) {
    const r = JSON.parse(row.found) as RevisionTuple;
    const entry: InForce = { covered: r[1] === true, revisionId: r[0], listings: [] };
    byBody.set(row.body_id, entry);
    if (r[0] === null) continue;
    rows.prime('revision', revisionOf(r));
    if (r[9] === null) continue;
    for (const l of r[9]) {
      const seat = seatOf(l, row.body_id, r[0]);
      entry.listings.push(seat);
      rows.prime('listing', seat);
      rows.prime('post', { id: seat.postId, title: l[14], organizationId: l[15], isClass: l[16] } satisfies PostRow);
      rows.prime('organization', { id: l[15], name: l[17], nameEn: l[18], collective: l[19], position: l[20] } satisfies Organization);
    }
  }
  return byBody;
}

type InForceParams = { bodies: number | number[]; day: IsoDay; knownAt: IsoDay | null; role: Seat['role'] | null };

/**
 * The statement of loadInForce, one text for each shape (one body or several; one role or all).
 * The text is built once: building it (Prisma.sql over the nested revision statement) and hashing
 * a new string of 1.3 kB for the prepared statement's name were done for every request before.
 * One role is asked as `s.role = $n::text::"Role"`, a condition an index on the role answers (the
 * planner takes (body_id, role, …) or (revision_id, body_id, role, position)); the filter it
 * replaces, `$n IS NULL OR s.role::text = $n`, read the body's 39 listings to keep one, and
 * PostgreSQL spent about 14 µs more on each chair question (issue 17; tests/db/prepared.test.ts).
 * The parameter is text, cast in the statement, not `$n::"Role"`: a prepared statement keeps the
 * type of each parameter as the type's id, and a restore with --clean makes "Role" anew under
 * another id, after which every connection's statement failed (tests/faults/data-version.test.ts).
 *
 * Two columns a body: its id, and the revision with its listings as one JSON text
 * (RevisionTuple). Each column of a result costs every execution its description, sent by
 * PostgreSQL (a type look-up per column) and read by pg and the driver adapter (a parser per
 * column); with the revision's ten columns beside the listings, that was 11 columns for a chair
 * question whose answer is one listing. As one JSON text, pg reads a chair question's result in
 * 40 µs of CPU instead of 68 (medians of 8 × 10,000 prepared executions, the driver adapter not
 * counted); PostgreSQL's own CPU did not move beyond its noise (90–111 µs either way; issue 17).
 */
const inForceShapes = new Map<string, StatementShape<InForceParams>>();
export function inForceStatement(one: boolean, byRole: boolean): StatementShape<InForceParams> {
  const key = `${one}|${byRole}`;
  let shape = inForceShapes.get(key);
  if (!shape) {
    shape = statementShape<InForceParams>((p) => Prisma.sql`
    SELECT b.id AS body_id, json_build_array(${Prisma.raw(REVISION_COLUMNS.join(', '))},
      (SELECT json_agg(json_build_array(${Prisma.raw(LISTING_COLUMNS.join(', '))}) ORDER BY s.role, s.position)
         FROM seat s JOIN post p ON p.id = s.post_id JOIN organization o ON o.id = p.organization_id
         WHERE r.content_known AND s.revision_id = r.id AND s.body_id = b.id${byRole ? Prisma.sql` AND s.role = ${p.role}::text::"Role"` : Prisma.empty}))::text AS found
    FROM body b
    LEFT JOIN LATERAL (${revisionInForceSql(Prisma.sql`b.instrument_id`, Prisma.sql`${p.day}::date`, p.knownAt)}) r ON true
    WHERE ${one ? Prisma.sql`b.id = ${p.bodies}::int` : Prisma.sql`b.id = ANY(${p.bodies}::int[])`}`);
    inForceShapes.set(key, shape);
  }
  return shape;
}

// A body's id, and its revision in force with that revision's listings, as the JSON text of a RevisionTuple.
type InForceRow = { body_id: number; found: string };

/** The revision in force (all null when none is), then its listings for the body (null when none or its text is unknown). */
const REVISION_COLUMNS = ['r.id', 'r.content_known', 'r.instrument_id', 'r.sequence', 'r.title', 'r.decided_on', 'r.effective_on', 'r.in_force_from', 'r.note'];
type RevisionTuple = [
  id: number | null, contentKnown: boolean | null, instrumentId: number, sequence: number, title: string | null,
  decidedOn: Day, effectiveOn: Day | null, inForceFrom: Day | null, note: string | null, listings: ListingTuple[] | null,
];

/** A listing, its post and its organization, in the order of ListingTuple; dates come as YYYY-MM-DD text. */
const LISTING_COLUMNS = [
  's.id', 's.post_id', 's.clause', 's.role', 's.position', 's.seat_key', 's.valid_from', 's.valid_to', 's.tenure_id', 's.tenure_from',
  's.tenure_to', 's.tenure_ended_by', 's.tenure_end_decided_on', 's.basis',
  'p.title', 'p.organization_id', 'p.is_class',
  'o.name', 'o.name_en', 'o.collective', 'o.position',
];
type Day = string;
type ListingTuple = [
  id: number, postId: number, clause: string, role: Seat['role'], position: number, seatKey: string, validFrom: Day, validTo: Day | null, tenureId: number | null, tenureFrom: Day | null,
  tenureTo: Day | null, tenureEndedBy: number | null, tenureEndDecidedOn: Day | null, basis: string | null,
  title: string, organizationId: number, isClass: boolean,
  name: string, nameEn: string | null, collective: boolean, orgPosition: number,
];

const revisionOf = (r: RevisionTuple): Revision => ({
  id: r[0]!, instrumentId: r[2], sequence: r[3], title: r[4], decidedOn: dateOf(r[5]),
  effectiveOn: dateOrNull(r[6]), inForceFrom: dateOrNull(r[7]), contentKnown: r[1] === true, note: r[8],
});

const seatOf = (l: ListingTuple, bodyId: number, revisionId: number): Seat => ({
  id: l[0], bodyId, postId: l[1], revisionId, clause: l[2], role: l[3], position: l[4], seatKey: l[5],
  validFrom: dateOf(l[6]), validTo: dateOrNull(l[7]), tenureId: l[8], tenureFrom: dateOrNull(l[9]), tenureTo: dateOrNull(l[10]),
  tenureEndedBy: l[11], tenureEndDecidedOn: dateOrNull(l[12]), basis: l[13],
});

const dateOrNull = (day: Day | null): Date | null => (day === null ? null : dateOf(day));

/**
 * Whether each post was in the data before a day, as decided by a day, by
 * `${postId}|${day}|${knownAt}`: seated anywhere, or named by a provision (a rename's incoming post
 * that existed is a succession). One statement for any number of keys.
 */
async function loadPostExistedBefore(db: Db, keys: readonly string[]): Promise<boolean[]> {
  const parts = keys.map((k) => k.split('|'));
  const rows = await db.$queryRaw<Array<{ post_id: number; before: Date; known_at: Date | null }>>`
    SELECT q.post_id, q.before, q.known_at
    FROM unnest(${parts.map((p) => Number(p[0]))}::int[], ${parts.map((p) => p[1])}::date[], ${parts.map((p) => p[2] || null)}::date[]) AS q(post_id, before, known_at)
    WHERE EXISTS (SELECT 1 FROM seat s JOIN revision r ON r.id = s.revision_id
                  WHERE s.post_id = q.post_id AND s.valid_from < q.before AND (q.known_at IS NULL OR r.decided_on <= q.known_at))
       OR EXISTS (SELECT 1 FROM provision p JOIN revision r ON r.id = p.revision_id
                  WHERE p.post_id = q.post_id AND p.valid_from < q.before AND (q.known_at IS NULL OR r.decided_on <= q.known_at))`;
  const found = new Set(rows.map((r) => `${r.post_id}|${fromDate(r.before)}|${r.known_at ? fromDate(r.known_at) : ''}`));
  return keys.map((k) => found.has(k));
}
