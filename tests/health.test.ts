// /health and /ready in process: /ready is 503 while the database does not answer, and while the
// server drains; /health stays 200 (the process is alive).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createPrismaClient, type DbClient } from '../src/db/client.js';
import { useDatabaseReadiness } from '../src/health.js';
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
});
