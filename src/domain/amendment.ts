/**
 * An amendment (改正) as an editor states it, and the pure planning of what it does to the lists
 * in force: every rule that can be checked without the database is checked here, and each
 * violation names the offending change by its index and title.
 */
import { compareDays, type IsoDay } from './dates.js';
import type { RoleName } from './dataset.js';

export const ROLES: readonly RoleName[] = ['CHAIR', 'VICE_CHAIR', 'MEMBER', 'OBSERVER'];

/**
 * The changes an amendment can make, in DOMAIN.md's words:
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
  latest: { decidedOn: IsoDay; inForceFrom: IsoDay; sequence: number } | null;
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

export interface AmendmentPlan { sequence: number; bodies: BodyPlan[]; newTitles: string[] }

/** A rule the amendment breaks. `changeIndex` is 0-based; null for the amendment as a whole. */
export class AmendmentRejected extends Error {
  override readonly name = 'AmendmentRejected';
  constructor(
    message: string,
    readonly changeIndex: number | null = null,
    readonly changeTitle: string | null = null,
  ) {
    super(message);
  }
}

function describe(change: AmendmentChange): string {
  switch (change.kind) {
    case 'replace': return `replace 「${change.from}」 by 「${change.to}」 in ${change.body}`;
    case 'add': return `add 「${change.post}」 to ${change.body} as ${change.role}`;
    case 'remove': return `remove 「${change.post}」 from ${change.body}`;
    case 'setChair': return `make 「${change.post}」 chair of ${change.body}`;
  }
}

function titleOf(change: AmendmentChange): string {
  return change.kind === 'replace' ? change.from : change.post;
}

const clean = (title: string) => title.normalize('NFC').replace(/\s+/g, '');

/**
 * Plans `amendment` over the lists now in force. `knownTitle` tells whether a title is an
 * existing post or can be given an organization (so a new post can be created).
 */
