/**
 * Plans an amendment from lists as printed: given the list of each body in force the day before
 * and the list a notice prints (role labels, then titles one per line, wrapped the way PDF text
 * wraps them), the changes (REPLACE / ADD / REMOVE / SET_CHAIR) that turn the one into the other.
 * Pure: no database, no GraphQL. What it cannot decide it reports (`unplaced`), never guesses.
 *
 * The rules, in order:
 * 1. Lines. Blank lines are skipped. A line that begins with a role label (議長 / 議   長,
 *    副議長, 構成員 / 構 成 員, オブザーバー, spaces inside the label allowed) followed by a space
 *    or the line's end opens that role; the rest of the line is its first fragment.
 * 2. Rejoining wrapped lines, within a role: a fragment continues the title before it when that
 *    title's brackets 「」（） are not yet closed, or when the fragment starts with a character no
 *    title starts with (a closing bracket, 、。・ー, a small kana); it continues it too when the two
 *    together begin a known title (one seated before, or any post meibo knows) and the fragment
 *    alone does not. It starts a new title when it begins with an organization's name or a known
 *    title and the join does not. Otherwise, a fragment after a line as long as the longest line
 *    of the list (less two: the PDF wraps a little early before some characters) continues it,
 *    unless the title before is a known one. Anything else is ambiguous: reported with its line,
 *    and the body is not planned until a `join` or `split` hint for that line says which.
 * 3. Alignment, within each role: the longest common subsequence of titles (compared in their
 *    stored form) are the seats that stay. Between two of them (a gap) the old and new titles
 *    are paired as REPLACE (the seat stays, the post is retitled or succeeded) when close — Dice
 *    similarity of their characters ≥ 0.6, in order, best total first — or when the gap holds
 *    exactly one old and one new title (the same place) whose similarity is ≥ 0.3. A title in
 *    both lists that does not stay is never paired (it moves: REMOVE, then ADD).
 *    An old and a new title left in one gap with similarity ≥ 0.3 are ambiguous: reported, and
 *    that body is not planned until a `pair` or `apart` hint says which. Everything else is an
 *    ADD at its position or a REMOVE; a new chair not paired with the old one is a SET_CHAIR.
 * 4. Changes come per body: REPLACEs (in listing order), REMOVEs (bottom-up), SET_CHAIR, then
 *    ADDs in ascending position, so that applied in order they give exactly the printed list.
 * 5. `organization` is given, as the dataset infers it, for a title that does not begin with an
 *    organization's name: the organization of the post if meibo knows it, else (REPLACE) that
 *    of the post it replaces, else an `organization` hint; without one the change is unplaced.
 */
import { diffLists, planAmendment, type AmendmentChange, type BodyPlan, type CurrentInstrument } from './amendment-plan.js';
import type { IsoDay } from './dates.js';
import { byListingOrder, organizationOfTitle, ROLES, type RoleName } from './seat.js';
import { normalizeTitle, TitleError } from './title.js';

/** One line of a printed list, with its number in the text it came from (1-based). */
export interface ListLine { line: number; text: string }

/** A seat of the list in force the day before (listingsWithoutEnd's or the dataset's shape, reduced). */
export interface ListedSeat { role: RoleName; position: number; title: string }

/** The editor's word where the rules cannot decide. Line numbers are those of the list's text. */
export interface ProposalHints {
  /** these lines continue the title on the line before */
  join?: number[];
  /** these lines start a title of their own */
  split?: number[];
  /** plan these as one seat renamed (REPLACE from → to) */
  pair?: Array<{ from: string; to: string }>;
  /** never pair these: REMOVE `from`, ADD `to` */
  apart?: Array<{ from: string; to: string }>;
  /** the organization of a new post whose title does not begin with one's name */
  organization?: Record<string, string>;
}

export interface ProposedList { body: string; lines: ListLine[]; hints?: ProposalHints }

