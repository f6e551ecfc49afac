// No N+1: the number of SQL statements for a dashboard-sized query does not grow with the data.
// Reads go through per-request loaders (src/read/loaders.ts): one statement per kind of row a
// query reaches, however many rows, seats, bodies or renames there are.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestDirectory, type TestDirectory } from '../support/harness.js';

describe.each(ENGINES)('SQL statements per request on %s', (engine) => {
  let t: TestDirectory;
  beforeAll(async () => {
    t = await openTestDirectory(engine);
    // bodies and units are read once per client (they never change): learnt here, so each count
    // below is what every later request costs
    await t.gql('{ bodies { code } }');
  });
  afterAll(() => t?.close());

  /** Statements a query runs; it must answer, with no error but those `expected` (a refused query counts nothing). */
  const count = async (query: string, expected: string[] = []) => {
    t.sql.length = 0;
    const r = await t.gql(query);
    expect(r.data, JSON.stringify(r.errors)).toBeDefined();
    expect((r.errors ?? []).map((e) => e.extensions?.code)).toEqual(expected);
    return t.sql.filter((s) => !/^(BEGIN|COMMIT|ROLLBACK)/i.test(s.trim())).length;
  };

  const MEMBERS = 'role position post { title organization { name } } source { revision { decidedOn instrument { title } } }';

  it('loads every body with members, posts, organizations and sources in a fixed number of statements', async () => {
    // (the promotion council is out of coverage, so the three bodies with rosters are asked for)
    const one = await count(`{ body(code: "secretariat") { members(asOf: "2025-07-01") { ${MEMBERS} } } }`);
    const three = await count(`{ a: body(code: "secretariat") { ...m } b: body(code: "deputy-director-meeting") { ...m } c: body(code: "advisor-liaison-meeting") { ...m } }
      fragment m on Body { members(asOf: "2025-07-01") { ${MEMBERS} } }`);
    // 39 listings vs 39 + 32 + 2 across three bodies: the same statements, batched — the revisions
    // in force with their listings, posts and organizations in one, then the instruments
    expect(three).toBe(one);
    expect(three).toBe(2);
  });

  it('does not grow with the number of seats: members of one body, 2 seats vs 39', async () => {
    const q = (body: string) => `{ members(body: "${body}", asOf: "2025-07-01") { ${MEMBERS} } }`;
    const small = await count(q('advisor-liaison-meeting'));
    const large = await count(q('secretariat'));
    expect(large).toBe(small);
    expect(large).toBe(2);
  });

  it('answers a root chair or member list with one statement per kind of row asked', async () => {
    // the revision in force, with the listing, its post and the post's organization: one statement
    expect(await count(`{ chair(body: "deputy-director-meeting", asOf: "2025-07-01") { role post { title organization { name } } source { revision { decidedOn } clause } } }`)).toBe(1);
    expect(await count(`{ members(body: "deputy-director-meeting", asOf: "2025-07-01", knownAt: "2025-06-30") { role post { title } } }`)).toBe(1);
  });

  it('reaches each listing’s seat, its first listing and all its listings in fixed statements, 2 seats vs 39', async () => {
    const q = (body: string) => `{ members(body: "${body}", asOf: "2025-07-01", knownAt: "2025-06-30") {
      seat { validFrom validFromIsCoverageStart validTo firstListing { position } listings { position } } } }`;
    const small = await count(q('advisor-liaison-meeting'));
    const large = await count(q('secretariat'));
    expect(large).toBe(small);
    // the list in force (one statement), the seats' first listings, their revisions, every listing
    // of each seat, and the coverage of the day before each first day
    expect(large).toBe(5);
  });

  it('keeps a diff to a fixed number of statements whatever the number of renames', async () => {
    const q = (body: string) => `{ membershipDiff(body: "${body}", from: "2025-06-30", to: "2025-07-01") {
      renamed { kind before { validFrom post { title organization { name } } seat { validFrom validFromIsCoverageStart } } after { post { title organization { name } } } } unchanged } }`;
    const oneRename = await count(q('advisor-liaison-meeting'));
    const threeRenames = await count(q('secretariat'));
    const threeMore = await count(q('deputy-director-meeting'));
    // the revisions in force on both days, their listings, the seats' first listings, whether each
    // incoming post existed before, posts, organizations, revisions, and the coverage of the day
    // before a first day: 9. The two days' revisions are looked up apart; when their answers come
    // back in different ticks (PostgreSQL's round trips), their listings take two statements: 10.
    for (const n of [oneRename, threeRenames, threeMore]) expect(n).toBeLessThanOrEqual(10);
    expect(Math.abs(threeRenames - oneRename)).toBeLessThanOrEqual(1);
    expect(Math.abs(threeMore - oneRename)).toBeLessThanOrEqual(1);
  });

  it('says what a revision changed in fixed statements, one body and one rename vs two bodies and six', async () => {
    const ids = await t.gql<{ instruments: Array<{ code: string; revisions: Array<{ id: string; decidedOn: string }> }> }>(`{ instruments { code revisions { id decidedOn } } }`);
    const revision = (code: string) => ids.data!.instruments.find((i) => i.code === code)!.revisions.find((r) => r.decidedOn === '2025-06-27')!.id;
    const q = (id: string) => `{ node(id: "${id}") { ... on Revision { diffs { body { code } renamed { kind before { post { title } } after { post { title } } } unchanged } } } }`;
    const liaison = await count(q(revision('advisor-liaison-meeting')));
    const designated = await count(q(revision('designated-posts')));
    expect(designated).toBe(liaison);
    expect(designated).toBeLessThanOrEqual(10);
  });

  it('answers all bodies with members at once: the uncovered one is null with its error, the rest answer, in fixed statements', async () => {
    const q = `{ bodies { code members(asOf: "2025-07-01") { ${MEMBERS} } } }`;
    const statements = await count(q, ['OUT_OF_COVERAGE']);
    const r = await t.gql<{ bodies: Array<{ code: string; members: unknown[] | null }> }>(q);
    expect(r.data!.bodies.map((b) => [b.code, b.members?.length ?? null])).toEqual([
      ['promotion-council', null], ['deputy-director-meeting', 32], ['secretariat', 39], ['advisor-liaison-meeting', 2],
    ]);
    expect(r.errors!.map((e) => [e.path!.join('.'), e.extensions!.code])).toEqual([['bodies.0.members', 'OUT_OF_COVERAGE']]);
    // the two of a member list, and the covered ranges that the promotion council's refusal names
    expect(statements).toBe(3);
  });
});
