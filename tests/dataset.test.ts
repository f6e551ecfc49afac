// Proves prisma/data/directory.yaml against the source document, independently of the database:
// every title occurs in the source as printed, and every list, in order and complete, is the
// text that the source prints between its labels.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDay } from '../src/domain/dates.js';
import { loadDataset, type SeatRecord } from '../src/domain/dataset.js';

const SOURCE_PATH = fileURLToPath(new URL('../prisma/data/sources/000_5a5b03eb7e06fcd7.txt', import.meta.url));
const dataset = loadDataset();

/**
 * The source as extracted: two columns interleaved page by page (a page's after-column lines,
 * then its before-column lines), lines wrapped mid-word. A line that starts with a space starts
 * a new page. Text continues on the next line or, when its column runs off the bottom of a
 * page, on some line of the next page (the same column there).
 */
const sourceLines = readFileSync(SOURCE_PATH, 'utf8').split('\n');
const lines = sourceLines.map((l) => l.replace(/\s+/g, ''));
const pageStarts = sourceLines.flatMap((l, i) => (/^ \S/.test(l) ? [i] : []));

/** Lines of the page after the one holding line `i`: where a column broken at `i` goes on. */
function nextPageLines(i: number): number[] {
  const from = pageStarts.find((p) => p > i);
  if (from === undefined) return [];
  const to = pageStarts.find((p) => p > from) ?? lines.length;
  return Array.from({ length: to - from }, (_, k) => from + k);
}

/** Whether `target` can be read from line `i`, char `c` on, following the reading order above. */
function readsFrom(target: string, i: number, c: number, seen = new Map<string, boolean>()): boolean {
  if (target.length === 0) return true;
  if (i >= lines.length) return false;
  const rest = lines[i].slice(c);
  if (rest.length >= target.length) return rest.startsWith(target);
  if (!target.startsWith(rest)) return false;
  const remaining = target.slice(rest.length);
  // memoised on (line, what is left), or long lists with many page breaks explode
  const key = `${i}:${remaining.length}`;
  const known = seen.get(key);
  if (known !== undefined) return known;
  const result =
    readsFrom(remaining, i + 1, 0, seen) ||
    nextPageLines(i).some((j) => j !== i + 1 && readsFrom(remaining, j, 0, seen));
  seen.set(key, result);
  return result;
}

function occursInSource(target: string): boolean {
  for (let i = 0; i < lines.length; i++) {
    for (let c = lines[i].indexOf(target[0]); c >= 0; c = lines[i].indexOf(target[0], c + 1)) {
      if (readsFrom(target, i, c)) return true;
    }
  }
  return false;
}

function seatsOf(body: string, revision: string): SeatRecord[] {
  return dataset.seats.filter((s) => s.body === body && s.revision === revision);
}
const titles = (seats: SeatRecord[], role: SeatRecord['role']) => seats.filter((s) => s.role === role).map((s) => s.title);

