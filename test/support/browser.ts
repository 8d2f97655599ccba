/**
 * Real Chromium for end-to-end tests: Debian's /usr/bin/chromium driven by playwright-core
 * (never a downloaded browser). Pages collect uncaught errors so a test can assert there were
 * none; screenshots go to test-artifacts/ (gitignored).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.FLEETDESK_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];
export const ARTIFACTS_DIR = path.resolve(import.meta.dirname, '../../test-artifacts');
export const RENDERER_INDEX = path.resolve(import.meta.dirname, '../../renderer/dist/index.html');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, timeout: 30_000 });
}

export interface TestPage {
  context: BrowserContext;
  page: Page;
  /** uncaught exceptions in the page, and console.error lines */
  errors: string[];
}

/**
 * A fresh context (own sessionStorage/localStorage) and page at a desktop size. Requests that
 * leave 127.0.0.1 (map tiles) are aborted at once, so an offline run never waits on them.
 */
export async function newPage(browser: Browser, opts: { width?: number; height?: number } = {}): Promise<TestPage> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1440, height: opts.height ?? 900 }, deviceScaleFactor: 1 });
  await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort('internetdisconnected'));
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // Aborted tile requests log resource errors; those are the offline map's normal case.
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) errors.push(`console: ${msg.text()}`);
  });
  return { context, page, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** The renderer must be built (`npm run build:renderer`) before the server can serve it. */
export function assertRendererBuilt(): void {
  if (!fs.existsSync(RENDERER_INDEX)) throw new Error('renderer/dist is missing: run `npm run build:renderer` first (npm run test:e2e does)');
}
