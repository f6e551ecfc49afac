// 名簿: who sits on the body as of a day — chair, members and observers in listing order, each
// with its organization and its source (instrument, revision, clause).
import { useEffect, useState } from 'preact/hooks';
import { request, ROLE_LABELS, ROLE_ORDER, ROSTER, type BodyInfo, type RosterSeat } from '../api.js';
import { bothForms, dayBefore, todayInJapan } from '../days.js';
import { Day, DayField, ErrorBox, useLoad } from './common.js';

export function Roster(props: {
  body: BodyInfo;
  asOf: string | null;
  generation: number;
  /** the roster the server already read for this body and day */
  initial?: { data: RosterSeat[] | null; error: unknown };
  onDay: (asOf: string) => void;
}) {
  const asOf = props.asOf ?? todayInJapan();
  const [text, setText] = useState(asOf);
  useEffect(() => setText(asOf), [asOf]);
  const { data, error, loading } = useLoad(
    (signal) => request(ROSTER, { body: props.body.code, asOf }, signal).then((d) => d.members ?? []),
    [props.body.code, asOf, props.generation],
    props.initial,
  );
  const byRole = ROLE_ORDER.map((role) => ({ role, seats: (data ?? []).filter((s) => s.role === role) })).filter((g) => g.seats.length > 0);

  return (
    <section class="roster" aria-busy={loading}>
      {/* a GET form: without JavaScript it asks the server for the roster of the day typed */}
      <form
        class="controls"
        method="get"
        action="/"
        onSubmit={(e) => {
          e.preventDefault();
          props.onDay(text.trim());
        }}
      >
        <input type="hidden" name="view" value="roster" />
        <input type="hidden" name="body" value={props.body.code} />
        <DayField name="asOf" label="時点" labelEn="As of" value={text} onInput={setText} />
        <button type="submit">表示 Show</button>
      </form>
      <h2>
        {props.body.name} <span class="as-of">{bothForms(asOf)} 時点の構成</span>
        {props.body.nameEn && <span class="en"> {props.body.nameEn}</span>}
      </h2>
      {error != null && <ErrorBox error={error} />}
      {data && (
        <>
          <p class="summary">
            <span class="count" data-count={data.length}>
              {data.length} 席
            </span>{' '}
            <span class="en">{data.length} seats, in the instrument's listing order</span>
          </p>
          {data.length > 0 && !data.some((s) => s.role === 'CHAIR') && (
            <p class="no-chair">
              議長：出典に記載なし <span class="en">Chair: not given by the sources</span>
            </p>
          )}
          {byRole.map(({ role, seats }) => (
            <RoleTable role={role} seats={seats} />
          ))}
        </>
      )}
    </section>
  );
}

function RoleTable({ role, seats }: { role: string; seats: RosterSeat[] }) {
  const label = ROLE_LABELS[role] ?? { ja: role, en: role };
  return (
    <table class="seats" data-role={role}>
      <caption>
        {label.ja} <span class="en">{label.en}</span> <span class="n">（{seats.length}）</span>
      </caption>
      <thead>
        <tr>
          <th scope="col">
            順 <span class="en">No.</span>
          </th>
          <th scope="col">
            職 <span class="en">Post</span>
          </th>
          <th scope="col">
            府省庁・機関 <span class="en">Organization</span>
          </th>
          <th scope="col">
            期間 <span class="en">In force</span>
          </th>
          <th scope="col">
            出典 <span class="en">Source</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {seats.map((s) => (
          <tr data-seat={s.seat.seatKey}>
            <td class="num">{s.position}</td>
            <td class="title">{s.post.title}</td>
            <td class="org">
              {s.post.organization.name}
              {s.post.organization.nameEn && <span class="en">{s.post.organization.nameEn}</span>}
            </td>
            <td class="period" data-label="期間 In force">
              {s.seat.validFromIsCoverageStart && <span class="since">遅くとも at least since </span>}
              <Day day={s.seat.validFrom} /> 〜 {s.seat.validTo ? <Day day={dayBefore(s.seat.validTo)} /> : <span class="open">（終期なし no end known）</span>}
            </td>
            <td class="source" data-label="出典 Source">
              「{s.source.instrument.title}」 {s.source.clause}
              <span class="revision">
                {s.source.revision.sequence === 0 ? '決定' : `改正`} <Day day={s.source.revision.decidedOn} />
                {s.source.revision.effectiveOn && (
                  <>
                    {' '}
                    施行 <Day day={s.source.revision.effectiveOn} />
                  </>
                )}
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
