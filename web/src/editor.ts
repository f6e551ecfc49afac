// The editor view's rules, pure (no DOM, no GraphQL): where the token is kept, which lists are
// sent with which hints, what an unplaced line offers to settle it, and when a proposal may be
// recorded. Unit-tested in tests/web/editor.test.ts.
import type { AmendmentInput, Proposal, ProposedListInput } from './api.js';

/**
 * The token is kept in the tab's session (sessionStorage) under this key: gone when the tab is
 * closed, never shared with other tabs, never in localStorage, never in a URL.
 */
export const TOKEN_KEY = 'meibo.editorToken';

/** The part of the Storage interface used here (sessionStorage, or a fake in tests). */
export interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function readToken(store: KeyValue | null): string | null {
  try {
    return store?.getItem(TOKEN_KEY) || null;
  } catch {
    return null; // storage disabled: the editor enters the token again
  }
}

/** Keeps the token as typed, less surrounding spaces (a pasted token often has a newline); blank: forgets it. */
export function keepToken(store: KeyValue | null, typed: string): string | null {
  const token = typed.trim().replace(/^Bearer\s+/i, '');
  if (!token) {
    forgetToken(store);
    return null;
  }
  try {
    store?.setItem(TOKEN_KEY, token);
  } catch {
    // storage disabled: the token lives in the page's memory until it is left
  }
  return token;
}

export function forgetToken(store: KeyValue | null): void {
  try {
    store?.removeItem(TOKEN_KEY);
  } catch {
    // nothing kept
  }
}

/** The editor's word where the planner cannot decide, per body (ProposedListInput's hint fields). */
export interface BodyHints {
  join: number[];
  split: number[];
  pairs: Array<{ from: string; to: string }>;
  apart: Array<{ from: string; to: string }>;
  organizations: Array<{ post: string; organization: string }>;
}
export const NO_HINTS: BodyHints = { join: [], split: [], pairs: [], apart: [], organizations: [] };

export function hintCount(h: BodyHints | undefined): number {
  return h ? h.join.length + h.split.length + h.pairs.length + h.apart.length + h.organizations.length : 0;
}

/** The lists to propose: each body with a non-blank text, in the instrument's order, with its hints. */
export function listsToPropose(bodies: readonly string[], texts: Readonly<Record<string, string>>, hints: Readonly<Record<string, BodyHints>>): ProposedListInput[] {
  return bodies.flatMap((body) => {
    const text = texts[body] ?? '';
    if (!text.trim()) return [];
    const h = hints[body] ?? NO_HINTS;
    return [{
      body,
      text,
      ...(h.join.length ? { join: h.join } : {}),
      ...(h.split.length ? { split: h.split } : {}),
      ...(h.pairs.length ? { pairs: h.pairs } : {}),
      ...(h.apart.length ? { apart: h.apart } : {}),
      ...(h.organizations.length ? { organizations: h.organizations } : {}),
    }];
  });
}

/** One way to settle an unplaced line: a hint to add (`organization`: the editor names it first). */
export type HintChoice =
  | { kind: 'join' | 'split'; line: number; label: string }
  | { kind: 'pair' | 'apart'; from: string; to: string; label: string }
  | { kind: 'organization'; post: string; label: string };

/**
 * What the planner's hint (`UnplacedLine.hint`, in the CLI's words) offers the page: `--join N or
 * --split N`, `--pair 'old=>new' or --apart 'old=>new'`, `--org 'title=<organization>'`. Anything
 * else (e.g. "edit the list") offers no button: the list must be edited.
 */
export function hintChoices(hint: string | null): HintChoice[] {
  if (!hint) return [];
  const lines = /^--join (\d+) or --split (\d+)$/.exec(hint);
  if (lines && lines[1] === lines[2]) {
    const line = Number(lines[1]);
    return [
      { kind: 'join', line, label: `前の行に続ける join line ${line} to the title before` },
      { kind: 'split', line, label: `別の職として読む line ${line} starts a title` },
    ];
  }
  const pair = /^--pair '(.+)=>(.+)' or --apart '(.+)=>(.+)'$/.exec(hint);
  if (pair && pair[1] === pair[3] && pair[2] === pair[4]) {
    const [from, to] = [pair[1]!, pair[2]!];
    return [
      { kind: 'pair', from, to, label: '同じ席の改称 one seat renamed' },
      { kind: 'apart', from, to, label: '別の席（削除と追加） a seat ends, another begins' },
    ];
  }
  const org = /^--org '(.+)=<organization>'$/.exec(hint);
  if (org) return [{ kind: 'organization', post: org[1]!, label: '組織を指定 name its organization' }];
  return [];
}

/** `h` with the choice added; a line is either joined or split, a pair either paired or apart. */
export function withHint(h: BodyHints, choice: HintChoice, organization?: string): BodyHints {
  const samePair = (p: { from: string; to: string }) => choice.kind !== 'pair' && choice.kind !== 'apart' ? false : p.from === choice.from && p.to === choice.to;
  switch (choice.kind) {
    case 'join':
      return { ...h, join: [...h.join.filter((n) => n !== choice.line), choice.line].sort((a, b) => a - b), split: h.split.filter((n) => n !== choice.line) };
    case 'split':
      return { ...h, split: [...h.split.filter((n) => n !== choice.line), choice.line].sort((a, b) => a - b), join: h.join.filter((n) => n !== choice.line) };
    case 'pair':
      return { ...h, pairs: [...h.pairs.filter((p) => !samePair(p)), { from: choice.from, to: choice.to }], apart: h.apart.filter((p) => !samePair(p)) };
    case 'apart':
      return { ...h, apart: [...h.apart.filter((p) => !samePair(p)), { from: choice.from, to: choice.to }], pairs: h.pairs.filter((p) => !samePair(p)) };
    case 'organization': {
      const name = (organization ?? '').trim();
      const rest = h.organizations.filter((o) => o.post !== choice.post);
      return { ...h, organizations: name ? [...rest, { post: choice.post, organization: name }] : rest };
    }
  }
}

/** Line `line` (from 1) of `text`, numbered as the planner numbers them; null when there is none. */
export function lineText(text: string, line: number): string | null {
  if (!Number.isInteger(line) || line < 1) return null;
  return text.split(/\r\n|\r|\n/)[line - 1] ?? null;
}

/** What a proposal was made from: when the form no longer says the same, the proposal is stale. */
export function proposalKey(instrument: string, effectiveOn: string, lists: ProposedListInput[]): string {
  return JSON.stringify([instrument, effectiveOn.trim(), lists]);
}

/**
 * Why the proposal cannot be recorded as it is (null: it can). Something unplaced means some
 * body's changes are partial or missing: recording them would record a guess.
 */
export function recordBlock(p: Proposal | null): string | null {
  if (!p) return '提案がありません。 Nothing proposed yet.';
  if (p.unplaced.length > 0) return `未決の行が ${p.unplaced.length} あります。 ${p.unplaced.length} line(s) are not placed: settle them (a hint, or the list edited) and propose again.`;
  if (p.changes.length === 0) return '変更はありません。 The lists are the ones in force: nothing to record.';
  return null;
}

/** The amendment recordAmendment takes: the proposed changes as they are. */
export function amendmentInput(p: Proposal, made: { instrument: string; effectiveOn: string }, form: { title: string; decidedOn: string; note?: string }): AmendmentInput {
  return {
    instrument: made.instrument,
    title: form.title.trim(),
    decidedOn: form.decidedOn.trim(),
    effectiveOn: made.effectiveOn.trim(),
    ...(form.note?.trim() ? { note: form.note.trim() } : {}),
    changes: p.changes,
  };
}
