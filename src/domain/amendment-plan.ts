/**
 * An amendment (改正) as an editor states it, and the pure planning of what it does to the lists
 * in force: every rule that can be checked without the database is checked here, and each
 * violation names the offending change by its index and title.
 */
import { quote } from '../errors.js';
import { compareDays, type IsoDay } from './dates.js';
import { diffSeats } from './diff.js';
import { byListingOrder, ROLES, type RoleName } from './seat.js';
import { normalizeName, normalizeText, normalizeTitle, TitleError } from './title.js';


/**
 * The changes an amendment can make, in docs/domain.md's words:
 * - replace: post `from` is retitled/replaced by post `to` in the same seat (a rename keeps the seat);
 * - add: a new seat for `post` at `position` (default: last) of `role`; later seats move down one;
 * - remove: the seat of `post` goes; later seats of its role move up one;
 * - setChair: `post` becomes the chair in a new seat (the previous chair's seat, if any, ends).
 */
export type AmendmentChange =
  | { kind: 'replace'; body: string; role?: RoleName; from: string; to: string; organization?: string }
  | { kind: 'add'; body: string; role: RoleName; post: string; position?: number; organization?: string }
  | { kind: 'remove'; body: string; role?: RoleName; post: string }
  | { kind: 'setChair'; body: string; post: string; organization?: string };

export interface Amendment {
  instrument: string;
  title: string;
  decidedOn: IsoDay;
  effectiveOn: IsoDay;
  note?: string | null;
  changes: AmendmentChange[];
}

/** A seat as the plan sees it. `seatKey` null: a new seat, to be given a key when written. */
export interface PlannedSeat { seatKey: string | null; role: RoleName; position: number; title: string }

export interface CurrentBody { code: string; seats: PlannedSeat[] }

export interface CurrentInstrument {
  code: string;
  /** inForceFrom and decidedOn of its latest revision, if any */
  latest: { decidedOn: IsoDay; inForceFrom: IsoDay; sequence: number; title?: string | null } | null;
  /** the bodies whose seats the instrument fixes, with the lists now in force (open-ended) */
  bodies: CurrentBody[];
}

export interface BodyPlan {
  code: string;
  before: PlannedSeat[];
  after: PlannedSeat[];
  added: PlannedSeat[];
  removed: PlannedSeat[];
  renamed: Array<{ before: PlannedSeat; after: PlannedSeat }>;
  unchanged: number;
}

/**
 * `newPosts`: the titles the changes seat that may not exist yet (each in the lists the amendment
 * leaves, with the organization its change names), so a write creates exactly the posts it seats.
 */
export interface AmendmentPlan { sequence: number; bodies: BodyPlan[]; newPosts: Array<{ title: string; organization?: string }> }

/**
 * A rule the amendment breaks. `changeIndex` is 0-based; null for the amendment as a whole.
 * `code` CONFLICT: the amendment clashes with one already recorded (retrying the same will not
 * help; reverting or changing it will). `details` go to the error's extensions.
 */
export class AmendmentRejected extends Error {
  override readonly name = 'AmendmentRejected';
  constructor(
    message: string,
    readonly changeIndex: number | null = null,
    readonly changeTitle: string | null = null,
    readonly details: Record<string, unknown> = {},
    readonly code: 'BAD_USER_INPUT' | 'CONFLICT' = 'BAD_USER_INPUT',
  ) {
    super(message);
  }
}

function describe(change: AmendmentChange): string {
  const q = (title: string) => `「${quote(title, 40)}」`;
  const body = quote(String(change.body), 40);
  switch (change.kind) {
    case 'replace': return `replace ${q(change.from)} by ${q(change.to)} in ${body}`;
    case 'add': return `add ${q(change.post)} to ${body} as ${quote(String(change.role), 20)}`;
    case 'remove': return `remove ${q(change.post)} from ${body}`;
    case 'setChair': return `make ${q(change.post)} chair of ${body}`;
    default: return `an unknown kind of change in ${body}`;
  }
}

function titleOf(change: AmendmentChange): string {
  return change.kind === 'replace' ? change.from : change.post;
}

const MAX_AMENDMENT_TITLE = 500;
const MAX_NOTE = 4000;

/**
 * Changes in one amendment. The largest notice so far has 6; rewriting the largest list (32 seats)
 * change by change takes 32. The cap bounds what one amendment writes and what its audit entry
 * keeps: a change puts at most two seats in the diff (a rename's before and after; a new chair
 * and the one whose seat it ends), so a diff lists at most MAX_DIFF_SEATS seats, each with a
 * title of at most MAX_TITLE_LENGTH characters.
 */
