// Compiled queries (src/compiled-queries.ts): a query document asked again runs compiled by
// graphql-jit, and its answer is graphql-js's, byte for byte, with the same status and the same
// statements. Every document the README, the page and the trusted documents ask is asked of an app
// without compiled queries and three times of one with them (graphql-js first, then compiled),
// with the features those documents do not use (fragments, directives, aliases, interfaces,
// introspection) and with errors of every kind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, type OperationDefinitionNode } from 'graphql';
import { createApp } from '../src/app.js';
import { loadCompiler, selectedFields, type CompiledRun } from '../src/compiled-queries.js';
import { loadTrustedDocuments } from '../src/http/trusted.js';
import { openTestDirectory, type TestDirectory } from './support/harness.js';

const DAY = '2025-07-01';

describe('compiled queries', () => {
  let t: TestDirectory;
  let plain: ReturnType<typeof createApp>;
  let compiled: ReturnType<typeof createApp>;
  const runs: CompiledRun[] = [];

  beforeAll(async () => {
    t = await openTestDirectory('pglite');
    // graphql-jit is loaded when a document is first asked again: loaded here, so that the second use is compiled
    await loadCompiler();
    plain = createApp(t.directory.prisma, { compiledQueries: false });
    // no compiling budget here: a slow machine must not leave a document to graphql-js (the budget has its own test)
    compiled = createApp(t.directory.prisma, { compiledQueries: { onRun: (how) => void runs.push(how), limits: { compileMsPerSecond: Infinity } } });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** One request: status, body (request ids aside), statements run, and how each execution was answered. */
  async function ask(app: ReturnType<typeof createApp>, body: unknown) {
    const statements = t.sql.length;
    const ran = runs.length;
    const r = await app.fetch('http://meibo/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = (await r.text()).replace(/"requestId":"[^"]*"/g, '"requestId":"…"');
    return { status: r.status, text, statements: t.sql.length - statements, runs: runs.slice(ran) };
  }

  /** A document asked of graphql-js alone, then three times with compiled queries: the same answers each time. */
  async function same(body: { query: string; variables?: Record<string, unknown>; operationName?: string }) {
    await ask(plain, body); // what a first request pays once (prepared statements) is paid before counting
    const expected = await ask(plain, body);
    const answers = [await ask(compiled, body), await ask(compiled, body), await ask(compiled, body)];
    for (const a of answers) expect({ status: a.status, text: a.text }, body.query).toEqual({ status: expected.status, text: expected.text });
    const errors = (JSON.parse(expected.text) as { errors?: unknown[] }).errors !== undefined;
    return { expected, answers, errors };
  }

  it('answers every query of the README, the page and the trusted documents as graphql-js does, compiled from the second time on', async () => {
    let asCompiled = 0;
    for (const query of new Set(loadTrustedDocuments().values())) {
      if (/^\s*(mutation|subscription)\b/.test(query)) continue;
      const variables = /\$/.test(query) ? { d: DAY, day: DAY, asOf: DAY, b: 'secretariat', body: 'secretariat' } : undefined;
      const { expected, answers, errors } = await same({ query, variables });
      if (errors) continue;
      expect(answers[0]!.runs, query).toEqual(['graphql-js']);
      expect(answers[1]!.runs, query).toEqual(['compiled']);
      expect(answers[2]!.runs, query).toEqual(['compiled']);
      // the same statements: batching and the request's loaders work as with graphql-js
      for (const a of answers) expect(a.statements, query).toBe(expected.statements);
      asCompiled++;
    }
    expect(asCompiled).toBeGreaterThan(10);
  });

  it('answers fragments, directives, aliases, interfaces, global ids and introspection as graphql-js does', async () => {
    const ids = JSON.parse((await ask(plain, { query: `{ members(body: "secretariat", asOf: "${DAY}") { id post { id organization { id } } } }` })).text) as {
      data: { members: Array<{ id: string; post: { id: string; organization: { id: string } | null } }> };
    };
    const seat = ids.data.members[0]!;
    const documents: Array<{ query: string; variables?: Record<string, unknown>; operationName?: string }> = [
      { query: `query($d: Date!, $withOrg: Boolean!, $noRole: Boolean!) { a: members(body: "secretariat", asOf: $d) { ...S } b: chair(body: "deputy-director-meeting", asOf: $d) { __typename post { title } } } fragment S on Listing { __typename role @skip(if: $noRole) position post { title organization @include(if: $withOrg) { name nameEn } } seat { id seatKey validFrom } }`, variables: { d: DAY, withOrg: true, noRole: false } },
      { query: `query($d: Date!, $withOrg: Boolean!, $noRole: Boolean!) { a: members(body: "secretariat", asOf: $d) { ...S } } fragment S on Listing { role @skip(if: $noRole) post { organization @include(if: $withOrg) { name } } }`, variables: { d: DAY, withOrg: false, noRole: true } },
      { query: `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Listing { position role } ... on Post { title } ... on Organization { name } } }`, variables: { ids: [seat.id, seat.post.id, seat.post.organization?.id ?? seat.id] } },
      { query: `query($id: ID!) { node(id: $id) { id ... on Listing { post { title } seat { seatKey } } } }`, variables: { id: seat.id } },
      { query: `{ bodies { code name } organizations { name } posts(first: 3) { edges { cursor node { title } } pageInfo { hasNextPage endCursor } } }` },
      { query: `query One { bodies { code } } query Two { instruments { __typename } }`, operationName: 'Two' },
      { query: `query($d: Date = "${DAY}") { members(body: "secretariat", asOf: $d) { position } }` },
      { query: `{ searchPosts(text: "内閣") { title } }` },
      { query: `{ membershipDiff(body: "deputy-director-meeting", from: "2025-06-30", to: "2025-07-01") { unchanged added { post { title } } removed { post { title } } } }` },
      { query: `{ __schema { queryType { name } types { name kind } } __type(name: "Seat") { fields { name type { name kind ofType { name } } } } }` },
    ];
    for (const body of documents) {
      const { answers, errors, expected } = await same(body);
      expect(errors, expected.text.slice(0, 400)).toBe(false);
      expect(answers[1]!.runs, body.query).toEqual(['compiled']);
    }
  });

  it('leaves an answer with an error to graphql-js, and variables graphql-js refuses, with its words', async () => {
    const MEMBERS = `query($b: ID!, $d: Date!) { members(body: $b, asOf: $d) { position post { title } } }`;
    // an error from a resolver, beside a field that has its answer: computed compiled, then again by graphql-js
    const partial = await same({ query: `{ ok: chair(body: "secretariat", asOf: "${DAY}") { post { title } } bad: chair(body: "nope", asOf: "${DAY}") { post { title } } }` });
    expect(partial.errors).toBe(true);
    expect(partial.answers[1]!.runs).toEqual(['graphql-js after compiled']);
    // run twice, its statements are not: the second run reads through the request's loaders, which have the rows
    expect(partial.answers[1]!.statements).toBe(partial.expected.statements);
    // asked again, graphql-js answers it alone, once: its last answer had an error
    expect(partial.answers[2]!.runs).toEqual(['graphql-js after an error']);
    for (const [why, variables] of [
      ['a body that does not exist', { b: 'nope', d: DAY }],
      ['a day that does not exist', { b: 'secretariat', d: '2025-13-01' }],
      ['a day that is not a string', { b: 'secretariat', d: 5 }],
      ['a variable missing', { b: 'secretariat' }],
    ] as const) {
      const r = await same({ query: MEMBERS, variables });
      expect(r.errors, why).toBe(true);
      expect(r.answers[1]!.runs.every((how) => how !== 'compiled'), why).toBe(true);
    }
    // a document whose answers have errors for some variables only (a slider across the edge of
    // what the data covers): graphql-js alone after an answer with an error, compiled again from
    // the request after one without
    const CHAIR = `query($b: ID!) { chair(body: $b, asOf: "${DAY}") { post { title } } }`;
    const chair = (b: string) => ask(compiled, { query: CHAIR, variables: { b } });
    expect((await chair('secretariat')).runs).toEqual(['graphql-js']);
    expect((await chair('secretariat')).runs).toEqual(['compiled']);
    const uncovered = await chair('promotion-council');
    expect(uncovered.text).toContain('OUT_OF_COVERAGE');
    expect(uncovered.runs).toEqual(['graphql-js after compiled']);
    const again = await chair('promotion-council');
    expect(again.runs).toEqual(['graphql-js after an error']);
    expect(again.text).toBe(uncovered.text);
    expect((await chair('secretariat')).runs).toEqual(['graphql-js after an error']);
    expect((await chair('secretariat')).runs).toEqual(['compiled']);
    expect((await chair('secretariat')).text).toBe((await ask(plain, { query: CHAIR, variables: { b: 'secretariat' } })).text);
    // graphql-js's words for a bad Date, not graphql-jit's
    expect((await ask(compiled, { query: MEMBERS, variables: { b: 'secretariat', d: 5 } })).text).toContain('A Date is a string such as');
  });

  it('leaves mutations to graphql-js', async () => {
    const AMEND = `mutation($input: AmendmentInput!) { recordAmendment(input: $input) { sequence } }`;
    const input = { instrument: 'designated-posts', title: 't', decidedOn: '2026-11-26', effectiveOn: '2027-04-01', changes: [] };
    const { answers } = await same({ query: AMEND, variables: { input } });
    expect(answers.flatMap((a) => a.runs).every((how) => how === 'graphql-js')).toBe(true);
  });

  it('compiles no document larger than its bound, keeps a bounded number of fields compiled, and compiles within a budget of time', async () => {
    const doc = (alias: string) => ({ query: `query($d: Date!) { ${alias}: members(body: "secretariat", asOf: $d) { role position post { title organization { name } } } }`, variables: { d: DAY } });
    const limited = (limits: Record<string, number>) => {
      const seen = { runs: [] as CompiledRun[], compiled: [] as number[] };
      const app = createApp(t.directory.prisma, { compiledQueries: { limits, onRun: (how) => void seen.runs.push(how), onCompiled: (n) => void seen.compiled.push(n) } });
      return { app, seen };
    };
    const twice = async (app: ReturnType<typeof createApp>, body: ReturnType<typeof doc>) => {
      const expected = await ask(plain, body);
      for (let i = 0; i < 2; i++) expect((await ask(app, body)).text).toBe(expected.text);
    };
    // 7 fields: over a bound of 6, graphql-js answers every time
    const small = limited({ maxFields: 6, compileMsPerSecond: Infinity });
    await twice(small.app, doc('a'));
    expect(small.seen).toEqual({ runs: ['graphql-js', 'graphql-js'], compiled: [] });
    // room for two documents of 7 fields: a third sends the least recently used out, compiled again when asked again
    const room = limited({ maxTotalFields: 14, compileMsPerSecond: Infinity });
    for (const alias of ['a', 'b', 'c', 'a']) await twice(room.app, doc(alias));
    expect(room.seen.compiled).toEqual([7, 7, 7, 7]);
    await twice(room.app, doc('a'));
    expect(room.seen.compiled).toHaveLength(4);
    // no time to compile: graphql-js answers
    const none = limited({ compileMsPerSecond: 0 });
    await twice(none.app, doc('a'));
    expect(none.seen).toEqual({ runs: ['graphql-js', 'graphql-js'], compiled: [] });
  });

  it('counts the fields an operation selects with each fragment at each of its spreads', () => {
    const document = parse(`query Q { a: bodies { ...B } b: bodies { ...B ... on Body { id } } } fragment B on Body { code name }`);
    const operation = document.definitions[0] as OperationDefinitionNode;
    expect(selectedFields(document, operation, 100)).toBe(7);
    // stops counting past the bound
    expect(selectedFields(document, operation, 2)).toBeLessThanOrEqual(4);
  });

  it('answers with graphql-js when graphql-jit itself fails, compiling or running, and says so once', async () => {
    const body = { query: `query($d: Date!) { members(body: "secretariat", asOf: $d) { position post { title } } }`, variables: { d: DAY } };
    const expected = await ask(plain, body);
    for (const [what, compiler] of [
      ['compiling', { compileQuery: () => { throw new Error('compiler broke'); }, isCompiledQuery: () => true }],
      ['running', { compileQuery: () => ({ query: () => { throw new Error('compiled code broke'); } }), isCompiledQuery: () => true }],
      ['running, asynchronously', { compileQuery: () => ({ query: async () => { throw new Error('compiled code broke later'); } }), isCompiledQuery: () => true }],
    ] as const) {
      const errors: string[] = [];
      const app = createApp(t.directory.prisma, { compiledQueries: { compiler: compiler as never, log: { error: (m) => void errors.push(m) }, limits: { compileMsPerSecond: Infinity } } });
      for (let i = 0; i < 3; i++) expect((await ask(app, body)).text, what).toBe(expected.text);
      expect(errors, what).toHaveLength(1);
      expect(errors[0], what).toMatch(/graphql-jit failed .*; graphql-js answers it/);
    }
  });
});
