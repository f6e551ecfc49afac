import { describe, expect, it } from "vitest";
import {
  addDays,
  compareDays,
  DayParseError,
  formatIso,
  fromDate,
  parseDay,
  toDate,
  toWareki,
  type IsoDay,
} from "../../src/domain/dates.js";

const day = (s: string): IsoDay => parseDay(s);

describe("parseDay accepts", () => {
  it.each([
    // ISO 8601
    ["2025-07-01", "2025-07-01"],
    ["2024-02-29", "2024-02-29"],
    ["2000-02-29", "2000-02-29"],
    [" 2025-07-01\n", "2025-07-01"],
    // 和暦 with kanji
    ["令和7年7月1日", "2025-07-01"],
    ["令和元年5月1日", "2019-05-01"],
    ["令和1年5月1日", "2019-05-01"],
    ["平成31年4月30日", "2019-04-30"],
    ["平成27年２月13日", "2015-02-13"],
    ["昭和64年1月7日", "1989-01-07"],
    ["昭和元年12月25日", "1926-12-25"],
    // full-width digits, stray spaces from PDF extraction, era ligature
    ["令和７年７月１日", "2025-07-01"],
    ["令 和 ７ 年 ６ 月 27日", "2025-06-27"],
    ["令和\u30007年\u30007月1日", "2025-07-01"],
    ["㋿7年7月1日", "2025-07-01"],
    // abbreviated
    ["R7.7.1", "2025-07-01"],
    ["r7.7.1", "2025-07-01"],
    ["R7/7/1", "2025-07-01"],
    ["R7-7-1", "2025-07-01"],
    ["R07.07.01", "2025-07-01"],
    ["Ｒ７．７．１", "2025-07-01"],
    ["H31.4.30", "2019-04-30"],
    ["h1.1.8", "1989-01-08"],
    ["S64.1.7", "1989-01-07"],
  ])("%j as %s", (input, expected) => {
    expect(parseDay(input)).toBe(expected);
  });
});

describe("parseDay at era boundaries", () => {
  it("accepts the last day of 平成 and the first of 令和", () => {
    expect(parseDay("平成31年4月30日")).toBe("2019-04-30");
    expect(parseDay("令和元年5月1日")).toBe("2019-05-01");
  });
  it("accepts the last day of 昭和 and the first of 平成", () => {
    expect(parseDay("昭和64年1月7日")).toBe("1989-01-07");
    expect(parseDay("平成元年1月8日")).toBe("1989-01-08");
  });
  it.each([
    ["令和元年4月30日", /before 令和 began on 2019-05-01/],
    ["R1.4.30", /before 令和 began/],
    ["平成31年5月1日", /after 平成 ended on 2019-04-30/],
    ["H31.5.1", /after 平成 ended/],
    ["平成32年1月1日", /after 平成 ended/],
    ["平成元年1月7日", /before 平成 began on 1989-01-08/],
    ["昭和64年1月8日", /after 昭和 ended on 1989-01-07/],
    ["昭和元年12月24日", /before 昭和 began on 1926-12-25/],
    ["令和0年1月1日", /令和 has no year 0/],
    ["R0.1.1", /令和 has no year 0/],
  ])("rejects %j, outside its era", (input, reason) => {
    expect(() => parseDay(input)).toThrow(reason);
  });
});

describe("parseDay rejects", () => {
  it.each([
    ["", /empty/],
    ["   ", /empty/],
    ["tomorrow", /not in a recognised form/],
    ["2025-7-1", /not in a recognised form/],
    ["2025/07/01", /not in a recognised form/],
    ["2025-07-01T00:00:00Z", /not in a recognised form/],
    ["R7.7/1", /not in a recognised form/],
    ["令和7年7月", /not in a recognised form/],
    ["大正15年1月1日", /not in a recognised form/],
    ["2025-02-30", /day 30 does not exist in 2025-02 \(it has 28 days\)/],
    ["2024-02-30", /day 30 does not exist in 2024-02 \(it has 29 days\)/],
    ["2023-02-29", /day 29 does not exist/],
    ["1900-02-29", /day 29 does not exist/],
    ["2025-04-31", /day 31 does not exist/],
    ["2025-13-01", /there is no month 13/],
    ["2025-00-10", /there is no month 0/],
    ["2025-01-00", /day 0 does not exist/],
    ["0000-01-01", /year 0 is out of range/],
    ["令和7年13月1日", /there is no month 13/],
    ["令和7年2月29日", /day 29 does not exist/],
  ])("%j", (input, reason) => {
    expect(() => parseDay(input)).toThrow(reason);
  });

  it("with a DayParseError that quotes the input and lists the accepted forms", () => {
    let caught: unknown;
    try {
      parseDay("tomorrow");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DayParseError);
    expect(caught).toBeInstanceOf(Error);
    const err = caught as DayParseError;
    expect(err.name).toBe("DayParseError");
    expect(err.input).toBe("tomorrow");
    expect(err.message).toContain('"tomorrow"');
    expect(err.message).toContain("Accepted forms");
    expect(err.message).toContain("2025-07-01");
    expect(err.message).toContain("R7.7.1");
  });
});