export const MAX_CHANGES = 200;
export const MAX_DIFF_SEATS = 2 * MAX_CHANGES;

/**
 * The amendment with every title, organization and text in the form meibo stores (src/domain/
 * title.ts), or a refusal naming the change whose title cannot be stored. The dry run and the
 * write both plan from this, so they cannot disagree about a title.
 */
export function normalizeAmendment(amendment: Amendment): Amendment {
  if (amendment.changes.length > MAX_CHANGES) {
    throw new AmendmentRejected(
      `The amendment has ${amendment.changes.length} changes; one amendment may make at most ${MAX_CHANGES}. Record it as several amendments.`,
      null, null, { max: MAX_CHANGES, changes: amendment.changes.length },
    );
  }
  const text = (raw: string, field: string, max: number) => {
    try {
      return normalizeText(raw, field, max);
    } catch (error) {
      if (error instanceof TitleError) throw new AmendmentRejected(`The amendment's ${error.message.replace(/^the /, '')}.`);
      throw error;
    }
  };
  const changes = amendment.changes.map((change, index): AmendmentChange => {
    const title = (raw: string) => {
      try {
        return normalizeTitle(raw);
      } catch (error) {
        if (error instanceof TitleError) {
          throw new AmendmentRejected(`change #${index + 1} (${describe(change)}): ${error.message}`, index, titleOf(change));
        }
        throw error;
      }
    };
    const organization = change.kind !== 'remove' && change.organization !== undefined && change.organization !== null
      ? normalizeName(change.organization)
      : undefined;
    switch (change.kind) {
      case 'replace': return { ...change, from: title(change.from), to: title(change.to), organization };
      case 'add': return { ...change, post: title(change.post), organization };
      case 'remove': return { ...change, post: title(change.post) };
      case 'setChair': return { ...change, post: title(change.post), organization };
      default: return change;
    }
  });
  return {
    ...amendment,
    title: text(amendment.title, 'title', MAX_AMENDMENT_TITLE),
    note: amendment.note === undefined || amendment.note === null ? null : text(amendment.note, 'note', MAX_NOTE) || null,
    changes,
  };
}

/**
 * Plans `amendment` over the lists now in force. `canCreatePost` tells whether a title is an
 * existing post or can be given an organization (so a new post can be created): null if so, else
 * why not.
 *
 * Changes apply in order, each to the lists the previous ones left. Two changes that contradict
 * each other are refused, naming both (`changeIndexes`), since an amendment states one end result
 * and an editor who wrote both meant one of them:
 * - a post seated by one change (ADD, SET_CHAIR, REPLACE's `to`) and seated again, removed or
 *   renamed by a later one (ADD then REMOVE, REPLACE a→b then REPLACE b→c, ADD x and REPLACE y→x,
 *   SET_CHAIR x then REPLACE x→y, REPLACE of the chair then SET_CHAIR);
 * - a post removed or renamed away (REMOVE, REPLACE's `from`, the chair a SET_CHAIR ends) and then
 *   removed or renamed away again (two REPLACEs of one post);
 * - two changes that each name the chair of one body (SET_CHAIR twice, SET_CHAIR and ADD as CHAIR);
 * - a REMOVE and an ADD that put a post back in the seat it left (together they change nothing).
 * A post that leaves its seat and then takes another is not a contradiction: REMOVE then ADD at
 * another position moves it, REMOVE then SET_CHAIR makes a member the chair, REPLACE a→b then
 * REPLACE c→a hands a title on.
 */
