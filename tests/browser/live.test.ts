// Live: the page refreshes itself when an amendment is recorded or reverted (the
// `directoryChanged` subscription over Server-Sent Events), with no reload and no click.
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { foreign, openBrowser, screenshot, type Session } from './browser.js';

const base = inject('meiboUrl');
const token = inject('meiboToken');
let s: Session;
let recorded: number | null = null;

async function mutate(query: string) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: Array<{ message: string }> };
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data;
}
const RECORD = `mutation { recordAmendment(input: {
  instrument: "designated-posts", title: "…の一部改正について（ブラウザー試験）",
  decidedOn: "令和8年11月26日", effectiveOn: "令和9年4月1日",
  changes: [{ kind: ADD, body: "secretariat", role: MEMBER, position: 3, post: "デジタル庁統括官付参事官（サイバーセキュリティ担当）" }] }) { sequence } }`;
/** Reverts the revision RECORD wrote, naming its sequence. */
const REVERT = (sequence: number) => `mutation { revertLatestAmendment(instrument: "designated-posts", sequence: ${sequence}) { sequence } }`;

beforeAll(async () => {
  s = await openBrowser();
});
afterAll(async () => {
  // leave the server's data as the other files expect it
  if (recorded !== null) await mutate(REVERT(recorded)).catch(() => {});
  await s?.close();
});

it('shows a recorded amendment, and its revert, without a reload', async () => {
  const listening = s.page.waitForResponse((r) => r.url().includes('directoryChanged') && r.status() === 200, { timeout: 15_000 });
  await s.page.goto(`${base}/?view=roster&body=secretariat&asOf=${encodeURIComponent('令和9年4月1日')}`);
  const count = s.page.locator('.summary .count');
  await count.waitFor();
  const before = Number(await count.getAttribute('data-count'));
  expect(await s.page.locator('footer .live').getAttribute('data-live')).toBe('true');
  // the page's EventSource is listening once its response has begun (Yoga answers after subscribing)
  await listening;

  recorded = ((await mutate(RECORD)) as { recordAmendment: { sequence: number } }).recordAmendment.sequence;
  await s.page.locator(`.summary .count[data-count="${before + 1}"]`).waitFor({ timeout: 15_000 });
  expect(await s.page.locator('table[data-role="MEMBER"] tbody tr').nth(2).locator('td.title').textContent()).toBe('デジタル庁統括官付参事官（サイバーセキュリティ担当）');
  expect(await s.page.locator('.notice').textContent()).toContain('更新されました');
  await screenshot(s.page, 'live-after-amendment');

  await mutate(REVERT(recorded));
  recorded = null;
  await s.page.locator(`.summary .count[data-count="${before}"]`).waitFor({ timeout: 15_000 });
  expect(foreign(s.requests, base)).toEqual([]);
});
