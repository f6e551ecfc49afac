// No N+1: the number of SQL statements for a dashboard-sized query does not grow with the data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestDirectory, type TestDirectory } from '../support/harness.js';

describe.each(ENGINES)('SQL statements per request on %s', (engine) => {
  let t: TestDirectory;
  beforeAll(async () => {
    t = await openTestDirectory(engine);
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

  it('loads every body with members, posts, organizations and sources in a fixed number of statements', async () => {
    // (the promotion council is out of coverage, so the three bodies with rosters are asked for)
    const one = await count(`{ body(code: "secretariat") { members(asOf: "2025-07-01") { role post { title organization { name } } source { revision { instrument { title } } } } } }`);
    const three = await count(`{ a: body(code: "secretariat") { ...m } b: body(code: "deputy-director-meeting") { ...m } c: body(code: "advisor-liaison-meeting") { ...m } }
      fragment m on Body { members(asOf: "2025-07-01") { role post { title organization { name } } source { revision { instrument { title } } } } }`);
    // 39 seats vs 39 + 32 + 2 seats across three bodies: the same statements, batched
    expect(three).toBeLessThanOrEqual(one + 3);
    expect(three).toBeLessThanOrEqual(5);
  });

  it('does not grow with the number of seats: members of one body, 2 seats vs 39', async () => {
    const q = (body: string) => `{ members(body: "${body}", asOf: "2025-07-01") { role post { title organization { name } } source { revision { decidedOn instrument { title } } } } }`;
    const small = await count(q('advisor-liaison-meeting'));
    const large = await count(q('secretariat'));
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(2); // body (first time only), then the revision in force with its seats joined
  });

  it('answers a root chair or member list in one statement once the body is known', async () => {
    await count(`{ chair(body: "deputy-director-meeting", asOf: "2025-07-01") { role } }`); // learns the body
    expect(await count(`{ chair(body: "deputy-director-meeting", asOf: "2025-07-01") { role post { title organization { name } } source { revision { decidedOn } clause } } }`)).toBe(1);
    expect(await count(`{ members(body: "deputy-director-meeting", asOf: "2025-07-01", knownAt: "2025-06-30") { role post { title } } }`)).toBe(1);
  });

  it('keeps a diff to a fixed number of statements whatever the number of renames', async () => {
    const q = (body: string) => `{ membershipDiff(body: "${body}", from: "2025-06-30", to: "2025-07-01") {
      renamed { kind before { validFrom validFromIsCoverageStart post { title organization { name } } } after { post { title organization { name } } } } unchanged } }`;
    const oneRename = await count(q('advisor-liaison-meeting'));
    const threeRenames = await count(q('secretariat'));
    expect(threeRenames).toBe(oneRename);
  });

  it('answers all bodies with members at once: the uncovered one is null with its error, the rest answer, in fixed statements', async () => {
    const q = `{ bodies { code members(asOf: "2025-07-01") { role post { title organization { name } } source { revision { instrument { title } } } } } }`;
    const statements = await count(q, ['OUT_OF_COVERAGE']);
    const r = await t.gql<{ bodies: Array<{ code: string; members: unknown[] | null }> }>(q);
    expect(r.data!.bodies.map((b) => [b.code, b.members?.length ?? null])).toEqual([
      ['promotion-council', null], ['deputy-director-meeting', 32], ['secretariat', 39], ['advisor-liaison-meeting', 2],
    ]);
    expect(r.errors!.map((e) => [e.path!.join('.'), e.extensions!.code])).toEqual([['bodies.0.members', 'OUT_OF_COVERAGE']]);
    // bodies, coverage + seat ids of all bodies, seats with relations, and the covered ranges
    // that the promotion council's refusal names
    expect(statements).toBeLessThanOrEqual(4);
  });
});
