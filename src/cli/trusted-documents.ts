// Writes trusted-documents.json (`npm run trusted-documents`), or with --check fails when the
// committed file is stale (a test does the same): the documents the page sends (web/src: gql.tada's
// graphql(`…`) as the page prints them, and its literal `query …`/`subscription …` strings) and
// the README's example queries (as printed there, as GraphiQL's tabs show them, and those inside
// its curl URLs), each under its id `sha256:<hex>` (src/http/trusted.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse, print } from '@0no-co/graphql.web';
import { readmeQueries } from '../http/graphiql.js';
import { documentIdOf } from '../http/trusted.js';
import { writeOrCheck } from './generated-file.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The page's documents, as its code sends them. */
export function pageDocuments(root = ROOT): string[] {
  return sourceFiles(join(root, 'web/src')).flatMap((file) => {
    const code = readFileSync(file, 'utf8');
    // gql.tada: the page sends print(document), as @0no-co/graphql.web prints it
    const tada = [...code.matchAll(/\bgraphql\(\s*`([^`]*)`/g)].map((m) => print(parse(m[1]!)));
    const literal = [...code.matchAll(/'((?:query|subscription)\s[^'\n]*)'/g)].map((m) => m[1]!);
    return [...tada, ...literal];
  });
}

/** The README's example queries and subscriptions: as printed, as GraphiQL's tabs, and in its curl URLs. */
export function readmeDocuments(root = ROOT): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!.trim()).filter((q) => !q.startsWith('mutation'));
  const inUrls = [...readme.matchAll(/\/graphql\?query=([^'"\s&]+)/g)].flatMap((m) => {
    try {
      const text = decodeURIComponent(m[1]!);
      // an elided URL (`?query=…` in an excerpt) is prose, not a document
      return /^\s*(\{|query\b|subscription\b)/.test(text) ? [text] : [];
    } catch {
      return [];
    }
  });
  return [...blocks, ...readmeQueries(readme), ...inUrls];
}

/** The manifest's text: ids in order, each document checked to parse. */
export function buildTrustedDocuments(root = ROOT): string {
  const manifest: Record<string, string> = {};
  for (const text of [...pageDocuments(root), ...readmeDocuments(root)]) {
    parse(text); // a document that does not parse is a bug in its source, not something to trust
    manifest[documentIdOf(text)] = text;
  }
  const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => (a < b ? -1 : 1)));
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fresh = buildTrustedDocuments();
  const path = join(ROOT, 'trusted-documents.json');
  writeOrCheck(path, fresh, 'npm run trusted-documents', `wrote ${path} (${Object.keys(JSON.parse(fresh)).length} documents)`);
}
