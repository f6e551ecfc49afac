/**
 * Calendar days for meibo.
 *
 * A day is held as an ISO 8601 string `YYYY-MM-DD` rather than a Date, because
 * appointment and revision dates in council documents are calendar days with no
 * time of day or zone; a Date invites off-by-one errors around JST midnight.
 * Dates only appear at the Prisma boundary (`@db.Date`), always as UTC midnight.
 *
 * Source documents (mostly PDFs from 内閣官房/NISC and ministries) write days in
 * 和暦, often with full-width digits and stray spaces from text extraction, so
 * `parseDay` accepts those forms and validates them against the era's real span.
 */

declare const isoDayBrand: unique symbol;
/** `YYYY-MM-DD`, known to be a real Gregorian day. Obtain one via `parseDay` or `fromDate`. */
export type IsoDay = string & { readonly [isoDayBrand]: true };

const ACCEPTED_FORMS =
  "Accepted forms: ISO 8601 '2025-07-01'; 和暦 '令和7年7月1日' (also '令和元年', full-width digits, spaces); " +
  "abbreviated 'R7.7.1', 'R7/7/1' or 'R7-7-1' (R=令和, H=平成, S=昭和).";

export class DayParseError extends Error {
  override readonly name = "DayParseError";
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super(`Cannot parse ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)} as a day: ${reason}. ${ACCEPTED_FORMS}`);
  }
}

interface Era {
  name: string;
  letter: string;
  /** First day of the era; 元年 is this day's year. */
  start: string;
  /** Last day of the era, or null for the current one. */
  end: string | null;
}

// Newest first, so toWareki picks the first era that has started.
// 大正 and earlier are left out: council documents never need them, and 明治's
// early years predate Japan's adoption of the Gregorian calendar (1873).
const ERAS: readonly Era[] = [
  { name: "令和", letter: "R", start: "2019-05-01", end: null },
  { name: "平成", letter: "H", start: "1989-01-08", end: "2019-04-30" },
  { name: "昭和", letter: "S", start: "1926-12-25", end: "1989-01-07" },
];

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const KANJI_RE = /^(令和|平成|昭和)(元|\d+)年(\d+)月(\d+)日$/;
// The separator is captured and back-referenced so mixed forms like R7.7/1 are rejected.
const ABBREV_RE = /^([RHS])(元|\d+)([./-])(\d+)\3(\d+)$/i;

export function parseDay(input: string): IsoDay {
  // NFKC folds full-width digits/letters and era ligatures (㋿ → 令和); spaces are
  // dropped because PDF extraction scatters them inside dates (「令 和 ７ 年」).
  const s = input.normalize("NFKC").replace(/\s+/g, "");
  if (s === "") throw new DayParseError(input, "the input is empty");

  const iso = ISO_RE.exec(s);
  if (iso) return checkedDay(input, Number(iso[1]), Number(iso[2]), Number(iso[3]));

  const kanji = KANJI_RE.exec(s);
  if (kanji) {
    const era = ERAS.find((e) => e.name === kanji[1])!;
    return eraDay(input, era, kanji[2]!, kanji[3]!, kanji[4]!);
  }

  const abbrev = ABBREV_RE.exec(s);
  if (abbrev) {
    const era = ERAS.find((e) => e.letter === abbrev[1]!.toUpperCase())!;
    return eraDay(input, era, abbrev[2]!, abbrev[4]!, abbrev[5]!);
  }

  throw new DayParseError(input, "it is not in a recognised form");
}

function eraDay(input: string, era: Era, yearText: string, month: string, day: string): IsoDay {
  const eraYear = yearText === "元" ? 1 : Number(yearText);
  if (eraYear < 1) {
    throw new DayParseError(input, `${era.name} has no year ${eraYear} (its first year is 元年 = 1)`);
  }
  const startYear = Number(era.start.slice(0, 4));
  const result = checkedDay(input, startYear + eraYear - 1, Number(month), Number(day));
  // An era year can name a real Gregorian day outside the era (平成31年5月1日 is 令和元年).
  if (result < era.start) {
    throw new DayParseError(input, `${result} is before ${era.name} began on ${era.start}`);
  }
  if (era.end !== null && result > era.end) {
    throw new DayParseError(input, `${result} is after ${era.name} ended on ${era.end}`);
  }
  return result;
}

function checkedDay(input: string, year: number, month: number, day: number): IsoDay {
  // Year 1..9999 keeps the string form four digits wide and so lexicographically ordered.
  if (year < 1 || year > 9999) throw new DayParseError(input, `year ${year} is out of range 1-9999`);
  if (month < 1 || month > 12) throw new DayParseError(input, `there is no month ${month}`);
  const last = daysInMonth(year, month);
  if (day < 1 || day > last) {
    throw new DayParseError(input, `day ${day} does not exist in ${year}-${pad2(month)} (it has ${last} days)`);
  }
  return `${String(year).padStart(4, "0")}-${pad2(month)}-${pad2(day)}` as IsoDay;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

export function formatIso(day: IsoDay): string {
  return day;
}

/** UTC midnight of the day, which is what Prisma reads and writes for `@db.Date`. */
export function toDate(day: IsoDay): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d);
  return date;
}

/** The UTC calendar day of `d` (its local-time fields are ignored on purpose). */
export function fromDate(d: Date): IsoDay {
  if (Number.isNaN(d.getTime())) throw new RangeError("fromDate: invalid Date");
  const year = d.getUTCFullYear();
  if (year < 1 || year > 9999) throw new RangeError(`fromDate: year ${year} is out of range 1-9999`);
  return `${String(year).padStart(4, "0")}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}` as IsoDay;
}

export function addDays(day: IsoDay, n: number): IsoDay {
  if (!Number.isInteger(n)) throw new RangeError(`addDays: ${n} is not a whole number of days`);
  const date = toDate(day);
  // setUTCDate rolls over months and years itself, and UTC has no DST to shift the hour.
  date.setUTCDate(date.getUTCDate() + n);
  return fromDate(date);
}

/**
 * Negative, zero or positive as `a` is before, equal to or after `b`.
 * Plain string comparison is correct because every IsoDay is zero-padded YYYY-MM-DD.
 */
export function compareDays(a: IsoDay, b: IsoDay): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The day in 和暦 with the kanji era name, e.g. 「令和7年7月1日」, 「令和元年5月1日」. */
export function toWareki(day: IsoDay): string {
  const era = ERAS.find((e) => day >= e.start);
  if (!era) throw new RangeError(`toWareki: ${day} is before ${ERAS[ERAS.length - 1]!.start}, the earliest supported era`);
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const eraYear = y - Number(era.start.slice(0, 4)) + 1;
  return `${era.name}${eraYear === 1 ? "元" : eraYear}年${m}月${d}日`;
}

/**
 * The number of `boundaries` (ascending days) on or before `day`: which of the intervals they cut
 * the calendar into `day` falls in (0: before the first).
 */
export function intervalOf(boundaries: readonly string[], day: string): number {
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (boundaries[mid] <= day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
