// A character diff of two titles, for the 新旧対照表: which characters of the old title (改正前)
// and of the new one (改正後) differ, as the government's own comparison tables underline them.
// Pure: no DOM, no GraphQL; unit-tested in tests/web/chardiff.test.ts.

/** A run of characters that is either common to both titles or only in this one (`changed`). */
export interface Segment {
  text: string;
  changed: boolean;
}

export interface CharDiff {
  before: Segment[];
  after: Segment[];
}

/**
 * Longest common subsequence by code point (a surrogate pair is one character), so every
 * character not in it is underlined. Titles are short (≤ 200 characters by meibo's title rule), so
 * the quadratic table is small.
 */
export function diffChars(before: string, after: string): CharDiff {
  const a = Array.from(before);
  const b = Array.from(after);
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the LCS of a[i..] and b[j..]
  const lcs: Uint16Array[] = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const keepA: boolean[] = new Array(n).fill(false);
  const keepB: boolean[] = new Array(m).fill(false);
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      keepA[i++] = true;
      keepB[j++] = true;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      i++;
    } else {
      j++;
    }
  }
  return { before: segments(a, keepA), after: segments(b, keepB) };
}

function segments(chars: string[], kept: boolean[]): Segment[] {
  const out: Segment[] = [];
  chars.forEach((ch, k) => {
    const changed = !kept[k];
    const last = out[out.length - 1];
    if (last && last.changed === changed) last.text += ch;
    else out.push({ text: ch, changed });
  });
  return out;
}