export interface ProposalState {
  /** the bodies whose lists the instrument fixes, in order, with their lists the day before */
  bodies: Array<{ code: string; seats: ListedSeat[] }>;
  organizations: ReadonlyArray<{ name: string; collective?: boolean }>;
  /** every post meibo knows: title → organization */
  posts: ReadonlyMap<string, string>;
  /** titles of posts seated or named before the effective day (a rename to one is a succession) */
  existedBefore: ReadonlySet<string>;
}

/** A change in the shape of AmendmentChangeInput (GraphQL) — passed to recordAmendment as it is. */
export interface ProposedChange {
  kind: 'REPLACE' | 'ADD' | 'REMOVE' | 'SET_CHAIR';
  body: string;
  role?: RoleName;
  post?: string;
  from?: string;
  to?: string;
  position?: number;
  organization?: string;
}

export interface Unplaced {
  body: string;
  /** the line of the list text it concerns; null when it is an old title, absent from the text */
  line: number | null;
  title: string;
  reason: string;
  /** what to add to plan it, e.g. `--join 12` or `--pair 'old=>new'` */
  hint: string | null;
}

export interface ProposedBody {
  code: string;
  /** the list as printed, rejoined (null when it could not be read whole) */
  printed: ListedSeat[] | null;
  /** per REPLACE of this body: whether the incoming post existed before (SUCCESSION) or not (RETITLE) */
  renames: Array<{ from: string; to: string; kind: 'RETITLE' | 'SUCCESSION' }>;
  /** false when something of this body is unplaced: its changes are then partial or none */
  complete: boolean;
}

export interface Proposal { changes: ProposedChange[]; bodies: ProposedBody[]; unplaced: Unplaced[] }

/** A list the planner cannot read at all (not a matter of one ambiguous line): refused, with its line. */
export class ProposalInputError extends Error {
  override readonly name = 'ProposalInputError';
  constructor(message: string, readonly line: number | null, readonly body: string | null) {
    super(message);
  }
}

export const CLOSE = 0.6;
export const SAME_PLACE = 0.3;

const LABELS: ReadonlyArray<readonly [RegExp, RoleName]> = [
  [/^副\s*議\s*長(?:\s+|$)/u, 'VICE_CHAIR'],
  [/^議\s*長(?:\s+|$)/u, 'CHAIR'],
  [/^構\s*成\s*員(?:\s+|$)/u, 'MEMBER'],
  [/^オ\s*ブ\s*ザ\s*ー\s*バ\s*ー(?:\s+|$)/u, 'OBSERVER'],
];

/** A text's lines, numbered from `first`. */
export function numberLines(text: string, first = 1): ListLine[] {
  return text.split(/\r\n|\r|\n/).map((t, i) => ({ line: first + i, text: t }));
}

/** The role a line's label opens, and the rest of the line; null when the line has no label. */
export function roleLabel(text: string): { role: RoleName; rest: string } | null {
  const t = text.replace(/^[\s\u3000]+/u, '');
  for (const [re, role] of LABELS) {
    const m = re.exec(t);
    if (m) return { role, rest: t.slice(m[0].length) };
  }
  return null;
}

const OPENS = '（「(『';
const CLOSES = '）」)』';
/** Characters no title starts with: a wrapped line starting with one continues the title before. */
const NEVER_STARTS = /^[）」)』、。・ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々]/u;

function unbalanced(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (OPENS.includes(ch)) depth++;
    else if (CLOSES.includes(ch)) depth--;
  }
  return depth > 0;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (OPENS.includes(ch)) depth++;
    else if (CLOSES.includes(ch) && --depth < 0) return false;
  }
  return depth === 0;
}

const stored = (raw: string) => raw.normalize('NFC').replace(/\s+/gu, '');

/** Dice similarity of two titles by code point: 2·LCS / (|a| + |b|). */
export function similarity(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  if (x.length + y.length === 0) return 1;
  let prev = new Uint16Array(y.length + 1);
  let cur = new Uint16Array(y.length + 1);
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) cur[j] = x[i - 1] === y[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    [prev, cur] = [cur, prev];
  }
  return (2 * prev[y.length]) / (x.length + y.length);
}

interface Fragment { line: number; text: string }
interface ReadTitle { title: string; lines: number[]; role: RoleName }
interface ReadList { titles: ReadTitle[]; unplaced: Array<Omit<Unplaced, 'body'>> }

