// Two patches (applied by patch-package at install) to the executor Yoga runs, @graphql-tools/executor
// 2.1.0 with its own @graphql-tools/utils 12.1.0, each taking an allocation off every field it resolves.
// An uncached member list allocated 505 KB (a sampling heap profile of 2026-12-05, issue 17), of it:
// - patches/@graphql-tools+executor++@graphql-tools+utils+12.1.0.patch: a Map of the field's argument
//   nodes, arguments or not (36 KB, 7 %). Now a field that declares no arguments gets its empty
//   arguments object at once.
// - patches/@graphql-tools+executor+2.1.0.patch: the resolve info's getAbortSignal and
//   getAsyncHelpers, two closures a field, which GraphQL.js 16 (ours) does not have. Now made only
//   under GraphQL.js 17.
// This file checks that the patches are applied to the versions they were written for, that upstream
// still has what they work around (when that fails, drop the patch), and that resolvers get what
// they got before.
import { readFileSync } from 'node:fs';
import { normalizedExecutor } from '@graphql-tools/executor';
import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';

const utils = new URL('../node_modules/@graphql-tools/executor/node_modules/@graphql-tools/utils/', import.meta.url);
const version = (url: URL) => (JSON.parse(readFileSync(new URL('package.json', url), 'utf8')) as { version: string }).version;

describe('the executor arguments patch', () => {
  it('is applied to the versions it was written for, whose code still builds the Map for other fields', () => {
    expect(version(new URL('../node_modules/@graphql-tools/executor/', import.meta.url))).toBe('2.1.0');
    expect(version(utils)).toBe('12.1.0');
    for (const flavour of ['esm', 'cjs']) {
      const code = readFileSync(new URL(`${flavour}/getArgumentValues.js`, utils), 'utf8');
      const legacy = code.slice(code.indexOf('function getArgumentValuesLegacy'));
      expect(legacy, `the patch is not applied to ${flavour}: run npm ci (postinstall runs patch-package)`).toMatch(/if \(def\.args\.length === 0\) \{\s*return coercedValues;/);
      // upstream's per-field Map: once a release stops building it, this patch can go
      expect(legacy).toContain('const argNodeMap = new Map(argumentNodes.map(arg => [arg.name.value, arg]));');
    }
  });

  it('is applied to the executor, whose resolve info still has the helpers under GraphQL.js 17', () => {
    for (const flavour of ['esm', 'cjs']) {
      const code = readFileSync(new URL(`../node_modules/@graphql-tools/executor/${flavour}/execution/execute.js`, import.meta.url), 'utf8');
      const start = code.indexOf('function buildResolveInfo');
      const build = code.slice(start, start + 2_500);
      expect(build, `the patch is not applied to ${flavour}: run npm ci`).toMatch(/if \((graphql_1\.)?versionInfo\.major >= 17\) \{\s*Object\.assign\(info, \{\s*getAbortSignal:/);
    }
  });

  it('hands resolvers the resolve info GraphQL.js 16 defines, and no helpers of 17', async () => {
    const schema = buildSchema('type Query { a: Inner } type Inner { b: String }');
    const seen: Array<Record<string, unknown>> = [];
    const look = (_: unknown, _args: unknown, _ctx: unknown, info: Record<string, unknown> & { path: { key: string } }) => {
      seen.push({ fieldName: info.fieldName, key: info.path.key, schema: info.schema === schema, helpers: 'getAbortSignal' in info || 'getAsyncHelpers' in info });
      return {};
    };
    const result = await normalizedExecutor({ schema, document: parse('{ a { b } }'), rootValue: { a: look }, fieldResolver: (s, a, c, i) => (i.fieldName === 'b' ? (look(s, a, c, i as never), 'ok') : look(s, a, c, i as never)) });
    expect(result).toEqual({ data: { a: { b: 'ok' } } });
    expect(seen).toEqual([
      { fieldName: 'a', key: 'a', schema: true, helpers: false },
      { fieldName: 'b', key: 'b', schema: true, helpers: false },
    ]);
  });

  it('hands resolvers their arguments as before: none, given, defaulted, from variables', async () => {
    const schema = buildSchema('type Query { plain: String, echo(a: Int, b: String = "d"): String }');
    const rootValue = {
      plain: (args: object) => JSON.stringify(args),
      echo: (args: object) => JSON.stringify(args),
    };
    const result = await normalizedExecutor({
      schema, rootValue, variableValues: { v: 7 },
      document: parse('query($v: Int) { plain echo one: echo(a: 1) two: echo(a: $v, b: "x") }'),
    });
    expect(result).toEqual({ data: { plain: '{}', echo: '{"b":"d"}', one: '{"a":1,"b":"d"}', two: '{"a":7,"b":"x"}' } });
  });
});
