// What the URL says: the view, the body and the day(s), so that a dashboard can link to
// "the secretariat as of 令和7年7月1日": /?view=roster&body=secretariat&asOf=令和7年7月1日
// The editor's view (?view=editor) carries nothing else: its token lives in the tab's session, never here.
export type View = 'roster' | 'timeline' | 'changes' | 'editor';
export const VIEWS: View[] = ['roster', 'timeline', 'changes', 'editor'];

export interface PageState {
  view: View;
  /** a `view` the URL names that is none of VIEWS: the page says so instead of guessing */
  unknownView: string | null;
  body: string | null;
  /** roster: the day as typed (和暦 or ISO); null: today */
  asOf: string | null;
  /** changes: the two days; null: across the latest amendment */
  from: string | null;
  to: string | null;
  /** changes: a revision by its sequence — what it changed (its list against the one before it); wins over from/to */
  revision: number | null;
  /** timeline: every revision since the first, not only those around the covered days */
  all: boolean;
}

export function readState(search: string): PageState {
  const p = new URLSearchParams(search);
  const view = p.get('view');
  return {
    view: VIEWS.includes(view as View) ? (view as View) : 'roster',
    unknownView: view && !VIEWS.includes(view as View) ? view : null,
    body: p.get('body') || null,
    asOf: p.get('asOf') || null,
    from: p.get('from') || null,
    to: p.get('to') || null,
    revision: /^(0|[1-9][0-9]{0,5})$/.test(p.get('revision') ?? '') ? Number(p.get('revision')) : null,
    all: p.get('all') === '1',
  };
}

/** The query string for `state`, naming only what the view uses. */
export function writeState(state: PageState): string {
  const p = new URLSearchParams();
  p.set('view', state.view);
  if (state.body && state.view !== 'editor') p.set('body', state.body);
  if (state.view === 'roster' && state.asOf) p.set('asOf', state.asOf);
  if (state.view === 'changes') {
    if (state.revision !== null) p.set('revision', String(state.revision));
    else {
      if (state.from) p.set('from', state.from);
      if (state.to) p.set('to', state.to);
    }
  }
  if (state.view === 'timeline' && state.all) p.set('all', '1');
  return `?${p.toString()}`;
}
