// The 新旧対照表's character diff: what is underlined in each retitled post.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffChars, type Segment } from '../../web/src/chardiff.js';

const underlined = (segments: Segment[]) => segments.filter((s) => s.changed).map((s) => s.text);
const text = (segments: Segment[]) => segments.map((s) => s.text).join('');
const kept = (segments: Segment[]) => segments.filter((s) => !s.changed).map((s) => s.text).join('');

/** Length of a longest common subsequence, computed the plain recursive way (memoised). */
function lcsLength(a: string[], b: string[]): number {
  const memo = new Map<string, number>();
  const go = (i: number, j: number): number => {
    if (i === a.length || j === b.length) return 0;
    const key = `${i},${j}`;
    let v = memo.get(key);
    if (v === undefined) {
      v = a[i] === b[j] ? 1 + go(i + 1, j + 1) : Math.max(go(i + 1, j), go(i, j + 1));
      memo.set(key, v);
    }
    return v;
  };
  return go(0, 0);
}

describe('diffChars', () => {
  it('underlines only the unit that changed in a 2025 rename', () => {
    const d = diffChars('内閣官房内閣参事官（内閣サイバーセキュリティセンター）', '内閣官房内閣参事官（国家サイバー統括室）');
    expect(text(d.before)).toBe('内閣官房内閣参事官（内閣サイバーセキュリティセンター）');
    expect(text(d.after)).toBe('内閣官房内閣参事官（国家サイバー統括室）');
    expect(underlined(d.after)).toEqual(['国家', '統括室']);
    expect(underlined(d.before)).toEqual(['内閣', 'セキュリティセンター']);
  });

  it('underlines nothing on the side that only lost characters', () => {
    const d = diffChars('デジタル庁統括官（戦略・組織担当）付審議官', 'デジタル庁統括官付審議官');
    expect(underlined(d.after)).toEqual([]);
    expect(underlined(d.before)).toEqual(['（戦略・組織担当）']);
  });

  it('treats identical titles as unchanged and disjoint ones as wholly changed', () => {
    expect(diffChars('警察庁', '警察庁')).toEqual({ before: [{ text: '警察庁', changed: false }], after: [{ text: '警察庁', changed: false }] });
    expect(diffChars('甲', '乙')).toEqual({ before: [{ text: '甲', changed: true }], after: [{ text: '乙', changed: true }] });
    expect(diffChars('', '追加')).toEqual({ before: [], after: [{ text: '追加', changed: true }] });
  });

  it('keeps a character outside the BMP whole', () => {
    const d = diffChars('𠮷野家', '𠮷田家');
    expect(underlined(d.before)).toEqual(['野']);
    expect(underlined(d.after)).toEqual(['田']);
  });

  it('always reproduces both titles, with the same characters left plain on both sides (a longest one)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'内閣官房参事官（国家サイバー統括室）ab'), maxLength: 30 }), fc.string({ unit: fc.constantFrom(...'内閣官房参事官（国家サイバー統括室）ab'), maxLength: 30 }), (a, b) => {
        const d = diffChars(a, b);
        expect(text(d.before)).toBe(a);
        expect(text(d.after)).toBe(b);
        expect(kept(d.before)).toBe(kept(d.after));
        // as few underlined characters as can be: the plain ones are a longest common subsequence
        expect(Array.from(kept(d.before)).length).toBe(lcsLength(Array.from(a), Array.from(b)));
      }),
    );
  });
});
