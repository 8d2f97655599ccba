/**
 * The console's header at every width: the full bar on a desktop (all on screen, nothing
 * overlapping), the compact bar with its Menu below 960 px (pages, user, theme, Sign out;
 * Escape, a press outside or a page closes it), and the open-alerts count in both.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, screenshot, type TestPage } from '../support/browser';
import type { TestServer } from '../support/server';
import { COMPANY_NAME, Driver, openConsole, startConsoleServer, waitForText } from './console-fixtures';

type Box = { x: number; y: number; width: number; height: number };

async function box(page: Page, testId: string): Promise<Box> {
  const b = await page.getByTestId(testId).boundingBox();
  assert.ok(b, `${testId} is shown`);
  return b;
}

/** How many elements with this testid are visible (rendered with a size). */
const visibleCount = (page: Page, testId: string) =>
  page.$$eval(`[data-testid="${testId}"]`, (els) => els.filter((e) => (e as HTMLElement).offsetWidth > 0 && (e as HTMLElement).offsetHeight > 0).length);

describe('console header', { timeout: 180_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let driver: Driver;
  let tp: TestPage;
  let page: Page;

  before(async () => {
    srv = await startConsoleServer([{ id: 'DR_1', display_name: 'Van 1' }]);
    driver = await Driver.connect(srv, 'DR_1');
    await driver.send({ lat: 48.1372, lng: 11.5755, speed: 0 });
    browser = await launchBrowser();
    tp = await newPage(browser);
    page = tp.page;
    await openConsole(page, srv);
  });
  after(async () => {
    driver?.close();
    await browser?.close();
    await srv?.stop();
  });

  test('on a desktop the full bar fits: links in the bar, the user menu on screen', async () => {
    for (const width of [1440, 960]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForSelector('[data-testid="nav-integrations"]');
      assert.equal(await page.getByTestId('menu-button').count(), 0, `${width}: no menu button`);
      const links = await page.$$eval('[data-testid^="nav-"]', (l) => l.map((a) => a.getAttribute('data-testid')));
      assert.deepEqual(links, ['nav-map', 'nav-trips', 'nav-alerts', 'nav-shares', 'nav-users', 'nav-integrations', 'nav-settings']);
      await waitForText(page, '[data-testid="company-name"]', COMPANY_NAME);
      const company = await box(page, 'company-name');
      const first = await box(page, 'nav-map');
      const last = await box(page, 'nav-settings');
      const conn = await box(page, 'connection-state');
      const user = await box(page, 'user-menu');
      assert.ok(company.x + company.width <= first.x, `${width}: the company name ends before the links`);
      assert.ok(last.x + last.width <= conn.x, `${width}: the links end before the connection state`);
      assert.ok(user.x + user.width <= width, `${width}: the user menu is on screen`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByTestId('user-menu').click();
    assert.equal(await page.getByTestId('theme-system').getAttribute('aria-pressed'), 'true');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('[role="menu"]').count(), 0, 'Escape closes the user menu');
  });

  test('on a phone and a tablet: a compact bar whose menu lists the pages', async () => {
    for (const [width, height] of [
      [390, 844],
      [360, 740],
      [768, 1024],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.waitForSelector('[data-testid="menu-button"]');
      assert.equal(await page.locator('[data-testid^="nav-"]').count(), 0, `${width}: no links in the bar`);
      const menu = await box(page, 'menu-button');
      assert.ok(menu.x + menu.width <= width && menu.y + menu.height <= 46, `${width}: the menu button is in the bar, on screen`);
      assert.equal(await page.textContent('.header-title'), 'Map');
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'header-compact');

    // A page from the menu: the menu closes and the bar names the page.
    await page.getByTestId('menu-button').click();
    await waitForText(page, '[data-testid="header-menu"]', COMPANY_NAME);
    assert.equal(await visibleCount(page, 'nav-trips'), 1);
    await screenshot(page, 'header-compact-menu');
    await page.getByTestId('nav-trips').click();
    await page.waitForFunction(() => location.hash.startsWith('#/trips'));
    await page.waitForSelector('[data-testid="header-menu"]', { state: 'detached' });
    // The menu closes on the click; the title follows the route on the later hashchange event.
    await waitForText(page, '.header-title', 'Trips').catch(() => {});
    assert.equal(await page.textContent('.header-title'), 'Trips');

    // Escape closes it and gives the focus back to the button.
    await page.getByTestId('menu-button').click();
    await page.waitForSelector('[data-testid="header-menu"]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="header-menu"]', { state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'menu-button');

    // So does a press outside it (on the dimmed page).
    await page.getByTestId('menu-button').click();
    await page.waitForSelector('[data-testid="header-menu"]');
    await page.mouse.click(20, 600);
    await page.waitForSelector('[data-testid="header-menu"]', { state: 'detached' });
    assert.ok(page.url().includes('#/trips'), 'the press outside did nothing else');
    assert.deepEqual(tp.errors, []);
  });

  test('the open-alerts count shows in the compact bar and in the menu, once each', async () => {
    driver.socket.send({ action: 'alert', id: 'DR_1', seq: 50, payload: { kind: 'sos', timestamp: Date.now(), lat: 48.1372, lng: 11.5755 } });
    const ack = await driver.socket.next((m) => m.seq === 50, 5000);
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    await waitForText(page, '[data-testid="alerts-badge"]', '1');
    assert.equal(await visibleCount(page, 'alerts-badge'), 1);
    await page.getByTestId('menu-button').click();
    await waitForText(page, '[data-testid="nav-alerts"]', /Alerts\s*1/);
    assert.equal(await visibleCount(page, 'alerts-badge'), 1, 'the menu’s count has no second alerts-badge');
    await page.getByTestId('nav-alerts').click();
    await page.waitForFunction(() => location.hash.startsWith('#/alerts'));
    await waitForText(page, '.header-title', 'Alerts').catch(() => {});
    assert.equal(await page.textContent('.header-title'), 'Alerts');

    // Back at desktop width the count is on the Alerts link.
    await page.setViewportSize({ width: 1440, height: 900 });
    await waitForText(page, '[data-testid="nav-alerts"] [data-testid="alerts-badge"]', '1');
    await page.setViewportSize({ width: 390, height: 844 });
  });

  test('Sign out from the phone menu', async () => {
    await page.getByTestId('menu-button').click();
    await page.getByTestId('sign-out').click();
    await page.waitForSelector('[data-testid="signin-form"]');
    assert.equal(await page.evaluate(() => localStorage.getItem('fleetdesk.session')), null);
  });
});
