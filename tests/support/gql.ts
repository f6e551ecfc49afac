// The one GraphQL helper of the tests: a POST of { query, variables } as JSON to `/graphql`,
// in process (yoga.fetch) or over HTTP (a server's base URL), answered as status plus body.
export interface GqlResult<T = Record<string, any>> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; path?: Array<string | number>; locations?: unknown; extensions?: Record<string, any> }>;
  extensions?: Record<string, any>;
}

type Fetch = (url: string, init: RequestInit) => Promise<Response> | Response;

/** `target`: a base URL such as `http://127.0.0.1:4000`, or a fetch function (yoga.fetch). */
export async function gql<T = Record<string, any>>(
  target: string | Fetch, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {},
): Promise<GqlResult<T>> {
  const [fetchFn, base] = typeof target === 'string' ? [fetch as Fetch, target] : [target, 'http://yoga'];
  const response = await fetchFn(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as object) } as GqlResult<T>;
}

/** Records an amendment; its `sequence`. */
export const RECORD = 'mutation($input: AmendmentInput!) { recordAmendment(input: $input) { sequence } }';

/** The README's example amendment (a new member of the secretariat at position 3, in force 2027-04-01). */
export const EXAMPLE_AMENDMENT = {
  instrument: 'designated-posts', title: '…の一部改正について', decidedOn: '令和8年11月26日', effectiveOn: '令和9年4月1日',
  changes: [{ kind: 'ADD', body: 'secretariat', role: 'MEMBER', position: 3, post: 'デジタル庁統括官付参事官（サイバーセキュリティ担当）' }],
};
