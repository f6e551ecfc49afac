// Planning an amendment from a list as printed (src/domain/proposal.ts): a fictional council of
// our own making, wrapped lines, ambiguity reported with its line, and a property: whatever the
// two lists, the planned changes, recorded by the write path's planner, give the printed list.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numberLines, proposeAmendment, ProposalInputError, type ListedSeat, type ProposalState } from '../../src/domain/proposal.js';

const organizations = [{ name: '架空省' }, { name: '空想庁' }, { name: '夢幻委員会' }, { name: '各省庁', collective: true }];

/** 架空会議: a council of our own making, as in force the day before. */
const BEFORE: ListedSeat[] = [
  { role: 'CHAIR', position: 1, title: '架空省大臣官房長' },
  { role: 'MEMBER', position: 1, title: '架空省大臣官房総務課長' },
  { role: 'MEMBER', position: 2, title: '架空省情報政策局情報セキュリティ対策室長' },
  { role: 'MEMBER', position: 3, title: '空想庁長官官房参事官（情報化担当）' },
  { role: 'MEMBER', position: 4, title: '空想庁総務部企画課長' },
  { role: 'OBSERVER', position: 1, title: '夢幻委員会事務局長' },
];

function state(seats: ListedSeat[] = BEFORE, extraPosts: Array<[string, string]> = []): ProposalState {
  const posts = new Map<string, string>([...seats.map((s) => [s.title, s.title.startsWith('空想庁') ? '空想庁' : s.title.startsWith('夢幻') ? '夢幻委員会' : '架空省'] as [string, string]), ...extraPosts]);
  return { bodies: [{ code: 'fictional-council', seats }], organizations, posts, existedBefore: new Set(posts.keys()) };
}

const propose = (text: string, hints = {}, s = state()) => proposeAmendment(s, [{ body: 'fictional-council', lines: numberLines(text), hints }], '2030-04-01' as never);

describe('a fictional list with one retitle, one addition and one removal', () => {
  // Printed as a notice prints it: labels spaced out, long titles wrapped mid-word at 20 characters.
  const PRINTED = [
    '議   長 架空省大臣官房長',
    '構 成 員 架空省大臣官房総務課長',
    '架空省情報政策局サイバーセキュリティ対策室',
    '長',
    '空想庁長官官房参事官（情報化担',
    '当）',
    'オブザーバー 夢幻委員会事務局長',
    '空想庁デジタル推進部デジタル企画課長',
  ].join('\n');

  it('gives exactly those three changes', () => {
    const p = propose(PRINTED);
    expect(p.unplaced).toEqual([]);
    expect(p.changes).toEqual([
      { kind: 'REPLACE', body: 'fictional-council', role: 'MEMBER', from: '架空省情報政策局情報セキュリティ対策室長', to: '架空省情報政策局サイバーセキュリティ対策室長' },
      { kind: 'REMOVE', body: 'fictional-council', role: 'MEMBER', post: '空想庁総務部企画課長' },
      { kind: 'ADD', body: 'fictional-council', role: 'OBSERVER', post: '空想庁デジタル推進部デジタル企画課長', position: 2 },
    ]);
    expect(p.bodies[0].renames).toEqual([{ from: '架空省情報政策局情報セキュリティ対策室長', to: '架空省情報政策局サイバーセキュリティ対策室長', kind: 'RETITLE' }]);
    const diff = p.diffs[0];
    expect([diff.renamed.length, diff.added.length, diff.removed.length, diff.unchanged]).toEqual([1, 1, 1, 4]);
  });

  it('reports a line it cannot join or split, with its number, and plans nothing of the body until told', () => {
    // 「情報化参与」 (a new post whose title begins with no organization) after a complete title.
    const text = '議長 架空省大臣官房長\n構成員 架空省大臣官房総務課長\n情報化参与\n架空省情報政策局情報セキュリティ対策室長\n空想庁長官官房参事官（情報化担当）\n空想庁総務部企画課長\nオブザーバー 夢幻委員会事務局長';
    const p = propose(text);
    expect(p.changes).toEqual([]);
    expect(p.unplaced).toEqual([expect.objectContaining({ line: 3, title: '情報化参与', hint: '--join 3 or --split 3' })]);
    const split = propose(text, { split: [3], organization: { 情報化参与: '架空省' } });
    expect(split.unplaced).toEqual([]);
    expect(split.changes).toEqual([{ kind: 'ADD', body: 'fictional-council', role: 'MEMBER', post: '情報化参与', position: 2, organization: '架空省' }]);
    const joined = propose(text, { join: [3] });
    expect(joined.changes).toEqual([{ kind: 'REPLACE', body: 'fictional-council', role: 'MEMBER', from: '架空省大臣官房総務課長', to: '架空省大臣官房総務課長情報化参与' }]);
  });

  it('reports an ambiguous pairing, with its line, and follows a --pair or --apart hint', () => {
    // Two old titles gone and two new ones in one gap, each only half like an old one.
    const text = '議長 架空省大臣官房長\n構成員 架空省大臣官房総務課長\n架空省電子行政推進室長\n空想庁長官官房企画官\n空想庁総務部企画課長\nオブザーバー 夢幻委員会事務局長';
    const p = propose(text);
    expect(p.unplaced.map((u) => [u.line, u.title])).toContainEqual([4, '空想庁長官官房企画官']);
    expect(p.changes.filter((c) => c.role === 'MEMBER')).toEqual([]);
    const paired = propose(text, { pair: [{ from: '空想庁長官官房参事官（情報化担当）', to: '空想庁長官官房企画官' }], apart: [{ from: '架空省情報政策局情報セキュリティ対策室長', to: '架空省電子行政推進室長' }] });
    expect(paired.unplaced).toEqual([]);
    expect(paired.changes.map((c) => c.kind)).toEqual(['REPLACE', 'REMOVE', 'ADD']);
  });

  it('pairs a new chair with the old one at the same place, and makes an unrelated one SET_CHAIR', () => {
    expect(propose(PRINTED.replace('架空省大臣官房長', '架空省統括官')).changes[0]).toMatchObject({ kind: 'REPLACE', role: 'CHAIR', from: '架空省大臣官房長', to: '架空省統括官' });
    expect(propose(PRINTED.replace('架空省大臣官房長', '夢幻委員会委員長')).changes).toContainEqual({ kind: 'SET_CHAIR', body: 'fictional-council', post: '夢幻委員会委員長' });
  });

  it('asks for the organization of a new post whose title begins with none', () => {
    const p = propose(PRINTED.replace('空想庁デジタル推進部デジタル企画課長', 'デジタル推進統括官'), { split: [8] });
    expect(p.unplaced).toEqual([expect.objectContaining({ line: 8, hint: "--org 'デジタル推進統括官=<organization>'" })]);
  });

  it('refuses, with the line, a list it cannot read at all', () => {
    const refusal = (text: string) => { try { propose(text); } catch (e) { return e as ProposalInputError; } throw new Error('not refused'); };
    expect(refusal('架空省大臣官房長\n構成員 架空省大臣官房総務課長')).toMatchObject({ line: 1 });
    expect(refusal('構成員 架空省大臣官房総務課長\n（略）')).toMatchObject({ line: 2 });
    expect(refusal('構成員 架空省大臣官房総務課長\n構成員 空想庁総務部企画課長')).toMatchObject({ line: 2 });
    expect(refusal('構成員 架空省大臣官房総務課長\n架空省大臣官房総務課長')).toMatchObject({ line: 2 });
  });
});

