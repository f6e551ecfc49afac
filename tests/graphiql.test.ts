// GraphiQL at /graphql for a browser on a closed network: the page Yoga answers names only
// meibo's own files (src/http/graphiql.ts), which meibo serves; none of them refers to a CDN;
// its title is meibo; the README's example queries are its tabs, and each is valid.
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { readmeQueries } from '../src/http/graphiql.js';
import { withPage } from '../src/http/page.js';
import { schema } from '../src/schema/index.js';
import type { Context } from '../src/context.js';

// GraphiQL's page never reaches the database: Yoga answers it before any resolver.
const yoga = createApp({} as Context['prisma']);
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer(withPage(yoga));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => {
  server.close();
});

const CDN = /unpkg\.com|jsdelivr|cdnjs|esm\.sh|googleapis|gstatic|skypack|jspm/i;

describe('GraphiQL', () => {
  let html: string;
  beforeAll(async () => {
    const res = await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    html = await res.text();
  });

  it('is titled meibo and loads only meibo’s own files', async () => {
    expect(html).toContain('<title>meibo</title>');
    expect(html).not.toMatch(CDN);
    expect(html.length).toBeLessThan(20_000);
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.filter((r) => !r.startsWith('/graphiql/') && !r.startsWith('data:'))).toEqual([]);
    const workers = JSON.parse(/const workers = (\{.*\});/.exec(html)![1]!) as Record<string, string>;
    expect(Object.keys(workers).sort()).toEqual(['editorWorkerService', 'graphql', 'json']);
    for (const path of [...refs.filter((r) => r.startsWith('/')), ...Object.values(workers)]) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toBe(path.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8');
      expect(res.headers.get('cache-control'), path).toBe('public, max-age=31536000, immutable');
      const text = await res.text();
      expect(text, path).not.toMatch(CDN);
      if (path.endsWith('.css')) expect(text).not.toMatch(/@import|url\(\s*["']?(?:https?:)?\/\//);
    }
  });

  it('opens with the README’s example queries as tabs, each valid against the schema', () => {
    const options = JSON.parse(/renderYogaGraphiQL\([^,]+, (\{.*\})\);<\/script>/.exec(html)![1]!) as { title: string; defaultTabs: Array<{ query: string }> };
    expect(options.title).toBe('meibo');
    const readme = readmeQueries(readFileSync(new URL('../README.md', import.meta.url), 'utf8'));
    expect(options.defaultTabs.map((t) => t.query)).toEqual(readme);
    expect(readme.length).toBeGreaterThanOrEqual(5);
    for (const query of readme) expect(validate(schema, parse(query)), query).toEqual([]);
    expect(readme[0]).toContain('chair(body: "secretariat", asOf: "令和7年6月30日")');
  });

  it('fits a phone and says its interface is English', () => {
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1" />');
    expect(html).toMatch(/<html lang="en">/);
  });

  it('names each tab after the README sentence that introduces the example, as GraphiQL titles tabs', () => {
    const options = JSON.parse(/renderYogaGraphiQL\([^,]+, (\{.*\})\);<\/script>/.exec(html)![1]!) as { defaultTabs: Array<{ query: string }> };
    // GraphiQL's own rule for a tab's title: the operation name on the first line that is not a comment
    const titles = options.defaultTabs.map((t) => /^(?!#).*(query|subscription|mutation)\s+([a-zA-Z0-9_]+)/m.exec(t.query)?.[2] ?? '<untitled>');
    expect(new Set(titles).size).toBe(titles.length);
    expect(titles).not.toContain('<untitled>');
    // not a field name with a counter (Chair2) or an alias (Before)
    for (const title of titles) expect(title).not.toMatch(/^(Chair|Members|MembershipDiff|SearchPosts|Body|Before)\d*$/);
    // the README's first two examples share one sentence: told apart by their day
    expect(titles.slice(0, 2)).toEqual(['SecretariatChairDay_2025_06_30', 'SecretariatChairDay_2025_07_01']);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(options.defaultTabs[0]!.query.split('\n')[0]).toBe("# The secretariat's chair the day before and the day the 2025 amendment takes effect");
    expect(readme).toContain("The secretariat's chair the day before and the day the 2025 amendment takes effect");
    expect(titles).toContain('ObserversDeputyDirectorMeeting');
  });

  it('answers 404 for a GraphiQL file it does not have', async () => {
    expect((await fetch(`${url}/graphiql/../package.json`)).status).not.toBe(200);
    expect((await fetch(`${url}/graphiql/nope.js`)).status).toBe(404);
  });
});

it('leaves mutations out of the tabs: they need a token', () => {
  const tabs = readmeQueries('```graphql\n{ chair(body: "x", asOf: "R7.7.1") { validFrom } }\n```\n```graphql\nmutation { x }\n```\n');
  expect(tabs).toEqual(['query Chair {\n  chair(body: "x", asOf: "R7.7.1") {\n    validFrom\n  }\n}\n']);
});

it('names an example after its sentence, a shared sentence by day, and one without a sentence by its field', () => {
  const readme = [
    'Who chairs the secretariat, before and after:',
    '```graphql\n{ chair(body: "secretariat", asOf: "令和7年6月30日") { validFrom } }\n```',
    '```json\n{}\n```',
    '```graphql\n{ chair(body: "secretariat", asOf: "R7.7.1") { validFrom } }\n```',
    '',
    '(An aside.) Observers of the *deputy-director* meeting, in order:',
    '',
    '```graphql\n{ members(body: "deputy-director-meeting", asOf: "2025-07-01", role: OBSERVER) { position } }\n```',
  ].join('\n');
  const tabs = readmeQueries(readme);
  expect(tabs.map((t) => t.split('\n').slice(0, 2).join('\n'))).toEqual([
    '# Who chairs the secretariat, before and after\nquery WhoChairsSecretariat_2025_06_30 {',
    '# Who chairs the secretariat, before and after\nquery WhoChairsSecretariat_2025_07_01 {',
    '# Observers of the deputy-director meeting, in order\nquery ObserversDeputyDirectorMeeting {',
  ]);
});
