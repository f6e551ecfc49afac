// The editor's view (?view=editor) in Chromium: an editor enters a token (kept in the tab's
// session, never in the URL or localStorage), pastes the secretariat's list as printed with one
// title changed, one added and one removed, sees exactly those three changes and the 新旧対照表
// with the changed characters underlined, records it (a dry run, then for real) and follows the
// link to what the revision changed. A wrong token is shown as UNAUTHENTICATED; a list it cannot
// read names its line; an ambiguous line is settled by a click, never guessed.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { foreign, openBrowser, openContext, screenshot, type Session } from './browser.js';

const base = inject('meiboUrl');
const token = inject('meiboToken');
let s: Session;
let recorded: number | null = null;

// A fictional amendment, far enough ahead that no other file's data is in its way.
const EFFECTIVE = '令和10年4月1日';
const DAY_BEFORE = '2028-03-31';
const DECIDED = '令和10年3月27日';

async function gql<T>(query: string, variables: Record<string, unknown> = {}, bearer?: string): Promise<T> {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data!;
}

type Seat = { role: string; position: number; post: { title: string } };
const members = async (asOf: string) =>
  (await gql<{ members: Seat[] }>('query($asOf: Date!) { members(body: "secretariat", asOf: $asOf) { role position post { title } } }', { asOf })).members;
const revisionCount = async () =>
  (await gql<{ bodies: Array<{ code: string; revisions: unknown[] }> }>('{ bodies { code revisions { sequence } } }')).bodies.find((b) => b.code === 'secretariat')!.revisions.length;

const LABEL: Record<string, string> = { CHAIR: '議   長', MEMBER: '構 成 員', OBSERVER: 'オブザーバー' };
/** A list as a notice prints it: each role's label on its first line, one title a line. */
const printed = (seats: Array<{ role: string; title: string }>) =>
  seats.map((x, i) => `${i === 0 || seats[i - 1]!.role !== x.role ? `${LABEL[x.role]} ` : ''}${x.title}`).join('\n');

beforeAll(async () => {
  s = await openBrowser();
});
afterAll(async () => {
  // leave the server's data as the other files expect it
  if (recorded !== null) await gql(`mutation { revertLatestAmendment(instrument: "designated-posts", sequence: ${recorded}) { sequence } }`, {}, token).catch(() => {});
  await s?.close();
});

async function enterToken(page: Session['page'], value: string) {
  await page.goto(`${base}/?view=editor`, { waitUntil: 'load' });
  await page.locator('.token-box').waitFor();
  if ((await page.locator('.token-box').getAttribute('data-token')) === 'kept') await page.click('.forget-token');
  await page.locator('.token-input').fill(value);
  await page.locator('.token-box button[type="submit"]').click();
  await page.locator('.token-box[data-token="kept"]').waitFor();
}

