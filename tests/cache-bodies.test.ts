// A body's cache identity from its text (src/cache/bodies.ts): remembered by text and by shape (the
// text with its days taken out), it must key every body exactly as parsing it does — a new day of a
// known shape included — whatever the body does to confuse the two: days that are not interval
// days, a day twice, a day as a JSON key or in a comment, days that do not parse, another document.
import { describe, expect, it } from 'vitest';
import { bodyPreparer } from '../src/cache/bodies.js';
import { buildKey, requestPreparer, type PreparedRequest } from '../src/cache/keys.js';
import { parseParams } from '../src/http/fast-path.js';

// days things take effect (v) and were decided (k)
const BOUNDS = { v: ['2024-03-25', '2025-07-01', '2026-04-01'], k: ['2024-03-15', '2025-06-20', '2026-03-01'] };
const M = (alias = 'members', extra = '') => `query($d: Date!, $k: Date) { ${alias}: members(body: "secretariat", asOf: $d, knownAt: $k) { position ${extra} } }`;

/** The full way, as the fast path takes it: JSON.parse, then the cache's own preparer. */
function fullWay() {
  const prepare = requestPreparer();
  return (text: string): PreparedRequest | null => {
    let params;
    try {
      params = parseParams(JSON.parse(text));
    } catch {
      return null;
    }
    return params && prepare({ ...params, authorized: false });
  };
}

const keys = (p: PreparedRequest | null) => p && { byInterval: buildKey('e:1', p, BOUNDS), exact: buildKey('e:1', p, null) };

/** Asks both ways, in order, on one shaped preparer (its memos carry over from body to body). */
function compare(bodies: string[]) {
  const shaped = bodyPreparer(fullWay());
  const plain = fullWay();
  return bodies.map((text) => {
    const got = keys(shaped(text));
    expect(got, text).toEqual(keys(plain(text)));
    return got;
  });
}

const body = (query: string, variables?: Record<string, unknown>, extra: Record<string, unknown> = {}) => JSON.stringify({ query, variables, ...extra });
const day = (i: number, from = Date.UTC(2024, 0, 1)) => new Date(from + i * 86_400_000).toISOString().slice(0, 10);

