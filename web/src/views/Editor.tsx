// The editor's view (?view=editor): paste the lists a notice prints, see the amendment meibo plans
// from them (proposeAmendment) with its 新旧対照表 and what it could not place, then record it
// (recordAmendment: a dry run first, then for real on a confirm click). The editor token is kept in
// the tab's session (sessionStorage) and sent only in the Authorization header.
import { useState } from 'preact/hooks';
import { ApiError, INSTRUMENTS, PROPOSE, RECORD, request, ROLE_LABELS, type InstrumentInfo, type Proposal, type ProposedListInput, type RecordResult } from '../api.js';
import { bothForms, isoOf } from '../days.js';
import {
  amendmentInput, forgetToken, hintChoices, hintCount, keepToken, lineText, listsToPropose, NO_HINTS, proposalKey, readToken, recordBlock, withHint,
  type BodyHints, type HintChoice, type KeyValue,
} from '../editor.js';
import { writeState } from '../state.js';
import { ShinkyuTable } from './Changes.js';
import { DayField, useLoad } from './common.js';

/** The tab's sessionStorage, or null where the browser refuses it (the token then lives in memory only). */
function session(): KeyValue | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

const KIND_LABELS: Record<string, string> = { REPLACE: '改称・後継 REPLACE', ADD: '追加 ADD', REMOVE: '削除 REMOVE', SET_CHAIR: '議長 SET_CHAIR' };
const roleJa = (role: string | null) => (role ? ROLE_LABELS[role]?.ja ?? role : '—');

/** What the current proposal was made from, so a later edit of the form makes it stale. */
interface Made {
  key: string;
  instrument: string;
  effectiveOn: string;
  lists: ProposedListInput[];
  proposal: Proposal;
}

