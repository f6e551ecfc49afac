// A stored answer is kept serialized (src/cache/store.ts compact): whatever reads it back — the
// fast path's bytes, Yoga's serialization of a hit, the envelope written to Redis — must give what
// the result it was made from gives.
import { describe, expect, it } from 'vitest';
import { createSchema, createYoga, type Plugin } from 'graphql-yoga';
import { bodyOf, compact, sentBody, unwrap, wrap, type CachedResult } from '../src/cache/store.js';

// What Yoga sends for a result (it serializes with the result's own `stringify` when it has one).
async function sentByYoga(r: CachedResult): Promise<string> {
  const answer: Plugin = { onParams: ({ setResult }) => setResult(r as never) };
  const yoga = createYoga({ schema: createSchema({ typeDefs: 'type Query { x: Int }' }), plugins: [answer], logging: false });
  const response = await yoga.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ x }"}' });
  expect(response.headers.get('etag')).toBe(r.extensions?.http?.headers?.ETag ?? null);
  return response.text();
}

const result = (): CachedResult => ({
  data: { members: [{ position: 1, post: { title: '内閣サイバー官 "quoted" \\ \u2028', organization: null } }], n: 0, empty: [] },
  extensions: { http: { headers: { ETag: '"r|e:1|abc"', 'Last-Modified': 'Sat, 05 Dec 2026 10:00:00 GMT' } } },
});

describe('a stored answer, kept serialized', () => {
  it('reads back as the result it was made from, every way it is read', async () => {
    const plain = result();
    const kept = compact(result());
    expect(kept.data).toEqual(plain.data);
    expect(kept.extensions).toEqual(plain.extensions);
    // the fast path's bytes and Yoga's text, twice (the first is the text made when storing, then the bytes)
    const yoga = await sentByYoga(plain as never);
    expect(bodyOf(kept)!.toString()).toBe(yoga);
    expect(await sentByYoga(kept as never)).toBe(yoga);
    expect(await sentByYoga(kept as never)).toBe(yoga);
    // Redis: the same envelope, which unwraps to the same answer
    expect(wrap('"r|e:1|abc"', kept)).toBe(wrap('"r|e:1|abc"', plain));
    const back = unwrap('"r|e:1|abc"', wrap('"r|e:1|abc"', kept));
    expect(typeof back === 'string' ? back : back.data).toEqual(plain.data);
    // compacting twice is once
    expect(compact(kept)).toBe(kept);
  });

  it('about to be sent, holds the executor\'s data until it is, then only the bytes', async () => {
    const r = result();
    const kept = compact(r, true);
    expect(kept.data).toBe(r.data);
    expect(await sentByYoga(kept)).toBe(bodyOf(kept)!.toString());
    expect(kept.data).not.toBe(r.data);
    expect(kept.data).toEqual(r.data);
  });

  it('sent as its bytes (the direct path), lets go of the executor\'s data all the same', () => {
    const r = result();
    const kept = compact(r, true);
    expect(kept.data).toBe(r.data);
    expect(sentBody(kept)).toBe(bodyOf(kept));
    expect(kept.data).not.toBe(r.data);
    expect(kept.data).toEqual(r.data);
  });

  it('a copy with another extension is serialized anew, with it', async () => {
    const kept = compact(result());
    const status = { ...kept, extensions: { ...kept.extensions, responseCache: { hit: true } } };
    const text = await sentByYoga(status as never);
    expect(JSON.parse(text)).toEqual({ data: result().data, extensions: { responseCache: { hit: true } } });
  });

  it('keeps extensions other than http in the body, after the data', async () => {
    const r = { ...result(), extensions: { ...result().extensions, cost: { n: 3 } } };
    const kept = compact(r);
    expect(bodyOf(kept)!.toString()).toBe(await sentByYoga(r as never));
    expect(kept.data).toEqual(r.data);
  });
});