describe('body shapes key every body as parsing it does', () => {
  it('a time slider: one key per interval, whichever day of it, and each document its own', () => {
    const slider = Array.from({ length: 900 }, (_, i) => body(M(), { d: day(i) }));
    const got = compare([...slider, ...slider.map((b) => b.replace('position', 'role'))]);
    const intervals = new Set(got.slice(0, 900).map((k) => k!.byInterval));
    expect(intervals.size).toBe(4); // 2024-01-01 … 2026-06-18: before, between and after the three boundaries
    expect(new Set(got.slice(900).map((k) => k!.byInterval)).size).toBe(4);
    expect(got[0]!.byInterval).not.toBe(got[900]!.byInterval);
    // the exact key (before the intervals are known) is per day
    expect(new Set(got.slice(0, 900).map((k) => k!.exact)).size).toBe(900);
  });

  it('parses the body of a time slider once per shape (its first two bodies, two probes), not once per day', () => {
    let parsed = 0;
    const full = fullWay();
    const shaped = bodyPreparer((text) => (parsed++, full(text)));
    for (let i = 0; i < 365; i++) expect(shaped(body(M(), { d: day(i) }))?.template?.days).toEqual([day(i)]);
    expect(parsed).toBe(4);
    for (let i = 0; i < 365; i++) shaped(body(M(), { d: day(i), k: '2025-06-26' }));
    expect(parsed).toBe(4 + 4);
    // a new knownAt is a day of the shape like asOf: no parse at all
    for (let i = 0; i < 365; i++) shaped(body(M(), { d: day(i), k: day(i % 5, Date.UTC(2025, 0, 1)) }));
    expect(parsed).toBe(8);
    // a one-off document is parsed once, not probed
    shaped(body(M('once'), { d: day(0) }));
    expect(parsed).toBe(8 + 1);
  });

  it('knownAt is keyed by the interval between decisions it falls in, asOf by the one between days things take effect', () => {
    const bodies = [];
    // 40 asOf days of one interval, each with a knownAt of one decision interval and one of a day
    // walking 2025-06-01 … 2025-07-10, across the decision of 2025-06-20
    for (let i = 0; i < 40; i++) for (const k of ['2025-06-26', day(i, Date.UTC(2025, 5, 1))]) bodies.push(body(M(), { d: day(i * 7, Date.UTC(2025, 6, 1)), k }));
    const got = compare(bodies);
    const fixed = got.filter((_, i) => i % 2 === 0).map((k) => k!.byInterval);
    expect(new Set(fixed).size).toBe(1); // 2025-07-01 + 7·i, i < 40: one interval; knownAt fixed
    const walking = got.filter((_, i) => i % 2 === 1).map((k) => k!.byInterval);
    expect(new Set(walking).size).toBe(2); // knownAt before 2025-06-20, and on or after it
    expect(walking[19]).toBe(fixed[0]); // 2025-06-20 … : the decision interval of 2025-06-26
    expect(walking[18]).not.toBe(fixed[0]);
    // the same day as asOf and as knownAt falls in different intervals of different axes: different keys
    const swapped = compare([body(M(), { d: '2025-06-25', k: '2025-07-02' }), body(M(), { d: '2025-07-02', k: '2025-06-25' })]);
    expect(swapped[0]!.byInterval).not.toBe(swapped[1]!.byInterval);
  });

  it('a day that is not an interval day, or not only one, keeps the body exact', () => {
    const both = `query($d: Date!) { members(body: "secretariat", asOf: $d, knownAt: $d) { position } }`;
    const echo = `query($f: Date!, $t: Date!) { membershipDiff(body: "secretariat", from: $f, to: $t) { from to unchanged } }`;
    const got = compare([
      ...Array.from({ length: 5 }, (_, i) => body(both, { d: day(i) })),
      ...Array.from({ length: 5 }, (_, i) => body(echo, { f: day(i), t: day(i + 1) })),
    ]);
    expect(new Set(got.map((k) => k!.byInterval)).size).toBe(10);
  });

  it('days that are JSON keys, repeated keys, comments, other strings and days that do not parse', () => {
    const q = M();
    const comment = `${q} #`;
    compare([
      body(q, { d: '2025-07-02' }), body(q, { d: '2025-07-03' }),
      // a repeated key: JSON.parse keeps the last
      `{"query":${JSON.stringify(q)},"variables":{"d":"2025-07-02","d":"2024-01-05"}}`,
      `{"query":${JSON.stringify(q)},"variables":{"d":"2024-01-05","d":"2025-07-02"}}`,
      `{"query":${JSON.stringify(q)},"variables":{"d":"2024-01-06","d":"2025-07-02"}}`,
      // a day as a key of the variables
      `{"query":${JSON.stringify(q)},"variables":{"2025-07-02":"x","d":"2025-07-03"}}`,
      `{"query":${JSON.stringify(q)},"variables":{"2024-07-02":"x","d":"2025-07-03"}}`,
      // a document whose comment ends on a day (the escaped quote opens no JSON string)
      `{"query":${JSON.stringify(`${comment}"`).slice(0, -1)}"2025-07-02","variables":{"d":"2025-07-03"}}`,
      `{"query":${JSON.stringify(`${comment}"`).slice(0, -1)}"2024-07-02","variables":{"d":"2025-07-03"}}`,
      // days that do not parse, after their shape was learnt with days that do
      body(q, { d: '2025-02-30' }), body(q, { d: '2025-13-01' }), body(q, { d: '2025-07-04' }),
      // a day in another variable, unused by the document
      body(q, { d: '2025-07-02', x: '2025-07-02' }), body(q, { d: '2025-07-02', x: '2025-08-02' }),
      // the sentinel years themselves, in the body
      body(q, { d: '1901-01-01' }), body(q, { d: '1911-01-01', k: '1901-01-02' }), body(q, { d: '2025-07-05' }),
    ]);
  });

  it('literal days: in the document, in 和暦, one that reads as a sentinel day', () => {
    const lit = (asOf: string) => `query($d: Date!) { a: members(body: "secretariat", asOf: ${JSON.stringify(asOf)}) { position } b: members(body: "secretariat", asOf: $d) { position } }`;
    const got = compare([
      body(lit('2025-07-01'), { d: '2025-07-02' }), body(lit('2025-07-01'), { d: '2024-07-02' }),
      body(lit('令和7年7月1日'), { d: '2025-07-02' }), body(lit('令和7年7月1日'), { d: '2025-07-09' }),
      // full-width １９０１-０１-０１ reads as 1901-01-01, the first probe's sentinel
      body(lit('１９０１-０１-０１'), { d: '2025-07-02' }), body(lit('１９０１-０１-０１'), { d: '1901-01-01' }), body(lit('１９０１-０１-０１'), { d: '2025-07-09' }),
      // … and a day before it in the body that is none of the document's, first the sentinel itself
      body(lit('１９０１-０１-０１'), { x: '1901-01-01', d: '2025-07-03' }), body(lit('１９０１-０１-０１'), { x: '2025-07-02', d: '2025-07-04' }),
    ]);
    expect(got[0]!.byInterval).not.toBe(got[1]!.byInterval);
    expect(got[2]!.byInterval).toBe(got[3]!.byInterval);
  });

  it('operation names, several operations, mutations, extensions, bad JSON: as parsing says', () => {
    const two = `query A($d: Date!) { members(body: "secretariat", asOf: $d) { position } } query B($d: Date!) { chair(body: "secretariat", asOf: $d) { position } }`;
    const mutation = `mutation($d: Date!) { revertAmendment(sequence: 1, on: $d) { sequence } }`;
    const got = compare([
      body(two, { d: '2025-07-02' }, { operationName: 'A' }), body(two, { d: '2025-07-03' }, { operationName: 'B' }),
      body(two, { d: '2025-07-04' }, { operationName: 'A' }), body(two, { d: '2025-07-05' }),
      body(mutation, { d: '2025-07-02' }), body(mutation, { d: '2025-07-03' }),
      body(M(), { d: '2025-07-02' }, { extensions: { persistedQuery: { version: 1 } } }),
      `{"query":${JSON.stringify(M())},"variables":{"d":"2025-07-02"}`, `{"query":${JSON.stringify(M())},"variables":{"d":"2025-07-03"}`,
      body(M(), { d: '2025-07-02', nested: { at: ['2025-07-02', '2026-07-02'] } }), body(M(), { d: '2025-07-03', nested: { at: ['2025-07-02', '2027-07-02'] } }),
    ]);
    expect(got[0]!.byInterval).not.toBe(got[1]!.byInterval);
    expect(got[0]!.byInterval).toBe(got[2]!.byInterval);
    expect(got.slice(3, 9)).toEqual([null, null, null, null, null, null]);
    expect(got[9]!.byInterval).not.toBe(got[10]!.byInterval);
  });

  it('remembers at most its bound of texts and shapes', () => {
    const shaped = bodyPreparer(fullWay(), 10);
    const plain = fullWay();
    for (let i = 0; i < 200; i++) {
      const text = body(M(`m${i % 30}`), { d: day(i * 3) });
      expect(keys(shaped(text))).toEqual(keys(plain(text)));
    }
  });
});
