// A start and a dashboard's questions run without Prisma's engine: their statements go to the
// driver adapter (src/db/raw.ts), so Prisma's query compiler (a 3.4 MB wasm module) is loaded only
// by the first request that needs Prisma itself. Seen by the import of the compiler's module, which
// the generated client makes when its engine starts.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createResponseCache } from '../../src/cache.js';
import { BODIES, UNITS } from '../../src/read/rows.js';
import { openTestDirectory, type TestDirectory } from '../support/harness.js';

const compiler = vi.hoisted(() => ({ imports: 0 }));
vi.mock('@prisma/client/runtime/query_compiler_fast_bg.postgresql.mjs', async (original) => {
  compiler.imports += 1;
  return original();
});

describe("a start and the dashboard questions without Prisma's engine (embedded)", () => {
  let t: TestDirectory;
  beforeAll(async () => {
    // opened as the server opens it: pending migrations and the seed checked
    t = await openTestDirectory('pglite');
  });
  afterAll(() => t?.close());

  it('opens the database, reads the data version and its days, and answers the chair and the member list', async () => {
    const cache = createResponseCache({ mode: 'memory', db: t.directory.prisma });
    await cache.ready();
    expect(cache.version()).toMatch(/^[^:]+:\d+$/);
    const prepared = cache.prepare({ query: '{ chair(body: "secretariat", asOf: "2025-07-01") { post { title } } }', authorized: false })!;
    await cache.lookup(prepared);
    const chair = await t.gql<{ chair: { post: { title: string } } }>('{ chair(body: "secretariat", asOf: "2025-07-01") { post { title organization { name } } validFrom source { revision { decidedOn } clause } } }');
    expect(chair.errors).toBeUndefined();
    expect(chair.data!.chair.post.title).toBe('内閣官房内閣審議官（国家サイバー統括室）');
    const members = await t.gql<{ members: unknown[] }>('{ members(body: "secretariat", asOf: "2025-07-01", knownAt: "2025-06-30") { role position post { title organization { name nameEn } } } }');
    expect(members.errors).toBeUndefined();
    expect(members.data!.members).toHaveLength(39);
    await cache.close();
    expect(compiler.imports).toBe(0);
    // the first question that needs Prisma starts it (this test's spy sees it)
    expect(await t.directory.prisma.post.count()).toBeGreaterThan(0);
    expect(compiler.imports).toBe(1);
  });

  it("reads bodies and units as Prisma's findMany gives them", async () => {
    const { queryRows } = await import('../../src/db/raw.js');
    expect(await queryRows(t.directory.prisma, BODIES)).toEqual(await t.directory.prisma.body.findMany({ orderBy: { position: 'asc' } }));
    expect(await queryRows(t.directory.prisma, UNITS)).toEqual(await t.directory.prisma.unit.findMany({ orderBy: { id: 'asc' } }));
  });
});
