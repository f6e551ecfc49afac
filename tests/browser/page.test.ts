// The page at `GET /` in Chromium, as a person sees it: the roster of a body as of a day, the
// coverage message for a day the data does not cover, the 新旧対照表 of the 2025 amendment with
// its underlines, the timeline with legible labels; every view linkable, an unknown view or body
// named; on a 390 px phone one card a seat; with JavaScript off the roster the server rendered;
// and nothing requested from another host.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { foreign, openBrowser, openContext, PHONE, screenshot, type Session } from './browser.js';

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

describe('what a revision changed (新旧対照表 by version)', () => {
  it('picks the revision decided 令和7年6月27日, names it in the link, and shows its kinds', async () => {
    await go('?view=changes&body=secretariat');
    const pick = s.page.locator('select[name="revision"]');
    await pick.waitFor();
    const labels = await pick.locator('option').allTextContents();
    expect(labels).toContain('改正 令和7年6月27日（2025-06-27）');
    const value = await pick.locator('option', { hasText: '令和7年6月27日' }).getAttribute('value');
    await pick.selectOption(value!);
    await s.page.locator(`p[data-revision="${value}"]`).waitFor();
    expect(new URL(s.page.url()).searchParams.get('revision')).toBe(value);
    expect(new URL(s.page.url()).searchParams.get('from')).toBeNull();
    const rows = s.page.locator('table.shinkyu tbody tr');
    await rows.first().waitFor();
    expect(await s.page.locator('tr[data-kind="renamed"]').count()).toBe(3);
    expect(await s.page.locator('tr[data-kind="renamed"] .kind').allTextContents()).toEqual(['改称 retitled', '改称 retitled', '置換 replaced']);
    // the link alone opens the same view
    await go(`?view=changes&body=secretariat&revision=${value}`);
    await s.page.locator(`p[data-revision="${value}"]`).waitFor();
    expect(await s.page.locator('tr[data-kind="renamed"]').count()).toBe(3);
    await screenshot(s.page, 'changes-secretariat-by-revision');
  });

  it('names the earlier day 改正前 whichever order the days are given in', async () => {
    await go('?view=changes&body=advisor-liaison-meeting&from=2025-07-01&to=2025-06-30');
    await s.page.locator('table.shinkyu tbody tr').first().waitFor();
    const headers = await s.page.locator('table.shinkyu thead th').allTextContents();
    expect(headers[1]).toContain('改正後');
    expect(headers[1]).toContain('2025-07-01');
    expect(headers[2]).toContain('改正前');
    expect(headers[2]).toContain('2025-06-30');
    expect(await s.page.locator('tr[data-kind="renamed"] .kind').allTextContents()).toEqual(['後継 succession']);
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
      const r = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ members(body: "secretariat", asOf: "2025-07-01") { seat { seatKey } } }' }) });
      const members = ((await r.json()) as { data: { members: Array<{ seat: { seatKey: string } }> } }).data.members;
      // one row a seat key: a renamed seat is drawn on its predecessor's row
      return new Set(members.map((m) => m.seat.seatKey)).size;
    });
    expect(await rows.count()).toBe(latest);
    // shaded unknown before 2024-03-25, revision days marked
    expect(await s.page.locator('.seat-row .unknown').first().getAttribute('title')).toContain('2024-03-25');
    expect(await s.page.locator('.axis .tick').count()).toBeGreaterThanOrEqual(3);
    await screenshot(s.page, 'timeline-secretariat');
  });
});

