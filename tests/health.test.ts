// /health and /ready in process: /ready is 503 while the database does not answer, and while the
// server drains; /health stays 200 (the process is alive). A query or a write meanwhile is
// answered HTTP 503 SERVICE_UNAVAILABLE, retriable, never 200 "Unexpected error.".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { issueToken, parseTokens } from '../src/auth.js';
import { createPrismaClient, type DbClient } from '../src/db/client.js';
import { useDatabaseReadiness } from '../src/http/health.js';
import { openTestDirectory, type TestDirectory } from './support/harness.js';

describe('readiness', () => {
  let t: TestDirectory;
  let unreachable: DbClient;
  beforeAll(async () => {
    t = await openTestDirectory('pglite');
    // Nothing listens on port 1.
    unreachable = createPrismaClient({ kind: 'postgres', url: 'postgresql://postgres@127.0.0.1:1/test', schema: 'public' });
  });
  afterAll(async () => {
    await unreachable?.close();
    await t?.close();
  });

  it('is ready while the database answers, and not while draining', async () => {
    let draining = false;
    const yoga = createApp(t.directory.prisma, { plugins: [useDatabaseReadiness({ db: t.directory.prisma, draining: () => draining })] });
    expect((await yoga.fetch('http://yoga/health')).status).toBe(200);
    expect((await yoga.fetch('http://yoga/ready')).status).toBe(200);
    draining = true;
    expect((await yoga.fetch('http://yoga/ready')).status).toBe(503);
    expect((await yoga.fetch('http://yoga/health')).status).toBe(200);
  });

  it('answers 503, without details, when the database is unreachable', async () => {
    const yoga = createApp(unreachable.prisma, { plugins: [useDatabaseReadiness({ db: unreachable.prisma, timeoutMs: 3_000 })] });
    const started = Date.now();
    const response = await yoga.fetch('http://yoga/ready');
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await yoga.fetch('http://yoga/health')).status).toBe(200);
  });

  it('answers a query or a write on an unreachable database with 503 SERVICE_UNAVAILABLE, retriable', async () => {
    const editor = issueToken('health-test');
    const yoga = createApp(unreachable.prisma, { tokens: parseTokens(editor.entry) });
    const post = async (query: string, variables: Record<string, unknown> = {}) => {
      const response = await yoga.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${editor.token}` },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } };
    };
    const write = {
      instrument: 'designated-posts', title: 'outage', decidedOn: '2026-11-26', effectiveOn: '2027-04-01',
      changes: [{ kind: 'REMOVE', body: 'secretariat', post: '内閣官房内閣審議官（国家サイバー統括室）' }],
    };
    for (const seen of [
      await post('{ chair(body: "secretariat", asOf: "2025-07-01") { post { title } } }'),
      await post('{ bodies { code } }'),
      await post('mutation($input: AmendmentInput!) { recordAmendment(input: $input) { sequence } }', { input: write }),
    ]) {
      expect(seen.status, JSON.stringify(seen.body)).toBe(503);
      expect(seen.retryAfter).toBe('5');
      expect(seen.body.errors?.length).toBeGreaterThan(0);
      for (const error of seen.body.errors!) {
        expect(error.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
        // Yoga takes the status from extensions.http and leaves it out of the body
        expect(error.extensions).not.toHaveProperty('http');
        expect(error.message).not.toMatch(/Unexpected error|127\.0\.0\.1/);
      }
    }
  });
});
