/**
 * Reads a notice as published (prisma/data/sources/000_*.txt: text extracted from a PDF, each
 * amendment a 新旧対照表 whose after-column and before-column lines come page by page, one column
 * after the other): each amended instrument, its decision day (決定日), the day it takes effect
 * (from its 附則), and per clause the lists (or texts) after and before. Pure: text in, records out.
 *
 * How the text is cut:
 * - Pages: the extraction separates lines with a blank line; two non-blank lines in a row mark a
 *   page break (the PDF's page ends with no blank line after it).
 * - Documents: a page whose first line begins with 「 starts one (「…」の一部改正について).
 * - Header: up to the line 改正後 改正前 (or 改定後 改定前); the decision day is its first date line,
 *   the deciding body the line after it. 附則: the document's last 附則 line and what follows it.
 * - Columns: each page of the table is cut where the text before the cut and the text after it
 *   have the longest common subsequence of characters (the two columns print mostly the same
 *   text); between equally good cuts, the one making the two columns closest in length.
 * - Clauses: a column line beginning with a number and a space (１ …, 13 …) starts a clause.
 *   In a clause, a list starts at its first role label (議長, 構成員, オブザーバー); a clause without
 *   one that says 「構成員は、A及びB（…）とする」 gives its members in prose.
 */
import { parseDay, type IsoDay } from './dates.js';
import { roleLabel, type ListLine } from './proposal.js';

export class NoticeError extends Error {
  override readonly name = 'NoticeError';
  constructor(message: string, readonly line: number | null) {
    super(message);
  }
}

export interface NoticeClause { number: number; line: number; lines: ListLine[] }

export interface NoticeDocument {
  /** 「…」の一部改正について, as printed (spaces removed) */
  title: string;
  /** the title of the instrument amended: the text inside 「」 */
  instrumentTitle: string;
  line: number;
  decidedOn: IsoDay | null;
  decidedBy: string | null;
  /** from the 附則: 「…から施行する」 / 「…から実施する」 */
  effectiveOn: IsoDay | null;
  supplementary: string | null;
  after: ListLine[];
  before: ListLine[];
}

/** Spaces out, except between two ASCII characters ("Cyber Incident"): how a column's text reads. */
export function joinText(lines: ReadonlyArray<{ text: string }>): string {
  return lines.map((l) => l.text.replace(/^\s+/u, '')).join('')
    .normalize('NFC')
    .replace(/(?<=[^!-~]|^)[\s\u3000]+|[\s\u3000]+(?=[^!-~]|$)/gu, '')
    .replace(/\s+/gu, ' ');
}

const stored = (s: string) => s.normalize('NFC').replace(/[\s\u3000]+/gu, '');

/** Splits the text into pages of numbered non-blank lines. */
function pages(text: string): ListLine[][] {
  const raw = text.split(/\r\n|\r|\n/);
  const out: ListLine[][] = [[]];
  let previousNonBlank = false;
  raw.forEach((t, i) => {
    const blank = t.trim() === '';
    if (!blank && previousNonBlank) out.push([]);
    if (!blank) out.at(-1)!.push({ line: i + 1, text: t });
    previousNonBlank = !blank;
  });
  return out.filter((p) => p.length > 0);
}