/**
 * Reads a printed list: role labels and titles, wrapped lines rejoined (rule 2). `known`: titles
 * that may appear (seated before, or posts meibo knows). Ambiguous joins are returned as unplaced.
 */
export function readList(lines: ListLine[], known: ReadonlySet<string>, organizations: ReadonlyArray<{ name: string }>, hints: ProposalHints = {}, body = ''): ReadList {
  const blocks: Array<{ role: RoleName; line: number; fragments: Fragment[] }> = [];
  const unplaced: ReadList['unplaced'] = [];
  for (const { line, text } of lines) {
    if (!text.trim()) continue;
    if (/（略）|\(略\)/u.test(stored(text))) {
      throw new ProposalInputError(`line ${line}: 「${text.trim()}」 leaves part of the list out; the whole list as printed is needed`, line, body || null);
    }
    const label = roleLabel(text);
    if (label) {
      if (blocks.some((b) => b.role === label.role)) {
        throw new ProposalInputError(`line ${line}: the role label ${text.trim().split(/\s/)[0]} appears a second time; each role is listed once`, line, body || null);
      }
      blocks.push({ role: label.role, line, fragments: [] });
      if (label.rest.trim()) blocks.at(-1)!.fragments.push({ line, text: stored(label.rest) });
      continue;
    }
    if (blocks.length === 0) {
      throw new ProposalInputError(`line ${line}: 「${text.trim()}」 comes before any role label (議長, 構成員, オブザーバー); a list starts with one`, line, body || null);
    }
    blocks.at(-1)!.fragments.push({ line, text: stored(text) });
  }
  if (blocks.length === 0) throw new ProposalInputError('the list has no role label (議長, 構成員, オブザーバー) and no title', null, body || null);

  const allLines = new Set(lines.filter((l) => l.text.trim()).map((l) => l.line));
  for (const n of [...(hints.join ?? []), ...(hints.split ?? [])]) {
    if (!allLines.has(n)) throw new ProposalInputError(`the hint names line ${n}, which is not a line of the list (or is blank)`, n, body || null);
  }
  const join = new Set(hints.join ?? []);
  const split = new Set(hints.split ?? []);
  const both = [...join].find((n) => split.has(n));
  if (both !== undefined) throw new ProposalInputError(`line ${both} is hinted both to join and to split`, both, body || null);

  const knownList = [...known];
  const knownPrefix = (s: string) => known.has(s) || knownList.some((k) => k.startsWith(s));
  const orgNames = organizations.map((o) => o.name);
  const startsWithOrg = (s: string) => orgNames.some((n) => s.startsWith(n));
  const width = Math.max(0, ...blocks.flatMap((b) => b.fragments.map((f) => [...f.text].length)));

  const titles: ReadTitle[] = [];
  for (const block of blocks) {
    if (block.fragments.length === 0) {
      throw new ProposalInputError(`line ${block.line}: the role label has no title after it`, block.line, body || null);
    }
    let acc: { text: string; lines: number[]; last: string } | null = null;
    const flush = () => {
      if (!acc) return;
      titles.push({ title: acc.text, lines: acc.lines, role: block.role });
    };
    for (const f of block.fragments) {
      if (!acc) {
        acc = { text: f.text, lines: [f.line], last: f.text };
        continue;
      }
      let decision: 'join' | 'new' | 'ambiguous';
      if (join.has(f.line)) decision = 'join';
      else if (split.has(f.line)) decision = 'new';
      else if (unbalanced(acc.text) || NEVER_STARTS.test(f.text)) decision = 'join';
      else {
        const joined = knownPrefix(acc.text + f.text);
        const fresh = startsWithOrg(f.text) || knownPrefix(f.text);
        if (joined && !fresh) decision = 'join';
        else if (fresh && !joined) decision = 'new';
        else if (fresh && joined) decision = 'ambiguous';
        else if (!known.has(acc.text) && width >= 12 && [...acc.last].length >= width - 2) decision = 'join';
        else decision = 'ambiguous';
      }
      if (decision === 'ambiguous') {
        unplaced.push({
          line: f.line, title: f.text,
          reason: `cannot tell whether line ${f.line} 「${f.text}」 continues 「${acc.text}」 (line ${acc.lines[0]}) or starts a title of its own`,
          hint: `--join ${f.line} or --split ${f.line}`,
        });
        decision = 'new';
      }
      if (decision === 'join') {
        acc.text += f.text;
        acc.lines.push(f.line);
        acc.last = f.text;
      } else {
        flush();
        acc = { text: f.text, lines: [f.line], last: f.text };
      }
    }
    flush();
  }
  for (const t of titles) {
    if (!balanced(t.title)) {
      unplaced.push({ line: t.lines[0], title: t.title, reason: `「${t.title}」 (line ${t.lines.join(', ')}) has unbalanced brackets 「」（）`, hint: 'edit the list' });
    }
    try {
      normalizeTitle(t.title);
    } catch (error) {
      if (error instanceof TitleError) throw new ProposalInputError(`line ${t.lines[0]}: ${error.message}`, t.lines[0], body || null);
      throw error;
    }
  }
  const seen = new Map<string, ReadTitle>();
  for (const t of titles) {
    const other = seen.get(t.title);
    if (other) {
      throw new ProposalInputError(`line ${t.lines[0]}: 「${t.title}」 is listed twice (also line ${other.lines[0]}); a post sits at most once in a body`, t.lines[0], body || null);
    }
    seen.set(t.title, t);
  }
  return { titles, unplaced };
}

