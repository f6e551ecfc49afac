// The page's only way to its data: meibo's public GraphQL API at /graphql (same origin), with
// documents typed against schema.graphql by gql.tada (src/graphql-env.d.ts is generated).
import { initGraphQLTada, type ResultOf, type TadaDocumentNode, type VariablesOf } from 'gql.tada';
import { print } from '@0no-co/graphql.web';
import type { introspection } from './graphql-env.d.ts';

export const graphql = initGraphQLTada<{ introspection: introspection; scalars: { Date: string; ID: string } }>();
export type { ResultOf, VariablesOf };

/** A GraphQL error as meibo sends it: a message a person can read, and a stable code. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly extensions: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function request<R, V>(document: TadaDocumentNode<R, V>, variables: V, signal?: AbortSignal): Promise<R> {
  return requestText<R>(print(document), variables, signal);
}

/** A document given as text (introspection, which gql.tada does not type). */
export async function requestText<R>(query: string, variables: unknown, signal?: AbortSignal): Promise<R> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal,
  });
  let body: { data?: R | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`meibo answered HTTP ${response.status} without a GraphQL result.`, 'HTTP', {});
  }
  const first = body.errors?.[0];
  if (first) throw new ApiError(first.message, String(first.extensions?.code ?? 'ERROR'), first.extensions ?? {});
  if (!body.data) throw new ApiError('meibo answered without data.', 'ERROR', {});
  return body.data;
}

export const BODIES = graphql(`
  query Bodies {
    bodies {
      code name nameEn
      coverage { from to ranges { from to } rosterKnown note }
      revisions { id sequence decidedOn effectiveOn inForceFrom contentKnown title }
    }
  }
`);
export type BodyInfo = ResultOf<typeof BODIES>['bodies'][number];

export const ROSTER = graphql(`
  query Roster($body: ID!, $asOf: Date!) {
    members(body: $body, asOf: $asOf) {
      id role position
      seat { id seatKey validFrom validTo validFromIsCoverageStart }
      post { title organization { name nameEn } }
      source { instrument { title } revision { sequence decidedOn effectiveOn } clause }
    }
  }
`);
export type RosterSeat = NonNullable<ResultOf<typeof ROSTER>['members']>[number];

export const TIMELINE = graphql(`
  query TimelineSeats($body: ID!, $asOf: Date!) {
    members(body: $body, asOf: $asOf) {
      id role position
      seat { id seatKey validFrom validTo }
      post { title }
    }
  }
`);
export type TimelineSeat = NonNullable<ResultOf<typeof TIMELINE>['members']>[number];

export const DIFF = graphql(`
  query WhatChanged($body: ID!, $from: Date, $to: Date, $fromRevision: ID, $toRevision: ID) {
    membershipDiff(body: $body, from: $from, to: $to, fromRevision: $fromRevision, toRevision: $toRevision) {
      from to unchanged
      fromRevision { sequence decidedOn }
      toRevision { sequence decidedOn }
      added { role position post { title organization { name } } }
      removed { role position post { title organization { name } } }
      renamed {
        kind
        before { role position post { title } }
        after { role position post { title organization { name } } }
      }
    }
  }
`);
export type Diff = ResultOf<typeof DIFF>['membershipDiff'];

export const ROLE_LABELS: Record<string, { ja: string; en: string }> = {
  CHAIR: { ja: '議長', en: 'Chair' },
  VICE_CHAIR: { ja: '副議長', en: 'Vice-chair' },
  MEMBER: { ja: '構成員', en: 'Members' },
  OBSERVER: { ja: 'オブザーバー', en: 'Observers' },
};
export const ROLE_ORDER = ['CHAIR', 'VICE_CHAIR', 'MEMBER', 'OBSERVER'];
