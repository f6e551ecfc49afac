// 推移: every seat of the body as a bar over the days it is in force, across revisions. A retitled
// seat is one row (its seatKey) whose label changes; revision days are marked; days the data does
// not cover are shaded as unknown, never drawn as empty.
import { request, ROLE_LABELS, ROLE_ORDER, TIMELINE, type BodyInfo, type TimelineSeat } from '../api.js';
import { bothForms, daysBetween, plusDays, todayInJapan, wareki } from '../days.js';
import { ErrorBox, useLoad } from './common.js';

interface Segment {
  from: string;
  /** exclusive; null: no end known */
  to: string | null;
  title: string;
}
interface Row {
  seatKey: string;
  role: string;
  position: number;
  segments: Segment[];
}

/** The days to read the lists on: each covered range's first day and each revision that takes effect inside one. */
function sampleDays(body: BodyInfo): string[] {
  const days = new Set<string>();
  const inside = (d: string) => body.coverage.ranges.some((r) => r.from <= d && (r.to === null || d < r.to));
  for (const r of body.coverage.ranges) days.add(r.from);
  for (const rev of body.revisions) if (inside(rev.inForceFrom)) days.add(rev.inForceFrom);
  return [...days].sort();
}

/** One row per seatKey, its segments in day order; consecutive segments with one title are merged. */
export function rowsOf(lists: TimelineSeat[][]): Row[] {
  const rows = new Map<string, Row>();
  const seen = new Set<string>();
  for (const list of lists) {
    for (const s of list) {
      const id = `${s.seat.seatKey}|${s.seat.validFrom}`;
      if (seen.has(id)) continue;
      seen.add(id);
      let row = rows.get(s.seat.seatKey);
      if (!row) rows.set(s.seat.seatKey, (row = { seatKey: s.seat.seatKey, role: s.role, position: s.position, segments: [] }));
      row.segments.push({ from: s.seat.validFrom, to: s.seat.validTo ?? null, title: s.post.title });
    }
  }
  for (const row of rows.values()) {
    row.segments.sort((a, b) => (a.from < b.from ? -1 : 1));
    row.segments = row.segments.reduce<Segment[]>((out, seg) => {
      const last = out[out.length - 1];
      if (last && last.title === seg.title && last.to === seg.from) last.to = seg.to;
      else out.push({ ...seg });
      return out;
    }, []);
  }
  return [...rows.values()];
}

export function Timeline(props: { body: BodyInfo; all: boolean; generation: number; onAll: (all: boolean) => void }) {
  const { body } = props;
  const days = sampleDays(body);
  const { data, error, loading } = useLoad(
    (signal) => Promise.all(days.map((asOf) => request(TIMELINE, { body: body.code, asOf }, signal).then((d) => d.members ?? []))),
    [body.code, days.join(','), props.generation],
  );

  const revisionDays = [...new Set(body.revisions.map((r) => r.inForceFrom))].sort();
  const today = todayInJapan();
  const firstCovered = body.coverage.ranges[0]?.from ?? null;
  // Default span: from the revision before the first covered day (so the unknown stretch shows),
  // to a little past today or the latest revision; `all`: from the instrument's first revision.
  const before = firstCovered ? revisionDays.filter((d) => d < firstCovered).pop() : undefined;
  const start = props.all || !firstCovered ? (revisionDays[0] ?? today) : (before ?? plusDays(firstCovered, -365));
  const latest = [today, ...revisionDays].sort().pop()!;
  const end = plusDays(latest, Math.max(60, Math.round(daysBetween(start, latest) / 12)));
  const span = daysBetween(start, end);
  const x = (day: string) => Math.min(100, Math.max(0, (daysBetween(start, day) / span) * 100));
  const pct = (n: number) => `${n.toFixed(3)}%`;

  // what the data does not cover, inside [start, end)
  const unknown: Array<{ from: string; to: string }> = [];
  let cursor = start;
  for (const r of body.coverage.ranges) {
    if (r.from > cursor) unknown.push({ from: cursor, to: r.from < end ? r.from : end });
    cursor = r.to ?? end;
  }
  if (cursor < end) unknown.push({ from: cursor, to: end });

  const rows = data ? rowsOf(data) : [];
  rows.sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.position - b.position);

  const track = (extra?: preact.ComponentChildren) => (
    <div class="track">
      {unknown.map((u) => (
        <div class="unknown" style={{ left: pct(x(u.from)), width: pct(x(u.to) - x(u.from)) }} title={`収録範囲外（不明） not covered: ${u.from} – ${u.to}`} />
      ))}
      {revisionDays
        .filter((d) => d >= start && d < end)
        .map((d) => (
          <div class="revision-mark" style={{ left: pct(x(d)) }} />
        ))}
      {extra}
    </div>
  );

  return (
    <section class="timeline" aria-busy={loading}>
      <div class="controls">
        <label>
          <input type="checkbox" checked={props.all} onChange={(e) => props.onAll((e.target as HTMLInputElement).checked)} /> 全改正を表示{' '}
          <span class="en">every revision since the first</span>
        </label>
      </div>
      <h2>
        {body.name} <span class="as-of">座席の推移</span> <span class="en">seats over time</span>
      </h2>
      <p class="legend">
        <span class="swatch s-bar" /> 在任中の座席 <span class="en">a seat in force</span> <span class="swatch s-rename" /> 交代（改称・後継・置換） <span class="en">another post in the seat</span>{' '}
        <span class="swatch s-unknown" /> 不明（収録範囲外） <span class="en">unknown: the sources do not give the list</span> <span class="swatch s-mark" /> 改正日{' '}
        <span class="en">revision day</span>
      </p>
      {error != null && <ErrorBox error={error} />}
      {days.length === 0 && <p class="coverage-note">収録された日がありません。 No day is covered for this body.</p>}
      <div class="chart" role="figure" aria-label={`${body.name} seats from ${start} to ${end}`}>
        <div class="row axis">
          <div class="label" />
          {track(
            revisionDays
              .filter((d) => d >= start && d < end)
              .map((d, i, all) => (
                <span class={`tick${i % 2 ? ' odd' : ''}`} style={{ left: pct(x(d)) }} title={bothForms(d)}>
                  {all.length > 8 ? d.slice(0, 4) : wareki(d)}
                </span>
              )),
          )}
        </div>
        {rows.map((row) => {
          const current = row.segments[row.segments.length - 1]!;
          const role = ROLE_LABELS[row.role]?.ja ?? row.role;
          return (
            <div class="row seat-row" data-seat={row.seatKey} data-segments={row.segments.length}>
              <div class="label" title={row.segments.map((s) => s.title).join(' → ')}>
                <span class="role">
                  {role}
                  {row.role === 'CHAIR' ? '' : row.position}
                </span>{' '}
                {current.title}
              </div>
              {track(
                row.segments.map((seg, i) => (
                  <div
                    class={`bar${i > 0 ? ' renamed' : ''}${seg.to === null ? ' open' : ''}`}
                    style={{ left: pct(x(seg.from)), width: pct(x(seg.to ?? end) - x(seg.from)) }}
                    title={`${seg.title}\n${bothForms(seg.from)} 〜 ${seg.to ? `${bothForms(seg.to)} の前日` : '（終期なし no end known）'}`}
                  >
                    <span>{seg.title}</span>
                  </div>
                )),
              )}
            </div>
          );
        })}
      </div>
      <p class="axis-note">
        {bothForms(start)} 〜 {bothForms(end)}
      </p>
    </section>
  );
}