describe('property: the planned changes give the printed list', () => {
  const TITLES = [
    '架空省大臣官房長', '架空省大臣官房総務課長', '架空省情報政策局情報セキュリティ対策室長', '架空省情報政策局サイバーセキュリティ対策室長',
    '空想庁長官官房参事官（情報化担当）', '空想庁長官官房参事官（デジタル担当）', '空想庁総務部企画課長', '空想庁デジタル推進部デジタル企画課長',
    '夢幻委員会事務局長', '夢幻委員会事務局総務課長', '夢幻委員会事務局情報管理室長', '架空省統括官',
  ];
  const list = fc.uniqueArray(fc.constantFrom(...TITLES), { maxLength: 9 }).chain((titles) =>
    fc.tuple(fc.constant(titles), fc.array(fc.constantFrom('MEMBER', 'OBSERVER'), { minLength: titles.length, maxLength: titles.length }), fc.boolean()));
  const seats = ([titles, roles, chair]: [string[], string[], boolean]): ListedSeat[] => {
    const out: ListedSeat[] = [];
    titles.forEach((title, i) => {
      const role = chair && i === 0 ? 'CHAIR' : roles[i] as 'MEMBER' | 'OBSERVER';
      out.push({ role, position: out.filter((s) => s.role === role).length + 1, title });
    });
    return out.sort((x, y) => ['CHAIR', 'MEMBER', 'OBSERVER'].indexOf(x.role) - ['CHAIR', 'MEMBER', 'OBSERVER'].indexOf(y.role) || x.position - y.position);
  };
  const print = (list: ListedSeat[], width: number) => {
    const label = { CHAIR: '議   長', VICE_CHAIR: '副議長', MEMBER: '構 成 員', OBSERVER: 'オブザーバー' } as const;
    const lines: string[] = [];
    for (const role of ['CHAIR', 'MEMBER', 'OBSERVER'] as const) {
      list.filter((s) => s.role === role).forEach((s, i) => {
        const chunks = s.title.match(new RegExp(`.{1,${width}}`, 'gu'))!;
        lines.push(`${i === 0 ? `${label[role]} ` : ''}${chunks[0]}`, ...chunks.slice(1));
      });
    }
    return lines.join('\n');
  };

  it('holds for any two lists, printed wrapped at any width, or the ambiguity is reported', () => {
    fc.assert(fc.property(list, list, fc.integer({ min: 8, max: 30 }), (a, b, width) => {
      const before = seats(a);
      const after = seats(b);
      if (after.length === 0) return;
      const s = state(before, TITLES.map((t) => [t, t.startsWith('空想庁') ? '空想庁' : t.startsWith('夢幻') ? '夢幻委員会' : '架空省']));
      // proposeAmendment itself checks that a body read whole is planned to exactly its printed list.
      const p = propose(print(after, width), {}, s);
      if (p.unplaced.length === 0) {
        expect(p.diffs[0].after.map((x) => `${x.role} ${x.position} ${x.title}`)).toEqual(after.map((x) => `${x.role} ${x.position} ${x.title}`));
      } else {
        expect(p.unplaced.every((u) => u.reason.length > 0 && u.hint)).toBe(true);
      }
    }), { numRuns: 500 });
  });
});