describe("Date conversion", () => {
  it("toDate gives UTC midnight", () => {
    expect(toDate(day("2025-07-01")).toISOString()).toBe("2025-07-01T00:00:00.000Z");
  });
  it("toDate handles years below 100 without shifting them into the 1900s", () => {
    expect(toDate(day("0050-03-01")).getUTCFullYear()).toBe(50);
  });
  it("fromDate reads the UTC day, not the local one", () => {
    // 23:30 UTC is already the next day in JST; the UTC day must win.
    expect(fromDate(new Date("2025-06-30T23:30:00Z"))).toBe("2025-06-30");
  });
  it("fromDate∘toDate is the identity", () => {
    for (const s of ["2025-07-01", "2024-02-29", "1989-01-07", "0001-01-01", "9999-12-31"]) {
      expect(fromDate(toDate(day(s)))).toBe(s);
    }
  });
  it("fromDate rejects an invalid Date", () => {
    expect(() => fromDate(new Date("nope"))).toThrow(RangeError);
  });
  it("formatIso returns the ISO string", () => {
    expect(formatIso(day("令和7年7月1日"))).toBe("2025-07-01");
  });
});

describe("addDays", () => {
  it.each([
    ["2025-07-01", 1, "2025-07-02"],
    ["2025-07-01", 0, "2025-07-01"],
    ["2025-07-01", -1, "2025-06-30"],
    ["2024-02-28", 1, "2024-02-29"],
    ["2023-02-28", 1, "2023-03-01"],
    ["2024-12-31", 1, "2025-01-01"],
    ["2019-04-30", 1, "2019-05-01"],
    ["2025-01-01", 365, "2026-01-01"],
  ])("%s + %i = %s", (start, n, expected) => {
    expect(addDays(day(start), n)).toBe(expected);
  });
  it("rejects fractional days", () => {
    expect(() => addDays(day("2025-07-01"), 0.5)).toThrow(RangeError);
  });
});

describe("compareDays", () => {
  it("orders days chronologically", () => {
    expect(compareDays(day("2019-04-30"), day("2019-05-01"))).toBe(-1);
    expect(compareDays(day("2019-05-01"), day("2019-04-30"))).toBe(1);
    expect(compareDays(day("R1.5.1"), day("2019-05-01"))).toBe(0);
  });
  it("sorts an array when used as a comparator", () => {
    const days = ["2025-07-01", "1989-01-08", "2019-05-01"].map(day);
    expect(days.sort(compareDays)).toEqual(["1989-01-08", "2019-05-01", "2025-07-01"]);
  });
});

describe("toWareki", () => {
  it.each([
    ["2025-07-01", "令和7年7月1日"],
    ["2019-05-01", "令和元年5月1日"],
    ["2019-04-30", "平成31年4月30日"],
    ["1989-01-08", "平成元年1月8日"],
    ["1989-01-07", "昭和64年1月7日"],
    ["1926-12-25", "昭和元年12月25日"],
    ["2015-02-13", "平成27年2月13日"],
  ])("%s is %s", (iso, wareki) => {
    expect(toWareki(day(iso))).toBe(wareki);
  });
  it("rejects days before 昭和", () => {
    expect(() => toWareki(day("1926-12-24"))).toThrow(RangeError);
  });
  it("round-trips through parseDay", () => {
    const samples = [
      "1926-12-25", "1989-01-07", "1989-01-08", "2000-02-29",
      "2019-04-30", "2019-05-01", "2025-07-01", "2099-12-31",
    ].map(day);
    for (const d of samples) {
      expect(parseDay(toWareki(d))).toBe(d);
    }
  });
  it("round-trips every day across the 平成→令和 boundary", () => {
    let d = day("2019-04-01");
    for (let n = 0; n < 60; n++, d = addDays(d, 1)) {
      expect(parseDay(toWareki(d))).toBe(d);
    }
  });
});