export function planAmendment(
  amendment: Amendment,
  current: CurrentInstrument,
  canCreatePost: (title: string, organization: string | undefined) => string | null,
): AmendmentPlan {
  if (!amendment.title.trim()) throw new AmendmentRejected('The amendment needs a title (e.g. 「…の一部改正について」).');
  if (compareDays(amendment.effectiveOn, amendment.decidedOn) < 0) {
    throw new AmendmentRejected(`effectiveOn ${amendment.effectiveOn} is before decidedOn ${amendment.decidedOn}: an amendment cannot take effect before it is decided.`);
  }
  if (current.latest) {
    if (compareDays(amendment.effectiveOn, current.latest.inForceFrom) <= 0) {
      throw new AmendmentRejected(
        `effectiveOn ${amendment.effectiveOn} is not after ${current.latest.inForceFrom}, when the latest recorded revision of ${current.code} took effect: ` +
          'amendments are recorded in order; revert the later one first to correct it.',
      );
    }
    if (compareDays(amendment.decidedOn, current.latest.decidedOn) < 0) {
      throw new AmendmentRejected(`decidedOn ${amendment.decidedOn} is before ${current.latest.decidedOn}, when the latest recorded revision of ${current.code} was decided.`);
    }
  }
  if (amendment.changes.length === 0) throw new AmendmentRejected('The amendment has no changes.');

  const lists = new Map(current.bodies.map((b) => [b.code, b.seats.map((s) => ({ ...s }))]));
  const newTitles = new Set<string>();

  amendment.changes.forEach((change, index) => {
    const fail = (why: string): never => {
      throw new AmendmentRejected(`change #${index + 1} (${describe(change)}): ${why}`, index, titleOf(change));
    };
    const seats = lists.get(change.body);
    if (!seats) fail(`body ${change.body} is not one whose seats ${current.code} fixes (${[...lists.keys()].join(', ') || 'none'})`);
    const list = seats!;
    const requirePost = (raw: string, organization?: string) => {
      const title = clean(raw);
      if (!title) fail('a post title is empty');
      const problem = canCreatePost(title, organization);
      if (problem) fail(problem);
      newTitles.add(title);
      return title;
    };
    const find = (raw: string, role?: RoleName) => {
      const title = clean(raw);
      const matches = list.filter((s) => s.title === title && (!role || s.role === role));
      if (matches.length === 0) fail(`「${title}」 is not seated in ${change.body}${role ? ` as ${role}` : ''} on the day before ${amendment.effectiveOn}`);
      return matches[0];
    };
    const seated = (title: string) => list.some((s) => s.title === title);
    const renumber = (role: RoleName) => list.filter((s) => s.role === role).sort((a, b) => a.position - b.position).forEach((s, i) => (s.position = i + 1));

    switch (change.kind) {
      case 'replace': {
        const seat = find(change.from, change.role);
        const to = requirePost(change.to, change.organization);
        if (to === seat.title) fail('the new title is the same as the old one');
        if (seated(to)) fail(`「${to}」 is already seated in ${change.body}: a post sits at most once in a body`);
        seat.title = to;
        break;
      }
      case 'add': {
        if (!ROLES.includes(change.role)) fail(`role must be one of ${ROLES.join(', ')}`);
        const title = requirePost(change.post, change.organization);
        if (seated(title)) fail(`「${title}」 is already seated in ${change.body}: a post sits at most once in a body`);
        const ofRole = list.filter((s) => s.role === change.role);
        if (change.role === 'CHAIR' && ofRole.length > 0) fail(`${change.body} already has a chair (「${ofRole[0].title}」); use setChair or replace`);
        const position = change.position ?? ofRole.length + 1;
        if (!Number.isInteger(position) || position < 1 || position > ofRole.length + 1) fail(`position must be between 1 and ${ofRole.length + 1}`);
        ofRole.filter((s) => s.position >= position).forEach((s) => (s.position += 1));
        list.push({ seatKey: null, role: change.role, position, title });
        break;
      }
      case 'remove': {
        const seat = find(change.post, change.role);
        list.splice(list.indexOf(seat), 1);
        renumber(seat.role);
        break;
      }
      case 'setChair': {
        const title = requirePost(change.post, change.organization);
        const chair = list.find((s) => s.role === 'CHAIR');
        if (chair?.title === title) fail(`「${title}」 already chairs ${change.body}`);
        if (list.some((s) => s.title === title && s.role !== 'CHAIR')) fail(`「${title}」 already sits in ${change.body}; remove it from its seat first`);
        if (chair) list.splice(list.indexOf(chair), 1);
        list.push({ seatKey: null, role: 'CHAIR', position: 1, title });
        break;
      }
      default:
        fail('unknown kind of change');
    }
  });

  const order = (a: PlannedSeat, b: PlannedSeat) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role) || a.position - b.position;
  const bodies = current.bodies.map((b) => diffLists(b.code, b.seats, lists.get(b.code)!.sort(order)));

  return { sequence: (current.latest?.sequence ?? -1) + 1, bodies, newTitles: [...newTitles] };
}

/**
 * What changed from `before` to `after` in one body, by seat key: a key on both sides with another
 * title is a rename; a seat of `after` without a key (not yet written) or with a key `before`
 * lacks is added.
 */
export function diffLists(code: string, before: PlannedSeat[], after: PlannedSeat[]): BodyPlan {
  const afterByKey = new Map(after.filter((s) => s.seatKey !== null).map((s) => [s.seatKey!, s]));
  const beforeKeys = new Set(before.map((s) => s.seatKey));
  const renamed = before.flatMap((s) => {
    const a = afterByKey.get(s.seatKey!);
    return a && a.title !== s.title ? [{ before: s, after: a }] : [];
  });
  const removed = before.filter((s) => !afterByKey.has(s.seatKey!));
  return {
    code,
    before,
    after,
    added: after.filter((s) => s.seatKey === null || !beforeKeys.has(s.seatKey)),
    removed,
    renamed,
    unchanged: before.length - removed.length - renamed.length,
  };
}