export function planAmendment(
  submitted: Amendment,
  current: CurrentInstrument,
  canCreatePost: (title: string, organization: string | undefined) => string | null,
): AmendmentPlan {
  const amendment = normalizeAmendment(submitted);
  if (!amendment.title) throw new AmendmentRejected('The amendment needs a title (e.g. 「…の一部改正について」).');
  if (compareDays(amendment.effectiveOn, amendment.decidedOn) < 0) {
    throw new AmendmentRejected(`effectiveOn ${amendment.effectiveOn} is before decidedOn ${amendment.decidedOn}: an amendment cannot take effect before it is decided.`);
  }
  if (current.latest) {
    const latest = current.latest;
    // One revision per instrument per decision day (revision(instrument_id, decided_on) is
    // unique): checked first, so that the same amendment sent twice, or by racing editors, is
    // told plainly that it is already recorded.
    if (compareDays(amendment.decidedOn, latest.decidedOn) === 0) {
      throw new AmendmentRejected(
        `${current.code} already has a revision decided on ${amendment.decidedOn} (revision ${latest.sequence}` +
          `${latest.title ? `, 「${quote(latest.title)}」` : ''}, in force from ${latest.inForceFrom}): ` +
          'an instrument has one revision per decision day; revert that one first to record it differently.',
        null, null,
        { revision: { instrument: current.code, sequence: latest.sequence, decidedOn: latest.decidedOn, inForceFrom: latest.inForceFrom } },
        'CONFLICT',
      );
    }
    if (compareDays(amendment.effectiveOn, latest.inForceFrom) <= 0) {
      throw new AmendmentRejected(
        `effectiveOn ${amendment.effectiveOn} is not after ${latest.inForceFrom}, when the latest recorded revision of ${current.code} took effect: ` +
          'amendments are recorded in order; revert the later one first to correct it.',
      );
    }
    if (compareDays(amendment.decidedOn, latest.decidedOn) < 0) {
      throw new AmendmentRejected(`decidedOn ${amendment.decidedOn} is before ${latest.decidedOn}, when the latest recorded revision of ${current.code} was decided.`);
    }
  }
  if (amendment.changes.length === 0) throw new AmendmentRejected('The amendment has no changes.');

  const lists = new Map(current.bodies.map((b) => [b.code, b.seats.map((s) => ({ ...s }))]));
  const newPosts = new Map<string, string | undefined>();
  /** per body and title, the last change that seated the post there or took it away */
  const touched = new Map<string, { index: number; how: 'entered' | 'left'; kind: AmendmentChange['kind']; role: RoleName; position: number }>();
  const chairNamedBy = new Map<string, number>();

  amendment.changes.forEach((change, index) => {
    const fail = (why: string): never => {
      throw new AmendmentRejected(`change #${index + 1} (${describe(change)}): ${why}`, index, titleOf(change));
    };
    const contradicts = (other: number, why: string): never => {
      throw new AmendmentRejected(
        `change #${index + 1} (${describe(change)}) contradicts change #${other + 1} (${describe(amendment.changes[other])}): ${why}`,
        index, titleOf(change), { changeIndexes: [other, index] },
      );
    };
    const seats = lists.get(change.body);
    if (!seats) fail(`body ${quote(String(change.body), 40)} is not one whose seats ${current.code} fixes (${[...lists.keys()].join(', ') || 'none'})`);
    const list = seats!;
    const key = (title: string) => `${change.body}\u0000${title}`;
    const q = (title: string) => `「${quote(title)}」`;

    // Contradictions with earlier changes, before this change is applied, so that the message
    // names both changes rather than the symptom (a post "not seated" or "already seated").
    if (change.kind === 'setChair' || (change.kind === 'add' && change.role === 'CHAIR')) {
      const other = chairNamedBy.get(change.body);
      if (other !== undefined) contradicts(other, `both name the chair of ${change.body}; state the chair once`);
    }
    const leaving = change.kind === 'replace' ? [change.from] : change.kind === 'remove' ? [change.post] : [];
    const chairLeaving = change.kind === 'setChair' ? list.find((s) => s.role === 'CHAIR' && s.title !== change.post) : undefined;
    if (chairLeaving) leaving.push(chairLeaving.title);
    for (const title of leaving) {
      const before = touched.get(key(title));
      if (before?.how === 'entered') {
        const verb = title === chairLeaving?.title && change.kind === 'setChair' ? 'ends the chair seat of' : change.kind === 'remove' ? 'removes' : 'renames';
        contradicts(before.index, `it ${verb} ${q(title)}, which change #${before.index + 1} seated; write the end result as one change`);
      }
      if (before?.how === 'left') contradicts(before.index, `${q(title)} already left ${change.body} by change #${before.index + 1}`);
    }
    const entering = change.kind === 'replace' ? change.to : change.kind === 'remove' ? null : change.post;
    if (entering !== null) {
      const before = touched.get(key(entering));
      if (before?.how === 'entered') contradicts(before.index, `both seat ${q(entering)} in ${change.body}; a post sits at most once in a body`);
    }

    const requirePost = (title: string, organization?: string) => {
      const problem = canCreatePost(title, organization);
      if (problem) fail(problem);
      newPosts.set(title, organization);
      return title;
    };
    const find = (title: string, role?: RoleName) => {
      const matches = list.filter((s) => s.title === title && (!role || s.role === role));
      if (matches.length === 0) fail(`${q(title)} is not seated in ${change.body}${role ? ` as ${role}` : ''} on the day before ${amendment.effectiveOn}`);
      return matches[0];
    };
    const seated = (title: string) => list.some((s) => s.title === title);
    const renumber = (role: RoleName) => list.filter((s) => s.role === role).sort((a, b) => a.position - b.position).forEach((s, i) => (s.position = i + 1));
    const left = (seat: PlannedSeat) => touched.set(key(seat.title), { index, how: 'left', kind: change.kind, role: seat.role, position: seat.position });
    const entered = (seat: PlannedSeat) => touched.set(key(seat.title), { index, how: 'entered', kind: change.kind, role: seat.role, position: seat.position });

    switch (change.kind) {
      case 'replace': {
        const seat = find(change.from, change.role);
        const to = requirePost(change.to, change.organization);
        if (to === seat.title) fail('the new title is the same as the old one');
        if (seated(to)) fail(`${q(to)} is already seated in ${change.body}: a post sits at most once in a body`);
        left({ ...seat });
        seat.title = to;
        entered(seat);
        break;
      }
      case 'add': {
        if (!ROLES.includes(change.role)) fail(`role must be one of ${ROLES.join(', ')}`);
        const title = requirePost(change.post, change.organization);
        if (seated(title)) fail(`${q(title)} is already seated in ${change.body}: a post sits at most once in a body`);
        const ofRole = list.filter((s) => s.role === change.role);
        if (change.role === 'CHAIR' && ofRole.length > 0) fail(`${change.body} already has a chair (${q(ofRole[0].title)}); use setChair or replace`);
        const position = change.position ?? ofRole.length + 1;
        if (!Number.isInteger(position) || position < 1 || position > ofRole.length + 1) fail(`position must be between 1 and ${ofRole.length + 1}`);
        const before = touched.get(key(title));
        if (before?.kind === 'remove' && before.role === change.role && before.position === position) {
          contradicts(before.index, `it puts ${q(title)} back in the seat change #${before.index + 1} removed it from; together they change nothing`);
        }
        ofRole.filter((s) => s.position >= position).forEach((s) => (s.position += 1));
        const seat: PlannedSeat = { seatKey: null, role: change.role, position, title };
        list.push(seat);
        entered(seat);
        if (change.role === 'CHAIR') chairNamedBy.set(change.body, index);
        break;
      }
      case 'remove': {
        const seat = find(change.post, change.role);
        list.splice(list.indexOf(seat), 1);
        left(seat);
        renumber(seat.role);
        break;
      }
      case 'setChair': {
        const title = requirePost(change.post, change.organization);
        const chair = list.find((s) => s.role === 'CHAIR');
        if (chair?.title === title) fail(`${q(title)} already chairs ${change.body}`);
        if (list.some((s) => s.title === title && s.role !== 'CHAIR')) fail(`${q(title)} already sits in ${change.body}; remove it from its seat first`);
        if (chair) {
          list.splice(list.indexOf(chair), 1);
          left(chair);
        }
        const seat: PlannedSeat = { seatKey: null, role: 'CHAIR', position: 1, title };
        list.push(seat);
        entered(seat);
        chairNamedBy.set(change.body, index);
        break;
      }
      default:
        fail('unknown kind of change');
    }
  });

  const order = byListingOrder;
  const bodies = current.bodies.map((b) => diffLists(b.code, b.seats, lists.get(b.code)!.sort(order)));
  // Only posts the amended lists seat: a title a later change took away again is never created.
  const seatedAfter = new Set(bodies.flatMap((b) => b.after.map((s) => s.title)));
  return {
    sequence: (current.latest?.sequence ?? -1) + 1,
    bodies,
    newPosts: [...newPosts].filter(([title]) => seatedAfter.has(title)).map(([title, organization]) => ({ title, organization })),
  };
}

/**
 * What changed from `before` to `after` in one body: the same diff as MembershipDiff's
 * (src/domain/diff.ts), over planned seats. A post listed again in the same role is the same seat
 * (the write path continues its tenure); a new seat under an ended seat's key is its rename; a
 * seat not yet written has no key.
 */
export function diffLists(code: string, before: PlannedSeat[], after: PlannedSeat[]): BodyPlan {
  const diffable = (s: PlannedSeat, i: number) => ({ seat: s, seatKey: s.seatKey ?? `(new ${i})`, tenureId: `${s.role}|${s.title}` });
  const d = diffSeats(before.map(diffable), after.map(diffable));
  return {
    code,
    before,
    after,
    added: d.added.map((x) => x.seat),
    removed: d.removed.map((x) => x.seat),
    renamed: d.renamed.map((r) => ({ before: r.before.seat, after: r.after.seat })),
    unchanged: d.unchanged.length,
  };
}
