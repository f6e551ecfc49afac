// Pieces the views share: a day field (和暦 or ISO typed, or a date picker), an error as a person
// should read it (OUT_OF_COVERAGE with the covered range), and a day shown in both calendars.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { bothForms, isoOf, wareki } from '../days.js';

export function Day({ day }: { day: string | null | undefined }) {
  if (!day) return <span class="day open">—</span>;
  const iso = isoOf(day);
  return (
    <time class="day" dateTime={iso ?? undefined}>
      {wareki(day)}
      <span class="iso">{iso ?? ''}</span>
    </time>
  );
}

/** A day field: text (和暦 or ISO, as the API accepts) and a date picker, kept in step. */
export function DayField(props: { name: string; label: string; labelEn: string; value: string; onInput: (text: string) => void }) {
  const iso = isoOf(props.value);
  return (
    <span class="day-field">
      <label>
        {props.label} <span class="en">{props.labelEn}</span>{' '}
        <input
          type="text"
          name={props.name}
          value={props.value}
          placeholder="令和7年7月1日 / 2025-07-01"
          size={16}
          onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
        />
      </label>
      <input
        type="date"
        aria-label={`${props.label} (calendar)`}
        value={iso ?? ''}
        onInput={(e) => {
          const v = (e.target as HTMLInputElement).value;
          if (v) props.onInput(v);
        }}
      />
      {iso && <span class="day-echo">{bothForms(iso)}</span>}
    </span>
  );
}

interface Covered {
  from: string | null;
  to: string | null;
}

/** An API error, plainly; OUT_OF_COVERAGE names the days the data does cover. */
export function ErrorBox({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.code === 'OUT_OF_COVERAGE') {
    const covered = (error.extensions.covered as Covered[] | undefined) ?? [];
    return (
      <div class="error out-of-coverage" role="alert" data-code="OUT_OF_COVERAGE">
        <p>
          <strong>収録範囲外 Not covered.</strong> この日の構成はデータにありません（最も近い名簿で代えることはしません）。 The data does not cover this
          day; meibo does not answer with the nearest list.
        </p>
        {covered.length > 0 ? (
          <p class="covered">
            収録範囲 Covered:{' '}
            {covered.map((c, i) => (
              <span class="range">
                {i > 0 && '、'}
                {c.from ? bothForms(c.from) : '—'} から{c.to ? ` ${bothForms(c.to)} の前日まで` : ''} {c.to ? `(from ${c.from} until before ${c.to})` : `(from ${c.from} onwards)`}
              </span>
            ))}
          </p>
        ) : (
          <p class="covered">収録範囲なし No day is covered for this body.</p>
        )}
        <p class="message">{error.message}</p>
      </div>
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <div class="error" role="alert" data-code={code}>
      <p>
        {code === 'BAD_USER_INPUT' ? '入力を確認してください。 Please check the input. ' : 'エラー Error. '}
        {message}
      </p>
    </div>
  );
}

/**
 * Runs `load` whenever `deps` change; the latest answer wins. `initial`: an answer already read
 * (by the server, for the markup the page arrived with), so the first run is skipped.
 */
export function useLoad<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: unknown[],
  initial?: { data: T | null; error: unknown },
): { data: T | null; error: unknown; loading: boolean } {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>(() =>
    initial ? { ...initial, loading: false } : { data: null, error: null, loading: true },
  );
  const skip = useRef(initial !== undefined);
  useEffect(() => {
    if (skip.current) {
      skip.current = false;
      return;
    }
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    load(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ data, error: null, loading: false }),
      (error: unknown) => !controller.signal.aborted && setState({ data: null, error, loading: false }),
    );
    return () => controller.abort();
  }, deps);
  return state;
}
