// 新旧対照表: what changed in the body between two days, printed the way the government prints an
// amendment — 改正後 on the left, 改正前 on the right, the changed characters underlined (傍線),
// additions and removals marked. Default: across the latest amendment (the day before it takes
// effect → the day it does).
import { useEffect, useState } from 'preact/hooks';
import { DIFF, request, ROLE_LABELS, type BodyInfo } from '../api.js';
import { diffChars, type Segment } from '../chardiff.js';
import { bothForms, dayBefore, isoOf } from '../days.js';
import { DayField, ErrorBox, useLoad } from './common.js';

/** The latest revision whose lists are known and that takes effect on a covered day. */
function latestAmendment(body: BodyInfo) {
  const covered = (d: string) => body.coverage.ranges.some((r) => r.from <= d && (r.to === null || d < r.to));
  return [...body.revisions].reverse().find((r) => r.contentKnown && covered(r.inForceFrom) && covered(dayBefore(r.inForceFrom)));
}

/**
 * The revisions whose change can be shown: a known text, and a known text before it (the list it
 * replaced), each with that predecessor — the revision that took effect just before it.
 */
export function comparableRevisions(body: BodyInfo) {
  const ordered = [...body.revisions].sort((a, b) => (a.inForceFrom < b.inForceFrom ? -1 : a.inForceFrom > b.inForceFrom ? 1 : a.sequence - b.sequence));
  return ordered.flatMap((r, i) => (i > 0 && r.contentKnown && ordered[i - 1].contentKnown ? [{ revision: r, before: ordered[i - 1] }] : []));
}

function Marked({ segments }: { segments: Segment[] }) {
  return (
    <>
      {segments.map((s) => (s.changed ? <u class="changed">{s.text}</u> : <span>{s.text}</span>))}
    </>
  );
}

function seatLabel(role: string, position: number) {
  const label = ROLE_LABELS[role] ?? { ja: role, en: role };
  return `${label.ja}${role === 'CHAIR' ? '' : ` ${position}`}`;
}

/** A seat as a 新旧対照表 row names it. */
export interface ShinkyuSeat {
  role: string;
  position: number;
  title: string;
}
const seatOf = (s: { role: string; position: number; post: { title: string } }): ShinkyuSeat => ({ role: s.role, position: s.position, title: s.post.title });

/**
 * The 新旧対照表 of one body from `from` to `to`: 改正後 left, 改正前 right, changed characters
 * underlined; drawn for a diff between days or revisions (this view) and for a proposal (Editor).
 */
