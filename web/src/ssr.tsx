// The page rendered on the server (src/http/page.ts), so that it reads without JavaScript: the
// roster of the view the URL names, from the page's own GraphQL documents (BODIES, ROSTER in
// api.ts) sent to meibo's own API in process, and the markup of the page's own components.
// Built for Node by `npm run build:web` (vite build --ssr) into web/dist/ssr/.
import { print } from '@0no-co/graphql.web';
import { renderToString } from 'preact-render-to-string';
import { BODIES, ROSTER, type BodyInfo, type RosterSeat } from './api.js';
import { todayInJapan } from './days.js';
import { readState } from './state.js';
import { App, chooseBody, pageTitle, type ErrorData, type Initial } from './views/App.js';

export interface GraphQLAnswer {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}
/** How the server runs a document: through its GraphQL app, as a client's request would be. */
export type Execute = (query: string, variables: Record<string, unknown>) => Promise<GraphQLAnswer>;

export interface Rendered {
  /** the markup of #app */
  html: string;
  title: string;
  /** what the browser is handed (JSON) with the markup */
  initial: Initial;
}

const errorOf = (answer: GraphQLAnswer): ErrorData | null => {
  const first = answer.errors?.[0];
  if (!first) return answer.data ? null : { message: 'meibo answered without data.', code: 'ERROR', extensions: {} };
  const { requestId: _id, ...extensions } = first.extensions ?? {};
  return { message: first.message, code: String(first.extensions?.code ?? 'ERROR'), extensions };
};

/** The page for the query string `search` (e.g. "?view=roster&body=secretariat&asOf=令和7年7月1日"). */
export async function renderPage(search: string, execute: Execute): Promise<Rendered> {
  const state = readState(search);
  const answer = await execute(print(BODIES), {});
  const failed = errorOf(answer);
  const bodies = failed ? null : (answer.data as { bodies: BodyInfo[] }).bodies;
  const initial: Initial = { bodies, hydrate: false, ...(failed ? { error: failed.message } : {}) };
  const { body, unknownBody } = chooseBody(bodies, state);
  if (body && !state.unknownView && state.view === 'roster') {
    const asOf = state.asOf ?? todayInJapan();
    const roster = await execute(print(ROSTER), { body: body.code, asOf });
    const error = errorOf(roster);
    initial.roster = { body: body.code, asOf: state.asOf, ...(error ? { error } : { members: (roster.data as { members: RosterSeat[] }).members }) };
  }
  // the browser takes over the markup as it is where it would draw the same; the timeline and the
  // comparison it draws itself (the server leaves a note for a browser without JavaScript)
  initial.hydrate = Boolean(bodies) && (state.view === 'roster' || state.unknownView !== null || unknownBody !== null);
  const html = renderToString(<App search={search} initial={initial} server />);
  return { html, title: pageTitle(state, body), initial };
}
