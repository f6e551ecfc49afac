// The limits themselves: every list field has a length bound in the cost estimate, and what
// real clients send (GraphiQL's introspection, the README, the suite) stays inside them.
import { getIntrospectionQuery, getNullableType, isListType, isObjectType, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { corsOptionsFrom } from '../src/http/cors.js';
import { estimateCost, inspectJson, LIMITS, LIST_BOUNDS } from '../src/limits.js';
import { schema } from '../src/schema/index.js';

const costOf = (query: string) => {
  const document = parse(query);
  const operation = document.definitions[0] as OperationDefinitionNode;
  const context = { getSchema: () => schema, getFragment: () => undefined };
  return estimateCost(context as never, operation.selectionSet, schema.getQueryType()!);
};

describe('cost estimate', () => {
  it('has a length bound for every list field of the schema (connections count their page)', () => {
    const unbounded: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__') || type.name.endsWith('Connection')) continue;
      for (const field of Object.values(type.getFields())) {
        if (isListType(getNullableType(field.type)) && !(`${type.name}.${field.name}` in LIST_BOUNDS)) unbounded.push(`${type.name}.${field.name}`);
      }
    }
    expect(unbounded).toEqual([]);
  });

  it('multiplies by the lists a field stands in', () => {
    expect(costOf('{ bodies { code } }')).toBe(LIST_BOUNDS['Query.bodies'] * 2);
    expect(costOf('{ searchPosts(text: "x") { seats { role } } }')).toBe(LIST_BOUNDS['Query.searchPosts'] * (1 + LIST_BOUNDS['Post.seats'] * 2));
    expect(costOf('{ posts(first: 5) { edges { node { title } } } }')).toBe(5 * (1 + 1 * (1 + 1 * 2)));
  });

  it('lets a dashboard ask for every body with its members and their posts in one query', () => {
    const cost = costOf('{ bodies { code name coverage { from to } members(asOf: "2025-07-01") { role position validFrom post { title organization { name } } source { clause revision { decidedOn } } } } }');
    expect(cost).toBeLessThanOrEqual(LIMITS.cost);
  });

  it('ignores introspection, which GraphiQL sends on load', () => {
    expect(costOf(getIntrospectionQuery())).toBe(0);
  });
});

describe('JSON inspection', () => {
  it('walks a 100k-deep array without overflowing the stack', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(inspectJson(deep)).toBe('depth');
    expect(inspectJson({ a: [{ b: 'ok' }] })).toBeNull();
    expect(inspectJson({ a: ['x\u0000'] })).toBe('string');
    expect(inspectJson({ 'k\uDC00': 1 })).toBe('string');
    expect(inspectJson({ ok: '𠮷' })).toBeNull();
  });
});

describe('CORS configuration', () => {
  it('defaults to any origin without credentials', () => {
    expect(corsOptionsFrom(undefined, undefined)).toEqual({ origin: '*', credentials: false });
  });
  it('takes a list of origins, with credentials only when asked', () => {
    expect(corsOptionsFrom('https://a.example, https://b.example:8443', true)).toEqual({ origin: ['https://a.example', 'https://b.example:8443'], credentials: true });
  });
  it('refuses credentials for any origin, and what is not an origin', () => {
    expect(() => corsOptionsFrom('*', true)).toThrow(/needs MEIBO_CORS_ORIGINS/);
    expect(() => corsOptionsFrom('https://a.example/path', undefined)).toThrow(/not an origin/);
    expect(() => corsOptionsFrom('a.example', undefined)).toThrow(/not an origin/);
  });
});
