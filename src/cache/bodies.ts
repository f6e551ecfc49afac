// A request body's cache identity (src/cache/keys.ts PreparedRequest), worked out from its text.
//
// A dashboard repeats a few bodies: each distinct text is parsed and prepared once, and a repeat
// costs one Map lookup. A time slider sends a new text for every day, though, identical but for
// the day: `{"query":"…","variables":{"d":"2025-07-02"}}`. Parsing each one and building its key
// made a first visit cost 1.3–1.7× a repeat, although its answer is the interval's, already cached.
// So a body is also remembered by its *shape*: its text with every JSON string that is exactly a
// day (`"YYYY-MM-DD"`) taken out. What a shape says is learnt once, from a body of that shape:
// which of its days are interval days (src/cache/days.ts) and in which slot of the key each goes;
// the others (a `knownAt`, a day used elsewhere than an interval argument, a day that is a JSON key
// or inside a document's comment) are exact: their values select the key's digest, learnt per
// value, once a second body of the shape has come (a one-off document is not worth the probes).
// A new body of a known shape is then keyed from the days read out of its text, without parsing it.
//
// Why that is the body's own key: a shape with its days put back is the text itself, and a day's
// digits and hyphens inside a JSON string change neither how the JSON nor how the document is
// read. What the key depends on besides the text is how each day is read (parseDay), done here
// for every day as the full path does; a day that does not parse sends the body the full way.
// The shape's slots are learnt from copies of the body with a distinct sentinel day at each
// position (so each slot names its position, with no ambiguity when two days are equal), and the
// digest for each value of the exact days from the body itself, checked against the slots.
// tests/cache-bodies.test.ts compares both ways over bodies made to confuse them.
import { boundedMemo, MAX_REMEMBERED_TEXT, type PreparedRequest } from './keys.js';
import { asDay } from './days.js';

/** A JSON string that is a day, as a time slider sends it: the day in group 1. */
const DAY_STRING = /"(\d{4}-\d{2}-\d{2})"/g;
/** Stands for a day in a shape; a raw NUL never occurs in a JSON text (nor is such a text shaped). */
const HOLE = '"\u0000"';

/** What a body shape's days are. */
interface Shape {
  /** per day of the key's template (PreparedRequest.template.days): the position of the body day it is, or the day itself (a literal in the document) */
  slots: Array<number | string>;
  /** the axis of each day of the key's template (src/cache/days.ts) */
  axes: string;
  /** positions of the days that are not interval days: their values select the digest */
  exact: number[];
  /** template digest per value of the exact days (joined) */
  digests: ReturnType<typeof boundedMemo<string | null>>;
}

/** Sentinel days, one per position, from `year` on; null if one of them occurs in `text`. */
function sentinels(n: number, text: string, year: number): string[] | null {
  const days: string[] = [];
  for (let i = 0; i < n; i++) {
    const day = new Date(Date.UTC(year, 0, 1 + i)).toISOString().slice(0, 10);
    if (text.includes(day)) return null;
    days.push(day);
  }
  return days;
}

/**
 * `prepare(text)`: the full path, parsing the body (null: not a cacheable query). Returns the same
 * function, remembering by text and by shape (at most `max` of each).
 */
export function bodyPreparer(prepare: (text: string) => PreparedRequest | null, max = 1_000) {
  const texts = boundedMemo<PreparedRequest | null>(max);
  // 'once': seen one body of it, learnt nothing yet (a one-off document spares the probes)
  const shapes = boundedMemo<Shape | null | 'once'>(max);
  const full = (text: string) => texts.get(text, () => prepare(text));

  /** What `shape` (with `n` days) says, learnt from a body of that shape; null: nothing to share. */
  function learn(shape: string, n: number): Shape | null {
    // Two probes with different sentinels (years no request is likely to ask): a slot is a
    // position only if both probes put that position's sentinel there, and a literal only if both
    // read the same day that is no sentinel (a literal in full-width digits, １９０１-０１-０１, reads
    // as the first probe's first sentinel).
    const probes: Array<{ marks: string[]; days: readonly string[]; axes: string }> = [];
    for (const year of [1901, 1911]) {
      const marks = sentinels(n, shape, year);
      if (!marks) return null;
      let i = 0;
      const template = prepare(shape.replaceAll(HOLE, () => `"${marks[i++]}"`))?.template;
      if (!template) return null;
      probes.push({ marks, days: template.days, axes: template.axes });
    }
    const [a, b] = probes as [(typeof probes)[0], (typeof probes)[0]];
    if (a.days.length !== b.days.length || a.axes !== b.axes) return null;
    const used = new Set<number>();
    const slots: Array<number | string> = [];
    for (let k = 0; k < a.days.length; k++) {
      const at = a.marks.indexOf(a.days[k]);
      if (at !== -1 && b.marks.indexOf(b.days[k]) === at && !used.has(at)) {
        used.add(at);
        slots.push(at);
      } else if (at === -1 && a.days[k] === b.days[k] && !b.marks.includes(b.days[k])) {
        slots.push(a.days[k]);
      } else {
        return null;
      }
    }
    if (used.size === 0) return null;
    const exact = a.marks.map((_, k) => k).filter((k) => !used.has(k));
    return { slots, axes: a.axes, exact, digests: boundedMemo<string | null>(max) };
  }

  return (text: string): PreparedRequest | null => {
    const known = texts.peek(text);
    if (known !== undefined) return known;
    if (text.length > MAX_REMEMBERED_TEXT || text.includes('\u0000')) return full(text);
    const values: string[] = [];
    const shapeText = text.replace(DAY_STRING, (_, day: string) => (values.push(day), HOLE));
    if (values.length === 0) return full(text);
    let shape = shapes.peek(shapeText);
    if (shape === undefined) {
      shapes.get(shapeText, () => 'once');
      return full(text);
    }
    if (shape === 'once') {
      shape = learn(shapeText, values.length);
      shapes.set(shapeText, shape);
    }
    if (!shape) return full(text);
    const days: string[] = [];
    for (const slot of shape.slots) {
      const day = typeof slot === 'number' ? asDay(values[slot]) : slot;
      if (!day) return full(text);
      days.push(day);
    }
    const digest = shape.digests.get(shape.exact.map((k) => values[k]).join(','), () => {
      // the first body of these exact days goes the full way; its key must be the shape's
      const p = full(text);
      const t = p?.template;
      return t && t.axes === shape.axes && t.days.length === days.length && t.days.every((d, k) => d === days[k]) ? t.hash : null;
    });
    if (digest === null) return full(text);
    let exact: PreparedRequest | null | undefined;
    return {
      // needed only while the days things take effect are unknown: the full way then
      get hash() {
        exact ??= full(text);
        return exact?.hash ?? '';
      },
      template: { hash: digest, days, axes: shape.axes },
    };
  };
}
