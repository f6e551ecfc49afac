// The README's example queries, run as a newcomer would paste them: each answers exactly what the
// README prints under it (byte for byte, the request id aside), and none trips a limit.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDirectory, type TestDirectory } from './support/harness.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** Each ```graphql block that is a query, with the ```json block right after it (if any). */
function examples(): Array<{ query: string; answer: string | null }> {
  const blocks = [...README.matchAll(/```(graphql|json)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], text: m[2].trim(), end: m.index! + m[0].length, start: m.index! }));
  const found: Array<{ query: string; answer: string | null }> = [];
  blocks.forEach((b, i) => {
    if (b.lang !== 'graphql' || b.text.startsWith('mutation') || b.text.startsWith('subscription')) return;
    const next = blocks[i + 1];
    const adjacent = next?.lang === 'json' && README.slice(b.end, next.start).trim() === '';
    found.push({ query: b.text, answer: adjacent ? next.text : null });
  });
  return found;
}

/** The request id is new on every request: compared as a placeholder. */
const withoutRequestIds = (text: string) => text.replace(/"requestId":"[^"]*"/g, '"requestId":"…"');

let t: TestDirectory;
beforeAll(async () => {
  t = await openTestDirectory('pglite');
});
afterAll(() => t?.close());

describe('README', () => {
  const all = examples();
  it('has example queries with their answers', () => {
    expect(all.length).toBeGreaterThanOrEqual(6);
    expect(all.filter((e) => e.answer !== null).length).toBeGreaterThanOrEqual(6);
  });

  it.each(all.map((e, i) => ({ ...e, n: i + 1 })))('example $n answers as printed', async ({ query, answer }) => {
    const response = await t.yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query }),
    });
    const text = await response.text();
    if (answer === null) {
      // a query shown without its answer must at least be valid and within the limits
      expect(JSON.parse(text).errors).toBeUndefined();
    } else {
      expect(withoutRequestIds(text)).toBe(withoutRequestIds(answer));
    }
  });

  it('the "Also there" selection of bodies is a valid query as printed', async () => {
    const selection = /Also there: `(bodies \{[^`]*\})`/.exec(README)?.[1];
    expect(selection).toBeDefined();
    const r = await t.gql(`{ ${selection} }`);
    expect(r.errors).toBeUndefined();
  });
});
