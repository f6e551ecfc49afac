// meibo's page at `GET /`: the files Vite built into web/dist (index.html and content-hashed
// /assets/*), and GraphiQL's files under /graphiql/, all from this process — nothing from another
// host. Mounted in front of Yoga (src/server.ts); every other request goes on to `next`.
// Given the GraphQL app, `/` comes with the roster already rendered (web/src/ssr.tsx, built into
// web/dist/ssr/), so that it reads without JavaScript.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { YogaServerInstance } from 'graphql-yoga';
import { REQUEST_ID_HEADER, type Logger } from '../log.js';
import { executeThrough } from './export.js';
import { GRAPHIQL_PREFIX, graphiqlAssets } from './graphiql.js';
import { sendStatic, sendText, staticFile, type StaticFile } from './static.js';

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

export const DEFAULT_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Hashed names never change content: cached for a year, never revalidated. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The page itself names the current hashes: always revalidated (a 304 while unchanged). */
const REVALIDATE = 'no-cache';
/**
 * The page may load and connect only to meibo itself; the browser enforces what the tests check.
 * Inline styles set through the DOM (the timeline's bar positions) are not inline style attributes.
 */
export const PAGE_CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** A file name under assets/ as Vite writes them: no slash, no dot-dot, no escapes. */
const ASSET_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export interface PageOptions {
  /** where the built page is (default web/dist) */
  dist?: string;
  /** the GraphQL app the server-rendered page reads through (none: the page as built, drawn by the browser) */
  app?: Pick<YogaServerInstance<any, any>, 'fetch'>;
  /** where a page that could not be rendered on the server is reported (it is then served as built) */
  log?: Logger;
}

/** What web/src/ssr.tsx exports, as built into web/dist/ssr/ssr.js. */
interface ServerRenderer {
  renderPage(search: string, execute: ReturnType<typeof executeThrough>): Promise<{ html: string; title: string; initial: unknown }>;
}

/** The part of index.html the server's markup replaces (web/index.html marks it). */
const APP_PART = /<!--app-->[\s\S]*?<!--\/app--><\/div>/;

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON that is safe inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

export function withPage(next: NodeHandler, options: PageOptions = {}): NodeHandler {
  const dist = options.dist ?? DEFAULT_DIST;
  const assets = new Map<string, StaticFile>();
  let index: { mtimeMs: number; file: StaticFile } | undefined;

  const readIndex = (): StaticFile | null => {
    const path = join(dist, 'index.html');
    let mtimeMs: number;
    try {
      mtimeMs = statSync(path).mtimeMs;
    } catch {
      return null;
    }
    // a rebuild while the server runs is picked up (its assets have new names)
    if (index?.mtimeMs !== mtimeMs) index = { mtimeMs, file: staticFile(readFileSync(path), 'index.html') };
    return index.file;
  };

  const readAsset = (name: string): StaticFile | null => {
    if (!ASSET_NAME.test(name) || name.includes('..')) return null;
    const cached = assets.get(name);
    if (cached) return cached;
    let names: string[];
    try {
      names = readdirSync(join(dist, 'assets'));
    } catch {
      return null;
    }
    // only a name the directory lists is ever joined to a path
    if (!names.includes(name)) return null;
    const file = staticFile(readFileSync(join(dist, 'assets', name)), name);
    assets.set(name, file);
    return file;
  };

  let renderer: Promise<ServerRenderer> | undefined;
  const reported = new Set<string>();
  const loadRenderer = () => {
    renderer ??= import(pathToFileURL(join(dist, 'ssr', 'ssr.js')).href).catch((error: unknown) => {
      renderer = undefined; // tried again on the next request: a build may have come meanwhile
      throw error;
    });
    return renderer;
  };

  /** index.html with the page for `search` rendered into it, and the data it was rendered from. */
  const renderIndex = async (file: StaticFile, search: string, requestId: string | undefined): Promise<StaticFile> => {
    const index = file.body.toString();
    if (!options.app || !APP_PART.test(index)) return file;
    const { renderPage } = await loadRenderer();
    const page = await renderPage(search, executeThrough(options.app, requestId));
    const html = index
      .replace(/<title>[^<]*<\/title>/, () => `<title>${escapeHtml(page.title)}</title>`)
      .replace(APP_PART, () => `${page.html}</div>\n    <script type="application/json" id="meibo-initial">${scriptJson(page.initial)}</script>`);
    return staticFile(html, 'index.html');
  };

  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next(req, res);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);

    if (path === '/' || path === '/index.html') {
      const file = readIndex();
      if (!file) {
        return sendText(req, res, 503, 'text/html; charset=utf-8', MISSING_BUILD);
      }
      const headers = { 'cache-control': REVALIDATE, 'content-security-policy': PAGE_CSP, 'referrer-policy': 'no-referrer' };
      renderIndex(file, q === -1 ? '' : url.slice(q), req.headers[REQUEST_ID_HEADER] as string | undefined).then(
        (page) => sendStatic(req, res, page, headers),
        (error: unknown) => {
          // the browser still draws the page from the API; one line per reason, not one per request
          const reason = error instanceof Error ? error.message : String(error);
          if (!reported.has(reason) && reported.size < 20) {
            reported.add(reason);
            options.log?.warn({ err: error }, 'the page could not be rendered on the server; served as built (logged once)');
          }
          sendStatic(req, res, file, headers);
        },
      );
      return;
    }
    if (path.startsWith('/assets/')) {
      const file = readAsset(path.slice('/assets/'.length));
      if (!file) return sendText(req, res, 404, 'text/plain; charset=utf-8', `Not found: ${path.slice(0, 80)}\n`);
      return sendStatic(req, res, file, { 'cache-control': IMMUTABLE });
    }
    if (path.startsWith(GRAPHIQL_PREFIX)) {
      const name = path.slice(GRAPHIQL_PREFIX.length);
      graphiqlAssets().then(
        (a) => {
          const file = a.files.get(name);
          if (!file) return sendText(req, res, 404, 'text/plain; charset=utf-8', `Not found: ${path.slice(0, 80)}\n`);
          sendStatic(req, res, file, { 'cache-control': IMMUTABLE });
        },
        () => sendText(req, res, 500, 'text/plain; charset=utf-8', 'GraphiQL is not installed (@graphql-yoga/render-graphiql).\n'),
      );
      return;
    }
    return next(req, res);
  };
}

const MISSING_BUILD = `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>meibo: the page is not built</title></head>
<body style="font-family: 'Noto Sans CJK JP', 'Hiragino Sans', 'Yu Gothic', sans-serif; margin: 2rem">
<h1>meibo 名簿</h1>
<p>ページがまだビルドされていません。 The page has not been built (no <code>web/dist/index.html</code>).</p>
<p>Build it with <code>npm run build:web</code> (<code>npm ci</code> does it), then reload.
The GraphQL API works without it: <a href="/graphql">/graphql</a>.</p>
</body></html>
`;