export function ShinkyuTable(props: {
  from: string; to: string;
  rows: { renamed: Array<{ kind: string; before: Pick<ShinkyuSeat, 'title'>; after: ShinkyuSeat }>; added: ShinkyuSeat[]; removed: ShinkyuSeat[] };
}) {
  return (
    <table class="shinkyu">
      <thead>
        <tr>
          <th scope="col" class="seat-col">
            座席 <span class="en">Seat</span>
          </th>
          <th scope="col">
            改正後 <span class="en">after</span> <span class="day-h">{bothForms(props.to)}</span>
          </th>
          <th scope="col">
            改正前 <span class="en">before</span> <span class="day-h">{bothForms(props.from)}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {props.rows.renamed.map((r) => {
          const d = diffChars(r.before.title, r.after.title);
          return (
            <tr class="renamed" data-kind="renamed">
              <th scope="row">
                {seatLabel(r.after.role, r.after.position)}
                <span class="kind">{r.kind === 'SUCCESSION' ? '後継 succession' : r.kind === 'RETITLE' ? '改称 retitled' : '置換 replaced'}</span>
              </th>
              <td class="after">
                <Marked segments={d.after} />
              </td>
              <td class="before">
                <Marked segments={d.before} />
              </td>
            </tr>
          );
        })}
        {props.rows.added.map((s) => (
          <tr class="added" data-kind="added">
            <th scope="row">
              {seatLabel(s.role, s.position)}
              <span class="kind">追加 added</span>
            </th>
            <td class="after">
              <u class="changed">{s.title}</u>
            </td>
            <td class="before empty">（新設 new）</td>
          </tr>
        ))}
        {props.rows.removed.map((s) => (
          <tr class="removed" data-kind="removed">
            <th scope="row">
              {seatLabel(s.role, s.position)}
              <span class="kind">削除 removed</span>
            </th>
            <td class="after empty">（削る removed）</td>
            <td class="before">
              <u class="changed">{s.title}</u>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Changes(props: {
  body: BodyInfo; from: string | null; to: string | null; revision: number | null; generation: number;
  onDays: (from: string, to: string) => void; onRevision: (sequence: number) => void;
}) {
  const { body } = props;
  const revisions = comparableRevisions(body);
  const picked = props.revision === null ? null : revisions.find((r) => r.revision.sequence === props.revision) ?? null;
  const latest = latestAmendment(body);
  const to = props.to ?? latest?.inForceFrom ?? null;
  const from = props.from ?? (to && isoOf(to) ? dayBefore(to) : null);
  const [fromText, setFrom] = useState(from ?? '');
  const [toText, setTo] = useState(to ?? '');
  useEffect(() => setFrom(from ?? ''), [from]);
  useEffect(() => setTo(to ?? ''), [to]);

  // The earlier day is always 改正前, whichever order the days were given in (a diff names the same
  // changes both ways).
  const [early, late] = from && to && to < from ? [to, from] : [from, to];
  const { data, error, loading } = useLoad(
    (signal) =>
      picked
        // by versions: the list the revision prints against the one it replaced, whatever days they fall on
        ? request(DIFF, { body: body.code, fromRevision: picked.before.id, toRevision: picked.revision.id }, signal).then((d) => d.membershipDiff)
        : early && late ? request(DIFF, { body: body.code, from: early, to: late }, signal).then((d) => d.membershipDiff) : Promise.resolve(null),
    [body.code, early, late, picked?.revision.id, props.generation],
  );

  return (
    <section class="changes" aria-busy={loading}>
      <form
        class="controls"
        onSubmit={(e) => {
          e.preventDefault();
          props.onDays(fromText.trim(), toText.trim());
        }}
      >
        <DayField name="from" label="改正前" labelEn="Before (from)" value={fromText} onInput={setFrom} />
        <DayField name="to" label="改正後" labelEn="After (to)" value={toText} onInput={setTo} />
        <button type="submit">比較 Compare</button>
      </form>
      {revisions.length > 0 && (
        <form class="controls revision-pick" onSubmit={(e) => e.preventDefault()}>
          <label>
            改正で選ぶ <span class="en">or pick a revision</span>{' '}
            <select
              name="revision"
              value={picked ? String(picked.revision.sequence) : ''}
              onChange={(e) => {
                const v = (e.target as HTMLSelectElement).value;
                if (v !== '') props.onRevision(Number(v));
              }}
            >
              <option value="">—</option>
              {revisions.map(({ revision }) => (
                <option value={String(revision.sequence)}>改正 {bothForms(revision.decidedOn)}</option>
              ))}
            </select>
          </label>
        </form>
      )}
      {props.revision !== null && !picked && <p class="coverage-note">この改正の新旧は比べられません。 That revision cannot be compared (unknown, or its text or the one before it is not in the data).</p>}
      <h2>
        {body.name} <span class="as-of">新旧対照表</span> <span class="en">what changed</span>
      </h2>
      {picked && (
        <p class="default-note" data-revision={picked.revision.sequence}>
          改正（{bothForms(picked.revision.decidedOn)} 決定、{bothForms(picked.revision.inForceFrom)} 施行）の新旧：その直前の改正（{bothForms(picked.before.decidedOn)} 決定）の表と比べています。{' '}
          <span class="en">What this revision changed: its list against the one it replaced.</span>
        </p>
      )}
      {!picked && !props.from && !props.to && latest && (
        <p class="default-note">
          直近の改正（{bothForms(latest.decidedOn)} 決定、{bothForms(latest.inForceFrom)} 施行）の前日と当日を比べています。{' '}
          <span class="en">Comparing the day before and the day of the latest amendment.</span>
        </p>
      )}
      {!from && <p class="coverage-note">比べられる改正がありません。 No amendment to compare.</p>}
      {error != null && <ErrorBox error={error} />}
      {data && (
        <>
          <p class="summary">
            {bothForms(data.from)} → {bothForms(data.to)}: 改称 <b data-count-renamed={data.renamed.length}>{data.renamed.length}</b>・追加{' '}
            <b>{data.added.length}</b>・削除 <b>{data.removed.length}</b>・変更なし <b>{data.unchanged}</b>{' '}
            <span class="en">
              renamed {data.renamed.length}, added {data.added.length}, removed {data.removed.length}, unchanged {data.unchanged}
            </span>
          </p>
          {data.renamed.length + data.added.length + data.removed.length === 0 ? (
            <p class="nothing">変更はありません。 Nothing changed.</p>
          ) : (
            <ShinkyuTable from={data.from} to={data.to} rows={{
              renamed: data.renamed.map((r) => ({ kind: r.kind, before: seatOf(r.before), after: seatOf(r.after) })),
              added: data.added.map(seatOf),
              removed: data.removed.map(seatOf),
            }} />
          )}
          <p class="hint">
            傍線部分が改正部分です。 <span class="en">Underlined: the characters that changed.</span>
          </p>
        </>
      )}
    </section>
  );
}
