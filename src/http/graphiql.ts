// GraphiQL served by meibo itself, for closed networks: Yoga's default page loads GraphiQL from
// unpkg.com (a version not even published where meibo installs from). This one comes from the
// installed @graphql-yoga/render-graphiql: a small HTML page whose script, stylesheet and editor
// workers are files under /graphiql/ (content-hashed names, cached for good), not 9 MB inlined in
// every answer. The README's example queries open as tabs. A Content-Security-Policy keeps the page
// out of frames (clickjacking) and lets it run only its own files and its two inline scripts.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse, print } from 'graphql';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';
import { staticFile, type StaticFile } from './static.js';

export const GRAPHIQL_PREFIX = '/graphiql/';

/** A favicon that is not a 150 kB Yoga logo: 名 on meibo's blue. */
const FAVICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1a4f8b"/><text x="16" y="23" font-size="20" text-anchor="middle" fill="#fff" font-family="sans-serif">名</text></svg>',
)}`;

interface Assets {
  files: Map<string, StaticFile>;
  script: string;
  stylesheet: string;
  workers: Record<string, string>;
}

let assets: Promise<Assets> | undefined;

/** GraphiQL's files, named by their content (loaded on the first GraphiQL request, then kept). */
export function graphiqlAssets(): Promise<Assets> {
  assets ??= import('@graphql-yoga/render-graphiql/graphiql').then((m) => {
    const files = new Map<string, StaticFile>();
    const add = (stem: string, ext: string, text: string) => {
      const file = staticFile(text, `x${ext}`);
      const name = `${stem}-${file.etag.slice(1, 11).replace(/[^A-Za-z0-9]/g, '0')}${ext}`;
      files.set(name, file);
      return `${GRAPHIQL_PREFIX}${name}`;
    };
    return {
      files,
      script: add('graphiql', '.js', m.js),
      stylesheet: add('graphiql', '.css', m.css),
      // the labels Monaco asks for (render-graphiql's own page maps the same three)
      workers: {
        editorWorkerService: add('editor.worker', '.js', m.editorWorkerService),
        json: add('json.worker', '.js', m.jsonWorker),
        graphql: add('graphql.worker', '.js', m.graphqlWorker),
      },
    };
  });
  return assets;
}

/** JSON that is safe inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The policy for the page's content, in the page itself (a <meta> before any script): scripts
 * from meibo's own files and the inline ones by their hash, never others; styles inline too
 * (Monaco and GraphiQL set them at run time); fonts and images from data: URLs (GraphiQL's
 * stylesheet embeds its fonts); workers from meibo's files or a blob (GraphiQL makes one); fetches
 * to meibo only. Nothing from another host, so it works offline as it always did.
 */
function contentPolicy(inlineScripts: string[]): string {
  const hashes = inlineScripts.map((script) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`);
  return [
    "default-src 'self'",
    `script-src 'self' ${hashes.join(' ')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    "connect-src 'self'",
  ].join('; ');
}

/**
 * What a <meta> policy cannot say (frame-ancestors is ignored there): sent as headers with every
 * HTML page Yoga answers (GraphiQL). No page of meibo's may be framed by another site.
 */
export const HTML_SECURITY_HEADERS = {
  'content-security-policy': "frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
} as const;

/** The headers above on Yoga's HTML answers. */
export function useGraphiQLHeaders(): Plugin<Record<string, unknown>> {
  return {
    onResponse({ response }) {
      if (!(response.headers.get('content-type') ?? '').startsWith('text/html')) return;
      for (const [name, value] of Object.entries(HTML_SECURITY_HEADERS)) response.headers.set(name, value);
    },
  };
}

/** Yoga's `renderGraphiQL`: the page, referring to the files above. */
export async function renderGraphiQL(options?: GraphiQLOptions): Promise<string> {
  const a = await graphiqlAssets();
  const opts = { ...options, favicon: undefined };
  const environment = `
      const workers = ${scriptJson(a.workers)};
      self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (moduleId, label) => workers[label] };
    `;
  const start = `YogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root'), ${scriptJson(opts)});`;
  return `<!doctype html>
<html lang="ja">
  <head>
    <meta charset="utf-8" />
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentPolicy([environment, start]))}" />
    <title>${escapeHtml(options?.title || 'meibo')}</title>
    <link rel="icon" href="${FAVICON}" />
    <link rel="stylesheet" href="${a.stylesheet}" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>GraphiQL needs JavaScript. meibo answers GraphQL over HTTP at /graphql without it.</noscript>
    <div id="root"></div>
    <script>${environment}</script>
    <script src="${a.script}"></script>
    <script>${start}</script>
  </body>
</html>
`;
}

/**
 * The README's example queries (its ```graphql blocks that are queries, not mutations), each named
 * after its first field so the tabs can be told apart (a block that does not parse is left out): the README is the newcomer's guide, and
 * GraphiQL opens with its examples ready to run.
 */
export function readmeQueries(readme: string): string[] {
  const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
  const counts = new Map<string, number>();
  return blocks
    .filter((q) => q.startsWith('{'))
    .flatMap((q) => {
      const field = /^\{\s*([A-Za-z_]\w*)/.exec(q)?.[1] ?? 'Example';
      const n = (counts.get(field) ?? 0) + 1;
      counts.set(field, n);
      const name = `${field[0]!.toUpperCase()}${field.slice(1)}${n > 1 ? n : ''}`;
      try {
        // laid out one field a line, as GraphiQL's prettify would
        return [`${print(parse(`query ${name} ${q}`))}\n`];
      } catch {
        return [];
      }
    });
}

/** Yoga's `graphiql` option: meibo's title and the README's examples as tabs. */
export function graphiqlOptions(readmeUrl = new URL('../../README.md', import.meta.url)): GraphiQLOptions {
  let tabs: string[] = [];
  try {
    tabs = readmeQueries(readFileSync(readmeUrl, 'utf8'));
  } catch {
    // no README beside the code: GraphiQL still opens, with the default query alone
  }
  const defaultQuery = `# Who chairs the secretariat (幹事会) the day the 2025 amendment takes effect?
{
  chair(body: "secretariat", asOf: "令和7年7月1日") {
    post { title organization { name } }
    validFrom
    source { instrument { title } revision { decidedOn effectiveOn } clause }
  }
}
`;
  return {
    title: 'meibo',
    defaultQuery,
    defaultTabs: tabs.length ? tabs.map((query) => ({ query })) : undefined,
  };
}
