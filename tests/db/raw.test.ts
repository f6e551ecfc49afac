// The list in force is read through the driver adapter directly (src/db/raw.ts), not Prisma's
// $queryRaw: the rows must be the very rows $queryRaw gives, value for value and type for type,
// on both engines — and the direct path must really be the one taken.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.js';
import { onDirectStatement, queryRows, statementShape } from '../../src/db/raw.js';
import { ENGINES, openTestDirectory, type TestDirectory } from '../support/harness.js';

describe.each(ENGINES)('direct statements (%s)', (engine) => {
  let t: TestDirectory;
  beforeAll(async () => {
    t = await openTestDirectory(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  // every kind of column and argument the read layer sends this way: int, text, an enum as text,
  // boolean, date (null and not), a null argument, an int array
  const statement = (bodies: number[], knownAt: string | null) => Prisma.sql`
    SELECT s.id, s.clause, s.role::text AS role, s.valid_from, s.valid_to, s.basis, r.content_known, r.decided_on, r.in_force_from
    FROM seat s JOIN revision r ON r.id = s.revision_id
    WHERE s.body_id = ANY(${bodies}::int[]) AND (${knownAt}::date IS NULL OR r.decided_on <= ${knownAt}::date)
    ORDER BY s.id`;

  it('gives the rows $queryRaw gives, as the same types', async () => {
    const seen: string[] = [];
    onDirectStatement(t.directory.prisma, (sql) => seen.push(sql));
    for (const knownAt of [null, '2025-06-26']) {
      const query = statement([1, 2, 3, 4], knownAt);
      const viaPrisma = await t.directory.prisma.$queryRaw<Array<Record<string, unknown>>>(query);
      const direct = await queryRows<Record<string, unknown>>(t.directory.prisma, query);
      expect(viaPrisma.length).toBeGreaterThan(50);
      expect(direct).toEqual(viaPrisma);
      if (knownAt === null) expect(direct.some((r) => r.valid_to === null) && direct.some((r) => r.valid_to instanceof Date)).toBe(true);
      expect(direct[0].decided_on).toBeInstanceOf(Date);
    }
    // taken directly, not through $queryRaw
    expect(seen).toHaveLength(2);
  });

  it('runs a statement built once (statementShape) with the rows of the same statement composed anew, and the same text every time', async () => {
    const shape = statementShape<{ bodies: number[]; knownAt: string | null }>((p) => statement(p.bodies, p.knownAt));
    const texts = new Set<string>();
    for (const [bodies, knownAt] of [[[1, 2], null], [[3, 4], '2025-06-26'], [[1, 2, 3, 4], '2025-06-26']] as const) {
      const bound = shape.bind({ bodies: [...bodies], knownAt });
      texts.add(bound.text);
      expect(bound).toEqual({ text: statement([...bodies], knownAt).text, values: statement([...bodies], knownAt).values });
      expect(await queryRows(t.directory.prisma, bound)).toEqual(await t.directory.prisma.$queryRaw(statement([...bodies], knownAt)));
    }
    expect(texts.size).toBe(1);
    // a value written into the text rather than a parameter would be frozen in it: refused
    expect(() => statementShape<{ bodies: number[] }>((p) => Prisma.sql`SELECT ${p.bodies}::int[] AS b, ${1}::int AS n`)).toThrow(/every value/);
  });

  it('refuses a column it does not convert, rather than answer it unconverted', async () => {
    await expect(queryRows(t.directory.prisma, Prisma.sql`SELECT 1::bigint AS n`)).rejects.toThrow(/column type/);
  });
});