/** Indices (i, j) of a longest common subsequence of a and b. */
function lcsPairs(a: string[], b: string[]): Array<[number, number]> {
  const n = a.length;
  const m = b.length;
  const t = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) t[i][j] = a[i] === b[j] ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
  const out: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) out.push([i++, j++]);
    else if (t[i + 1][j] >= t[i][j + 1]) i++;
    else j++;
  }
  return out;
}

/** The order-preserving matching of olds and news with the greatest total weight (weights ≤ 0: no pair). */
function bestMatching(weights: number[][]): Array<[number, number]> {
  const p = weights.length;
  const q = p ? weights[0].length : 0;
  const t = Array.from({ length: p + 1 }, () => new Float64Array(q + 1));
  for (let i = p - 1; i >= 0; i--) {
    for (let j = q - 1; j >= 0; j--) {
      const w = weights[i][j];
      t[i][j] = Math.max(t[i + 1][j], t[i][j + 1], w > 0 ? w + t[i + 1][j + 1] : -Infinity);
    }
  }
  const out: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < p && j < q) {
    const w = weights[i][j];
    if (w > 0 && t[i][j] === w + t[i + 1][j + 1]) out.push([i++, j++]);
    else if (t[i][j] === t[i + 1][j]) i++;
    else j++;
  }
  return out;
}

const pairKey = (from: string, to: string) => `${from}\u0000${to}`;

/** Plans the changes that turn each body's list the day before into the list as printed. */
export function proposeChanges(state: ProposalState, lists: ProposedList[]): Proposal {
  const changes: ProposedChange[] = [];
  const bodies: ProposedBody[] = [];
  const unplaced: Unplaced[] = [];
  const seenBodies = new Set<string>();
  for (const list of lists) {
    if (seenBodies.has(list.body)) throw new ProposalInputError(`body ${list.body} is given twice; give each body's list once`, null, list.body);
    seenBodies.add(list.body);
    if (!state.bodies.some((b) => b.code === list.body)) {
      throw new ProposalInputError(
        `body ${list.body} is not one whose seats the instrument fixes (${state.bodies.map((b) => b.code).join(', ') || 'none'})`, null, list.body,
      );
    }
  }
  for (const body of state.bodies) {
    const list = lists.find((l) => l.body === body.code);
    if (!list) continue;
    const result = proposeBody(state, body.code, body.seats, list);
    changes.push(...result.changes);
    unplaced.push(...result.unplaced.map((u) => ({ ...u, body: body.code })));
    bodies.push({ code: body.code, printed: result.printed, renames: result.renames, complete: result.unplaced.length === 0 });
  }
  return { changes, bodies, unplaced };
}

