/**
 * The write path: recording an amendment, previewing it, and reverting the latest one. Each is a
 * single transaction that first locks the instrument's row, so two editors amending the same
 * instrument are serialized and the second one plans against what the first one wrote.
 */
import { fromDate, toDate, type IsoDay } from '../domain/dates.js';
import { AmendmentRejected, diffLists, normalizeAmendment, planAmendment, type Amendment, type AmendmentPlan, type PlannedSeat } from '../domain/amendment-plan.js';
import { organizationOfTitle, seatKeyOf } from '../domain/seat.js';
import { listingsWithoutEnd } from '../read/seats.js';
import { searchForm } from '../domain/title.js';
import { quote } from '../errors.js';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';

export class UnknownInstrument extends Error {
  override readonly name = 'UnknownInstrument';
  constructor(readonly code: string, known: string[]) {
    super(`No instrument has the code "${quote(code)}". Known codes: ${known.join(', ')}.`);
  }
}

export interface WriteOutcome {
  dryRun: boolean;
  instrument: { id: number; code: string; title: string };
  revision: { id: number | null; sequence: number; title: string; decidedOn: IsoDay; effectiveOn: IsoDay };
  /** per body of the instrument: the lists before and after, and what changed */
  plan: AmendmentPlan;
  bodyIds: Record<string, number>;
  auditId: number | null;
}

type Tx = Prisma.TransactionClient;

/** The start of every write: the instrument, locked, and the commit made to wait for replicas. */
async function lockInstrument(tx: Tx, code: string) {
  // With read replicas, commit returns only once every synchronous standby has applied the write,
  // so the next query, on any replica, through any instance, sees it (and no instance caches the
  // answer from before it). Without synchronous standbys PostgreSQL treats this as plain `on`.
  await tx.$executeRaw`SET LOCAL synchronous_commit = remote_apply`;
  const instrument = await tx.instrument.findUnique({ where: { code } });
  if (!instrument) {
    const known = (await tx.instrument.findMany({ select: { code: true }, orderBy: { id: 'asc' } })).map((i) => i.code);
    throw new UnknownInstrument(code, known);
  }
  // Row lock for the rest of the transaction: concurrent writers of this instrument queue here.
  await tx.$queryRaw`SELECT id FROM instrument WHERE id = ${instrument.id} FOR UPDATE`;
  return instrument;
}