export function Editor(props: { onRecorded: () => void }) {
  const [token, setToken] = useState<string | null>(() => readToken(session()));
  const [typed, setTyped] = useState('');
  const instruments = useLoad((signal) => request(INSTRUMENTS, {}, signal).then((d) => d.instruments.filter((i) => i.bodies.length > 0)), []);
  const [instrumentCode, setInstrumentCode] = useState('');
  const [effectiveOn, setEffectiveOn] = useState('');
  const [decidedOn, setDecidedOn] = useState('');
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [hints, setHints] = useState<Record<string, BodyHints>>({});
  const [made, setMade] = useState<Made | null>(null);
  const [proposeError, setProposeError] = useState<{ error: unknown; lists: ProposedListInput[] } | null>(null);
  const [busy, setBusy] = useState<'propose' | 'preview' | 'record' | null>(null);
  const [title, setTitle] = useState('');
  const [preview, setPreview] = useState<{ key: string; result: RecordResult } | null>(null);
  const [recorded, setRecorded] = useState<RecordResult | null>(null);
  const [recordError, setRecordError] = useState<unknown>(null);

  const list = instruments.data ?? [];
  const instrument: InstrumentInfo | undefined = list.find((i) => i.code === instrumentCode) ?? list.find((i) => i.code === 'designated-posts') ?? list[0];
  const bodyCodes = instrument?.bodies.map((b) => b.code) ?? [];
  const lists = listsToPropose(bodyCodes, texts, hints);
  const key = instrument ? proposalKey(instrument.code, effectiveOn, lists) : '';
  const stale = made !== null && made.key !== key;

  async function propose(withHints = hints) {
    if (!instrument || !token) return;
    const sent = listsToPropose(bodyCodes, texts, withHints);
    setBusy('propose');
    setProposeError(null);
    setPreview(null);
    setRecorded(null);
    setRecordError(null);
    try {
      if (!isoOf(effectiveOn)) throw new ApiError('施行日を入力してください（和暦または ISO）。 Enter the effective day (和暦 or ISO).', 'BAD_USER_INPUT', {});
      if (sent.length === 0) throw new ApiError('名簿を少なくとも一つ貼り付けてください。 Paste at least one list.', 'BAD_USER_INPUT', {});
      const d = await request(PROPOSE, { instrument: instrument.code, effectiveOn: effectiveOn.trim(), lists: sent }, undefined, token);
      setMade({ key: proposalKey(instrument.code, effectiveOn, sent), instrument: instrument.code, effectiveOn: effectiveOn.trim(), lists: sent, proposal: d.proposeAmendment });
    } catch (error) {
      setMade(null);
      setProposeError({ error, lists: sent });
    } finally {
      setBusy(null);
    }
  }

  function settle(body: string, choice: HintChoice, organization?: string) {
    const next = { ...hints, [body]: withHint(hints[body] ?? NO_HINTS, choice, organization) };
    setHints(next);
    void propose(next);
  }

  const blocked = made ? (stale ? '入力が提案の後に変わりました。もう一度提案してください。 The form changed since the proposal: propose again.' : recordBlock(made.proposal)) : null;
  const input = made && !blocked ? amendmentInput(made.proposal, made, { title, decidedOn }) : null;
  const inputKey = input ? JSON.stringify(input) : '';

  async function record(dryRun: boolean) {
    if (!input || !token) return;
    setBusy(dryRun ? 'preview' : 'record');
    setRecordError(null);
    try {
      if (!input.title) throw new ApiError('改正の題名を入力してください。 Enter the amendment’s title.', 'BAD_USER_INPUT', {});
      if (!isoOf(String(input.decidedOn))) throw new ApiError('決定日を入力してください（和暦または ISO）。 Enter the decision day (和暦 or ISO).', 'BAD_USER_INPUT', {});
      const d = await request(RECORD, { input, dryRun }, undefined, token);
      if (dryRun) setPreview({ key: inputKey, result: d.recordAmendment });
      else {
        setRecorded(d.recordAmendment);
        setPreview(null);
        props.onRecorded();
      }
    } catch (error) {
      setRecordError(error);
    } finally {
      setBusy(null);
    }
  }

  const bodyName = (code: string) => instrument?.bodies.find((b) => b.code === code)?.name ?? code;

  return (
    <section class="editor" aria-busy={busy !== null}>
      <h2>
        改正を記録 <span class="en">Record an amendment from the lists a notice prints</span>
      </h2>

      <div class="token-box" data-token={token ? 'kept' : 'none'}>
        {token ? (
          <p>
            編集者トークンはこのタブのセッションにだけ保存されています。 <span class="en">Your editor token is kept in this tab’s session only.</span>{' '}
            <button type="button" class="forget-token" onClick={() => {
              forgetToken(session());
              setToken(null);
            }}>
              トークンを消す Forget token
            </button>
          </p>
        ) : (
          <form onSubmit={(e) => {
            e.preventDefault();
            setToken(keepToken(session(), typed));
            setTyped('');
          }}>
            <label>
              編集者トークン <span class="en">Editor token</span>{' '}
              {/* no `name`: the token is never part of a submitted form or a URL */}
              <input type="password" class="token-input" autocomplete="off" spellcheck={false} value={typed} size={40}
                onInput={(e) => setTyped((e.target as HTMLInputElement).value)} />
            </label>{' '}
            <button type="submit">使う Use</button>
            <span class="en"> Kept in this tab’s session (sessionStorage) until the tab closes or you forget it; never in a URL.</span>
          </form>
        )}
      </div>

      {instruments.error != null && <EditorError error={instruments.error} />}
      {instruments.loading && !instruments.data && <p class="loading">読み込み中… Loading…</p>}
      {instrument && (
        <form class="propose" onSubmit={(e) => {
          e.preventDefault();
          void propose();
        }}>
          <div class="controls">
            <label>
              改正する文書 <span class="en">Instrument</span>{' '}
              <select name="instrument" value={instrument.code} onChange={(e) => setInstrumentCode((e.target as HTMLSelectElement).value)}>
                {list.map((i) => (
                  <option value={i.code} selected={i.code === instrument.code}>
                    {i.title}（{i.code}）
                  </option>
                ))}
              </select>
            </label>
            <DayField name="effectiveOn" label="施行日" labelEn="Effective day" value={effectiveOn} onInput={setEffectiveOn} />
            <DayField name="decidedOn" label="決定日" labelEn="Decision day (optional here)" value={decidedOn} onInput={setDecidedOn} />
          </div>
          <p class="hint">
            各会議の改正後の名簿を、告示のとおり貼り付けてください（議長・構成員・オブザーバーの見出し、一行に一職、折り返しはそのまま）。変わらない会議は空欄のままで。{' '}
            <span class="en">Paste each body’s list as the notice prints it (role labels, one title a line, wrapped as printed). Leave a body blank when its list does not change.</span>
          </p>
          {instrument.bodies.map((b) => (
            <div class="list-field">
              <label>
                {b.name} <code>{b.code}</code>
                <textarea name={`list-${b.code}`} data-body={b.code} rows={8} spellcheck={false} value={texts[b.code] ?? ''}
                  onInput={(e) => setTexts({ ...texts, [b.code]: (e.target as HTMLTextAreaElement).value })} />
              </label>
              {hintCount(hints[b.code]) > 0 && <AppliedHints hints={hints[b.code]!} onClear={() => setHints({ ...hints, [b.code]: NO_HINTS })} />}
            </div>
          ))}
          <p>
            <button type="submit" class="propose-button" disabled={!token || busy !== null}>
              提案 Propose
            </button>{' '}
            {!token && <span class="en">Enter your editor token first.</span>}
            {busy === 'propose' && <span class="loading">計画中… Planning…</span>}
          </p>
        </form>
      )}

      {proposeError && <EditorError error={proposeError.error} lists={proposeError.lists} />}

      {made && (
        <div class="proposal" data-stale={String(stale)}>
          <h3>
            提案 <span class="en">Proposed changes</span>（{bothForms(made.effectiveOn)} 施行）
          </h3>
          {made.proposal.changes.length === 0 ? (
            <p class="nothing">計画された変更はありません。 No change planned.</p>
          ) : (
            <table class="proposed-changes">
              <thead>
                <tr>
                  <th scope="col">種別 <span class="en">kind</span></th>
                  <th scope="col">会議 <span class="en">body</span></th>
                  <th scope="col">区分 <span class="en">role</span></th>
                  <th scope="col">変更 <span class="en">change</span></th>
                  <th scope="col">組織 <span class="en">organization</span></th>
                </tr>
              </thead>
              <tbody>
                {made.proposal.changes.map((c) => (
                  <tr data-kind={c.kind} data-body={c.body}>
                    <td class="kind">{KIND_LABELS[c.kind] ?? c.kind}</td>
                    <td>{bodyName(c.body)}</td>
                    <td class="role">
                      {roleJa(c.role)}
                      {c.position !== null && <span class="position"> {c.position}</span>}
                    </td>
                    <td class="what">{c.kind === 'REPLACE' ? <>{c.from} → {c.to}</> : c.post}</td>
                    <td>{c.organization ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}

          {made.proposal.unplaced.length > 0 && (
            <div class="unplaced" role="alert">
              <h3>
                未決 <span class="en">Not placed — nothing of these bodies’ roles is planned until settled</span>
              </h3>
              <table>
                <thead>
                  <tr>
                    <th scope="col">会議 <span class="en">body</span></th>
                    <th scope="col">行 <span class="en">line</span></th>
                    <th scope="col">職 <span class="en">title</span></th>
                    <th scope="col">理由 <span class="en">reason</span></th>
                    <th scope="col">決め方 <span class="en">settle</span></th>
                  </tr>
                </thead>
                <tbody>
                  {made.proposal.unplaced.map((u) => (
                    <UnplacedRow body={bodyName(u.body)} unplaced={u} disabled={busy !== null} onSettle={(choice, org) => settle(u.body, choice, org)} />
                  ))}
                </tbody>
              </table>
            </div>
          )}

          {made.proposal.diffs.map((d) => (
            <div class="proposal-diff" data-body={d.body}>
              <h3>
                {bodyName(d.body)} <span class="as-of">新旧対照表</span> <span class="en">what it would change</span>
              </h3>
              <p class="summary">
                改称 <b>{d.renamed.length}</b>・追加 <b>{d.added.length}</b>・削除 <b>{d.removed.length}</b>・変更なし <b>{d.unchanged}</b>{' '}
                <span class="en">renamed {d.renamed.length}, added {d.added.length}, removed {d.removed.length}, unchanged {d.unchanged}</span>
              </p>
              {d.renamed.length + d.added.length + d.removed.length === 0 ? (
                <p class="nothing">変更はありません。 Nothing changes.</p>
              ) : (
                <ShinkyuTable from={d.from} to={d.to} rows={d} />
              )}
            </div>
          ))}
          {made.proposal.diffs.length > 0 && <p class="hint">傍線部分が改正部分です。 <span class="en">Underlined: the characters that change.</span></p>}

          {recorded ? (
            <div class="recorded notice" role="status" data-sequence={recorded.sequence}>
              <p>
                記録しました：「{recorded.title}」（{bothForms(recorded.decidedOn)} 決定、{bothForms(recorded.effectiveOn)} 施行）、改正の通番 <b class="sequence">{recorded.sequence}</b>。{' '}
                <span class="en">Recorded as revision {recorded.sequence}.</span>
              </p>
              <ul>
                {recorded.diffs.filter((d) => d.added.length + d.removed.length + d.renamed.length > 0).map((d) => (
                  <li>
                    <a class="recorded-link" href={writeState({ view: 'changes', unknownView: null, body: d.body.code, asOf: null, from: null, to: null, revision: recorded.sequence, all: false })}>
                      {d.body.name} の新旧対照表 <span class="en">what it changed</span>
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <form class="record" onSubmit={(e) => {
              e.preventDefault();
              void record(true);
            }}>
              <h3>
                記録 <span class="en">Record</span>
              </h3>
              {blocked ? (
                <p class="coverage-note record-blocked">{blocked}</p>
              ) : (
                <>
                  <div class="controls">
                    <label>
                      題名 <span class="en">Title</span>{' '}
                      <input type="text" name="title" size={48} value={title} placeholder="…の一部改正について" onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
                    </label>
                    <DayField name="recordDecidedOn" label="決定日" labelEn="Decision day" value={decidedOn} onInput={setDecidedOn} />
                  </div>
                  <p>
                    <button type="submit" class="record-button" disabled={busy !== null}>
                      記録 Record…
                    </button>{' '}
                    <span class="en">First a dry run: nothing is written until you confirm.</span>
                  </p>
                </>
              )}
              {recordError != null && <EditorError error={recordError} />}
              {preview && preview.key === inputKey && !blocked && (
                <div class="dry-run" data-sequence={preview.result.sequence}>
                  <p>
                    試行（まだ記録していません）：改正の通番 {preview.result.sequence} として記録されます。{' '}
                    <span class="en">Dry run, nothing written yet: it would be revision {preview.result.sequence}.</span>
                  </p>
                  <ul>
                    {preview.result.diffs.map((d) => (
                      <li data-body={d.body.code}>
                        {d.body.name}: 改称 {d.renamed.length}・追加 {d.added.length}・削除 {d.removed.length}・変更なし {d.unchanged}
                      </li>
                    ))}
                  </ul>
                  <button type="button" class="confirm-button" disabled={busy !== null} onClick={() => void record(false)}>
                    確定して記録 Confirm and record
                  </button>
                </div>
              )}
            </form>
          )}
        </div>
      )}
    </section>
  );
}

function AppliedHints({ hints, onClear }: { hints: BodyHints; onClear: () => void }) {
  const items = [
    ...hints.join.map((n) => `行 ${n} を前に続ける join ${n}`),
    ...hints.split.map((n) => `行 ${n} は別の職 split ${n}`),
    ...hints.pairs.map((p) => `改称 pair 「${p.from}」→「${p.to}」`),
    ...hints.apart.map((p) => `別の席 apart 「${p.from}」/「${p.to}」`),
    ...hints.organizations.map((o) => `「${o.post}」の組織 organization: ${o.organization}`),
  ];
  return (
    <p class="applied-hints">
      指定 <span class="en">Your hints</span>: {items.join('；')}{' '}
      <button type="button" onClick={onClear}>
        消す Clear
      </button>
    </p>
  );
}

function UnplacedRow(props: {
  body: string; unplaced: Proposal['unplaced'][number]; disabled: boolean; onSettle: (choice: HintChoice, organization?: string) => void;
}) {
  const { unplaced: u } = props;
  const [organization, setOrganization] = useState('');
  return (
    <tr data-line={u.line ?? ''}>
      <td>{props.body}</td>
      <td class="num">{u.line ?? '—'}</td>
      <td class="title">{u.title}</td>
      <td class="reason">{u.reason}</td>
      <td class="settle">
        {hintChoices(u.hint).map((choice) =>
          choice.kind === 'organization' ? (
            <span class="org-hint">
              <input type="text" aria-label="組織 organization" value={organization} size={12} onInput={(e) => setOrganization((e.target as HTMLInputElement).value)} />{' '}
              <button type="button" disabled={props.disabled || !organization.trim()} onClick={() => props.onSettle(choice, organization)}>
                {choice.label}
              </button>
            </span>
          ) : (
            <button type="button" data-hint={choice.kind} disabled={props.disabled} onClick={() => props.onSettle(choice)}>
              {choice.label}
            </button>
          ),
        )}
        {hintChoices(u.hint).length === 0 && <span class="en">{u.hint ?? '名簿を直してください edit the list'}</span>}
      </td>
    </tr>
  );
}

const WHAT: Record<string, string> = {
  UNAUTHENTICATED: 'トークンが認められません。 The token is not accepted.',
  FORBIDDEN: 'このトークンには編集の権限がありません。 This token may not edit.',
  BAD_USER_INPUT: '入力を確認してください。 Please check the input.',
  NOT_FOUND: '見つかりません。 Not found.',
  CONFLICT: '記録できません（競合）。 Cannot be recorded (conflict).',
  OUT_OF_COVERAGE: '収録範囲外 Not covered.',
};

/** An error as the editor must read it: its code, its message, and the line of the list it concerns. */
function EditorError({ error, lists = [] }: { error: unknown; lists?: ProposedListInput[] }) {
  const code = error instanceof ApiError ? error.code : 'ERROR';
  const message = error instanceof Error ? error.message : String(error);
  const ext = error instanceof ApiError ? error.extensions : {};
  const line = typeof ext.line === 'number' ? ext.line : null;
  const body = typeof ext.body === 'string' ? ext.body : lists.length === 1 ? lists[0]!.body : null;
  const text = line !== null && body !== null ? lists.find((l) => l.body === body)?.text : undefined;
  const printed = text !== undefined && line !== null ? lineText(text, line) : null;
  return (
    <div class="error editor-error" role="alert" data-code={code} data-line={line ?? undefined}>
      <p>
        <strong>{WHAT[code] ?? 'エラー Error.'}</strong> {message} <code class="code">{code}</code>
      </p>
      {line !== null && (
        <p class="line">
          {body ? `${body} ` : ''}行 {line} <span class="en">line {line}</span>
          {printed !== null && <>: 「<code>{printed}</code>」</>}
        </p>
      )}
    </div>
  );
}
