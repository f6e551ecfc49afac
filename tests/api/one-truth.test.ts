// One truth in every path (issue 16): what a dashboard sees through a real normalized client cache
// (urql's graphcache, which keys objects by id as Apollo's and Relay's do), `knownAt` carried into
// nested fields, partial answers when one body is not covered, and diffs that name the same kinds
// in both directions — on both engines.
import { cacheExchange } from '@urql/exchange-graphcache';
import { Client, fetchExchange, gql as urqlGql } from '@urql/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, parseTokens } from '../../src/auth.js';
import { ENGINES, openTestDirectory, type TestDirectory } from '../support/harness.js';
import { EXAMPLE_AMENDMENT, RECORD } from '../support/gql.js';

const editor = issueToken('alice');
const AS_EDITOR = { authorization: `Bearer ${editor.token}` };

const ROSTER = urqlGql`
  query Roster($asOf: Date!) {
    members(body: "secretariat", asOf: $asOf) {
      id position
      source { revision { id sequence } }
      seat { id validFrom validTo post { id title } }
    }
  }`;

type Row = { id: string; position: number; source: { revision: { sequence: number } }; seat: { id: string; validTo: string | null; post: { title: string } } };

describe.each(ENGINES)('one truth for client caches (%s)', (engine) => {
  let t: TestDirectory;
  beforeAll(async () => {
    t = await openTestDirectory(engine, { tokens: parseTokens(editor.entry) });
  });
  afterAll(() => t?.close());

  const client = () =>
    new Client({
      url: 'http://yoga/graphql',
      fetch: ((input: RequestInfo | URL, init?: RequestInit) => t.yoga.fetch(input as never, init as never)) as typeof fetch,
      exchanges: [cacheExchange({}), fetchExchange],
    });
  const ask = async (c: Client, asOf: string, requestPolicy: 'network-only' | 'cache-only') => {
    const r = await c.query(ROSTER, { asOf }, { requestPolicy }).toPromise();
    expect(r.error).toBeUndefined();
    return r.data!.members as Row[];
  };
  const fresh = async (asOf: string) => (await t.gql<{ members: Row[] }>(ROSTER.loc!.source.body, { asOf })).data!.members;

  it('shows each day as the server answers it, after both days and after an ADD that moves seats down', async () => {
    const c = client();
    const days = ['2025-06-30', '2025-07-01', '2027-04-01'];
    for (const day of days) await ask(c, day, 'network-only');
    for (const day of days) expect(await ask(c, day, 'cache-only')).toEqual(await fresh(day));
    // The two days of the 2025 revision print continuing seats from different revisions: the
    // listing differs (its id too), the seat is one.
    const [before, after] = [await ask(c, '2025-06-30', 'cache-only'), await ask(c, '2025-07-01', 'cache-only')];
    const continuing = after.filter((a) => before.some((b) => b.seat.id === a.seat.id));
    expect(continuing.length).toBe(36);
    for (const a of continuing) {
      const b = before.find((x) => x.seat.id === a.seat.id)!;
      expect(a.id).not.toBe(b.id);
      expect([b.source.revision.sequence, a.source.revision.sequence]).toEqual([14, 15]);
    }

    // An ADD at position 3 in force 2027-04-01: seats below it move down from that day only.
    const recorded = await t.gql(RECORD, { input: EXAMPLE_AMENDMENT }, AS_EDITOR);
    expect(recorded.errors).toBeUndefined();
    for (const day of [...days, '2027-03-31']) await ask(c, day, 'network-only');
    for (const day of [...days, '2027-03-31']) expect(await ask(c, day, 'cache-only')).toEqual(await fresh(day));
    const [eve, day] = [await ask(c, '2027-03-31', 'cache-only'), await ask(c, '2027-04-01', 'cache-only')];
    const moved = eve.find((s) => s.position === 3 && s.seat.post.title !== EXAMPLE_AMENDMENT.changes[0].post)!;
    expect(day.find((s) => s.seat.id === moved.seat.id)!.position).toBe(4);
    expect(eve.find((s) => s.seat.id === moved.seat.id)!.position).toBe(3);
    // the seat's own fields are one value wherever it appears: through node, too
    const node = await t.gql<{ node: { id: string; validTo: string | null } }>(`query($id: ID!) { node(id: $id) { id ... on Seat { validTo } } }`, { id: moved.seat.id });
    expect(node.data!.node).toEqual({ id: moved.seat.id, validTo: moved.seat.validTo });
  });

  it('carries knownAt into every nested field, and names the decision it stands on in the ids', async () => {
    const r = await t.gql<any>(`{ chair(body:"deputy-director-meeting", asOf:"2025-06-30", knownAt:"2025-06-26") {
      id validTo seat { id validTo } post { seats { id validTo } } body { revisions { decidedOn } coverage { checkedOn } provisions { validTo } } } }`);
    const chair = r.data.chair;
    expect(chair.validTo).toBeNull();
    expect(chair.seat.validTo).toBeNull();
    expect(chair.post.seats).toEqual([{ id: chair.seat.id, validTo: null }]);
    expect(chair.body.revisions.map((x: { decidedOn: string }) => x.decidedOn).every((d: string) => d <= '2025-06-26')).toBe(true);
    // as decided by 2025-06-26 is as decided by the last decision before it, that of 2024-03-25:
    // every day from it to 2025-06-26 has this one answer, named by that day
    expect(chair.body.coverage.checkedOn).toBe('2024-03-25');
    expect(Buffer.from(chair.seat.id, 'base64').toString()).toMatch(/^Seat:\d+@2024-03-25$/);
    const sameStep = await t.gql<any>(`{ chair(body:"deputy-director-meeting", asOf:"2025-06-30", knownAt:"2024-11-11") {
      id validTo seat { id validTo } post { seats { id validTo } } body { revisions { decidedOn } coverage { checkedOn } provisions { validTo } } } }`);
    expect(sameStep.data).toEqual(r.data);
    // before the first decision nothing is decided: one step for every such day, which never
    // names a day after the one asked
    const early = await t.gql<any>(`{ a: body(code:"secretariat", knownAt:"2000-01-01") { id coverage { checkedOn } } b: body(code:"secretariat", knownAt:"1990-05-05") { id coverage { checkedOn } } }`);
    expect(early.errors).toBeUndefined();
    expect(early.data.a).toEqual(early.data.b);
    expect(Buffer.from(early.data.a.id, 'base64').toString()).toMatch(/^Body:\d+@0001-01-01$/);
    expect(early.data.a.coverage.checkedOn === null || early.data.a.coverage.checkedOn <= '1990-05-05').toBe(true);
    // the id asked back answers the same object, under the same id
    const node = await t.gql<any>(`query($id: ID!) { node(id: $id) { id ... on Seat { validTo } } }`, { id: chair.seat.id });
    expect(node.data.node).toEqual(chair.seat);
    // the same seat asked with everything recorded is another object, whose tenure has ended
    const now = await t.gql<any>(`{ chair(body:"deputy-director-meeting", asOf:"2025-06-30") { seat { id validTo } } }`);
    expect(now.data.chair.seat.id).not.toBe(chair.seat.id);
    expect(now.data.chair.seat.validTo).toBe('2025-07-01');
    // a nested field given its own knownAt answers by it
    const own = await t.gql<any>(`{ body(code:"deputy-director-meeting", knownAt:"2025-06-26") { a: revisions { sequence } b: revisions(knownAt:"2025-06-27") { sequence } } }`);
    expect(own.data.body.b.length).toBe(own.data.body.a.length + 1);
  });

  it('answers the other fields when one body is not covered', async () => {
    const r = await t.gql<any>(`{ a: chair(body:"secretariat", asOf:"2025-07-01"){ id } b: members(body:"secretariat", asOf:"2024-03-24"){ id } c: members(body:"promotion-council", asOf:"2025-07-01"){ id } }`);
    expect(r.data.a.id).toBeTruthy();
    expect(r.data.b).toBeNull();
    expect(r.data.c).toBeNull();
    expect(r.errors!.map((e) => [e.path, e.extensions?.code]).sort((x, y) => String(x[0]).localeCompare(String(y[0])))).toEqual([[['b'], 'OUT_OF_COVERAGE'], [['c'], 'OUT_OF_COVERAGE']]);
    const post = await t.gql<any>(`{ chair(body:"secretariat", asOf:"2025-07-01") { post { seats(asOf:"2024-03-24") { id } } } }`);
    expect(post.errors![0].extensions!.code).toBe('OUT_OF_COVERAGE');
  });

  it('names the same rename kinds in both directions, and claims a retitle only with evidence', async () => {
    const kinds = async (body: string, from: string, to: string) =>
      (await t.gql<any>(`{ membershipDiff(body:"${body}", from:"${from}", to:"${to}") { renamed { kind after { post { title } } before { post { title } } } } }`)).data.membershipDiff.renamed;
    for (const body of ['deputy-director-meeting', 'secretariat', 'advisor-liaison-meeting']) {
      const forward = await kinds(body, '2025-06-30', '2025-07-01');
      const backward = await kinds(body, '2025-07-01', '2025-06-30');
      expect(backward.map((r: { kind: string }) => r.kind)).toEqual(forward.map((r: { kind: string }) => r.kind));
    }
    const byTitle = Object.fromEntries(
      [...(await kinds('deputy-director-meeting', '2025-06-30', '2025-07-01')), ...(await kinds('secretariat', '2025-06-30', '2025-07-01')), ...(await kinds('advisor-liaison-meeting', '2025-06-30', '2025-07-01'))]
        .map((r: { kind: string; after: { post: { title: string } } }) => [r.after.post.title, r.kind]),
    );
    expect(byTitle['最高裁判所事務総局サイバーセキュリティ管理官']).toBe('REPLACEMENT');
    expect(byTitle['最高裁判所事務総局デジタル審議官付参事官']).toBe('REPLACEMENT');
    expect(byTitle['内閣官房内閣参事官（国家サイバー統括室）']).toBe('RETITLE');
    expect(byTitle['サイバーセキュリティ参与']).toBe('SUCCESSION');
  });
});