/** The SQLSTATE and constraint of a database error as Prisma's driver adapters report it, if it is one. */
function databaseError(error: unknown): { sqlState: string; constraint: string | null } | null {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: string; originalMessage?: string } } } })?.meta;
  const cause = meta?.driverAdapterError?.cause;
  const sqlState = cause?.originalCode ?? ((error as { code?: string })?.code === 'P2034' ? '40001' : undefined);
  if (!sqlState) return null;
  const text = `${cause?.originalMessage ?? ''} ${(error as Error)?.message ?? ''}`;
  return { sqlState, constraint: /constraint [`"]?([a-z0-9_]+)/i.exec(text)?.[1] ?? null };
}

// What each constraint of the temporal rules (migration 20261126142405) means to an editor.
const RULES: Record<string, string> = {
  seat_one_chair_per_day: 'a body would have two chairs on one day',
  seat_post_once_per_body: 'a post would sit twice in one body on overlapping days',
  seat_position_once: 'two seats would share one listing position',
  revision_effective_after_decided: 'a revision would take effect before it is decided',
  seat_valid_range: 'a seat would end before it starts',
};

/**
 * The database's last word, said to the editor. The planner checks every rule first, under the
 * instrument's row lock, so what reaches here was written alongside (a write to another instrument
 * or by hand, racing this one) or breaks a rule the planner missed; either way it is named, never
 * "Unexpected error.". Unique and exclusion violations, serialization failures and deadlocks are
 * CONFLICT (read again and retry); a check violation is a bad amendment (BAD_USER_INPUT).
 */
async function explainDatabaseError(error: unknown, prisma: PrismaClient, amendment: Amendment | null, instrumentCode: string): Promise<unknown> {
  const db = databaseError(error);
  if (!db) return error;
  const rule = db.constraint ? RULES[db.constraint] : undefined;
  if (db.sqlState === '23514' || (rule && db.sqlState !== '23P01')) {
    return new AmendmentRejected(`The database refused the amendment: ${rule ?? 'a check failed'} (${db.constraint}). Nothing was written.`);
  }
  const nothing = 'Nothing was written; read the instrument again and retry if the amendment still applies.';
  if (db.sqlState === '23505' && db.constraint === 'revision_instrument_id_decided_on_key' && amendment) {
    const other = await prisma.revision
      .findFirst({ where: { instrument: { code: instrumentCode }, decidedOn: toDate(amendment.decidedOn) } })
      .catch(() => null);
    return new AmendmentRejected(
      `${instrumentCode} already has a revision decided on ${amendment.decidedOn}` +
        `${other ? ` (revision ${other.sequence}${other.title ? `, 「${quote(other.title)}」` : ''})` : ''}, recorded by another write meanwhile: ` +
        `an instrument has one revision per decision day. ${nothing}`,
      null, null,
      { revision: { instrument: instrumentCode, sequence: other?.sequence ?? null, decidedOn: amendment.decidedOn } },
      'CONFLICT',
    );
  }
  if (['23505', '23P01', '40001', '40P01'].includes(db.sqlState)) {
    const what = rule ?? (db.sqlState.startsWith('23') ? 'another write recorded the same thing at the same time' : 'another write touched the same rows at the same time');
    return new AmendmentRejected(
      `The amendment conflicts with a write made meanwhile: ${what}${db.constraint ? ` (${db.constraint})` : ''}. ${nothing}`,
      null, null, { constraint: db.constraint, sqlState: db.sqlState }, 'CONFLICT',
    );
  }
  return error;
}

export async function recordAmendment(
  prisma: PrismaClient,
  submitted: Amendment,
  options: { actor: string; dryRun?: boolean },
): Promise<WriteOutcome> {
  // Titles in their stored form before anything else: the dry run and the write plan and write
  // the same titles (src/domain/title.ts), and an unstorable one is refused before any SQL.
  const amendment = normalizeAmendment(submitted);
  try {
    return await prisma.$transaction(async (tx) => record(tx, amendment, options), { timeout: 30_000, maxWait: 30_000 });
  } catch (error) {
    throw await explainDatabaseError(error, prisma, amendment, amendment.instrument);
  }
}

async function record(tx: Tx, amendment: Amendment, options: { actor: string; dryRun?: boolean }): Promise<WriteOutcome> {
  const instrument = await lockInstrument(tx, amendment.instrument);
  const latest = await tx.revision.findFirst({ where: { instrumentId: instrument.id }, orderBy: { sequence: 'desc' } });
  if (latest && !latest.contentKnown) {
    throw new AmendmentRejected(
      `The text of ${instrument.code} as last amended (${fromDate(latest.decidedOn)}) is not in the data, so changes cannot be applied to it.`,
    );
  }
  const bodies = await tx.body.findMany({ where: { instrumentId: instrument.id }, orderBy: { position: 'asc' } });
  const open = await listingsWithoutEnd(tx, bodies.map((b) => b.id));
  const posts = new Set((await tx.post.findMany({ select: { title: true } })).map((p) => p.title));
  const organizations = await tx.organization.findMany({ where: { collective: false } });
  const organizationFor = (title: string, explicit?: string) => organizationOfTitle(title, organizations, explicit);

  const plan = planAmendment(
    amendment,
    {
      code: instrument.code,
      latest: latest && {
        decidedOn: fromDate(latest.decidedOn),
        inForceFrom: fromDate(latest.effectiveOn ?? latest.decidedOn),
        sequence: latest.sequence,
        title: latest.title,
      },
      bodies: bodies.map((b) => ({
        code: b.code,
        seats: open
          .filter((s) => s.bodyId === b.id)
          .map((s) => ({ seatKey: s.seatKey, role: s.role, position: s.position, title: s.post.title })),
      })),
    },
    (title, explicit) => {
      if (explicit && !organizations.some((o) => o.name === explicit)) {
        return `organization 「${quote(explicit)}」 is unknown (known: ${organizations.map((o) => o.name).join('、')})`;
      }
      if (posts.has(title) || organizationFor(title, explicit)) return null;
      return `「${quote(title)}」 is a new post whose organization cannot be told from its title; give its organization`;
    },
  );

  const bodyIds = Object.fromEntries(bodies.map((b) => [b.code, b.id]));
  const revisionView = {
    id: null as number | null, sequence: plan.sequence, title: amendment.title,
    decidedOn: amendment.decidedOn, effectiveOn: amendment.effectiveOn,
  };
  const outcome: WriteOutcome = {
    dryRun: Boolean(options.dryRun), instrument: { id: instrument.id, code: instrument.code, title: instrument.title },
    revision: revisionView, plan, bodyIds, auditId: null,
  };
  if (options.dryRun) return outcome;

  // New posts, each with the organization its title (or its change) names. A post another
  // instrument's amendment creates at the same moment is the same post: skip it, not fail.
  const fresh = plan.newPosts.filter((p) => !posts.has(p.title));
  if (fresh.length) {
    await tx.post.createMany({
      data: fresh.map((p) => ({ title: p.title, titleSearch: searchForm(p.title), organizationId: organizationFor(p.title, p.organization)!.id })),
      skipDuplicates: true,
    });
  }
  const postId = new Map((await tx.post.findMany({ where: { title: { in: plan.bodies.flatMap((b) => b.after.map((s) => s.title)) } }, select: { id: true, title: true } })).map((p) => [p.title, p.id]));

  const effective = toDate(amendment.effectiveOn);
  const revision = await tx.revision.create({
    data: {
      instrumentId: instrument.id, sequence: plan.sequence, title: revisionView.title, decidedOn: toDate(amendment.decidedOn),
      effectiveOn: effective, contentKnown: true, note: amendment.note ?? null,
    },
  });
  // The lists in force end the day the amendment takes effect; the amended lists begin then.
  await tx.seat.updateMany({ where: { id: { in: open.map((s) => s.id) } }, data: { validTo: effective } });
  // A post listed again in the same body and role continues its seat (its tenure: same id, same
  // first day, whatever its position); every other seat in force ends on the effective day.
  const tenureKey = (bodyId: number, postId: number, role: string) => `${bodyId}|${postId}|${role}`;
  const openTenures = new Map(open.map((s) => [tenureKey(s.bodyId, s.postId, s.role), s]));
  const clauseOf = new Map(bodies.map((b) => [b.code, b.clause ?? '']));
  const rows = plan.bodies.flatMap((b) =>
    b.after.map((s: PlannedSeat) => {
      const continued = openTenures.get(tenureKey(bodyIds[b.code], postId.get(s.title)!, s.role));
      if (continued) openTenures.delete(tenureKey(bodyIds[b.code], postId.get(s.title)!, s.role));
      return {
        bodyId: bodyIds[b.code], postId: postId.get(s.title)!, revisionId: revision.id, clause: clauseOf.get(b.code)!,
        role: s.role, position: s.position, seatKey: s.seatKey ?? seatKeyOf(b.code, s.role, s.position, amendment.decidedOn, plan.sequence),
        validFrom: effective, validTo: null,
        // a new tenure's id and first day are its own row's (the database sets them)
        ...(continued ? { tenureId: continued.tenureId, tenureFrom: continued.tenureFrom } : {}),
        basis: continued?.basis ?? null,
      };
    }),
  );
  await tx.seat.createMany({ data: rows });
  const ended = [...openTenures.values()].map((s) => s.tenureId!);
  if (ended.length) {
    await tx.seat.updateMany({
      where: { tenureId: { in: ended } },
      data: { tenureTo: effective, tenureEndedBy: revision.id, tenureEndDecidedOn: toDate(amendment.decidedOn) },
    });
  }
  const audit = await tx.auditEntry.create({
    data: {
      action: 'RECORD_AMENDMENT', actor: options.actor, instrumentId: instrument.id, revisionSequence: plan.sequence,
      amendment: amendmentJson(amendment), diff: diffJson(plan),
    },
  });
  return { ...outcome, revision: { ...revisionView, id: revision.id }, auditId: audit.id };
}

/**
 * Undoes the latest revision of an instrument that an editor recorded: its seats go, the seats it
 * ended are open again, posts only it introduced go. The audit trail keeps both entries.
 */
export async function revertLatestAmendment(prisma: PrismaClient, instrumentCode: string, options: RevertOptions): Promise<WriteOutcome> {
  try {
    return await revertLatest(prisma, instrumentCode, options);
  } catch (error) {
    throw await explainDatabaseError(error, prisma, null, instrumentCode);
  }
}

export interface RevertOptions {
  actor: string;
  /** the sequence the caller means to revert: another editor's later write is never undone in its place */
  expectedSequence?: number;
}

async function revertLatest(prisma: PrismaClient, instrumentCode: string, options: RevertOptions): Promise<WriteOutcome> {
  return prisma.$transaction(async (tx) => {
    const instrument = await lockInstrument(tx, instrumentCode);
    const latest = await tx.revision.findFirst({ where: { instrumentId: instrument.id }, orderBy: { sequence: 'desc' } });
    const recorded = latest && (await tx.auditEntry.findFirst({
      where: { instrumentId: instrument.id, revisionSequence: latest.sequence, action: 'RECORD_AMENDMENT' },
      orderBy: { id: 'desc' },
    }));
    if (latest && options.expectedSequence !== undefined && latest.sequence !== options.expectedSequence) {
      throw new AmendmentRejected(
        `The latest revision of ${instrument.code} is ${latest.sequence}, not ${options.expectedSequence}: another write came first. Read it, then decide again.`,
        null, null, { latestSequence: latest.sequence, expectedSequence: options.expectedSequence }, 'CONFLICT',
      );
    }
    if (!latest || !recorded) {
      throw new AmendmentRejected(`The latest revision of ${instrument.code} was not recorded by an editor (it comes from the source data), so it cannot be reverted.`);
    }
    const bodies = await tx.body.findMany({ where: { instrumentId: instrument.id }, orderBy: { position: 'asc' } });
    const effective = latest.effectiveOn ?? latest.decidedOn;
    const [removedSeats, restored] = await Promise.all([
      tx.seat.findMany({ where: { revisionId: latest.id }, include: { post: { select: { title: true } } } }),
      tx.seat.findMany({ where: { bodyId: { in: bodies.map((b) => b.id) }, validTo: effective }, include: { post: { select: { title: true } } } }),
    ]);
    await tx.seat.deleteMany({ where: { revisionId: latest.id } });
    await tx.seat.updateMany({ where: { id: { in: restored.map((s) => s.id) } }, data: { validTo: null } });
    // The seats it ended continue again.
    await tx.seat.updateMany({ where: { tenureEndedBy: latest.id }, data: { tenureTo: null, tenureEndedBy: null, tenureEndDecidedOn: null } });
    await tx.revision.delete({ where: { id: latest.id } });
    // Posts that only the reverted revision seated.
    await tx.post.deleteMany({ where: { id: { in: removedSeats.map((s) => s.postId) }, seats: { none: {} }, provisions: { none: {} } } });

    const view = (s: (typeof removedSeats)[number]): PlannedSeat => ({ seatKey: s.seatKey, role: s.role, position: s.position, title: s.post.title });
    const plan: AmendmentPlan = {
      sequence: latest.sequence,
      newPosts: [],
      // The revert goes from the reverted revision's lists back to the ones it had replaced.
      bodies: bodies.map((b) =>
        diffLists(b.code, removedSeats.filter((s) => s.bodyId === b.id).map(view), restored.filter((s) => s.bodyId === b.id).map(view)),
      ),
    };
    const bodyIds = Object.fromEntries(bodies.map((b) => [b.code, b.id]));
    const audit = await tx.auditEntry.create({
      data: {
        action: 'REVERT_AMENDMENT', actor: options.actor, instrumentId: instrument.id, revisionSequence: latest.sequence,
        amendment: recorded.amendment as Prisma.InputJsonValue, diff: diffJson(plan),
      },
    });
    return {
      dryRun: false,
      instrument: { id: instrument.id, code: instrument.code, title: instrument.title },
      revision: {
        id: null, sequence: latest.sequence, title: latest.title ?? '', decidedOn: fromDate(latest.decidedOn), effectiveOn: fromDate(effective),
      },
      plan,
      bodyIds,
      auditId: audit.id,
    };
  }, { timeout: 30_000, maxWait: 30_000 });
}

function amendmentJson(a: Amendment): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify({ ...a, note: a.note ?? null }));
}

function diffJson(plan: AmendmentPlan): Prisma.InputJsonValue {
  const seat = (s: PlannedSeat) => ({ role: s.role, position: s.position, title: s.title });
  return plan.bodies.map((b) => ({
    body: b.code,
    added: b.added.map(seat),
    removed: b.removed.map(seat),
    renamed: b.renamed.map((r) => ({ before: seat(r.before), after: seat(r.after) })),
    unchanged: b.unchanged,
  }));
}
