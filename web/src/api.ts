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

/** `token`: an editor's bearer token (the editor view), sent in the Authorization header only. */
export function request<R, V>(document: TadaDocumentNode<R, V>, variables: V, signal?: AbortSignal, token?: string): Promise<R> {
  return requestText<R>(print(document), variables, signal, token);
}

/** A document given as text (introspection, which gql.tada does not type). */
export async function requestText<R>(query: string, variables: unknown, signal?: AbortSignal, token?: string): Promise<R> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch('/graphql', {
    method: 'POST',
    headers,
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

// The editor view: plan an amendment from lists as printed, preview it, record it (editor token).
export const INSTRUMENTS = graphql(`
  query Instruments {
    instruments { code title bodies { code name } }
  }
`);
export type InstrumentInfo = ResultOf<typeof INSTRUMENTS>['instruments'][number];

// within the cost limit (src/limits.ts): 9,769 of 10,000, so the renamed seat’s
// `before` asks for its title only (the row is labelled by the seat after)
export const PROPOSE = graphql(`
  query ProposeAmendment($instrument: ID!, $effectiveOn: Date!, $lists: [ProposedListInput!]!) {
    proposeAmendment(instrument: $instrument, effectiveOn: $effectiveOn, lists: $lists) {
      changes { kind body role post from to position organization }
      diffs {
        body from to unchanged
        added { role position title }
        removed { role position title }
        renamed { kind before { title } after { role position title } }
      }
      unplaced { body line title reason hint }
    }
  }
`);
export type Proposal = ResultOf<typeof PROPOSE>['proposeAmendment'];
export type ProposedListInput = VariablesOf<typeof PROPOSE>['lists'][number];

export const RECORD = graphql(`
  mutation RecordAmendment($input: AmendmentInput!, $dryRun: Boolean!) {
    recordAmendment(input: $input, dryRun: $dryRun) {
      dryRun sequence title decidedOn effectiveOn
      diffs { body { code name } unchanged added { title } removed { title } renamed { before { title } } }
    }
  }
`);
export type AmendmentInput = VariablesOf<typeof RECORD>['input'];
export type RecordResult = ResultOf<typeof RECORD>['recordAmendment'];
