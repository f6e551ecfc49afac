// The one SchemaBuilder: its plugins, its scalars and the shape of the request context.
import SchemaBuilder, { brandWithType, getTypeBrand } from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import type { Context } from './context.js';
import type { IsoDay } from './domain/dates.js';
import { forbidden, unauthenticated } from './errors.js';

export const builder = new SchemaBuilder<{
  Context: Context;
  AuthScopes: { editor: boolean };
  DefaultFieldNullability: false;
  Scalars: {
    ID: { Input: string; Output: string | number };
    Date: { Input: IsoDay; Output: Date | IsoDay };
  };
}>({
  defaultFieldNullability: false,
  // Scope auth first, so that no resolver (and no query) runs for a caller without authority.
  plugins: [ScopeAuthPlugin, RelayPlugin],
  scopeAuth: {
    authScopes: (ctx) => ({ editor: ctx.principal?.scopes.includes('editor') ?? false }),
    unauthorizedError: (_parent, ctx) =>
      ctx.principal === null
        ? unauthenticated('This needs an editor token: send `Authorization: Bearer <token>`.')
        : ctx.principal === undefined
          ? unauthenticated('The bearer token is not recognized.')
          : forbidden(`Token "${ctx.principal.name}" lacks the editor scope.`),
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // @pothos/plugin-relay 4.8.1 keeps a request's loads by id and hands a second field asking for
    // the same id (two `node` aliases, or `node` and `nodes`) the first one's pending load. That
    // settles before the first field brands the object with its type, so the second field failed
    // with graphql-js's "Abstract type Node must resolve…" (tests/api/hostile.test.ts). Each node
    // is branded here with the type its id names, once loaded.
    nodeQueryOptions: {
      description:
        'The object a global id names, as every other field answers it: a Listing id the listing (one revision’s printing ' +
        'of a seat), a Seat id the seat (tenure); an id ending in @<day> answers as decided by that day. null for a row that ' +
        'no longer exists or an id meibo did not make.',
      resolve: async (_root, args, _ctx, _info, resolveNode) => branded(await resolveNode(args.id), args.id.typename),
    },
    nodesQueryOptions: {
      description: 'node(id) for each id (at most 100), in order.',
      resolve: async (_root, args, _ctx, _info, resolveNodes) => {
        const nodes = await Promise.all(await resolveNodes(args.ids));
        return nodes.map((node, i) => branded(node, args.ids[i]!.typename));
      },
    },
  },
});

builder.queryType({});
builder.mutationType({});

/** `node`, branded with `typename` unless it already is (a brand cannot be redefined). */
function branded(node: unknown, typename: string): unknown {
  if (node !== null && typeof node === 'object' && getTypeBrand(node) === null) brandWithType(node, typename as never);
  return node;
}