function proposeBody(state: ProposalState, code: string, before: ListedSeat[], list: ProposedList) {
  const hints = list.hints ?? {};
  const known = new Set<string>([...before.map((s) => s.title), ...state.posts.keys()]);
  const read = readList(list.lines, known, state.organizations, hints, code);
  const out = {
    changes: [] as ProposedChange[],
    unplaced: read.unplaced as Array<Omit<Unplaced, 'body'>>,
    printed: read.titles.length ? ROLES.flatMap((role) => read.titles.filter((t) => t.role === role).map((t, i) => ({ role, position: i + 1, title: t.title }))) : null,
    renames: [] as ProposedBody['renames'],
  };
  // An ambiguous join leaves the list itself uncertain: nothing of this body is planned from it.
  if (out.unplaced.length > 0) return out;

  const norm = (s: string) => normalizeTitle(s);
  const pairs = new Set((hints.pair ?? []).map((p) => pairKey(norm(p.from), norm(p.to))));
  const apart = new Set((hints.apart ?? []).map((p) => pairKey(norm(p.from), norm(p.to))));
  const oldTitles = new Set(before.map((s) => s.title));
  const newTitles = new Set(read.titles.map((t) => t.title));
  for (const p of [...(hints.pair ?? []), ...(hints.apart ?? [])]) {
    if (!oldTitles.has(norm(p.from))) throw new ProposalInputError(`the hint ${p.from}=>${p.to} names 「${p.from}」, which is not seated in ${code} the day before`, null, code);
    if (!newTitles.has(norm(p.to))) throw new ProposalInputError(`the hint ${p.from}=>${p.to} names 「${p.to}」, which the list of ${code} does not print`, null, code);
  }
  const usedPairs = new Set<string>();
  const lineOf = new Map(read.titles.map((t) => [t.title, t.lines[0]]));
  const roleBefore = new Map(before.map((s) => [s.title, s.role]));
  const roleAfter = new Map(read.titles.map((t) => [t.title, t.role]));
  const orgHints = new Map(Object.entries(hints.organization ?? {}).map(([t, o]) => [norm(t), o.trim()]));
  /** The organization hint a change needs: undefined when the title begins with an organization's name, null when none is known. */
  const orgOf = (title: string, from?: string): string | undefined | null => {
    if (organizationOfTitle(title, state.organizations)) return undefined;
    return state.posts.get(title) ?? orgHints.get(title) ?? (from !== undefined ? state.posts.get(from) : undefined) ?? null;
  };

  const replaces: ProposedChange[] = [];
  const removes: ProposedChange[] = [];
  const chair: ProposedChange[] = [];
  const adds: ProposedChange[] = [];
  const blockedRoles = new Set<RoleName>();

  for (const role of ROLES) {
    const olds = before.filter((s) => s.role === role).sort(byListingOrder).map((s) => s.title);
    const news = read.titles.filter((t) => t.role === role).map((t) => t.title);
    const anchors = lcsPairs(olds, news);
    const roleChanges = { replaces: [] as ProposedChange[], removes: [] as ProposedChange[], adds: [] as ProposedChange[], chair: [] as ProposedChange[] };
    const roleUnplaced: typeof out.unplaced = [];
    let oi = 0;
    let ni = 0;
    for (const [ai, aj] of [...anchors, [olds.length, news.length] as [number, number]]) {
      const gapOld = olds.slice(oi, ai);
      const gapNew = news.slice(ni, aj);
      const newStart = ni;
      oi = ai + 1;
      ni = aj + 1;
      if (gapOld.length === 0 && gapNew.length === 0) continue;
      // A title in both lists that is not one of the seats that stay moves (to another place or
      // role): REMOVE, then ADD; it is never the other side of a rename.
      const movable = (title: string, side: 'old' | 'new') => side === 'old' ? !roleAfter.has(title) : !roleBefore.has(title);
      const weights = gapOld.map((o) => gapNew.map((n) => {
        const key = pairKey(o, n);
        if (pairs.has(key)) return 1000;
        if (apart.has(key) || !movable(o, 'old') || !movable(n, 'new')) return 0;
        const s = similarity(o, n);
        return s >= CLOSE ? s : 0;
      }));
      let matched = bestMatching(weights);
      if (matched.length === 0 && gapOld.length === 1 && gapNew.length === 1 && weights[0][0] === 0) {
        const [o, n] = [gapOld[0], gapNew[0]];
        if (!apart.has(pairKey(o, n)) && movable(o, 'old') && movable(n, 'new') && similarity(o, n) >= SAME_PLACE) matched = [[0, 0]];
      }
      const pairedOld = new Set(matched.map(([i]) => i));
      const pairedNew = new Set(matched.map(([, j]) => j));
      for (const [i, j] of matched) {
        const from = gapOld[i];
        const to = gapNew[j];
        usedPairs.add(pairKey(from, to));
        const organization = orgOf(to, from);
        roleChanges.replaces.push({ kind: 'REPLACE', body: code, role, from, to, ...(organization ? { organization } : {}) });
        out.renames.push({ from, to, kind: state.existedBefore.has(to) ? 'SUCCESSION' : 'RETITLE' });
      }
      // Ambiguous: an old and a new title left in one gap that could be one seat renamed.
      for (let i = 0; i < gapOld.length; i++) {
        if (pairedOld.has(i)) continue;
        for (let j = 0; j < gapNew.length; j++) {
          if (pairedNew.has(j)) continue;
          const [o, n] = [gapOld[i], gapNew[j]];
          if (apart.has(pairKey(o, n)) || !movable(o, 'old') || !movable(n, 'new')) continue;
          const s = similarity(o, n);
          if (s >= SAME_PLACE) {
            roleUnplaced.push({
              line: lineOf.get(n) ?? null, title: n,
              reason: `「${n}」 may be 「${o}」 renamed (similarity ${s.toFixed(2)}) or a new seat while that one ends`,
              hint: `--pair '${o}=>${n}' or --apart '${o}=>${n}'`,
            });
          }
        }
      }
      gapOld.forEach((title, i) => {
        if (!pairedOld.has(i) && !(role === 'CHAIR' && gapNew.some((_, j) => !pairedNew.has(j)))) {
          roleChanges.removes.push({ kind: 'REMOVE', body: code, role, post: title });
        }
      });
      gapNew.forEach((title, j) => {
        if (pairedNew.has(j)) return;
        const organization = orgOf(title);
        if (organization === null) {
          roleUnplaced.push({
            line: lineOf.get(title) ?? null, title,
            reason: `「${title}」 is a new post whose title does not begin with an organization's name`,
            hint: `--org '${title}=<organization>'`,
          });
          return;
        }
        const extra = organization ? { organization } : {};
        if (role === 'CHAIR') roleChanges.chair.push({ kind: 'SET_CHAIR', body: code, post: title, ...extra });
        else roleChanges.adds.push({ kind: 'ADD', body: code, role, post: title, position: newStart + j + 1, ...extra });
      });
    }
    // The write path's planner records where a REMOVE took a post from, and refuses an ADD that
    // puts it back there (together they would change nothing). A post that moves within its role
    // can land where it was taken from as counted after the removals above it: removals are then
    // written bottom-up (each at its place in the old list) or top-down, whichever avoids that.
    const removedTitles = roleChanges.removes.map((c) => c.post!);
    const addedAt = new Map(roleChanges.adds.map((c) => [c.post!, c.position!]));
    const clashes = (order: string[]) => {
      const gone = new Set<string>();
      return order.some((title) => {
        const at = olds.indexOf(title) + 1 - olds.slice(0, olds.indexOf(title)).filter((t) => gone.has(t)).length;
        gone.add(title);
        return addedAt.get(title) === at;
      });
    };
    const bottomUp = [...removedTitles].sort((a, b) => olds.indexOf(b) - olds.indexOf(a));
    const topDown = [...bottomUp].reverse();
    const order = !clashes(bottomUp) ? bottomUp : !clashes(topDown) ? topDown : null;
    if (order) roleChanges.removes.sort((a, b) => order.indexOf(a.post!) - order.indexOf(b.post!));
    else {
      const moved = removedTitles.find((t) => addedAt.has(t))!;
      roleUnplaced.push({
        line: lineOf.get(moved) ?? null, title: moved,
        reason: `「${moved}」 moves within the list in a way the write path cannot record in one amendment (removed and added back at the same position)`,
        hint: 'record the move in two amendments',
      });
    }
    if (roleUnplaced.length > 0) {
      blockedRoles.add(role);
      out.unplaced.push(...roleUnplaced);
      continue;
    }
    replaces.push(...roleChanges.replaces);
    removes.push(...roleChanges.removes);
    chair.push(...roleChanges.chair);
    adds.push(...roleChanges.adds);
  }
  for (const p of hints.pair ?? []) {
    if (!usedPairs.has(pairKey(norm(p.from), norm(p.to)))) {
      throw new ProposalInputError(`the hint ${p.from}=>${p.to} cannot be followed: the two are not in one gap of one role (a title between them stays)`, lineOf.get(norm(p.to)) ?? null, code);
    }
  }
  // Positions are counted over the whole of each role, and a title may move between roles: a
  // partial plan could seat a post twice or at a position that does not exist, so a body with
  // anything ambiguous is planned only once all of it is resolved.
  if (blockedRoles.size === 0) out.changes.push(...replaces, ...removes, ...chair, ...adds);
  return out;
}

