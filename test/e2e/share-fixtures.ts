/** Shared by the share end-to-end tests: screenshots into test-artifacts/screenshots/share/ at the two sizes the page is checked at. */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS_DIR } from '../support/browser';

export const SHARE_SHOTS_DIR = path.join(ARTIFACTS_DIR, 'screenshots', 'share');
export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** Screenshots the page at 1440×900 and 390×844 as `<name>-1440.png` and `<name>-390.png`, then restores the desktop size. */
export async function shootBothSizes(page: Page, name: string, settle: () => Promise<void> = () => page.waitForTimeout(400)): Promise<void> {
  fs.mkdirSync(SHARE_SHOTS_DIR, { recursive: true });
  for (const size of [DESKTOP, PHONE]) {
    await page.setViewportSize(size);
    await settle();
    await page.screenshot({ path: path.join(SHARE_SHOTS_DIR, `${name}-${size.width}.png`) });
  }
  await page.setViewportSize(DESKTOP);
}

