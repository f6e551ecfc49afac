// The page's one component tree: rendered in the browser (main.tsx), and on the server
// (ssr.tsx) with its data already read, so that the roster reads without JavaScript.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, BODIES, request, type BodyInfo, type RosterSeat } from '../api.js';
import { watchDirectory, liveAvailable } from '../live.js';
import { readState, VIEWS, writeState, type PageState, type View } from '../state.js';
import { Roster } from './Roster.js';
import { Timeline } from './Timeline.js';
import { Changes } from './Changes.js';
import { Editor } from './Editor.js';

export const VIEW_LABELS: Record<View, { ja: string; en: string }> = {
  roster: { ja: '名簿', en: 'Roster as of a day' },
  timeline: { ja: '推移', en: 'Timeline' },
  changes: { ja: '新旧対照表', en: 'What changed' },
  editor: { ja: '改正の記録', en: 'Editor' },
};

/** An API error as the server hands it to the page (JSON), made an ApiError again by `apiError`. */
export interface ErrorData {
  message: string;
  code: string;
  extensions: Record<string, unknown>;
}
export const apiError = (e: ErrorData) => new ApiError(e.message, e.code, e.extensions);

/** What the server read before rendering (ssr.tsx), handed to the browser so it need not ask again. */
export interface Initial {
  bodies: BodyInfo[] | null;
  /** the bodies could not be read */
  error?: string;
  /** the roster for `body` as of `asOf` (as the URL gave it; null: today) */
  roster?: { body: string; asOf: string | null; members?: RosterSeat[]; error?: ErrorData };
  /** the markup is the page's own for this state: the browser hydrates it instead of rendering anew */
  hydrate: boolean;
}

/** The body the URL names, the secretariat when it names none, and the name it gave when no body has it. */
export function chooseBody(bodies: BodyInfo[] | null, state: PageState): { body: BodyInfo | undefined; unknownBody: string | null } {
  if (!bodies) return { body: undefined, unknownBody: null };
  if (state.body) {
    const named = bodies.find((b) => b.code === state.body);
    return named ? { body: named, unknownBody: null } : { body: undefined, unknownBody: state.body };
  }
  return { body: bodies.find((b) => b.code === 'secretariat') ?? bodies[0], unknownBody: null };
}

export function pageTitle(state: PageState, body: BodyInfo | undefined): string {
  return `meibo 名簿 — ${VIEW_LABELS[state.view].ja}${body ? `｜${body.name}` : ''}`;
}

