// Finding posts and organizations by what people type.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchForm } from '../../src/domain/title.js';
import { ENGINES, openTestDirectory, type TestDirectory } from '../support/harness.js';

describe.each(ENGINES)('search and organizations on %s', (engine) => {
  let t: TestDirectory;
  beforeAll(async () => {
    t = await openTestDirectory(engine);
  });
  afterAll(() => t?.close());

  const titles = async (text: string) => {
    const r = await t.gql<{ searchPosts: Array<{ title: string }> }>(`query($s: String!) { searchPosts(text: $s) { title } }`, { s: text });
    return r.data!.searchPosts.map((p) => p.title);
  };

  it('finds 「ＡＩ」 when asked for "AI" (NFKC on both sides), and in full width too', async () => {
    const expected = ['防衛省整備計画局サイバー整備課ＡＩ・サイバーセキュリティ政策調整官'];
    expect(await titles('AI')).toEqual(expected);
    expect(await titles('ＡＩ')).toEqual(expected);
    expect(await titles('ai・サイバー')).toEqual(expected);
  });

  it('matches full-width brackets typed as half-width ones', async () => {
    expect(await titles('警察庁長官官房審議官(サイバー警察局担当)')).toEqual(['警察庁長官官房審議官（サイバー警察局担当）']);
  });

  it('returns posts in the instrument’s order of ministries', async () => {
    const found = await titles('サイバーセキュリティ・情報化審議官');
    expect(found[0]).toBe('人事院事務総局サイバーセキュリティ・情報化審議官');
    expect(found.at(-1)).toBe('会計検査院事務総長官房サイバーセキュリティ・情報化審議官');
    expect(found).toContain('内閣府大臣官房サイバーセキュリティ・情報化審議官');
  });

  it('finds nothing for a title that is not there', async () => {
    expect(await titles('存在しない職')).toEqual([]);
  });

  it('gives organizations their official English names and their posts', async () => {
    const r = await t.gql<{ organization: any }>(`{ organization(name: "警察庁") { name nameEn posts(first: 10) { totalCount edges { node { title } } } } }`);
    expect(r.data!.organization.nameEn).toBe('National Police Agency');
    expect(r.data!.organization.posts.totalCount).toBe(4);
    expect(r.data!.organization.posts.edges.map((e: any) => e.node.title)).toContain('警察庁長官官房技術総括審議官');
    const u = await t.gql<{ organization: any }>(`{ organization(name: "内閣官房") { units { name nameEn abbreviation validFrom validTo successor { name } } } }`);
    expect(u.data!.organization.units).toContainEqual({
      name: '国家サイバー統括室', nameEn: 'National Cybersecurity Office', abbreviation: 'NCO', validFrom: '2025-07-01', validTo: null, successor: null,
    });
    expect(u.data!.organization.units).toContainEqual(expect.objectContaining({ abbreviation: 'NISC', validTo: '2025-07-01', successor: { name: '国家サイバー統括室' } }));
  });

  it('resolves Relay global ids through node()', async () => {
    const r = await t.gql<{ chair: any }>(`{ chair(body: "secretariat", asOf: "2025-07-01") { id post { id title } } }`);
    const node = await t.gql<{ node: any }>(`query($id: ID!) { node(id: $id) { ... on Post { title } } }`, { id: r.data!.chair.post.id });
    expect(node.data!.node.title).toBe(r.data!.chair.post.title);
  });

  it('answers a listing’s and a seat’s id through node() and nodes() with what the id was given with, decided by the same day', async () => {
    const FIELDS = 'id validFrom validTo position post { title } seat { id validFrom validTo }';
    const r = await t.gql<any>(`{ then: chair(body: "secretariat", asOf: "2025-06-30", knownAt: "2025-06-26") { ${FIELDS} }
      now: chair(body: "secretariat", asOf: "2025-06-30") { ${FIELDS} } }`);
    expect(r.errors).toBeUndefined();
    const { then, now } = r.data;
    // one listing as decided by two days: two ids, two ends
    expect([then.validTo, now.validTo]).toEqual([null, '2025-07-01']);
    expect(then.id).not.toBe(now.id);
    for (const listing of [then, now]) {
      const n = await t.gql<any>(`query($l: ID!, $s: ID!) { listing: node(id: $l) { ... on Listing { ${FIELDS} } } seat: node(id: $s) { ... on Seat { id validFrom validTo } }
        both: nodes(ids: [$l, $s]) { id } }`, { l: listing.id, s: listing.seat.id });
      expect(n.errors).toBeUndefined();
      expect(n.data.listing).toEqual(listing);
      expect(n.data.seat).toEqual(listing.seat);
      expect(n.data.both).toEqual([{ id: listing.id }, { id: listing.seat.id }]);
    }
  });
  it('searches for %, _ and \\ literally, not as LIKE wildcards', async () => {
    // No printed title has them; three that do (full width, as printed; NFKC makes them ASCII).
    const organization = await t.directory.prisma.organization.findUniqueOrThrow({ where: { name: '内閣官房' } });
    const odd = ['内閣官房１００％担当参事官', '内閣官房Ａ＿Ｂ室長', '内閣官房＼記号室長'];
    await t.directory.prisma.post.createMany({ data: odd.map((title) => ({ title, titleSearch: searchForm(title), organizationId: organization.id })) });
    try {
      expect(await titles('%')).toEqual(['内閣官房１００％担当参事官']);
      expect(await titles('_')).toEqual(['内閣官房Ａ＿Ｂ室長']);
      expect(await titles('\\')).toEqual(['内閣官房＼記号室長']);
      expect(await titles('0%担')).toEqual(['内閣官房１００％担当参事官']);
      // as wildcards these would match every title that begins 内閣官房 and ends 室長
      expect(await titles('内閣官房%室長')).toEqual([]);
      expect(await titles('内閣官房_室長')).toEqual([]);
      expect(await titles('%%')).toEqual([]);
    } finally {
      await t.directory.prisma.post.deleteMany({ where: { title: { in: odd } } });
    }
    expect(await titles('%')).toEqual([]);
  });

  it('compares without whitespace, as titles have none', async () => {
    expect(await titles(' 警察庁長官官房 技術総括審議官\n')).toEqual(['警察庁長官官房技術総括審議官']);
  });

  it.each([
    ['a control character', 'AI\u0007', /U\+0007/],
    ['a zero-width space', 'A\u200BI', /U\+200B/],
    ['only spaces', ' \u3000 ', /needs some text/],
    ['a megabyte', 'x'.repeat(1_000_000), /limited to 200 characters; 「x+…/],
  ])('refuses %s with BAD_USER_INPUT, quoting at most a short prefix', async (_name, text, message) => {
    const r = await t.gql(`query($s: String!) { searchPosts(text: $s) { title } }`, { s: text });
    expect(r.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(r.errors![0].message).toMatch(message);
    expect(JSON.stringify(r).length).toBeLessThan(1000);
  });
});

describe('a search matching more posts than an answer holds', () => {
  let t: TestDirectory;
  beforeAll(async () => {
    // 101 new posts in the secretariat, all containing 「検索上限試験」: one amendment through the API
    const { issueToken, parseTokens } = await import('../../src/auth.js');
    const editor = issueToken('search-cap');
    t = await openTestDirectory('pglite', { tokens: parseTokens(editor.entry) });
    const changes = Array.from({ length: 101 }, (_, i) => ({ kind: 'ADD', body: 'secretariat', role: 'MEMBER', position: 33 + i, post: `デジタル庁検索上限試験参事官${i + 1}` }));
    const r = await t.gql(
      'mutation($i: AmendmentInput!) { recordAmendment(input: $i) { dryRun } }',
      { i: { instrument: 'designated-posts', title: '試験', decidedOn: '2026-01-05', effectiveOn: '2026-04-01', changes } },
      { authorization: `Bearer ${editor.token}` },
    );
    expect(r.errors).toBeUndefined();
  });
  afterAll(() => t?.close());

  it('is refused with BAD_USER_INPUT, never cut short', async () => {
    const r = await t.gql<{ searchPosts: unknown[] }>('{ searchPosts(text: "検索上限試験") { title } }');
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).toMatch(/More than 100 posts contain/);
    // a narrower text still answers
    const narrower = await t.gql<{ searchPosts: Array<{ title: string }> }>('{ searchPosts(text: "検索上限試験参事官10") { title } }');
    expect(narrower.data!.searchPosts.map((p) => p.title)).toEqual(['デジタル庁検索上限試験参事官10', 'デジタル庁検索上限試験参事官100', 'デジタル庁検索上限試験参事官101']);
  });
});
