// Any day at cache speed (issue 17): every day inside one interval between days on which something
// takes effect has the same answer, so a dashboard's time slider finds a day it never asked in the
// cache — unless the answer could echo the day, which is then keyed exactly. Counted in SQL
// statements, on both engines; and the schema's Date arguments are all accounted for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getNamedType, isInterfaceType, isObjectType, parse, visit } from 'graphql';
import { walkDocument } from '../src/cache/walk.js';
import { createApp } from '../src/app.js';
import { createResponseCache, type ResponseCache } from '../src/cache.js';
import { EXACT_DATE_ARGS, INTERVAL_ARGS, dayTemplate, intervalOf } from '../src/cache/days.js';
import { NOTHING_DECIDED, decisionStep } from '../src/read/decisions.js';
import { schema } from '../src/schema/index.js';
import { issueToken, parseTokens } from '../src/auth.js';
import { ENGINES, openTestDirectory, type TestDirectory } from './support/harness.js';
import { EXAMPLE_AMENDMENT, RECORD } from './support/gql.js';

const MEMBERS = `query($d: Date!) { members(body: "secretariat", asOf: $d) { id position post { title } seat { id validFrom validTo } } }`;
const editor = issueToken('days');

describe('days in cache keys, pure', () => {
  it('takes interval days out of literals and variables, each with its axis, and keeps echoing documents exact', () => {
    const t = dayTemplate(`{ a: members(body:"secretariat", asOf:"令和7年7月1日") { id } b: chair(body:"secretariat", asOf:$d, knownAt:"2025-06-26") { id } }`, { d: 'R7.7.2' });
    expect(t?.days).toEqual(['2025-07-01', '2025-06-26', '2025-07-02']);
    expect(t?.axes).toBe('vkv');
    expect(t?.query).not.toContain('2025-06-26');
    expect(dayTemplate(`{ membershipDiff(body:"secretariat", from:"2025-06-30", to:"2025-07-01") { from unchanged } }`, null)).toBeNull();
    expect(dayTemplate(`query($d: Date!) { a: members(body:"x", asOf:$d) { id } b: body(code:"x", knownAt:$d) { code } }`, { d: '2025-07-01' })).toBeNull();
    expect(dayTemplate(`{ members(body:"secretariat", asOf:"tomorrow") { id } }`, null)).toBeNull();
    expect([intervalOf(['2024-03-25', '2025-07-01'], '2024-03-24'), intervalOf(['2024-03-25', '2025-07-01'], '2024-03-25'), intervalOf(['2024-03-25', '2025-07-01'], '2025-06-30'), intervalOf(['2024-03-25', '2025-07-01'], '2025-07-01')]).toEqual([0, 1, 1, 2]);
  });

  it('names the decision an answer stands on: the last decision day on or before knownAt, or nothing decided before the first', () => {
    const days = ['2015-02-13', '2024-03-25', '2025-06-27'] as never[];
    expect(['2015-02-12', '2015-02-13', '2025-06-26', '2025-06-27', '2199-12-31'].map((k) => decisionStep(days, k as never)))
      .toEqual([NOTHING_DECIDED, '2015-02-13', '2024-03-25', '2025-06-27', '2025-06-27']);
    // never a day after the one asked
    expect(decisionStep(days, '1900-01-01' as never) <= '1900-01-01').toBe(true);
    expect(decisionStep([], '2025-01-01' as never)).toBe(NOTHING_DECIDED);
  });

  it('walks every field, argument and variable graphql-js visits, in fragments, directives and nested values too', () => {
    const document = parse(`
      query Q($d: Date!, $k: Date = "2025-06-26" @x(a: 1), $n: Int) @op(at: $d) {
        members(body: "secretariat", asOf: $d, knownAt: $k) @include(if: $n) { id ...F ... on Listing @skip(if: $n) { to: validTo from: post { title(x: [$d, { y: $k }]) } } }
        membershipDiff(body: "x", from: "2025-06-30", to: $d) { from }
      }
      fragment F on Listing @frag(z: $n) { post { seats(asOf: $d) { id } } }`, { noLocation: true });
    const seen = (walk: 'graphql' | 'ours') => {
      const out: string[] = [];
      if (walk === 'graphql') {
        visit(document, {
          Field: (f) => void out.push(`field ${f.name.value}`),
          Argument: (a) => void out.push(`argument ${a.name.value}`),
          // a variable definition's own name is not a use
          Variable: (v, key) => void (key !== 'variable' && out.push(`variable ${v.name.value}`)),
          VariableDefinition: (d) => void out.push(`definition ${d.variable.name.value}`),
        });
      } else {
        walkDocument(document, {
          field: (f) => void out.push(`field ${f.name.value}`),
          argument: (a) => void out.push(`argument ${a.name.value}`),
          variable: (v) => void out.push(`variable ${v.name.value}`),
          variableDefinition: (d) => void out.push(`definition ${d.variable.name.value}`),
        });
      }
      return out.sort();
    };
    expect(seen('ours')).toEqual(seen('graphql'));
    expect(seen('ours').filter((x) => x.startsWith('variable')).length).toBe(10);
  });

  it('accounts for every Date argument of the schema: shared by interval, or exact', () => {
    const named: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) && !isInterfaceType(type)) continue;
      for (const field of Object.values(type.getFields())) {
        for (const arg of field.args) if (getNamedType(arg.type).name === 'Date') named.push(arg.name);
      }
    }
    expect(named.length).toBeGreaterThan(5);
    for (const name of named) expect(INTERVAL_ARGS.has(name) || EXACT_DATE_ARGS.has(name), name).toBe(true);
  });
});

