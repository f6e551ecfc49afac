// meibo's page: the roster of a body as of a day, its seats over time, and what changed between
// two days, all read from the public GraphQL API. The URL holds the view, the body and the day(s).
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, BODIES, request, type BodyInfo } from './api.js';
import { watchDirectory, liveAvailable } from './live.js';
import { readState, writeState, type PageState, type View } from './state.js';
import { Roster } from './views/Roster.js';
import { Timeline } from './views/Timeline.js';
import { Changes } from './views/Changes.js';
import './style.css';

const VIEW_LABELS: Record<View, { ja: string; en: string }> = {
  roster: { ja: '名簿', en: 'Roster as of a day' },
  timeline: { ja: '推移', en: 'Timeline' },
  changes: { ja: '新旧対照表', en: 'What changed' },
};

function App() {
  const [state, setState] = useState<PageState>(() => readState(location.search));
  const [bodies, setBodies] = useState<BodyInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // bumped when the directory changes (live updates), so the views read their data again
  const [generation, setGeneration] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const [live, setLive] = useState<boolean | null>(null);

  const loadBodies = useCallback(() => {
    request(BODIES, {}).then((d) => setBodies(d.bodies), (e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  }, []);
  useEffect(loadBodies, [loadBodies, generation]);

  useEffect(() => {
    const onPop = () => setState(readState(location.search));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);

  const body = bodies?.find((b) => b.code === state.body) ?? bodies?.find((b) => b.code === 'secretariat') ?? bodies?.[0];

  useEffect(() => {
    void liveAvailable().then(setLive);
    if (!body) return;
    return watchDirectory(body.code, () => {
      setGeneration((g) => g + 1);
      setNotice(`更新されました（${new Date().toLocaleTimeString('ja-JP')}）Updated: an amendment was recorded or reverted.`);
    });
  }, [body?.code]);

  const navigate = (next: Partial<PageState>) => {
    const merged = { ...state, ...next };
    history.pushState(null, '', writeState(merged));
    setState(merged);
  };

  useEffect(() => {
    document.title = `meibo 名簿 — ${VIEW_LABELS[state.view].ja}${body ? `｜${body.name}` : ''}`;
  }, [state.view, body?.name]);

  return (
    <>
      <header>
        <h1>
          meibo <span class="ja">名簿</span> <small>サイバーセキュリティ関係会議の構成 · who sits on Japan's government cybersecurity councils</small>
        </h1>
        <nav aria-label="表示 View">
          {(Object.keys(VIEW_LABELS) as View[]).map((v) => (
            <a
              href={writeState({ ...state, view: v })}
              aria-current={state.view === v ? 'page' : undefined}
              data-view={v}
              onClick={(e) => {
                e.preventDefault();
                navigate({ view: v });
              }}
            >
              {VIEW_LABELS[v].ja} <span class="en">{VIEW_LABELS[v].en}</span>
            </a>
          ))}
          <a href="/graphql" class="graphiql">GraphiQL</a>
        </nav>
      </header>
      <main>
        {error && <p class="error" role="alert">{error}</p>}
        {!bodies && !error && <p class="loading">読み込み中… Loading…</p>}
        {bodies && body && (
          <>
            <label class="body-select">
              会議 <span class="en">Body</span>{' '}
              <select name="body" value={body.code} onChange={(e) => navigate({ body: (e.target as HTMLSelectElement).value })}>
                {bodies.map((b) => (
                  <option value={b.code}>
                    {b.name}（{b.code}）
                  </option>
                ))}
              </select>
            </label>
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
            {state.view === 'roster' && <Roster body={body} asOf={state.asOf} generation={generation} onDay={(asOf) => navigate({ asOf })} />}
            {state.view === 'timeline' && <Timeline body={body} all={state.all} generation={generation} onAll={(all) => navigate({ all })} />}
            {state.view === 'changes' && (
              <Changes body={body} from={state.from} to={state.to} generation={generation} onDays={(from, to) => navigate({ from, to })} />
            )}
          </>
        )}
      </main>
      <footer>
        <span>データは公開 GraphQL API <a href="/graphql">/graphql</a> から Data from the public GraphQL API.</span>{' '}
        <span class="live" data-live={live === null ? 'unknown' : String(live)}>
          {live === null ? '' : live ? '自動更新 Live updates: on' : '自動更新なし Live updates: not offered by this server'}
        </span>
      </footer>
    </>
  );
}

const root = document.getElementById('app')!;
// the "Loading… (JavaScript is needed)" placeholder goes: Preact renders into an empty element
root.textContent = '';
render(<App />, root);
