// A query whose client has gone starts no further statement, on either engine: the client goes
// right after the request's first statement, and the statements counted stop there. (Two guards
// hold this: Yoga's executor resolves no further field once request.signal aborts, and the
// adapters start no statement for a stopped request — src/http/deadline.ts sets the deadline,
// src/db/deadline.ts carries it to them — e.g. a DataLoader batch already scheduled. The
// statement already running is cancelled on PostgreSQL: tests/faults/postgres.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { onDirectStatement } from '../../src/db/raw.js';
import { ENGINES, openTestDirectory, type TestDirectory } from '../support/harness.js';

// statements in sequence, each waiting for the one before: the revision in force, its listings,
// their posts, then the posts' organizations
const MEMBERS = `{ members(body: "deputy-director-meeting", asOf: "2025-07-01") { position post { title organization { name } } } }`;

describe.each(ENGINES)('a query whose client goes away (%s)', (engine) => {
  let t: TestDirectory;
  beforeAll(async () => {
    t = await openTestDirectory(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  const ask = (yoga: ReturnType<typeof createApp>, signal?: AbortSignal) =>
    Promise.resolve(yoga.fetch(new Request('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: MEMBERS }),
      signal,
    })));

  it('runs no statement after the client has gone', async () => {
    const yoga = createApp(t.directory.prisma);
    t.sql.length = 0;
    const answered = (await (await ask(yoga)).json()) as { data?: { members: unknown[] } };
    expect(answered.data?.members.length).toBeGreaterThan(0);
    const whole = t.sql.length;
    expect(whole).toBeGreaterThan(1);

    // The client goes as soon as the first statement has answered (Prisma's query event, or the
    // read layer's direct statement's: src/db/raw.ts).
    const controller = new AbortController();
    const prisma = t.directory.prisma as unknown as { $on(e: 'query', cb: () => void): void };
    prisma.$on('query', () => controller.abort());
    onDirectStatement(t.directory.prisma, () => controller.abort());
    t.sql.length = 0;
    await ask(yoga, controller.signal).catch(() => {});
    // let anything still queued run, were it going to
    await new Promise((r) => setTimeout(r, 200));
    expect(controller.signal.aborted).toBe(true);
    expect(t.sql.length).toBeLessThan(whole);
  });
});
