// The bits the floor and ceiling servers share: read a POST /graphql body, answer JSON, listen on
// a free loopback port and say so on stdout.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Serves `answer(query)` for POST /graphql on 127.0.0.1, port PORT (0 = any free one). */
export function serveGraphqlLike(name: string, answer: (query: string) => Promise<string | null> | string | null, onClose?: () => Promise<void>) {
  const server = createServer(async (req, res) => {
    try {
      if (req.method !== 'POST' || req.url !== '/graphql') return sendJson(res, 404, '{"error":"POST /graphql only"}');
      const { query } = JSON.parse(await readBody(req)) as { query?: string };
      const body = query === undefined ? null : await answer(query);
      if (body === null) return sendJson(res, 400, '{"error":"unknown operation"}');
      sendJson(res, 200, body);
    } catch (e) {
      sendJson(res, 500, JSON.stringify({ error: String(e) }));
    }
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const a = server.address();
    console.log(`${name} ready on http://127.0.0.1:${typeof a === 'object' && a ? a.port : '?'}/graphql`);
  });
  const stop = async () => {
    server.closeIdleConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await onClose?.();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}