describe('the dataset, checked against the source document', () => {
  it('has every post title exactly as printed', () => {
    const missing = dataset.posts.map((p) => p.title).filter((t) => !occursInSource(t));
    expect(missing).toEqual([]);
  });

  it('rejects a title that is not in the source (the check can fail)', () => {
    expect(occursInSource('デジタル庁統括官付審議官')).toBe(true);
    expect(occursInSource('デジタル庁統括官付参事官付審議官')).toBe(false);
    expect(occursInSource('防衛省整備計画局サイバー整備課AI・サイバーセキュリティ政策調整官')).toBe(false); // half-width AI
  });

  // Each designated list is printed as 議長 <chair> 構成員 <members…> オブザーバー <observers…>,
  // followed by the next clause (第1項) or, at the end of a column, by what the extraction
  // puts after it. Reading the whole run proves the list's order, completeness and count.
  const designated = [
    { body: 'deputy-director-meeting', revision: '2025-06-27', after: '２「サイバーセキュリティ対策推進会議等について」' },
    { body: 'deputy-director-meeting', revision: '2024-03-25', after: '２「サイバーセキュリティ対策推進会議等について」' },
    { body: 'secretariat', revision: '2025-06-27', after: '経済産業省商務情報政策局' }, // the before column follows
    { body: 'secretariat', revision: '2024-03-25', after: '附則この決定は、令和７年７月１日から施行する。' },
  ];
  it.each(designated)('prints the $body list of $revision in this order and no other', ({ body, revision, after }) => {
    const seats = seatsOf(body, revision);
    const run = `議長${titles(seats, 'CHAIR').join('')}構成員${titles(seats, 'MEMBER').join('')}オブザーバー${titles(seats, 'OBSERVER').join('')}${after}`;
    expect(occursInSource(run)).toBe(true);
    // and a list with one member dropped or two swapped does not read from the source
    const members = titles(seats, 'MEMBER');
    const dropped = `議長${titles(seats, 'CHAIR').join('')}構成員${members.slice(0, 5).join('')}${members.slice(6).join('')}オブザーバー`;
    expect(occursInSource(dropped)).toBe(false);
  });

  it('has the list sizes the source prints', () => {
    const counts = (body: string, revision: string) => {
      const seats = seatsOf(body, revision);
      return { chair: titles(seats, 'CHAIR').length, members: titles(seats, 'MEMBER').length, observers: titles(seats, 'OBSERVER').length };
    };
    expect(counts('deputy-director-meeting', '2024-03-25')).toEqual({ chair: 1, members: 26, observers: 5 });
    expect(counts('deputy-director-meeting', '2025-06-27')).toEqual({ chair: 1, members: 26, observers: 5 });
    expect(counts('secretariat', '2024-03-25')).toEqual({ chair: 1, members: 32, observers: 6 });
    expect(counts('secretariat', '2025-06-27')).toEqual({ chair: 1, members: 32, observers: 6 });
    expect(counts('advisor-liaison-meeting', '2016-06-09')).toEqual({ chair: 0, members: 2, observers: 0 });
    expect(counts('advisor-liaison-meeting', '2025-06-27')).toEqual({ chair: 0, members: 2, observers: 0 });
  });

  it('quotes the basis of each liaison-meeting member as printed in 第2項 of its column', () => {
    const bases = dataset.seats.filter((s) => s.basis !== null).map((s) => [s.revision, s.title, s.basis!] as const);
    expect(bases.map(([revision, title]) => `${revision} ${title}`)).toEqual(['2016-06-09 サイバーセキュリティ補佐官', '2025-06-27 サイバーセキュリティ参与']);
    for (const [, title, basis] of bases) {
      // as the text prints it: 「<title>（<basis>）」
      expect(occursInSource(`${title}（${basis.replace(/\s+/g, '')}`), basis).toBe(true);
    }
  });

  it('reads the advisor liaison meeting members from 第2項 of both columns', () => {
    for (const revision of ['2016-06-09', '2025-06-27']) {
      const members = titles(seatsOf('advisor-liaison-meeting', revision), 'MEMBER');
      expect(occursInSource(`２連絡会議の構成員は、${members.join('及び')}（`)).toBe(true);
    }
  });

  it('lists every amendment date of 「…議長の指定する職について」 that the source prints', () => {
    const printed = sourceLines.slice(sourceLines.findIndex((l) => l.includes('改正 平 成 27年 ５ 月 19日')));
    const dates = dataset.instruments.find((i) => i.code === 'designated-posts')!.revisions.map((r) => r.decidedOn);
    expect(dates).toHaveLength(16); // the original decision, fourteen amendments, and this one
    expect(dates[0]).toBe('2015-02-13');
    expect(dates.at(-2)).toBe('2024-03-25');
    expect(dates.at(-1)).toBe('2025-06-27');
    expect(printed.join('').replace(/\s/g, '')).toContain('令和６年３月25日');
  });

  it('gives every post an organization, splitting it from the title', () => {
    const orgOf = (title: string) => dataset.posts.find((p) => p.title === title)?.organization;
    expect(orgOf('警察庁長官官房技術総括審議官')).toBe('警察庁');
    expect(orgOf('内閣府大臣官房サイバーセキュリティ・情報化審議官')).toBe('内閣府');
    expect(orgOf('内閣官房内閣参事官（内閣広報室）')).toBe('内閣官房');
    expect(orgOf('最高裁判所事務総局デジタル審議官付参事官')).toBe('最高裁判所');
    expect(orgOf('日本銀行システム情報局情報セキュリティ課長')).toBe('日本銀行');
    expect(orgOf('内閣サイバー官')).toBe('内閣官房');
    for (const p of dataset.posts) expect(p.organization, p.title).toBeTruthy();
  });

  it('dates each list by its revision: before-lists end the day the 2025 amendment takes effect', () => {
    const before = seatsOf('secretariat', '2024-03-25');
    const after = seatsOf('secretariat', '2025-06-27');
    expect(new Set(before.map((s) => `${s.validFrom}..${s.validTo}`))).toEqual(new Set(['2024-03-25..2025-07-01']));
    expect(new Set(after.map((s) => `${s.validFrom}..${s.validTo}`))).toEqual(new Set(['2025-07-01..null']));
  });

  it('dates every revision with a date the source prints under that instrument’s title', () => {
    // Each table prints the instrument's title and, right under it, its history of 和暦 dates.
    const text = sourceLines.join('').replace(/\s/g, '').normalize('NFKC');
    const printedAfter = (title: string) => {
      const dates = new Set<string>();
      for (let at = text.indexOf(title); at >= 0; at = text.indexOf(title, at + 1)) {
        const tail = text.slice(at + title.length, at + title.length + 400);
        for (const m of tail.matchAll(/(平成|令和)(\d+|元)年(\d+)月(\d+)日/g)) dates.add(parseDay(m[0]));
      }
      return dates;
    };
    for (const instrument of dataset.instruments.filter((i) => i.code !== 'promotion-council-establishment')) {
      const printed = printedAfter(instrument.title);
      const missing = instrument.revisions.map((r) => r.decidedOn).filter((d) => d !== '2025-06-27' && !printed.has(d));
      expect(missing, instrument.code).toEqual([]);
    }
    // and the check can fail: a date the source does not print for the designated posts
    expect(printedAfter('サイバーセキュリティ対策推進会議議長の指定する職について').has(parseDay('2024-03-26'))).toBe(false);
  });
});