/** A proposed change as the write path takes it (src/domain/amendment-plan.ts). */
export function toAmendmentChange(c: ProposedChange): AmendmentChange {
  const organization = c.organization;
  switch (c.kind) {
    case 'REPLACE': return { kind: 'replace', body: c.body, role: c.role, from: c.from!, to: c.to!, organization };
    case 'ADD': return { kind: 'add', body: c.body, role: c.role!, post: c.post!, position: c.position, organization };
    case 'REMOVE': return { kind: 'remove', body: c.body, role: c.role, post: c.post! };
    case 'SET_CHAIR': return { kind: 'setChair', body: c.body, post: c.post!, organization };
  }
}

export interface ProposalWithDiffs extends Proposal {
  /** per body given: what the changes do to its list, as recordAmendment's dry run plans it */
  diffs: BodyPlan[];
}

/**
 * The proposal and the 新旧対照表 diff it makes: the changes planned over the lists the day before
 * by the write path's own planner, so what is proposed is what would be recorded. For a body read
 * whole, the planned list must be the printed one; anything else is a fault of this module.
 */
export function proposeAmendment(state: ProposalState, lists: ProposedList[], effectiveOn: IsoDay): ProposalWithDiffs {
  const proposal = proposeChanges(state, lists);
  const given = state.bodies.filter((b) => lists.some((l) => l.body === b.code));
  const current: CurrentInstrument = {
    code: 'proposal',
    latest: null,
    bodies: given.map((b) => ({ code: b.code, seats: b.seats.map((s) => ({ seatKey: `${s.role}/${s.position}`, role: s.role, position: s.position, title: s.title })) })),
  };
  const known = (title: string, organization: string | undefined) =>
    state.posts.has(title) || organization || organizationOfTitle(title, state.organizations) ? null : `「${title}」 has no organization`;
  const diffs = proposal.changes.length === 0
    ? current.bodies.map((b) => diffLists(b.code, b.seats, b.seats))
    : planAmendment(
      { instrument: 'proposal', title: 'proposal', decidedOn: effectiveOn, effectiveOn, changes: proposal.changes.map(toAmendmentChange) },
      current,
      known,
    ).bodies;
  for (const body of proposal.bodies) {
    const diff = diffs.find((d) => d.code === body.code)!;
    const planned = diff.after.map((s) => `${s.role} ${s.position} ${s.title}`);
    const printed = (body.printed ?? []).map((s) => `${s.role} ${s.position} ${s.title}`);
    if (body.complete && JSON.stringify(planned) !== JSON.stringify(printed)) {
      throw new Error(`proposal for ${body.code} does not give the printed list (planned ${planned.length} seats, printed ${printed.length})`);
    }
  }
  return { ...proposal, diffs };
}
