// The request body limit (src/http/body-limit.ts) over a real node:http server: a body over 1 MiB is
// refused with Yoga's 413 whether it says its length up front or comes in chunks, and a body
// within the limit is answered either way.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { MAX_REQUEST_BODY_BYTES } from '../src/http/body-limit.js';
import { openTestDirectory, type TestDirectory } from './support/harness.js';

const CHAIR = '{ chair(body: "secretariat", asOf: "2025-07-01") { post { title } } }';

describe('request body limit', () => {
  let t: TestDirectory;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    t = await openTestDirectory('pglite');
    server = createServer(createApp(t.directory.prisma));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server?.close();
    await t?.close();
  });

  /** POSTs `chunks` (chunked unless `contentLength` is given); resolves with the answer as soon as it comes. */
  function post(chunks: string[], contentLength?: number): Promise<{ status: number; body: { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> } }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (contentLength !== undefined) headers['content-length'] = String(contentLength);
      const req = request({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode!, body: JSON.parse(text) });
        });
      });
      // The server may answer, and close, before it has read all we send.
      req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e)));
      for (const chunk of chunks) req.write(chunk);
      const sent = chunks.reduce((n, c) => n + Buffer.byteLength(c), 0);
      if (contentLength === undefined || sent === contentLength) req.end();
    });
  }

  // A valid request padded with spaces, `size` bytes in all.
  const padded = (size: number) => {
    const json = JSON.stringify({ query: CHAIR });
    return `${json.slice(0, -1)}${' '.repeat(size - json.length)}}`;
  };

  it('refuses a Content-Length over the limit with 413 REQUEST_ENTITY_TOO_LARGE, without waiting for the body', async () => {
    // Only the first 10 bytes are ever sent: the answer must not wait for the other 2 MiB.
    const r = await post(['{"query":"'], 2 * MAX_REQUEST_BODY_BYTES);
    expect(r.status).toBe(413);
    expect(r.body.errors?.[0]).toMatchObject({ message: 'Request body too large', extensions: { code: 'REQUEST_ENTITY_TOO_LARGE' } });
    expect(JSON.stringify(r.body)).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('counts a chunked body as it comes: over the limit 413, within it answered', async () => {
    const big = padded(MAX_REQUEST_BODY_BYTES + 1);
    const over = await post([big.slice(0, 500_000), big.slice(500_000)]);
    expect(over.status).toBe(413);
    expect(over.body.errors?.[0].extensions?.code).toBe('REQUEST_ENTITY_TOO_LARGE');

    const within = padded(MAX_REQUEST_BODY_BYTES);
    const ok = await post([within.slice(0, 500_000), within.slice(500_000)]);
    expect(ok.status).toBe(200);
    expect(ok.body.data).toMatchObject({ chair: { post: { title: expect.any(String) } } });
  });

  it('answers a body of exactly the limit that says its length', async () => {
    const body = padded(MAX_REQUEST_BODY_BYTES);
    const r = await post([body], Buffer.byteLength(body));
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ chair: { post: { title: expect.any(String) } } });
  });
});
