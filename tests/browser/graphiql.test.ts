// GraphiQL at /graphql in Chromium on a closed network: it renders (not Yoga's "Loading…" page
// waiting for unpkg.com), titled meibo, with the README's examples as tabs, runs a query, and
// requests nothing from another host — its script, stylesheet and editor workers come from meibo;
// on a phone it is laid out at the phone's width, its tabs named as the README names its examples.
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { foreign, openBrowser, openContext, PHONE, screenshot, type Session } from './browser.js';

const base = inject('meiboUrl');
let s: Session;

beforeAll(async () => {
  s = await openBrowser();
});
afterAll(async () => {
  await s?.close();
});

it('renders GraphiQL from meibo alone, and runs the README example in its first tab', async () => {
  await s.page.goto(`${base}/graphql`, { waitUntil: 'load' });
  await s.page.locator('.graphiql-container').first().waitFor({ timeout: 30_000 });
  expect(await s.page.title()).toBe('meibo');
  expect(await s.page.locator('body').innerText()).not.toContain('Loading');
  // the README's example queries, one tab each
  const tabs = s.page.locator('.graphiql-tab');
  expect(await tabs.count()).toBeGreaterThanOrEqual(5);
  // the query editor holds the first one; run it (Ctrl-Enter is GraphiQL's own shortcut too)
  await s.page.locator('.graphiql-query-editor').getByText('chair', { exact: false }).first().waitFor();
  await s.page.locator('button.graphiql-execute-button').click();
  // the answer, as the README prints it (Monaco wraps long lines, so compared without line breaks)
  await s.page.waitForFunction(() => document.querySelector('.graphiql-response')?.textContent?.includes('第2項'), undefined, { timeout: 30_000 });
  const answer = (await s.page.locator('.graphiql-response').first().innerText()).replace(/\s+/g, '');
  expect(answer).toContain('"title":"内閣官房内閣審議官（内閣サイバーセキュリティセンター）"');
  expect(answer).toContain('"validTo":"2025-07-01"');
  await screenshot(s.page, 'graphiql');
  const own = s.requests.filter((u) => u.startsWith(`${base}/graphiql/`));
  expect(own.some((u) => u.endsWith('.js'))).toBe(true);
  expect(own.some((u) => u.endsWith('.css'))).toBe(true);
  expect(foreign(s.requests, base)).toEqual([]);
});

it('fits a 390 px phone, and names its tabs after the README’s examples', async () => {
  const phone = await openContext(s.browser, PHONE);
  try {
    await phone.page.goto(`${base}/graphql`, { waitUntil: 'load' });
    await phone.page.locator('.graphiql-container').first().waitFor({ timeout: 30_000 });
    // laid out at the phone's width (without a viewport meta, 980 px scaled down)
    expect(await phone.page.evaluate(() => document.documentElement.clientWidth)).toBe(390);
    expect(await phone.page.evaluate(() => document.documentElement.lang)).toBe('en');
    const tabs = (await phone.page.locator('.graphiql-tab').allInnerTexts()).map((t) => t.trim());
    expect(tabs.length).toBeGreaterThanOrEqual(5);
    expect(tabs.slice(0, 2)).toEqual(['SecretariatChairDay_2025_06_30', 'SecretariatChairDay_2025_07_01']);
    expect(tabs).toContain('ObserversDeputyDirectorMeeting');
    expect(tabs.filter((t) => /^(Chair|Before)\d*$/.test(t))).toEqual([]);
    await screenshot(phone.page, 'phone-graphiql');
  } finally {
    await phone.close();
  }
});
