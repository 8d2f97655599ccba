/**
 * Dark mode: the console follows the operating system's colour scheme unless the user picks
 * Light or Dark in the user menu; the choice survives a reload; the map's basemap is drawn in
 * the theme's colours and the devices still draw.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, screenshot } from '../support/browser';
import type { TestServer } from '../support/server';
import { Driver, openConsole, startConsoleServer, waitForText } from './console-fixtures';

/** Relative luminance (0 black … 1 white) of a CSS rgb() colour. */
function luminance(css: string): number {
  const [r, g, b] = (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
  assert.ok(r !== undefined && g !== undefined && b !== undefined, `a colour: ${css}`);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

const bodyBackground = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

/** The world basemap's pixel at the middle of the map (land, at the fleet's city), once drawn. */
async function landPixel(page: Page): Promise<string> {
  const handle = await page.waitForFunction(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('.leaflet-fleetWorld-pane canvas');
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || canvas.width === 0) return null;
    const [r, g, b, a] = ctx.getImageData(canvas.width / 2, canvas.height / 2, 1, 1).data;
    return a ? `rgb(${r}, ${g}, ${b})` : null;
  });
  return (await handle.jsonValue()) as string;
}

const markerCount = (page: Page) => page.evaluate(() => (window as unknown as { __fleetdeskMap?: { markerCount(): number } }).__fleetdeskMap?.markerCount() ?? -1);

describe('console dark mode', { timeout: 120_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let driver: Driver;

  before(async () => {
    srv = await startConsoleServer([{ id: 'DR_1', display_name: 'Van 1' }]);
    driver = await Driver.connect(srv, 'DR_1');
    await driver.send({ lat: 48.1372, lng: 11.5755, speed: 0 });
    browser = await launchBrowser();
  });
  after(async () => {
    driver?.close();
    await browser?.close();
    await srv?.stop();
  });

  test('dark when the system is; the menu’s Light wins and is remembered; System follows the system again', async () => {
    const { page, context, errors } = await newPage(browser);
    await page.emulateMedia({ colorScheme: 'dark' });
    await openConsole(page, srv);
    await page.waitForFunction(() => (window as unknown as { __fleetdeskMap?: { markerCount(): number } }).__fleetdeskMap?.markerCount() === 1);

    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    assert.ok(luminance(await bodyBackground(page)) < 0.15, `a dark page: ${await bodyBackground(page)}`);
    const darkLand = await landPixel(page);
    assert.ok(luminance(darkLand) < 0.3, `dark land on the map: ${darkLand}`);
    await screenshot(page, 'console-dark');

    await page.getByTestId('user-menu').click();
    await page.getByTestId('theme-light').click();
    assert.ok(luminance(await bodyBackground(page)) > 0.85, `a light page: ${await bodyBackground(page)}`);
    // The basemap is drawn again in the light palette, and the van is still on it.
    await page.waitForFunction((dark) => {
      const canvas = document.querySelector<HTMLCanvasElement>('.leaflet-fleetWorld-pane canvas')!;
      const [r, g, b] = canvas.getContext('2d')!.getImageData(canvas.width / 2, canvas.height / 2, 1, 1).data;
      return `rgb(${r}, ${g}, ${b})` !== dark && r! > 200;
    }, darkLand);
    assert.equal(await markerCount(page), 1);

    await page.reload();
    await waitForText(page, '[data-testid="connection-state"]', 'Online', 15_000);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light', 'the choice survives a reload');
    assert.ok(luminance(await bodyBackground(page)) > 0.85, 'luminance(await bodyBackground(page)) > 0.85');
    assert.ok(luminance(await landPixel(page)) > 0.85, 'light land after the reload');

    // System again: dark, and it follows the system when that changes.
    await page.getByTestId('user-menu').click();
    await page.getByTestId('theme-system').click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    assert.equal(await page.evaluate(() => localStorage.getItem('fleetdesk.theme')), null, 'System is the default, nothing stored');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the sign-in page and the phone menu follow the theme too', async () => {
    const { page, context } = await newPage(browser, { width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(srv.url);
    await page.waitForSelector('[data-testid="signin-form"]');
    const card = await page.evaluate(() => getComputedStyle(document.querySelector('.signin-card')!).backgroundColor);
    assert.ok(luminance(card) < 0.15, `a dark sign-in card: ${card}`);

    await openConsole(page, srv);
    await page.getByTestId('menu-button').click();
    await page.getByTestId('theme-light').click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
    assert.equal(await page.getByTestId('theme-light').getAttribute('aria-pressed'), 'true');
    // Another tab of the browser takes the choice over.
    const other = await context.newPage();
    await other.emulateMedia({ colorScheme: 'dark' });
    await other.goto(srv.url);
    await waitForText(other, '[data-testid="connection-state"]', 'Online', 15_000);
    assert.equal(await other.evaluate(() => document.documentElement.dataset.theme), 'light');
    await page.getByTestId('theme-dark').click();
    await other.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await context.close();
  });
});
