// Bad input gets a clear error with a stable extensions.code; nothing else leaks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestDirectory, type TestDirectory } from '../support/harness.js';

describe.each(ENGINES)('errors on %s', (engine) => {
  let t: TestDirectory;
  beforeAll(async () => {
    t = await openTestDirectory(engine);
  });
  afterAll(() => t?.close());

  const codeOf = async (query: string, variables?: Record<string, unknown>) => {
    const r = await t.gql(query, variables);
    expect(r.errors, JSON.stringify(r)).toBeDefined();
    return { code: r.errors![0].extensions?.code, message: r.errors![0].message };
  };

  it.each(['2025-02-30', '令和0年1月1日', 'tomorrow', '2025-7-1', '平成31年5月1日', ''])(
    'rejects the date %j as BAD_USER_INPUT, as a variable and as a literal',
    async (d) => {
      const asVariable = await codeOf(`query($d: Date!) { chair(body: "secretariat", asOf: $d) { position } }`, { d });
      expect(asVariable.code).toBe('BAD_USER_INPUT');
      expect(asVariable.message).toContain(JSON.stringify(d));
      const asLiteral = await codeOf(`{ chair(body: "secretariat", asOf: ${JSON.stringify(d)}) { position } }`);
      expect(asLiteral.code).toBe('BAD_USER_INPUT');
    },
  );

  it('rejects a date of the wrong type', async () => {
    expect((await codeOf(`query($d: Date!) { chair(body: "secretariat", asOf: $d) { position } }`, { d: 20250701 })).code).toBe('BAD_USER_INPUT');
  });

  it.each([
    ['chair', `{ chair(body: "no-such-body", asOf: "2025-07-01") { position } }`],
    ['members', `{ members(body: "no-such-body", asOf: "2025-07-01") { position } }`],
    ['membershipDiff', `{ membershipDiff(body: "no-such-body", from: "2025-06-30", to: "2025-07-01") { unchanged } }`],
  ])('answers an unknown body code in %s with NOT_FOUND, listing the known codes', async (field, query) => {
    const e = await codeOf(query);
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toContain('deputy-director-meeting');
    expect((await t.gql(query)).errors![0].path).toEqual([field]);
  });

  it('answers body(code) for an unknown code with null, not an error', async () => {
    const r = await t.gql(`{ body(code: "no-such-body") { code } }`);
    expect(r).toMatchObject({ data: { body: null } });
    expect(r.errors).toBeUndefined();
  });

  it('refuses a day before the first known list, naming the covered range, on its own path', async () => {
    const e = await codeOf(`{ members(body: "deputy-director-meeting", asOf: "2024-03-24") { position } }`);
    expect(e.code).toBe('OUT_OF_COVERAGE');
    expect(e.message).toContain('2024-03-25');
    // the refusal is that field's: the answer is still there, with the field null
    const partial = await t.gql(`{ members(body: "deputy-director-meeting", asOf: "2024-03-24") { position } bodies { code } }`);
    expect(partial.data).toEqual({ members: null, bodies: expect.arrayContaining([{ code: 'deputy-director-meeting' }]) });
    expect(partial.errors!.map((x) => [x.path, x.extensions?.code])).toEqual([[['members'], 'OUT_OF_COVERAGE']]);
    const r = await t.gql(`{ chair(body: "advisor-liaison-meeting", asOf: "2016-06-08") { position } }`);
    expect(r.errors![0].extensions).toMatchObject({ code: 'OUT_OF_COVERAGE', covered: [{ from: '2016-06-09', to: null }] });
  });

  it('refuses any day for the promotion council, whose roster the sources do not give', async () => {
    for (const q of [
      `{ chair(body: "promotion-council", asOf: "2025-07-01") { position } }`,
      `{ body(code: "promotion-council") { members(asOf: "2025-07-01") { position } } }`,
    ]) {
      expect((await codeOf(q)).code).toBe('OUT_OF_COVERAGE');
    }
  });

  it('rejects an empty search', async () => {
    expect((await codeOf(`{ searchPosts(text: "  ") { title } }`)).code).toBe('BAD_USER_INPUT');
  });

  it('masks unexpected failures: no stack trace or SQL leaves the server', async () => {
    await t.directory.prisma.$executeRawUnsafe('ALTER TABLE seat RENAME TO seat_gone');
    try {
      const r = await t.gql(`{ members(body: "secretariat", asOf: "2025-07-01") { position } }`);
      expect(r.errors![0].message).toBe('Unexpected error.');
      expect(JSON.stringify(r)).not.toMatch(/seat_gone|stack|at \w+ \(|SELECT/i);
    } finally {
      await t.directory.prisma.$executeRawUnsafe('ALTER TABLE seat_gone RENAME TO seat');
    }
  });
});
