/**
 * The one rule for post titles (職名), used by every path that stores or looks up a title — the
 * dataset and its seed, an amendment's dry run and its write alike — and the one form search
 * compares. A title is data reproduced exactly as printed (full-width characters kept), so the
 * stored form changes nothing a reader can see: it is the NFC form, without whitespace.
 */
import { quote } from '../errors.js';

/** Longer than any printed title (the longest in the data has 35 characters) by far. */
export const MAX_TITLE_LENGTH = 200;

export class TitleError extends Error {
  override readonly name = 'TitleError';
}

// Control characters (NUL above all, which PostgreSQL cannot store), invisible format characters
// (zero-width space, BOM, bidi overrides), every other default-ignorable code point (variation
// selectors, the combining grapheme joiner, Hangul fillers, the soft hyphen: Unicode's list of what
// renders as nothing) and the Braille blank, which prints as a space: two titles that look alike
// must be alike. Lone surrogates too (UTF-8 cannot carry them; the driver would silently store
// U+FFFD instead).
const INVISIBLE = '\\p{Cc}\\p{Cf}\\p{Cs}\\p{Default_Ignorable_Code_Point}\\u2800';
const UNPRINTABLE = new RegExp(`[${INVISIBLE}]`, 'u');
const UNPRINTABLE_IN_TEXT = new RegExp(`(?![\\n\\r\\t])[${INVISIBLE}]`, 'u');
const UNPRINTABLE_ALL = new RegExp(`[${INVISIBLE}]`, 'gu');
/** Whitespace but the BOM, which JavaScript counts as whitespace: a BOM is refused, never stripped. */
const SPACE = /[^\S\uFEFF]+/gu;
/** `text` without whitespace around it, a BOM kept (to be refused). */
export const trimSpace = (text: string) => text.replace(/^[^\S\uFEFF]+|[^\S\uFEFF]+$/gu, '');

/** "U+0000", naming the first character of `text` that is not printed (line breaks and tabs allowed in a text), or null. */
export function unprintable(text: string, kind: 'title' | 'text' = 'title'): string | null {
  const bad = (kind === 'title' ? UNPRINTABLE : UNPRINTABLE_IN_TEXT).exec(text);
  return bad ? `U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : null;
}

/**
 * The stored form of a post title, or a TitleError saying why `raw` cannot be one.
 * NFC: the same title typed with a decomposed カ + ゛ (U+30AB U+3099) or a precomposed ガ is one
 * post. Whitespace removed: printed Japanese titles have none, so a space or line break that a
 * YAML file or a form adds is never part of a title (and never makes a second post).
 */
export function normalizeTitle(raw: string): string {
  const title = String(raw).normalize('NFC').replace(SPACE, '');
  const bad = unprintable(title);
  if (bad) throw new TitleError(`the title 「${quote(title.replace(UNPRINTABLE_ALL, '�'))}」 contains ${bad}, a character that is not printed`);
  if (title.length === 0) throw new TitleError('a post title is empty');
  const length = [...title].length;
  if (length > MAX_TITLE_LENGTH) throw new TitleError(`the title 「${quote(title)}」 is ${length} characters long; at most ${MAX_TITLE_LENGTH} are allowed`);
  return title;
}

/**
 * The form search compares, on both sides: NFKC (so "AI" finds 「ＡＩ」 and "(" finds 「（」), without
 * whitespace (titles have none, see normalizeTitle). Stored as post.title_search.
 */
export function searchForm(text: string): string {
  return String(text).normalize('NFKC').replace(/\s+/gu, '');
}

/** A name given next to a title (an organization): NFC and trimmed, compared exactly. */
export function normalizeName(raw: string): string {
  return String(raw).normalize('NFC').trim();
}

/** A free text an editor gives (an amendment's title or note): NFC, trimmed, nothing unprintable but line breaks and tabs. */
export function normalizeText(raw: string, field: string, max: number): string {
  const text = trimSpace(String(raw).normalize('NFC'));
  const bad = unprintable(text, 'text');
  if (bad) throw new TitleError(`the ${field} contains ${bad}, a character that is not printed`);
  const length = [...text].length;
  if (length > max) throw new TitleError(`the ${field} 「${quote(text)}」 is ${length} characters long; at most ${max} are allowed`);
  return text;
}
