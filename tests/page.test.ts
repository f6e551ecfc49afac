// The page over HTTP (src/http/page.ts), as a browser gets it: `/` and its hashed assets with
// their content types and caching, nothing outside web/dist reachable, a clear message when the
// page is not built, every other request left to Yoga — and, in the real build, no URL of another
// host in any served HTML, JS or CSS (no CDN, no web font); `/` with the roster rendered on the
// server from the page's own GraphQL documents, read through the app.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { print } from '@0no-co/graphql.web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DIST, withPage, type PageOptions } from '../src/http/page.js';
import { createLogger } from '../src/log.js';
import { BODIES, ROSTER } from '../web/src/api.js';
import { openTestDirectory, type TestDirectory } from './support/harness.js';

/** A server with the page in front of a stand-in for Yoga that names what it got. */
async function serve(dist: string, options: Omit<PageOptions, 'dist'> = {}): Promise<{ url: string; server: Server }> {
  const server = createServer(withPage((req, res) => res.end(`yoga got ${req.method} ${req.url}`), { dist, ...options }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, server };
}

describe('serving a build', () => {
  let dir: string;
  let url: string;
  let server: Server;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meibo-page-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/index-AbC123.js"></script>');
    writeFileSync(join(dir, 'assets', 'index-AbC123.js'), `console.log(${JSON.stringify('名簿'.repeat(400))});`);
    writeFileSync(join(dir, 'assets', 'index-AbC123.css'), 'body{font-family:"Noto Sans CJK JP",sans-serif}');
    writeFileSync(join(dir, 'secret.txt'), 'outside assets/');
    ({ url, server } = await serve(dir));
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers / with the page, revalidated each time, locked to its own origin', async () => {
    const res = await fetch(`${url}/?view=roster&body=secretariat&asOf=令和7年7月1日`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await res.text()).toContain('/assets/index-AbC123.js');
    // a browser revalidating gets 304 while the page is unchanged
    const again = await fetch(`${url}/`, { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('serves hashed assets with their content types, cached for good, gzipped when asked', async () => {
    const js = await fetch(`${url}/assets/index-AbC123.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await js.text()).toContain('名簿');
    const css = await fetch(`${url}/assets/index-AbC123.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    // fetch() would inflate it: ask through node:http's raw bytes instead
    const raw = await rawGet(`${url}/assets/index-AbC123.js`, { 'accept-encoding': 'gzip' });
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(raw.body).toString()).toContain('名簿');
    const head = await fetch(`${url}/assets/index-AbC123.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('reaches nothing outside assets/: traversal, encoded or not, is a 404', async () => {
    for (const path of ['/assets/../secret.txt', '/assets/%2e%2e/secret.txt', '/assets/..%2fsecret.txt', '/assets/%2e%2e%2f%2e%2e%2fpackage.json', '/assets/', '/assets/.hidden', '/assets/nope.js']) {
      const raw = await rawGet(`${url}${path}`);
      expect(raw.status, path).toBe(404);
      expect(raw.body.toString(), path).not.toContain('outside assets/');
    }
  });

  it('leaves every other request to Yoga', async () => {
    expect(await (await fetch(`${url}/graphql?query=%7B__typename%7D`)).text()).toBe('yoga got GET /graphql?query=%7B__typename%7D');
    expect(await (await fetch(`${url}/`, { method: 'POST', body: '{}' })).text()).toBe('yoga got POST /');
    expect(await (await fetch(`${url}/health`)).text()).toBe('yoga got GET /health');
  });
});

it('says plainly when the page has not been built', async () => {
  const { url, server } = await serve(join(tmpdir(), 'meibo-no-such-build'));
  try {
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('npm run build:web');
    expect(text).toContain('/graphql');
  } finally {
    server.close();
  }
});

describe('the real build (web/dist, built by npm ci)', () => {
  let url: string;
  let server: Server;
  beforeAll(async () => {
    ({ url, server } = await serve(DEFAULT_DIST));
  });
  afterAll(() => server.close());

  it('is served, and nothing it serves names another host', async () => {
    const page = await fetch(`${url}/`);
    expect(page.status, 'web/dist is missing: run `npm run build:web` (npm ci does it)').toBe(200);
    const html = await page.text();
    expect(html).toContain('lang="ja"');
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    const assets = refs.filter((r) => r.startsWith('/assets/'));
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    // every reference is to meibo itself (or inline data)
    expect(refs.filter((r) => !r.startsWith('/') && !r.startsWith('data:'))).toEqual([]);
    const texts = [html];
    for (const asset of assets) {
      const res = await fetch(`${url}${asset}`);
      expect(res.status, asset).toBe(200);
      expect(res.headers.get('content-type'), asset).toBe(asset.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8');
      texts.push(await res.text());
    }
    // XML namespace names (Preact's SVG support) are identifiers, not places anything is loaded from
    const NAMESPACES = /^https?:\/\/www\.w3\.org\/(2000\/svg|1999\/xlink|1999\/xhtml|1998\/Math\/MathML|XML\/1998\/namespace)$/;
    const urls = texts.flatMap((t) => [...t.matchAll(/(?<![\w:])(?:https?:)?\/\/[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'`)<>]*/g)].map((m) => m[0]));
    expect(urls.filter((u) => !NAMESPACES.test(u))).toEqual([]);
    // the font stack is the system's CJK fonts, and no font file is fetched
    const css = texts.slice(1).join('\n');
    expect(css).toMatch(/Noto Sans CJK JP.*Hiragino Sans.*Yu Gothic.*sans-serif/s);
    expect(css).not.toMatch(/@font-face|@import|url\((?!["']?data:)/);
  });
});

describe('the roster rendered on the server (the real build, a seeded directory)', () => {
  let t: TestDirectory;
  let url: string;
  let server: Server;
  /** the documents the page sent to the app */
  const sent: string[] = [];
  const logged: string[] = [];
  let failing = false;
  beforeAll(async () => {
    t = await openTestDirectory('pglite');
    const app = {
      fetch: ((input: string, init: RequestInit) => {
        if (failing) return Promise.reject(new Error('the database is gone'));
        sent.push((JSON.parse(String(init.body)) as { query: string }).query);
        return t.yoga.fetch(input, init);
      }) as typeof t.yoga.fetch,
    };
    const log = createLogger('warn', { write: (line: string) => void logged.push(line) });
    ({ url, server } = await serve(DEFAULT_DIST, { app, log }));
  }, 60_000);
  afterAll(async () => {
    server?.close();
    await t?.close();
  });
  const initialOf = (html: string) => JSON.parse(/<script type="application\/json" id="meibo-initial">(.*?)<\/script>/s.exec(html)![1]!) as Record<string, any>;

  it('sends the roster as of the day in the URL, read with the page’s own documents', async () => {
    sent.length = 0;
    const res = await fetch(`${url}/?view=roster&body=secretariat&asOf=${encodeURIComponent('令和7年7月1日')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).toContain('<title>meibo 名簿 — 名簿｜サイバーセキュリティ対策推進会議幹事会</title>');
    expect(html).not.toContain('Loading…');
    const chair = /<table class="seats" data-role="CHAIR">.*?<\/table>/s.exec(html)?.[0] ?? '';
    expect(chair).toContain('<td class="title">内閣官房内閣審議官（国家サイバー統括室）</td>');
    expect(chair).toContain('第2項');
    // as many rows as the API's seats that day
    const members = (await t.gql<{ members: unknown[] }>('{ members(body: "secretariat", asOf: "2025-07-01") { id } }')).data!.members;
    expect(html.match(/<tr data-seat=/g)?.length).toBe(members.length);
    expect(html).toContain(`data-count="${members.length}"`);
    // the same documents the page sends from the browser, not copies
    expect(sent).toEqual([print(BODIES), print(ROSTER)]);
    // and the data, for the browser to take the markup over without asking again
    const initial = initialOf(html);
    expect(initial.hydrate).toBe(true);
    expect(initial.roster).toMatchObject({ body: 'secretariat', asOf: '令和7年7月1日' });
    expect(initial.roster.members).toHaveLength(members.length);
    // unchanged data, unchanged page: a browser revalidating gets 304
    const again = await fetch(`${url}/?view=roster&body=secretariat&asOf=${encodeURIComponent('令和7年7月1日')}`, { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('renders the default view: the secretariat today', async () => {
    const html = await (await fetch(`${url}/`)).text();
    expect(html).toMatch(/<option value="secretariat" selected/);
    expect(html).toContain('<table class="seats" data-role="CHAIR">');
  });

  it('says plainly that a day is not covered, with the covered range', async () => {
    const html = await (await fetch(`${url}/?body=secretariat&asOf=2024-03-24`)).text();
    expect(html).toContain('data-code="OUT_OF_COVERAGE"');
    expect(html).toContain('(from 2024-03-25 onwards)');
    expect(html).not.toContain('<table class="seats"');
  });

  it('names an unknown view and an unknown body, with the valid choices, instead of showing the secretariat', async () => {
    const html = await (await fetch(`${url}/?view=bogus&body=nope`)).text();
    expect(html).toContain('data-code="UNKNOWN_VIEW"');
    expect(html).toContain('Unknown view “bogus”');
    expect(html).toContain('data-code="UNKNOWN_BODY"');
    expect(html).toContain('Unknown body “nope”');
    for (const code of ['secretariat', 'deputy-director-meeting', 'promotion-council', 'advisor-liaison-meeting']) expect(html).toContain(`body=${code}`);
    for (const view of ['roster', 'timeline', 'changes', 'editor']) expect(html).toContain(`view=${view}`);
    expect(html).not.toContain('<table class="seats"');
  });

  it('leaves the timeline to the browser, with a note for one without JavaScript', async () => {
    const html = await (await fetch(`${url}/?view=timeline&body=secretariat`)).text();
    expect(html).toMatch(/<noscript><p class="coverage-note needs-script">/);
    expect(initialOf(html).hydrate).toBe(false);
  });

  it('leaves the editor’s view to the browser too: no token field in the server’s markup', async () => {
    const html = await (await fetch(`${url}/?view=editor`)).text();
    expect(html).toMatch(/<noscript><p class="coverage-note needs-script">/);
    expect(html).not.toContain('type="password"');
    expect(initialOf(html).hydrate).toBe(false);
  });

  it('escapes what the URL says', async () => {
    const html = await (await fetch(`${url}/?view=%3Cscript%3Ealert(1)%3C/script%3E&body=%3C/script%3E`)).text();
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;script>alert(1)&lt;/script>');
    // the JSON for the browser cannot close its script element
    const json = /id="meibo-initial">(.*?)<\/script>/s.exec(html)![1]!;
    expect(json).not.toContain('<');
  });

  it('serves the page as built, for the browser to draw, when the server cannot render it', async () => {
    failing = true;
    try {
      const res = await fetch(`${url}/?view=roster&body=secretariat`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Loading…');
      expect(logged.join('')).toContain('the page could not be rendered on the server');
    } finally {
      failing = false;
    }
  });
});

function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    // node:http sends the path as written: no normalisation of `..` as fetch() and browsers do
    const { hostname, port } = new URL(url);
    const path = url.slice(url.indexOf('/', 'http://'.length));
    import('node:http').then(({ request }) => {
      const req = request({ hostname, port, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    }, reject);
  });
}
