// The compiled server (dist/server, what `npm start` runs): what it bundles, by its source maps.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the build script, without types
import { ensureServerBuild, OUT_DIR } from '../src/cli/build-server.mjs';

/** Every source file bundled into the build's chunks, relative to the repository. */
function bundledSources(): string[] {
  const sources = new Set<string>();
  for (const file of readdirSync(OUT_DIR).filter((f) => f.endsWith('.mjs.map'))) {
    const map = JSON.parse(readFileSync(join(OUT_DIR, file), 'utf8')) as { sources: string[] };
    for (const source of map.sources) sources.add(source.replace(/^(\.\.\/)+/, ''));
  }
  return [...sources];
}

describe('the server build', () => {
  beforeAll(async () => {
    await ensureServerBuild();
  }, 120_000);

  it('holds one graphql-js, its ES modules: deep imports of packages do not bring its CommonJS files beside them', () => {
    const graphql = bundledSources().filter((s) => s.startsWith('node_modules/graphql/'));
    // the parser every document goes through (graphql-armor's token limit subclasses it)
    expect(graphql).toContain('node_modules/graphql/language/parser.mjs');
    expect(graphql.filter((s) => !s.endsWith('.mjs'))).toEqual([]);
  });

  it("bundles Prisma's runtime, which Node would otherwise lex and compile as CommonJS at every start", () => {
    // an external package is imported by its name from the chunks; a bundled one is not
    const chunks = readdirSync(OUT_DIR).filter((f) => f.endsWith('.mjs')).map((f) => readFileSync(join(OUT_DIR, f), 'utf8'));
    const external = (name: string) => chunks.filter((code) => new RegExp(`(from |import\\()"${name}`).test(code)).length;
    expect(external('@prisma/client')).toBe(0);
    // what stays in node_modules is imported from there, as the check above would see it
    expect(external('@electric-sql/pglite')).toBeGreaterThan(0);
  });
});