function lcsLength(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let prev = new Uint16Array(b.length + 1);
  let cur = new Uint16Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    const ai = a[i - 1];
    for (let j = 1; j <= b.length; j++) cur[j] = ai === b[j - 1] ? prev[j - 1] + 1 : (prev[j] > cur[j - 1] ? prev[j] : cur[j - 1]);
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

/** Cuts one page's lines into the after-column and the before-column. */
export function splitColumns(lines: ListLine[]): { after: ListLine[]; before: ListLine[] } {
  if (lines.length < 2) return { after: lines, before: [] };
  const chars = lines.map((l) => Array.from(stored(l.text)));
  const total = chars.reduce((n, c) => n + c.length, 0);
  let best = { k: 1, score: -1, balance: Infinity };
  let prefix = 0;
  for (let k = 1; k < lines.length; k++) {
    prefix += chars[k - 1].length;
    const rest = total - prefix;
    // A column is at least a third of the other: the two print the same provisions.
    if (prefix * 3 < rest || rest * 3 < prefix) continue;
    const score = lcsLength(chars.slice(0, k).flat(), chars.slice(k).flat());
    const balance = Math.abs(prefix - rest);
    if (score > best.score || (score === best.score && balance < best.balance)) best = { k, score, balance };
  }
  return { after: lines.slice(0, best.k), before: lines.slice(best.k) };
}

const HEADER_END = /^(改正後改正前|改定後改定前)$/u;
const DATE_LINE = /^(令和|平成)(元|[0-9０-９]+)年[0-9０-９]+月[0-9０-９]+日$/u;

/** The documents of a notice, each with its header read and its table cut into columns. */
export function readNotice(text: string): NoticeDocument[] {
  const all = pages(text);
  const starts = all.map((p, i) => (p[0].text.trim().startsWith('「') ? i : -1)).filter((i) => i >= 0);
  if (starts.length === 0) throw new NoticeError('no amendment found: no page begins with 「…」の一部改正について (is this the text of a notice?)', null);
  return starts.map((start, n) => readDocument(all.slice(start, starts[n + 1] ?? all.length)));
}

function readDocument(docPages: ListLine[][]): NoticeDocument {
  const lines = docPages.flat();
  const first = lines[0];
  // The title runs until its について.
  let titleEnd = 0;
  while (titleEnd < lines.length - 1 && !/について$/u.test(stored(lines[titleEnd].text))) titleEnd++;
  const title = stored(lines.slice(0, titleEnd + 1).map((l) => l.text).join(''));
  const instrumentTitle = /^「(.+)」の/u.exec(title)?.[1] ?? title;
  const headerEnd = lines.findIndex((l) => HEADER_END.test(stored(l.text)));
  if (headerEnd < 0) throw new NoticeError(`「${title}」 (line ${first.line}): no 改正後 改正前 line, so no comparison table`, first.line);
  const header = lines.slice(0, headerEnd);
  const dateIndex = header.findIndex((l) => DATE_LINE.test(stored(l.text)));
  const decidedOn = dateIndex >= 0 ? parseDay(stored(header[dateIndex].text)) : null;
  const decidedBy = dateIndex >= 0 && header[dateIndex + 1] ? stored(header[dateIndex + 1].text) : null;

  const lastSupplementary = lines.map((l) => stored(l.text)).lastIndexOf('附則');
  const supplementaryLines = lastSupplementary > headerEnd ? lines.slice(lastSupplementary + 1) : [];
  const supplementary = supplementaryLines.length ? joinText(supplementaryLines) : null;
  const effective = supplementary ? /((?:令和|平成)(?:元|[0-9０-９]+)年[0-9０-９]+月[0-9０-９]+日)から(?:施行|実施)/u.exec(stored(supplementary)) : null;
  const effectiveOn = effective ? parseDay(effective[1]) : null;

  const headerLine = lines[headerEnd].line;
  const endLine = lastSupplementary > headerEnd ? lines[lastSupplementary].line : Infinity;
  const after: ListLine[] = [];
  const before: ListLine[] = [];
  for (const page of docPages) {
    const table = page.filter((l) => l.line > headerLine && l.line < endLine);
    if (table.length === 0) continue;
    const cut = splitColumns(table);
    after.push(...cut.after);
    before.push(...cut.before);
  }
  return { title, instrumentTitle, line: first.line, decidedOn, decidedBy, effectiveOn, supplementary, after, before };
}

const CLAUSE = /^([0-9０-９]+)[\s\u3000]+\S/u;

/** A column's numbered clauses (１ …, ２ …, 13 …). */
export function clauses(column: ListLine[]): NoticeClause[] {
  const out: NoticeClause[] = [];
  for (const l of column) {
    const m = CLAUSE.exec(l.text.replace(/^\s+/u, ''));
    if (m && !/^[0-9０-９]+[\s\u3000]*(年|月|日)/u.test(stored(l.text))) {
      out.push({ number: Number(m[1].normalize('NFKC')), line: l.line, lines: [l] });
    } else if (out.length) {
      out.at(-1)!.lines.push(l);
    }
  }
  return out;
}

/**
 * The list a clause prints, as lines a list reader takes (src/domain/proposal.ts): from its first
 * role label on; or, for a clause that names its members in prose (「構成員は、A及びB（…）とする」),
 * a 構成員 label and one line per member, numbered with the line each member starts on. Null when
 * the clause has neither.
 */
export function clauseList(clause: NoticeClause): { form: 'list' | 'prose'; lines: ListLine[] } | null {
  const labelAt = clause.lines.findIndex((l) => roleLabel(l.text) !== null);
  if (labelAt >= 0) return { form: 'list', lines: clause.lines.slice(labelAt) };
  // Prose: the characters of the clause, each with the line it is printed on.
  const chars: Array<{ ch: string; line: number }> = [];
  for (const l of clause.lines) for (const ch of stored(l.text)) chars.push({ ch, line: l.line });
  const text = chars.map((c) => c.ch).join('');
  const m = /構成員は、(.+?)とする/u.exec(text);
  if (!m) return null;
  const start = m.index + '構成員は、'.length;
  // Top-level parentheses define a post (its basis); they are not part of the list.
  const members: Array<{ title: string; line: number }> = [];
  let depth = 0;
  let current = '';
  let currentLine = chars[start]?.line ?? clause.line;
  const push = () => {
    if (current) members.push({ title: current, line: currentLine });
    current = '';
  };
  for (let i = start; i < start + m[1].length; i++) {
    const ch = text[i];
    if (ch === '（') depth++;
    if (depth === 0) {
      const rest = text.slice(i);
      const sep = /^(及び|並びに|、)/u.exec(rest);
      if (sep) {
        push();
        i += sep[0].length - 1;
        currentLine = chars[i + 1]?.line ?? currentLine;
        continue;
      }
      if (!current) currentLine = chars[i].line;
      current += ch;
    }
    if (ch === '）') depth--;
  }
  push();
  return { form: 'prose', lines: [{ line: clause.line, text: '構成員' }, ...members.map((mm) => ({ line: mm.line, text: mm.title }))] };
}

/** Clause number of a body's `clause` (第2項 → 2). */
export function clauseNumber(clause: string | null): number | null {
  const m = /第?([0-9０-９]+)項?/u.exec((clause ?? '').normalize('NFKC'));
  return m ? Number(m[1]) : null;
}

export interface InstrumentKnown { code: string; title: string }
export interface BodyKnown { code: string; instrument: string | null; clause: string | null }

export interface NoticeAmendment {
  document: NoticeDocument;
  /** meibo's instrument, or null when meibo does not know the instrument amended */
  instrument: string | null;
  /** lists: it changes the seats of bodies; texts: it amends only provision texts */
  kind: 'lists' | 'texts' | 'unknown';
  lists: Array<{ body: string; clause: number; form: 'list' | 'prose'; after: ListLine[]; before: ListLine[] }>;
  /** the clauses whose text the amendment changes (text-only amendments) */
  texts: Array<{ clause: number; line: number; after: string; before: string | null }>;
}

/** What each document of the notice amends, in meibo's terms. */
export function noticeAmendments(documents: NoticeDocument[], instruments: InstrumentKnown[], bodies: BodyKnown[]): NoticeAmendment[] {
  return documents.map((document) => {
    const instrument = instruments.find((i) => stored(i.title) === stored(document.instrumentTitle))?.code ?? null;
    const listed = bodies.filter((b) => instrument !== null && b.instrument === instrument && clauseNumber(b.clause) !== null);
    const afterClauses = clauses(document.after);
    const beforeClauses = clauses(document.before);
    const lists: NoticeAmendment['lists'] = [];
    for (const b of listed) {
      const n = clauseNumber(b.clause)!;
      const a = afterClauses.find((c) => c.number === n);
      const p = beforeClauses.find((c) => c.number === n);
      const al = a && clauseList(a);
      const pl = p && clauseList(p);
      if (!al || !pl) {
        throw new NoticeError(
          `「${document.instrumentTitle}」 (line ${document.line}): clause ${n}, which fixes the seats of ${b.code}, is not printed whole in both columns`,
          a?.line ?? p?.line ?? document.line,
        );
      }
      lists.push({ body: b.code, clause: n, form: al.form, after: al.lines, before: pl.lines });
    }
    const texts: NoticeAmendment['texts'] = [];
    if (instrument !== null && lists.length === 0) {
      for (const a of afterClauses) {
        const p = beforeClauses.find((c) => c.number === a.number);
        const after = joinText(a.lines);
        const before = p ? joinText(p.lines) : null;
        if (after !== before) texts.push({ clause: a.number, line: a.line, after, before });
      }
    }
    return { document, instrument, kind: instrument === null ? 'unknown' : lists.length ? 'lists' : 'texts', lists, texts };
  });
}
