// Days as the page shows them: 和暦 and ISO side by side. Parsing and 和暦 come from the server's
// own module (src/domain/dates.ts), so the page and the API read a typed day the same way.
import { addDays, parseDay, toWareki, type IsoDay } from '../../src/domain/dates.js';

export type { IsoDay };

/** The ISO day of `text` (ISO or 和暦, as the API's Date scalar accepts), or null when it is not one. */
export function isoOf(text: string): IsoDay | null {
  try {
    return parseDay(text);
  } catch {
    return null;
  }
}

/** 「令和7年7月1日（2025-07-01）」; ISO alone before 昭和, which 和暦 here does not cover. */
export function bothForms(day: string): string {
  const iso = isoOf(day);
  if (!iso) return day;
  try {
    return `${toWareki(iso)}（${iso}）`;
  } catch {
    return iso;
  }
}

export function wareki(day: string): string {
  const iso = isoOf(day);
  if (!iso) return day;
  try {
    return toWareki(iso);
  } catch {
    return iso;
  }
}

export function dayBefore(day: string): IsoDay {
  return addDays(parseDay(day), -1);
}

export function plusDays(day: string, n: number): IsoDay {
  return addDays(parseDay(day), n);
}

/** Today in Japan, whatever the browser's zone: the bodies' days are Japanese calendar days. */
export function todayInJapan(now: Date = new Date()): IsoDay {
  // sv-SE formats a date as YYYY-MM-DD
  return parseDay(new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now));
}

/** Whole days from `a` to `b` (negative when b is earlier). */
export function daysBetween(a: string, b: string): number {
  const t = (d: string) => {
    const [y, m, dd] = parseDay(d).split('-').map(Number) as [number, number, number];
    return Date.UTC(y, m - 1, dd);
  };
  return Math.round((t(b) - t(a)) / 86_400_000);
}
