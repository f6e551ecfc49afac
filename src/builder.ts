// The one SchemaBuilder: its plugins, its scalars and the shape of the request context.
import SchemaBuilder from '@pothos/core';
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
  },
});

builder.queryType({});
builder.mutationType({});