describe('the editor view', () => {
  it('proposes one retitle, one addition and one removal from a pasted list, records them, and links to what changed', async () => {
    const before = await members(DAY_BEFORE);
    const seats = before.map((m) => ({ role: m.role, title: m.post.title }));
    // one title changed (a room renamed), one removed, one added after the デジタル庁 member
    const retitleFrom = seats.find((x) => x.title.endsWith('環境情報室長'))!.title;
    const retitleTo = retitleFrom.replace('環境情報室長', 'デジタル情報室長');
    const removed = seats.filter((x) => x.role === 'MEMBER')[2]!.title;
    const added = 'デジタル庁統括官付参事官（サイバーセキュリティ担当）';
    const after = seats.filter((x) => x.title !== removed).map((x) => (x.title === retitleFrom ? { ...x, title: retitleTo } : x));
    const at = after.findIndex((x) => x.role === 'MEMBER' && x.title.startsWith('デジタル庁')) + 1;
    after.splice(at, 0, { role: 'MEMBER', title: added });
    const addedPosition = after.filter((x) => x.role === 'MEMBER').findIndex((x) => x.title === added) + 1;
    expect(seats.map((x) => x.title)).not.toContain(added);

    await enterToken(s.page, token);
    // the instrument, the day in 和暦, the list as printed
    await s.page.locator('select[name="instrument"] option[value="designated-posts"]').waitFor({ state: 'attached' });
    expect(await s.page.locator('select[name="instrument"]').inputValue()).toBe('designated-posts');
    await s.page.fill('input[name="effectiveOn"]', EFFECTIVE);
    await s.page.fill('textarea[data-body="secretariat"]', printed(after));
    await s.page.click('.propose-button');

    const rows = s.page.locator('table.proposed-changes tbody tr');
    await rows.first().waitFor();
    expect(await rows.evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute('data-kind')} ${tr.querySelector('td.what')!.textContent}`))).toEqual([
      `REPLACE ${retitleFrom} → ${retitleTo}`,
      `REMOVE ${removed}`,
      `ADD ${added}`,
    ]);
    expect(await rows.nth(2).locator('.position').textContent()).toBe(` ${addedPosition}`);
    expect(await s.page.locator('.unplaced').count()).toBe(0);

    // the 新旧対照表 of the secretariat, as the changes view draws it: only the changed characters underlined
    const table = s.page.locator('.proposal-diff[data-body="secretariat"] table.shinkyu');
    expect(await table.locator('tr.renamed td.after').textContent()).toBe(retitleTo);
    expect(await table.locator('tr.renamed td.after u.changed').allTextContents()).toEqual(['デジタル']);
    expect(await table.locator('tr.renamed td.before u.changed').allTextContents()).toEqual(['環境']);
    expect(await table.locator('tr.added td.after u.changed').textContent()).toBe(added);
    expect(await table.locator('tr.removed td.before u.changed').textContent()).toBe(removed);
    expect(await table.locator('tr.renamed .kind').textContent()).toContain('改称');
    // the other bodies of the instrument were left blank: not proposed, not shown
    expect(await s.page.locator('.proposal-diff').evaluateAll((ds) => ds.map((d) => d.getAttribute('data-body')))).toEqual(['secretariat']);
    await screenshot(s.page, 'editor-proposal');

    // record: a dry run first, which writes nothing
    const revisions = await revisionCount();
    await s.page.fill('input[name="title"]', 'サイバーセキュリティ対策推進会議議長の指定する職についての一部改正について（ブラウザー試験）');
    await s.page.fill('input[name="recordDecidedOn"]', DECIDED);
    await s.page.click('.record-button');
    const dryRun = s.page.locator('.dry-run');
    await dryRun.waitFor();
    const sequence = Number(await dryRun.getAttribute('data-sequence'));
    expect(await dryRun.locator('li[data-body="secretariat"]').textContent()).toContain('改称 1・追加 1・削除 1');
    expect(await revisionCount()).toBe(revisions);

    await s.page.click('.confirm-button');
    const done = s.page.locator('.recorded');
    await done.waitFor();
    recorded = Number(await done.getAttribute('data-sequence'));
    expect(recorded).toBe(sequence);
    expect(await revisionCount()).toBe(revisions + 1);
    const titles = (await members('2028-04-01')).map((m) => m.post.title);
    expect(titles).toContain(retitleTo);
    expect(titles).toContain(added);
    expect(titles).not.toContain(removed);
    expect(titles).not.toContain(retitleFrom);
    await screenshot(s.page, 'editor-recorded');

    // the link to what the revision changed
    const link = done.locator('a.recorded-link');
    expect(await link.count()).toBe(1);
    expect(await link.getAttribute('href')).toBe(`?view=changes&body=secretariat&revision=${recorded}`);
    await link.click();
    await s.page.waitForURL((u) => u.searchParams.get('revision') === String(recorded));
    const shown = s.page.locator('section.changes table.shinkyu');
    await shown.waitFor();
    expect(await s.page.locator('.default-note').getAttribute('data-revision')).toBe(String(recorded));
    expect(await shown.locator('tr.renamed td.after').textContent()).toBe(retitleTo);
    expect(await shown.locator('tr.added td.after').textContent()).toBe(added);
    expect(await shown.locator('tr.removed td.before').textContent()).toBe(removed);
    await screenshot(s.page, 'editor-recorded-changes');

    // the token stayed in the tab's session: never in a URL, never in localStorage
    expect(s.requests.filter((u) => u.includes(token))).toEqual([]);
    expect(s.page.url()).not.toContain(token);
    expect(await s.page.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain(token);
    expect(await s.page.evaluate(() => sessionStorage.getItem('meibo.editorToken'))).toBe(token);
    expect(foreign(s.requests, base)).toEqual([]);

    // and is gone when the editor forgets it
    await s.page.goto(`${base}/?view=editor`, { waitUntil: 'load' });
    await s.page.locator('.token-box[data-token="kept"]').waitFor();
    await s.page.click('.forget-token');
    await s.page.locator('.token-box[data-token="none"]').waitFor();
    expect(await s.page.evaluate(() => sessionStorage.getItem('meibo.editorToken'))).toBeNull();
    expect(await s.page.locator('.propose-button').isDisabled()).toBe(true);
  });

  it('shows a wrong token as UNAUTHENTICATED, and keeps it out of the URL and localStorage', async () => {
    const other = await openContext(s.browser);
    try {
      const wrong = 'meibo_not-a-token-the-server-knows';
      await enterToken(other.page, wrong);
      await other.page.fill('input[name="effectiveOn"]', EFFECTIVE);
      await other.page.fill('textarea[data-body="secretariat"]', '議   長 内閣官房内閣審議官（国家サイバー統括室）');
      await other.page.click('.propose-button');
      const error = other.page.locator('.editor-error');
      await error.waitFor();
      expect(await error.getAttribute('data-code')).toBe('UNAUTHENTICATED');
      expect(await error.textContent()).toContain('トークンが認められません');
      expect(await other.page.locator('.proposal').count()).toBe(0);
      expect(other.requests.filter((u) => u.includes(wrong))).toEqual([]);
      expect(await other.page.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain(wrong);
      await screenshot(other.page, 'editor-unauthenticated');
    } finally {
      await other.close();
    }
  });

  it('names the line of a list it cannot read (BAD_USER_INPUT)', async () => {
    await enterToken(s.page, token);
    await s.page.fill('input[name="effectiveOn"]', EFFECTIVE);
    await s.page.fill('textarea[data-body="secretariat"]', '議   長 内閣官房内閣審議官（国家サイバー統括室）\n構 成 員 人事院事務総局情報管理室長\n（略）');
    await s.page.click('.propose-button');
    const error = s.page.locator('.editor-error');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('BAD_USER_INPUT');
    expect(await error.getAttribute('data-line')).toBe('3');
    expect(await error.locator('.line').textContent()).toContain('（略）');
  });

  it('reports an ambiguous line with its number, plans nothing from it, and plans it once the editor says which', async () => {
    const seats = (await members(DAY_BEFORE)).map((m) => ({ role: m.role, title: m.post.title }));
    // a new observer after the last one, whose title begins with no organization meibo knows
    const added = '預金保険機構システム統括室長';
    const text = printed([...seats, { role: 'OBSERVER', title: added }]);
    const line = text.split('\n').length;

    await enterToken(s.page, token);
    await s.page.fill('input[name="effectiveOn"]', EFFECTIVE);
    await s.page.fill('textarea[data-body="secretariat"]', text);
    await s.page.click('.propose-button');
    const unplaced = s.page.locator('.unplaced tbody tr');
    await unplaced.first().waitFor();
    expect(await unplaced.count()).toBe(1);
    expect(await unplaced.getAttribute('data-line')).toBe(String(line));
    expect(await unplaced.locator('td.reason').textContent()).toContain(`line ${line}`);
    expect(await s.page.locator('table.proposed-changes').count()).toBe(0);
    expect(await s.page.locator('.record-blocked').textContent()).toContain('not placed');
    expect(await s.page.locator('.record-button').count()).toBe(0);

    // "a title of its own": then its organization, which the title does not begin with
    await unplaced.locator('button[data-hint="split"]').click();
    const org = s.page.locator('.unplaced .org-hint');
    await org.waitFor();
    await org.locator('input').fill('金融庁');
    await org.locator('button').click();
    const rows = s.page.locator('table.proposed-changes tbody tr');
    await rows.first().waitFor();
    expect(await rows.evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute('data-kind')} ${tr.querySelector('td.what')!.textContent} ${tr.querySelectorAll('td')[4]!.textContent}`))).toEqual([
      `ADD ${added} 金融庁`,
    ]);
    expect(await s.page.locator('.applied-hints').textContent()).toContain(`split ${line}`);
    expect(await s.page.locator('.unplaced').count()).toBe(0);
    await screenshot(s.page, 'editor-settled');
  });
});