export function App(props: { search: string; initial?: Initial; server?: boolean }) {
  const { initial } = props;
  const [state, setState] = useState<PageState>(() => readState(props.search));
  const [bodies, setBodies] = useState<BodyInfo[] | null>(initial?.bodies ?? null);
  const [error, setError] = useState<string | null>(initial?.error ?? null);
  // bumped when the directory changes (live updates), so the views read their data again
  const [generation, setGeneration] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const [live, setLive] = useState<boolean | null>(null);

  // the bodies the server already read are not asked for again on the first render
  const haveBodies = useRef(Boolean(initial?.bodies));
  const loadBodies = useCallback(() => {
    if (haveBodies.current) {
      haveBodies.current = false;
      return;
    }
    request(BODIES, {}).then(
      (d) => {
        setBodies(d.bodies);
        setError(null);
      },
      (e: unknown) => setError(e instanceof ApiError ? e.message : String(e)),
    );
  }, []);
  useEffect(loadBodies, [loadBodies, generation]);

  useEffect(() => {
    const onPop = () => setState(readState(location.search));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);

  const { body, unknownBody } = chooseBody(bodies, state);

  useEffect(() => {
    void liveAvailable().then(setLive);
    if (!body) return;
    return watchDirectory(body.code, () => {
      setGeneration((g) => g + 1);
      setNotice(`更新されました（${new Date().toLocaleTimeString('ja-JP')}）Updated: an amendment was recorded or reverted.`);
    });
  }, [body?.code]);

  const navigate = (next: Partial<PageState>) => {
    const merged = { ...state, unknownView: null, ...next };
    history.pushState(null, '', writeState(merged));
    setState(merged);
  };
  /** a link that is a real URL (no JavaScript needed), followed in place when there is JavaScript */
  const linkTo = (next: Partial<PageState>) => ({
    href: writeState({ ...state, ...next }),
    onClick: (e: MouseEvent) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      navigate(next);
    },
  });

  useEffect(() => {
    document.title = pageTitle(state, body);
  }, [state.view, body?.name]);

  const rosterInitial =
    initial?.roster && body && initial.roster.body === body.code && initial.roster.asOf === state.asOf
      ? { data: initial.roster.members ?? null, error: initial.roster.error ? apiError(initial.roster.error) : null }
      : undefined;

  return (
    <>
      <header>
        <h1>
          meibo <span class="ja">名簿</span> <small>サイバーセキュリティ関係会議の構成 · who sits on Japan's government cybersecurity councils</small>
        </h1>
        <nav aria-label="表示 View">
          {VIEWS.map((v) => (
            <a {...linkTo({ view: v })} aria-current={state.view === v && !state.unknownView ? 'page' : undefined} data-view={v}>
              {VIEW_LABELS[v].ja} <span class="en">{VIEW_LABELS[v].en}</span>
            </a>
          ))}
          <a href="/graphql" class="graphiql">
            GraphiQL
          </a>
        </nav>
      </header>
      <main>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {!bodies && !error && <p class="loading">読み込み中… Loading…</p>}
        {state.unknownView && (
          <div class="error unknown-choice" role="alert" data-code="UNKNOWN_VIEW">
            <p>
              <strong>表示「{state.unknownView}」はありません。</strong> Unknown view “{state.unknownView}”. 次から選んでください Choose one of:
            </p>
            <ul>
              {VIEWS.map((v) => (
                <li>
                  <a {...linkTo({ view: v, ...(unknownBody !== null ? { body: null } : {}) })}>
                    {VIEW_LABELS[v].ja} <span class="en">{VIEW_LABELS[v].en}</span> <code>view={v}</code>
                  </a>
                </li>
              ))}
            </ul>
          </div>
        )}
        {bodies && unknownBody !== null && state.view !== 'editor' && (
          <div class="error unknown-choice" role="alert" data-code="UNKNOWN_BODY">
            <p>
              <strong>会議「{unknownBody}」はありません。</strong> Unknown body “{unknownBody}”. 次から選んでください Choose one of:
            </p>
            <ul>
              {bodies.map((b) => (
                <li>
                  <a {...linkTo({ body: b.code })}>
                    {b.name} <code>body={b.code}</code>
                  </a>
                </li>
              ))}
            </ul>
          </div>
        )}
        {state.view === 'editor' && !state.unknownView && (props.server ? <NeedsScript view="editor" /> : <Editor onRecorded={() => setGeneration((g) => g + 1)} />)}
        {bodies && body && !state.unknownView && state.view !== 'editor' && (
          <>
            {/* a form that works without JavaScript too: its button shows only then */}
            <form class="body-select" method="get" action="/" onSubmit={(e) => e.preventDefault()}>
              <input type="hidden" name="view" value={state.view} />
              <label>
                会議 <span class="en">Body</span>{' '}
                <select name="body" value={body.code} onChange={(e) => navigate({ body: (e.target as HTMLSelectElement).value })}>
                  {bodies.map((b) => (
                    <option value={b.code} selected={b.code === body.code}>
                      {b.name}（{b.code}）
                    </option>
                  ))}
                </select>
              </label>{' '}
              {/* only in the server's markup: a browser running this has no use for it */}
              {props.server && (
                <noscript>
                  <button type="submit">表示 Show</button>
                </noscript>
              )}
            </form>
            {!body.coverage.rosterKnown && (
              <p class="coverage-note" role="note">
                この会議の構成は出典にありません。The sources do not give this body's composition. {body.coverage.note}
              </p>
            )}
            {notice && (
              <p class="notice" role="status">
                {notice}
              </p>
            )}
            {state.view === 'roster' && (
              <Roster body={body} asOf={state.asOf} generation={generation} initial={rosterInitial} onDay={(asOf) => navigate({ asOf })} />
            )}
            {state.view !== 'roster' && props.server && <NeedsScript view={state.view} />}
            {state.view === 'timeline' && !props.server && <Timeline body={body} all={state.all} generation={generation} onAll={(all) => navigate({ all })} />}
            {state.view === 'changes' && !props.server && (
              <Changes body={body} from={state.from} to={state.to} revision={state.revision} generation={generation}
                onDays={(from, to) => navigate({ from, to, revision: null })} onRevision={(revision) => navigate({ revision, from: null, to: null })} />
            )}
          </>
        )}
      </main>
      <footer>
        <span>
          データは公開 GraphQL API <a href="/graphql">/graphql</a> から Data from the public GraphQL API. 書き出し Exports:{' '}
          <a href="/export/seats.csv">seats.csv</a> · <a href="/export/popolo.json">popolo.json</a>
        </span>{' '}
        <span class="live" data-live={live === null ? 'unknown' : String(live)}>
          {live === null ? '' : live ? '自動更新 Live updates: on' : '自動更新なし Live updates: not offered by this server'}
        </span>
      </footer>
    </>
  );
}

/** What the server puts where a view drawn by the browser goes: read only when JavaScript is off. */
function NeedsScript({ view }: { view: View }) {
  return (
    <noscript>
      <p class="coverage-note needs-script">
        {VIEW_LABELS[view].ja}は JavaScript で描画します。 The {VIEW_LABELS[view].en.toLowerCase()} is drawn by JavaScript, which is off. The roster (名簿), the
        exports (<a href="/export/seats.csv">seats.csv</a>, <a href="/export/popolo.json">popolo.json</a>) and the GraphQL API work without it.
      </p>
    </noscript>
  );
}
