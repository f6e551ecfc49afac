// The limits themselves: every list field has a length bound in the cost estimate, and what
// real clients send (GraphiQL's introspection, the README, the suite) stays inside them.
import { getIntrospectionQuery, getNullableType, isListType, isObjectType, Lexer, parse, Source, TokenKind, TypeInfo, ValidationContext, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { corsOptionsFrom } from '../src/http/cors.js';
import { estimateCost, inspectJson, LIMITS, LIST_BOUNDS, newCostMemo } from '../src/limits.js';
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

  it("counts an audit entry's diff as the seats it can hold: a page of 20 diffs fits, one of 100 does not", () => {
    expect(costOf('{ amendments(first: 20) { edges { node { action diff } } } }')).toBeLessThanOrEqual(LIMITS.cost);
    expect(costOf('{ amendments { edges { node { diff } } } }')).toBeLessThanOrEqual(LIMITS.cost); // the default page
    expect(costOf('{ amendments(first: 100) { edges { node { diff } } } }')).toBeGreaterThan(LIMITS.cost);
    expect(costOf('{ amendments(first: 100) { edges { node { action actor at } } } }')).toBeLessThanOrEqual(LIMITS.cost);
  });

  it('ignores introspection, which GraphiQL sends on load', () => {
    expect(costOf(getIntrospectionQuery())).toBe(0);
  });
});

/** `query Q { ...F1 ×B } fragment F1 on Query { ...F2 ×B } … fragment F4 on Query { <leaf> }` (issue 18's reproduction) */
const fragmentFanOut = (b: number, leaf: string) => {
  const spreads = (n: number) => Array.from({ length: b }, () => `...F${n}`).join(' ');
  return `query Q { ${spreads(1)} } ${[1, 2, 3].map((n) => `fragment F${n} on Query { ${spreads(n + 1)} }`).join(' ')} fragment F4 on Query { ${leaf} }`;
};

/** lexical tokens, as the token limit counts them */
const tokensOf = (text: string) => {
  const lexer = new Lexer(new Source(text));
  let n = 0;
  while (lexer.advance().kind !== TokenKind.EOF) n++;
  return n;
};

/** The estimate of a whole document's first operation, with the work the walk did. */
const judge = (text: string) => {
  const document = parse(text);
  const context = new ValidationContext(schema, document, new TypeInfo(schema), () => {});
  const operation = document.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode;
  const memo = newCostMemo();
  const cost = estimateCost(context, operation.selectionSet, schema.getQueryType()!, memo);
  return { cost, visits: memo.visits };
};

describe('cost estimate of fragments (issue 18, hole 1: fan-out)', () => {
  // Each fragment spreads the next B times, three levels deep: B⁴ spreads if each is walked again.
  it.each([60, 100, 245])('judges a fan-out of B = %i with work linear in its tokens', (b) => {
    const text = fragmentFanOut(b, '__typename');
    const tokens = tokensOf(text);
    expect(tokens).toBeLessThanOrEqual(LIMITS.tokens); // within the limits: it must be judged, quickly
    const { cost, visits } = judge(text);
    expect(cost).toBe(0); // __typename is answered from memory
    expect(visits).toBeLessThanOrEqual(tokens);
  });

  it('still multiplies what a fragment costs by every place it is spread', () => {
    const b = 5;
    const { cost, visits } = judge(fragmentFanOut(b, 'bodies { code }'));
    expect(cost).toBe(b ** 4 * LIST_BOUNDS['Query.bodies'] * 2);
    expect(visits).toBeLessThanOrEqual(tokensOf(fragmentFanOut(b, 'bodies { code }')));
  });

  it('counts a fragment by its own type condition, the same wherever spread', () => {
    const text = '{ body(code: "secretariat") { ...M } bodies { ...M } } fragment M on Body { members(asOf: "2025-07-01") { role } }';
    const perBody = LIST_BOUNDS['Body.members'] * 2;
    expect(judge(text).cost).toBe(1 + perBody + LIST_BOUNDS['Query.bodies'] * (1 + perBody));
  });

  it('stays finite on a fragment cycle (invalid GraphQL, refused by graphql-js meanwhile)', () => {
    const { cost } = judge('{ ...A } fragment A on Query { bodies { code } ...B } fragment B on Query { ...A }');
    expect(cost).toBe(LIST_BOUNDS['Query.bodies'] * 2);
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
