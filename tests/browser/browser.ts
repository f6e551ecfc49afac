// Chromium for the browser tests: Debian's /usr/bin/chromium (or MEIBO_CHROMIUM), never a
// downloaded one, with no network of its own (no component updates, sync or background fetches),
// and every request it makes recorded so a test can assert that none leaves meibo's origin.
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM = process.env.MEIBO_CHROMIUM || '/usr/bin/chromium';
export const SCREENSHOTS = new URL('../../test-results/browser/', import.meta.url);

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Session {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** every URL the page (and its workers) requested */
  requests: string[];
  close(): Promise<void>;
}

export async function openBrowser(): Promise<Session> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  return { ...(await openContext(browser)), close: () => browser.close() };
}

/** Another context in the same Chromium, e.g. a phone (`PHONE`) or JavaScript off; closed with its browser or by `close`. */
export async function openContext(browser: Browser, options: BrowserContextOptions = {}): Promise<Session> {
  const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 }, ...options });
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  return { browser, context, page, requests, close: () => context.close() };
}

/** A 390 px phone that honours the page's viewport meta, as a real one does (without it, the page is laid out 980 px wide). */
export const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 };

/** Requests that went anywhere but `origin` (data: and blob: URLs stay in the page). */
export function foreign(requests: string[], origin: string): string[] {
  return requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:') && !u.startsWith('blob:'));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: true });
}