describe.each(ENGINES)('days in cache keys on %s', (engine) => {
  let t: TestDirectory;
  let cache: ResponseCache;
  let yoga: ReturnType<typeof createApp>;
  beforeAll(async () => {
    t = await openTestDirectory(engine, { tokens: parseTokens(editor.entry) });
    cache = createResponseCache({ mode: 'memory', db: t.directory.prisma, log: { info() {}, warn() {}, error() {} } });
    await cache.ready();
    yoga = createApp(t.directory.prisma, { plugins: [cache.plugin], tokens: parseTokens(editor.entry), afterWrite: () => cache.refresh() });
  });
  afterAll(async () => {
    await cache?.close();
    await t?.close();
  });

  const ask = async (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    const before = t.sql.length;
    const response = await yoga.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
    const body = await response.json();
    return { ...body, statements: t.sql.length - before } as { data?: any; errors?: any[]; statements: number };
  };

  it('answers a new day inside a known interval from the cache, exactly as computed', async () => {
    const first = await ask(MEMBERS, { d: '2025-08-01' });
    expect(first.errors).toBeUndefined();
    expect(first.statements).toBeGreaterThan(0);
    // 30 other days of the same interval: no SQL, and the same answer the server computes uncached
    for (let day = 2; day <= 30; day++) {
      const d = `2025-08-${String(day).padStart(2, '0')}`;
      const r = await ask(MEMBERS, { d });
      expect(r.statements, d).toBe(0);
      expect(r.data).toEqual(first.data);
    }
    const fresh = await ask(MEMBERS, { d: '2025-08-15' }, { authorization: `Bearer ${editor.token}` });
    expect(fresh.statements).toBeGreaterThan(0);
    expect(fresh.data).toEqual(first.data);
    // the day before the interval is another answer
    const before = await ask(MEMBERS, { d: '2025-06-30' });
    expect(before.statements).toBeGreaterThan(0);
    expect(before.data).not.toEqual(first.data);
  });

  it('keys days exactly where the answer echoes them; a day that is data is shared like any other', async () => {
    const diff = (from: string) => ask(`{ membershipDiff(body:"secretariat", from:"${from}", to:"2025-08-01") { from unchanged } }`);
    const a = await diff('2025-07-02');
    const b = await diff('2025-07-03');
    expect([a.data.membershipDiff.from, b.data.membershipDiff.from]).toEqual(['2025-07-02', '2025-07-03']);
    expect(b.statements).toBeGreaterThan(0);
    // Seat.listing(asOf) answers the listing in force, whose validFrom may be the day asked: data,
    // the same for every day of the interval, so the next day is a hit with the same answer
    const q = `query($d: Date!) { chair(body:"secretariat", asOf:$d) { seat { listing(asOf:$d) { validFrom } } } }`;
    const onStart = await ask(q, { d: '2025-07-01' });
    expect(onStart.data.chair.seat.listing.validFrom).toBe('2025-07-01');
    const next = await ask(q, { d: '2025-07-05' });
    expect(next.statements).toBe(0);
    expect(next.data).toEqual(onStart.data);
    const uncached = await ask(q, { d: '2025-07-05' }, { authorization: `Bearer ${editor.token}` });
    expect(uncached.data).toEqual(onStart.data);
  });

  it('answers a new knownAt inside a known decision interval from the cache, exactly as computed; a decision day starts another', async () => {
    const KNOWN = `query($d: Date!, $k: Date) { members(body: "secretariat", asOf: $d, knownAt: $k) { id position post { title } seat { id validFrom validTo } } }`;
    const plusDays = (day: string, n: number) => new Date(Date.parse(day) + n * 86_400_000).toISOString().slice(0, 10);
    const decided = [...new Set((await t.directory.prisma.revision.findMany({ select: { decidedOn: true } })).map((r) => r.decidedOn.toISOString().slice(0, 10)))].sort();
    // the latest interval between two decisions, at least 4 days long, in which the list is known
    let from: string | undefined;
    let until: string | undefined;
    for (let i = decided.length - 2; i >= 0 && !from; i--) {
      if (plusDays(decided[i], 4) > decided[i + 1]) continue;
      const probe = await ask(KNOWN, { d: decided[i], k: decided[i] }, { authorization: `Bearer ${editor.token}` });
      if (!probe.errors) [from, until] = [decided[i], decided[i + 1]];
    }
    expect(from, `decisions: ${decided.join(' ')}`).toBeDefined();
    const asOf = from!;
    const first = await ask(KNOWN, { d: asOf, k: from });
    expect(first.errors).toBeUndefined();
    expect(first.statements).toBeGreaterThan(0);
    for (let k = plusDays(from!, 1); k < until!; k = plusDays(k, 1)) {
      const r = await ask(KNOWN, { d: asOf, k });
      expect(r.statements, k).toBe(0);
      expect(r.data, k).toEqual(first.data);
      const uncached = await ask(KNOWN, { d: asOf, k }, { authorization: `Bearer ${editor.token}` });
      expect(r.data, k).toEqual(uncached.data);
    }
    // the day of the next decision is another interval: computed, and as computed uncached
    const next = await ask(KNOWN, { d: asOf, k: until });
    expect(next.statements).toBeGreaterThan(0);
    expect(next.data).toEqual((await ask(KNOWN, { d: asOf, k: until }, { authorization: `Bearer ${editor.token}` })).data);
    // the answer names the decision it stands on, not the day asked: ids and Coverage.checkedOn
    const local = (id: string) => Buffer.from(id, 'base64').toString();
    expect(local(first.data.members[0].id)).toMatch(new RegExp(`^Listing:\\d+@${from}$`));
    const checked = `query($k: Date) { body(code: "secretariat", knownAt: $k) { id coverage { checkedOn } } }`;
    const a = await ask(checked, { k: plusDays(from!, 1) });
    const b = await ask(checked, { k: plusDays(from!, 2) });
    expect(a.data.body.coverage.checkedOn <= from!).toBe(true);
    expect(local(a.data.body.id)).toMatch(new RegExp(`^Body:\\d+@${from}$`));
    expect(b.statements).toBe(0);
    expect(b.data).toEqual(a.data);
    expect(b.data).toEqual((await ask(checked, { k: plusDays(from!, 2) }, { authorization: `Bearer ${editor.token}` })).data);
  });

  it('never stores an answer about the schema (introspection), wherever the document asks for it', async () => {
    const exposed = createResponseCache({ mode: 'memory', db: t.directory.prisma, exposeCacheStatus: true, log: { info() {}, warn() {}, error() {} } });
    await exposed.ready();
    const app = createApp(t.directory.prisma, { plugins: [exposed.plugin] });
    const status = async (query: string) => {
      const r = await app.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ query }) });
      const body = await r.json();
      expect(body.errors).toBeUndefined();
      return body.extensions.responseCache.didCache as boolean;
    };
    try {
      expect(await status('{ __typename bodies { code } }')).toBe(true);
      expect(await status('{ __schema { queryType { name } } }')).toBe(false);
      expect(await status('{ bodies { code } ...F } fragment F on Query { __type(name: "Body") { name } }')).toBe(false);
      expect(await status('{ bodies { code ... on Body @include(if: true) { x: __typename } } a: __type(name: "Seat") { name } }')).toBe(false);
    } finally {
      await exposed.close();
    }
  });

  it('moves the intervals with a write: a new revision splits one, and no day answers from before it', async () => {
    const eve = await ask(MEMBERS, { d: '2027-03-31' });
    expect((await ask(MEMBERS, { d: '2027-04-02' })).statements).toBe(0);
    const recorded = await ask(RECORD, { input: EXAMPLE_AMENDMENT }, { authorization: `Bearer ${editor.token}` });
    expect(recorded.errors).toBeUndefined();
    const after = await ask(MEMBERS, { d: '2027-04-02' });
    expect(after.statements).toBeGreaterThan(0);
    expect(after.data.members.length).toBe(eve.data.members.length + 1);
    expect((await ask(MEMBERS, { d: '2027-04-20' })).statements).toBe(0);
    const stillEve = await ask(MEMBERS, { d: '2027-03-30' });
    expect(stillEve.data).toEqual(eve.data);
  });
});
