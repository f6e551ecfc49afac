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
import { parseDay } from '../domain/dates.js';
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
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
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
 * after the README's own sentence that introduces it, which opens the tab as a comment (GraphiQL
 * names a tab after its operation). A block that does not parse is left out. The README is the
 * newcomer's guide, and GraphiQL opens with its examples ready to run.
 */
export function readmeQueries(readme: string): string[] {
  // each block with the prose before it; a block right after another shares the other's prose
  const blocks: Array<{ lang: string; code: string; prose: string }> = [];
  let last = 0;
  for (const m of readme.matchAll(/```(\w*)\n([\s\S]*?)```/g)) {
    const between = readme.slice(last, m.index).trim();
    blocks.push({ lang: m[1]!, code: m[2]!.trim(), prose: between || (blocks[blocks.length - 1]?.prose ?? '') });
    last = m.index + m[0].length;
  }
  const queries = blocks.filter((b) => b.lang === 'graphql' && b.code.startsWith('{'));
  const shared = new Map<string, number>();
  for (const q of queries) shared.set(q.prose, (shared.get(q.prose) ?? 0) + 1);
  const used = new Set<string>();
  return queries.flatMap((q) => {
    const sentence = introduction(q.prose);
    const several = (shared.get(q.prose) ?? 0) > 1;
    let name = (sentence && nameOf(sentence, several ? 3 : 5)) || pascal(/^\{\s*([A-Za-z_]\w*)/.exec(q.code)?.[1] ?? 'Example');
    // examples under one sentence are told apart by the day they ask about
    const day = several ? firstDay(q.code) : null;
    if (day) name += `_${day.replace(/-/g, '_')}`;
    let unique = name;
    for (let n = 2; used.has(unique); n++) unique = `${name}${n}`;
    used.add(unique);
    try {
      // laid out one field a line, as GraphiQL's prettify would
      const query = `${print(parse(`query ${unique} ${q.code}`))}\n`;
      return [sentence ? `# ${sentence}\n${query}` : query];
    } catch {
      return [];
    }
  });
}

const STOPWORDS = new Set(['the', 'a', 'an', 'of', 'in', 'on', 'at', 'to', 'and', 'is', 'are', 'its', 'it', 'as', 'by', 'for', 'with', 's']);
const pascal = (word: string) => `${word[0]!.toUpperCase()}${word.slice(1)}`;

/** The first sentence of the paragraph before a block, without markdown and asides, in at most 100 characters. */
function introduction(prose: string): string {
  const paragraph = (prose.split(/\n\s*\n/).filter((p) => !p.trim().startsWith('#')).pop() ?? '').replace(/\s+/g, ' ').trim();
  // an aside in parentheses, leading or inside, is left out
  const text = paragraph.replace(/\s*\((?:[^()]|\([^()]*\))*\)/g, '').replace(/[`*]/g, '').trim();
  const sentence = text.split(/:\s|:$|\.\s/)[0]!.trim();
  return sentence.length > 100 ? `${sentence.slice(0, 99)}…` : sentence;
}

/** An operation name from the sentence's first clause: its first `words` words that say something, in PascalCase. */
function nameOf(sentence: string, words: number): string {
  const clause = sentence.split(/\s[—–]\s|[(:;,]|\.(?:\s|$)/)[0]!.replace(/'s\b/g, '');
  const picked = (clause.match(/[A-Za-z0-9]+/g) ?? []).filter((w) => !STOPWORDS.has(w.toLowerCase())).slice(0, words);
  const name = picked.map(pascal).join('');
  return /^[A-Za-z]/.test(name) ? name : '';
}

/** The first string argument of the query that is a day (ISO or 和暦), as ISO. */
function firstDay(code: string): string | null {
  for (const m of code.matchAll(/"([^"]*)"/g)) {
    try {
      return parseDay(m[1]!);
    } catch {
      // not a day
    }
  }
  return null;
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
