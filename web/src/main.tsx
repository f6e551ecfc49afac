// meibo's page: the roster of a body as of a day, its seats over time, and what changed between
// two days, all read from the public GraphQL API. The URL holds the view, the body and the day(s).
// The server sends the roster already rendered (ssr.tsx) with the data it read: the page takes
// that markup over (hydrate) rather than asking again; otherwise it renders from scratch.
import { hydrate, render } from 'preact';
import { App, type Initial } from './views/App.js';
import './style.css';

const root = document.getElementById('app')!;
const data = document.getElementById('meibo-initial');
let initial: Initial | undefined;
try {
  initial = data?.textContent ? (JSON.parse(data.textContent) as Initial) : undefined;
} catch {
  initial = undefined;
}
if (initial?.hydrate) {
  hydrate(<App search={location.search} initial={initial} />, root);
} else {
  // the server's placeholder or its markup for a view drawn here goes: Preact renders into an empty element
  root.textContent = '';
  render(<App search={location.search} initial={initial} />, root);
}