describe('legible labels', () => {
  it('writes the timeline’s labels on their bars at a contrast of at least 4.5:1 (WCAG AA), the retitled ones too', async () => {
    await go('?view=timeline&body=secretariat');
    await s.page.locator('.bar.renamed').first().waitFor();
    const contrasts = await s.page.locator('.bar').evaluateAll((bars) => {
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
      const luminance = (c: string) => {
        const [r, g, b] = rgb(c).map((v) => {
          const x = v / 255;
          return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      };
      return bars.map((bar) => {
        const label = bar.querySelector('span')!;
        const [hi, lo] = [luminance(getComputedStyle(label).color), luminance(getComputedStyle(bar).backgroundColor)].sort((a, b) => b - a);
        return { renamed: bar.classList.contains('renamed'), ratio: (hi! + 0.05) / (lo! + 0.05) };
      });
    });
    expect(contrasts.filter((c) => c.renamed).length).toBeGreaterThanOrEqual(1);
    const worst = Math.min(...contrasts.map((c) => c.ratio));
    expect(worst, JSON.stringify(contrasts.find((c) => c.ratio === worst))).toBeGreaterThanOrEqual(4.5);
  });
});

describe('an address that names nothing', () => {
  it('says that the view and the body are unknown, lists the valid ones, and follows one', async () => {
    await go('?view=bogus&body=nope');
    const view = s.page.locator('[data-code="UNKNOWN_VIEW"]');
    const body = s.page.locator('[data-code="UNKNOWN_BODY"]');
    await view.waitFor();
    expect(await view.textContent()).toContain('Unknown view “bogus”');
    expect(await view.locator('a').allTextContents()).toEqual([expect.stringContaining('view=roster'), expect.stringContaining('view=timeline'), expect.stringContaining('view=changes'), expect.stringContaining('view=editor')]);
    expect(await body.textContent()).toContain('Unknown body “nope”');
    expect((await body.locator('code').allTextContents()).sort()).toEqual(['body=advisor-liaison-meeting', 'body=deputy-director-meeting', 'body=promotion-council', 'body=secretariat']);
    // not the secretariat's roster in silence
    expect(await s.page.locator('table.seats').count()).toBe(0);
    expect(await s.page.locator('nav a[aria-current="page"]').count()).toBe(0);
    await screenshot(s.page, 'unknown-view-and-body');
    await body.locator('a', { hasText: 'body=deputy-director-meeting' }).click();
    await s.page.locator('table[data-role="CHAIR"]').waitFor();
    expect(new URL(s.page.url()).searchParams.get('body')).toBe('deputy-director-meeting');
    expect(await s.page.locator('[data-code="UNKNOWN_BODY"]').count()).toBe(0);
  });

  it('says so for a body alone, in the view asked for', async () => {
    await go('?view=timeline&body=nope');
    await s.page.locator('[data-code="UNKNOWN_BODY"]').waitFor();
    expect(await s.page.locator('[data-code="UNKNOWN_VIEW"]').count()).toBe(0);
    expect(await s.page.locator('.seat-row').count()).toBe(0);
  });
});

describe('the roster the server rendered', () => {
  it('is taken over by the page without reading it again', async () => {
    const posted: string[] = [];
    const onRequest = (r: { method(): string; postData(): string | null }) => void (r.method() === 'POST' && posted.push(r.postData() ?? ''));
    s.page.on('request', onRequest);
    try {
      await go('?view=roster&body=secretariat&asOf=2025-07-01');
      await s.page.locator('table[data-role="CHAIR"] td.title').waitFor();
      await s.page.waitForLoadState('networkidle');
      expect(posted.filter((p) => p.includes('query Roster'))).toEqual([]);
      expect(posted.filter((p) => p.includes('query Bodies'))).toEqual([]);
      // and is the page's own: another body is read from the API in place
      await s.page.selectOption('select[name="body"]', 'deputy-director-meeting');
      await s.page.locator('.summary .count', { hasText: '32 席' }).waitFor();
      expect(posted.filter((p) => p.includes('query Roster'))).toHaveLength(1);
    } finally {
      s.page.off('request', onRequest);
    }
  });
});

describe('on a 390 px phone', () => {
  let phone: Session;
  beforeAll(async () => {
    phone = await openContext(s.browser, PHONE);
  });
  afterAll(async () => {
    await phone?.close();
  });
  const measure = () =>
    phone.page.evaluate(() => ({
      width: document.scrollingElement!.scrollWidth,
      height: document.scrollingElement!.scrollHeight,
      viewport: document.documentElement.clientWidth,
      narrowestSource: Math.min(...[...document.querySelectorAll('td.source')].map((td) => td.getBoundingClientRect().width)),
      sources: document.querySelectorAll('td.source').length,
    }));

  it('shows the roster one card a seat: nothing wider than the screen, the source readable, the page a sensible length', async () => {
    await phone.page.goto(`${base}/?view=roster&body=secretariat&asOf=2025-07-01`, { waitUntil: 'load' });
    await phone.page.locator('table[data-role="CHAIR"] td.title').waitFor();
    const m = await measure();
    expect(m.viewport).toBe(390);
    expect(m.width).toBeLessThanOrEqual(390);
    expect(m.sources).toBe(39);
    // a line of the source holds a dozen characters at least (it was 5 px wide)
    expect(m.narrowestSource).toBeGreaterThanOrEqual(250);
    // 39 seats: under 250 px each (the table was 48,307 px tall)
    expect(m.height).toBeLessThan(39 * 250);
    // the card keeps the post first, the number beside it
    const card = await phone.page.locator('table[data-role="MEMBER"] tbody tr').first().evaluate((tr) => {
      const box = (sel: string) => tr.querySelector(sel)!.getBoundingClientRect();
      return { num: box('td.num'), title: box('td.title'), source: box('td.source') };
    });
    expect(card.num.top).toBeCloseTo(card.title.top, 0);
    expect(card.source.top).toBeGreaterThan(card.title.bottom);
    await screenshot(phone.page, 'phone-roster-secretariat');
  });

  it('keeps the timeline and the comparison within the screen too', async () => {
    for (const [query, ready] of [
      ['?view=timeline&body=secretariat', '.seat-row'],
      ['?view=changes&body=deputy-director-meeting', 'table.shinkyu tbody tr'],
    ] as const) {
      await phone.page.goto(`${base}/${query}`, { waitUntil: 'load' });
      await phone.page.locator(ready).first().waitFor();
      const m = await measure();
      expect(m.width, query).toBeLessThanOrEqual(390);
      await screenshot(phone.page, `phone-${new URLSearchParams(query).get('view')}`);
    }
  });
});

describe('with JavaScript off', () => {
  let nojs: Session;
  beforeAll(async () => {
    nojs = await openContext(s.browser, { javaScriptEnabled: false });
  });
  afterAll(async () => {
    await nojs?.close();
  });

  it('shows the roster the server rendered, says why, and links the exports and GraphiQL', async () => {
    await nojs.page.goto(`${base}/`, { waitUntil: 'load' });
    expect(await nojs.page.locator('body').innerText()).not.toContain('Loading');
    expect(await nojs.page.locator('table[data-role="CHAIR"] tbody tr').count()).toBe(1);
    expect(await nojs.page.locator('select[name="body"]').inputValue()).toBe('secretariat');
    const note = nojs.page.locator('.noscript');
    expect(await note.isVisible()).toBe(true);
    expect(await note.innerText()).toContain('JavaScript is off');
    const links = await nojs.page.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(expect.arrayContaining(['/export/seats.csv', '/export/popolo.json', '/graphql']));
    await screenshot(nojs.page, 'nojs-roster-today');
  });

  it('answers the day typed, and another body, by asking the server', async () => {
    await nojs.page.goto(`${base}/?view=roster&body=secretariat&asOf=2025-07-01`, { waitUntil: 'load' });
    expect(await nojs.page.locator('table[data-role="CHAIR"] td.title').textContent()).toBe('内閣官房内閣審議官（国家サイバー統括室）');
    await nojs.page.fill('input[name="asOf"]', '令和7年6月30日');
    await Promise.all([nojs.page.waitForURL(/asOf=/), nojs.page.locator('section.roster button[type="submit"]').click()]);
    expect(new URL(nojs.page.url()).searchParams.get('asOf')).toBe('令和7年6月30日');
    expect(await nojs.page.locator('table[data-role="CHAIR"] td.title').textContent()).toBe('内閣官房内閣審議官（内閣サイバーセキュリティセンター）');
    await nojs.page.selectOption('select[name="body"]', 'deputy-director-meeting');
    await Promise.all([nojs.page.waitForURL(/body=deputy-director-meeting/), nojs.page.locator('form.body-select button[type="submit"]').click()]);
    expect(await nojs.page.locator('.summary .count').textContent()).toBe(`${await nojs.page.locator('table.seats tbody tr').count()} 席`);
    expect(await nojs.page.locator('h2').textContent()).toContain('サイバーセキュリティ対策推進専任審議官等会議');
  });

  it('says which views need JavaScript, and what does not', async () => {
    await nojs.page.goto(`${base}/?view=timeline&body=secretariat`, { waitUntil: 'load' });
    const note = nojs.page.locator('.needs-script');
    expect(await note.isVisible()).toBe(true);
    expect(await note.innerText()).toContain('drawn by JavaScript');
  });

  it('names an unknown view and body', async () => {
    await nojs.page.goto(`${base}/?view=bogus&body=nope`, { waitUntil: 'load' });
    expect(await nojs.page.locator('[data-code="UNKNOWN_VIEW"]').isVisible()).toBe(true);
    expect(await nojs.page.locator('[data-code="UNKNOWN_BODY"]').isVisible()).toBe(true);
  });
});

describe('closed network', () => {
  it('requested nothing from another host in any of the views above', () => {
    expect(s.requests.length).toBeGreaterThan(10);
    expect(foreign(s.requests, base)).toEqual([]);
  });
});
