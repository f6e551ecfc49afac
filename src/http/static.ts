// A file as meibo serves it from memory: its bytes, gzipped once, with a strong ETag; and the
// answer to one GET or HEAD of it (304 for a matching If-None-Match, gzip when accepted).
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface StaticFile {
  body: Buffer;
  gzip: Buffer | null;
  etag: string;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(name: string): string {
  return TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

export function staticFile(body: Buffer | string, name: string): StaticFile {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const type = contentTypeOf(name);
  const compressible = /^(text\/|application\/json|image\/svg)/.test(type) && bytes.length > 1024;
  return {
    body: bytes,
    gzip: compressible ? gzipSync(bytes) : null,
    etag: `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`,
    type,
  };
}

export function sendStatic(req: IncomingMessage, res: ServerResponse, file: StaticFile, headers: Record<string, string>): void {
  res.setHeader('content-type', file.type);
  res.setHeader('etag', file.etag);
  res.setHeader('x-content-type-options', 'nosniff');
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (file.gzip) res.setHeader('vary', 'accept-encoding');
  const match = req.headers['if-none-match'];
  if (match && match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === file.etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  const gzip = file.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) ? file.gzip : null;
  const body = gzip ?? file.body;
  if (gzip) res.setHeader('content-encoding', 'gzip');
  res.setHeader('content-length', body.length);
  res.statusCode = 200;
  res.end(req.method === 'HEAD' ? undefined : body);
}

export function sendText(req: IncomingMessage, res: ServerResponse, status: number, type: string, text: string): void {
  const body = Buffer.from(text);
  res.statusCode = status;
  res.setHeader('content-type', type);
  res.setHeader('content-length', body.length);
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  res.end(req.method === 'HEAD' ? undefined : body);
}
