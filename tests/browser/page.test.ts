// The page at `GET /` in Chromium, as a person sees it: the roster of a body as of a day, the
// coverage message for a day the data does not cover, the 新旧対照表 of the 2025 amendment with
// its underlines, the timeline; every view linkable, and nothing requested from another host.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { foreign, openBrowser, screenshot, type Session } from './browser.js';

const base = inject('meiboUrl');
let s: Session;

beforeAll(async () => {
  s = await openBrowser();
});
afterAll(async () => {
  await s?.close();
});

const go = (query: string) => s.page.goto(`${base}/${query}`, { waitUntil: 'load' });

describe('roster as of a day (名簿)', () => {
  it('shows the secretariat chair on 令和7年7月1日, from a link with the day in 和暦', async () => {
    await go(`?view=roster&body=secretariat&asOf=${encodeURIComponent('令和7年7月1日')}`);
    const chair = s.page.locator('table[data-role="CHAIR"] tbody tr');
    await chair.first().waitFor();
    expect(await chair.count()).toBe(1);
    expect(await chair.locator('td.title').textContent()).toBe('内閣官房内閣審議官（国家サイバー統括室）');
    expect(await chair.locator('td.org').textContent()).toContain('内閣官房');
    // its source: instrument, clause, the revision decided 令和7年6月27日 in force 令和7年7月1日
    const source = await chair.locator('td.source').textContent();
    expect(source).toContain('サイバーセキュリティ対策推進会議議長の指定する職について');
    expect(source).toContain('第2項');
    expect(source).toContain('令和7年6月27日');
    expect(source).toContain('2025-07-01');
    // the day in both calendars
    expect(await s.page.locator('h2').textContent()).toContain('令和7年7月1日（2025-07-01）');
    await screenshot(s.page, 'roster-secretariat-2025-07-01');
  });

  it('lists the 32 seats of the deputy-director meeting on 2025-07-01 in listing order', async () => {
    await go('?view=roster&body=deputy-director-meeting&asOf=2025-07-01');
    const rows = s.page.locator('table.seats tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(32);
    expect(await s.page.locator('.summary .count').textContent()).toBe('32 席');
    expect(await s.page.locator('table.seats').evaluateAll((tables) => tables.map((t) => t.getAttribute('data-role')))).toEqual(['CHAIR', 'MEMBER', 'OBSERVER']);
    const observers = await s.page.locator('table[data-role="OBSERVER"] td.num').allTextContents();
    expect(observers).toEqual(['1', '2', '3', '4', '5']);
    expect(await s.page.locator('table[data-role="OBSERVER"] td.title').last().textContent()).toBe('最高裁判所事務総局サイバーセキュリティ管理官');
    await screenshot(s.page, 'roster-deputy-director-meeting-2025-07-01');
  });

  it('says plainly that 2024-03-24 is not covered, with the covered range', async () => {
    await go('?view=roster&body=secretariat&asOf=2024-03-24');
    const box = s.page.locator('.out-of-coverage');
    await box.waitFor();
    const text = await box.textContent();
    expect(text).toContain('収録範囲外');
    expect(text).toContain('令和6年3月25日（2024-03-25）');
    expect(text).toContain('from 2024-03-25 onwards');
    expect(await s.page.locator('table.seats').count()).toBe(0);
    await screenshot(s.page, 'roster-out-of-coverage-2024-03-24');
  });

  it('takes a day typed in 和暦, and puts it in the URL', async () => {
    await go('?view=roster&body=secretariat&asOf=2025-07-01');
    await s.page.locator('table[data-role="CHAIR"] td.title').waitFor();
    await s.page.fill('input[name="asOf"]', '令和7年6月30日');
    await s.page.click('button[type="submit"]');
    await s.page.locator('table[data-role="CHAIR"] td.title', { hasText: '内閣サイバーセキュリティセンター' }).waitFor();
    expect(await s.page.locator('table[data-role="CHAIR"] td.title').textContent()).toBe('内閣官房内閣審議官（内閣サイバーセキュリティセンター）');
    expect(new URL(s.page.url()).searchParams.get('asOf')).toBe('令和7年6月30日');
    // and back: the browser's history is the URL's
    await s.page.goBack();
    await s.page.locator('table[data-role="CHAIR"] td.title', { hasText: '国家サイバー統括室' }).waitFor();
  });
});

describe('what changed (新旧対照表)', () => {
  it('shows the three renames of 2025-07-01 in the deputy-director meeting, changed characters underlined', async () => {
    // no days in the URL: across the latest amendment
    await go('?view=changes&body=deputy-director-meeting');
    const rows = s.page.locator('table.shinkyu tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(3);
    expect(await s.page.locator('tr[data-kind="renamed"]').count()).toBe(3);
    const headers = await s.page.locator('table.shinkyu thead th').allTextContents();
    expect(headers[1]).toContain('改正後');
    expect(headers[1]).toContain('2025-07-01');
    expect(headers[2]).toContain('改正前');
    expect(headers[2]).toContain('2025-06-30');

    const cells = await rows.evaluateAll((trs) =>
      trs.map((tr) => {
        const cell = (sel: string) => tr.querySelector(sel)!;
        const underlined = (sel: string) => [...cell(sel).querySelectorAll('u')].map((u) => u.textContent).join('|');
        return { after: cell('td.after').textContent, before: cell('td.before').textContent, afterU: underlined('td.after'), beforeU: underlined('td.before') };
      }),
    );
    expect(cells.map((c) => [c.after, c.before])).toEqual([
      ['内閣サイバー官', '内閣官房内閣サイバーセキュリティセンター長'],
      ['デジタル庁統括官付審議官', 'デジタル庁統括官（戦略・組織担当）付審議官'],
      ['最高裁判所事務総局サイバーセキュリティ管理官', '最高裁判所事務総局情報政策課情報セキュリティ室長'],
    ]);
    // what a reader sees underlined: only what differs
    expect(cells[1]).toMatchObject({ afterU: '', beforeU: '（戦略・組織担当）' });
    expect(cells[0]!.afterU).toBe('官');
    expect(cells[2]!.afterU.replaceAll('|', '')).toBe('サイバー管理官');
    expect(cells[2]!.beforeU.replaceAll('|', '')).toBe('情報政策課情報室長');
    // and the underline is drawn
    const decoration = await s.page.locator('table.shinkyu u').first().evaluate((u) => getComputedStyle(u).textDecorationLine);
    expect(decoration).toContain('underline');
    expect(new URL(s.page.url()).searchParams.get('view')).toBe('changes');
    await screenshot(s.page, 'changes-deputy-director-meeting-2025-07-01');
  });
});

describe('timeline (推移)', () => {
  it('draws every seat of the secretariat as a bar, the retitled chair as one seat, the days before coverage as unknown', async () => {
    await go('?view=timeline&body=secretariat');
    const rows = s.page.locator('.seat-row');
    await rows.first().waitFor();
    const chair = s.page.locator('.seat-row', { has: s.page.locator('.role', { hasText: /^議長$/ }) });
    expect(await chair.count()).toBe(1);
    // one row, two labels: the title before 2025-07-01 and after
    expect(await chair.locator('.bar').allTextContents()).toEqual(['内閣官房内閣審議官（内閣サイバーセキュリティセンター）', '内閣官房内閣審議官（国家サイバー統括室）']);
    // as many rows as seats on the latest day
    const latest = await s.page.evaluate(async () => {
      const r = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ members(body: "secretariat", asOf: "2025-07-01") { seatKey } }' }) });
      return ((await r.json()) as { data: { members: unknown[] } }).data.members.length;
    });
    expect(await rows.count()).toBe(latest);
    // shaded unknown before 2024-03-25, revision days marked
    expect(await s.page.locator('.seat-row .unknown').first().getAttribute('title')).toContain('2024-03-25');
    expect(await s.page.locator('.axis .tick').count()).toBeGreaterThanOrEqual(3);
    await screenshot(s.page, 'timeline-secretariat');
  });
});

describe('closed network', () => {
  it('requested nothing from another host in any of the views above', () => {
    expect(s.requests.length).toBeGreaterThan(10);
    expect(foreign(s.requests, base)).toEqual([]);
  });
});
