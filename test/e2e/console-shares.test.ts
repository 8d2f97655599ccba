/**
 * Sharing a live location from the console against a real server: a dispatcher opens the
 * device panel, fills the share form (destination picked on the map), gets the link with its
 * QR code, sees the share in the panel and on the Shares page, extends one and cancels it;
 * a right-click on the van offers the same form; the Settings card sets where links point.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Share, ShareCreated } from '../../shared/api/shares';
import { launchBrowser, newPage, type TestPage } from '../support/browser';
import type { TestServer } from '../support/server';
import { ADMIN, ADMIN_PASSWORD, COMPANY, Driver, openConsole, startConsoleServer, waitForText } from './console-fixtures';
import { eventually, markerPoint } from './map-fixtures';
import { shootBothSizes } from './share-fixtures';

const VAN = { lat: 48.137, lng: 11.575 };

describe('console: share live location', { timeout: 180_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let tp: TestPage;
  let page: Page;
  let token: string;
  let driver: Driver;
  let created: Share;

  const shares = async (): Promise<Share[]> => (await srv.api('GET', '/api/v1/shares?status=all', { token })).body as Share[];

  before(async () => {
    srv = await startConsoleServer([{ id: 'DR_1', display_name: 'Van 1' }]);
    token = (await srv.api('POST', '/api/v1/auth/login', { body: { company: COMPANY, user_id: ADMIN, password: ADMIN_PASSWORD } })).body.token;
    driver = await Driver.connect(srv, 'DR_1');
    await driver.send({ lat: VAN.lat, lng: VAN.lng, speed: 30, bearing: 90 });
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

  test('the device panel opens the share form; the destination is picked on the map', async () => {
    await page.click('[data-testid="device-row"][data-device-id="DR_1"]');
    await page.getByTestId('device-shares').waitFor();
    await waitForText(page, '[data-testid="device-shares"]', 'No open shares');
    await page.getByTestId('share-location').click();
    const dialog = page.getByTestId('share-dialog');
    await dialog.waitFor();
    await dialog.locator('input[name="recipient"]').fill('Maria Schmidt');
    await dialog.locator('input[name="order_id"]').fill('ORD-4711');
    await dialog.locator('textarea[name="notes"]').fill('Please ring twice');
    await dialog.getByTestId('expiry-1').click();
    await dialog.locator('input[name="label"]').fill('Marienplatz 8');

    // A typed coordinate that is not one is refused in plain words, before any request.
    await dialog.getByTestId('share-coords').fill('somewhere');
    await dialog.getByTestId('share-create').click();
    await waitForText(page, '[data-testid="share-coords-field-error"]', /latitude, longitude/);
    assert.equal(await dialog.getByTestId('share-coords').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'share-coords', 'the refused field has the focus');

    await dialog.getByTestId('share-pick').click();
    await page.getByTestId('pick-bar').waitFor();
    assert.equal(await page.getByTestId('share-dialog').count(), 0, 'the dialog steps aside while picking');
    const box = (await page.getByTestId('fleet-map').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.4);
    await dialog.waitFor();
    const coords = await dialog.getByTestId('share-coords').inputValue();
    assert.match(coords, /^-?\d+\.\d{5}, -?\d+\.\d{5}$/, coords);
    assert.equal(await page.getAttribute('[data-testid="device-panel"]', 'data-device-id'), 'DR_1', 'the click picked a point; the device stayed selected');
    await shootBothSizes(page, 'console-share-form');
  });

  test('creating the share shows the link, a QR code of it and Open in browser', async () => {
    const dialog = page.getByTestId('share-dialog');
    await dialog.getByTestId('share-create').click();
    await page.getByTestId('share-result').waitFor();
    const url = (await page.getByTestId('share-url-value').textContent())!.trim();
    assert.match(url, /^https?:\/\/[^/]+\/s\/[A-Za-z0-9_-]{43}$/, url);
    assert.equal(await page.getByTestId('share-open').getAttribute('href'), url);
    assert.equal(await page.getByTestId('share-qr').getAttribute('data-value'), url);
    await page.waitForFunction(() => (document.querySelector('[data-testid="share-qr"] img') as HTMLImageElement | null)?.src.startsWith('data:image/png') ?? false);
    await page.getByTestId('share-base-note').waitFor();

    const list = await shares();
    assert.equal(list.length, 1);
    created = list[0]!;
    assert.equal(created.device_id, 'DR_1');
    assert.equal(created.recipient_name, 'Maria Schmidt');
    assert.equal(created.order_id, 'ORD-4711');
    assert.equal(created.notes, 'Please ring twice');
    assert.equal(created.destination?.label, 'Marienplatz 8');
    const hours = (Date.parse(created.expires_at) - Date.parse(created.created_at)) / 3600_000;
    assert.ok(Math.abs(hours - 1) < 0.01, `link works for ${hours} h`);
    await shootBothSizes(page, 'console-share-result');

    await page.getByTestId('share-done').click();
    await page.locator('[data-testid="device-share"]').first().waitFor();
    await waitForText(page, '[data-testid="device-shares"]', 'Maria Schmidt');
  });

  test('the Shares page lists it; +1 h extends it; Cancel ends it', async () => {
    await page.getByTestId('nav-shares').click();
    const row = (id: string) => page.locator(`[data-testid="share-row"][data-share-id="${id}"]`);
    await row(created.id).waitFor();
    // A share made elsewhere (another console, a shop system over REST) shows up live, well
    // before the page's 30 s reload.
    const second = (await srv.api('POST', '/api/v1/shares', { token, body: { device_id: 'DR_1', recipient_name: 'Jonas Weber', order_id: 'ORD-9' } })).body as ShareCreated;
    await row(second.id).waitFor({ timeout: 5000 });
    const text = (await row(created.id).innerText()).replace(/\s+/g, ' ');
    assert.match(text, /Live/);
    assert.match(text, /Van 1/);
    assert.match(text, /Maria Schmidt/);
    assert.match(text, /ORD-4711/);
    await shootBothSizes(page, 'console-shares-page');

    const before = Date.parse(created.expires_at);
    await row(created.id).getByTestId('share-extend').click();
    const extended = await eventually(shares, (l) => Date.parse(l.find((s) => s.id === created.id)!.expires_at) > before, 5000, 'the expiry extended');
    assert.equal(Date.parse(extended.find((s) => s.id === created.id)!.expires_at) - before, 3600_000);

    await row(created.id).getByTestId('share-cancel').click();
    await row(created.id).waitFor({ state: 'detached' });
    const after = await shares();
    assert.equal(after.find((s) => s.id === created.id)!.status, 'cancelled');
    assert.equal(after.find((s) => s.id === second.id)!.status, 'active');
    // Completed elsewhere: it leaves the open list live.
    assert.equal((await srv.api('POST', `/api/v1/shares/${second.id}/complete`, { token })).status, 200);
    await row(second.id).waitFor({ state: 'detached', timeout: 5000 });
    await page.getByTestId('shares-filter-all').click();
    await waitForText(page, `[data-testid="share-row"][data-share-id="${created.id}"]`, 'Cancelled');
    await waitForText(page, `[data-testid="share-row"][data-share-id="${second.id}"]`, 'Completed');
    assert.equal(await row(created.id).getByTestId('share-cancel').count(), 0, 'an ended share has no actions');
    assert.deepEqual(tp.errors, []);
  });
  /** Where the van is drawn once the map holds still (fitted to the fleet, resized by the panel). */
  const vanPoint = async () => {
    let last = '';
    return eventually(
      async () => {
        const pt = await markerPoint(page, 'DR_1').catch(() => null);
        await page.waitForTimeout(300);
        const same = JSON.stringify(pt) === last;
        last = JSON.stringify(pt);
        return same ? pt : null;
      },
      (v) => v !== null,
      10_000,
      'the van drawn in place',
    );
  };

  test('right-clicking a van on the map offers Share live location', async () => {
    await page.getByTestId('nav-map').click();
    await page.getByTestId('fleet-map').waitFor();
    let p = await vanPoint();
    await page.mouse.click(p!.x, p!.y, { button: 'right' });
    const menu = page.getByTestId('device-menu');
    await menu.waitFor();
    assert.match(await menu.innerText(), /Van 1/);
    await menu.getByTestId('menu-share').click();
    await page.getByTestId('share-dialog').waitFor();
    assert.match((await page.getByTestId('share-dialog').getAttribute('aria-label'))!, /Share live location — Van 1/);
    assert.equal(await page.getAttribute('[data-testid="device-panel"]', 'data-device-id'), 'DR_1', 'the van is selected too');
    await page.keyboard.press('Escape');
    await page.getByTestId('share-dialog').waitFor({ state: 'detached' });
    p = await vanPoint(); // the panel opened: the map is narrower
    await page.mouse.click(p!.x, p!.y, { button: 'right' });
    await menu.waitFor();
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
  });

  test('Settings: a public address makes the links start with it', async () => {
    await page.getByTestId('nav-settings').click();
    const card = page.getByTestId('share-settings');
    await waitForText(page, '[data-testid="share-base"]', /Share links start with http:\/\/127\.0\.0\.1/);
    await card.getByTestId('share-arrived_radius_m').fill('5000');
    await card.locator('button[type="submit"]').click();
    await waitForText(page, '[data-testid="share-field-arrived_radius_m-error"]', 'Arrived within must be between 20 and 2,000 m.');
    assert.equal(await card.getByTestId('share-arrived_radius_m').getAttribute('aria-invalid'), 'true');
    await card.getByTestId('share-arrived_radius_m').fill('150');
    await card.getByTestId('share-public-base').fill('https://track.example.com/');
    await card.locator('button[type="submit"]').click();
    await waitForText(page, '[data-testid="share-settings-message"]', 'Saved');
    await waitForText(page, '[data-testid="share-base"]', 'Share links start with https://track.example.com — the public address below');
    const c = (await srv.api('POST', '/api/v1/shares', { token, body: { device_id: 'DR_1' } })).body as ShareCreated;
    assert.equal(c.share_url, `https://track.example.com/s/${c.share_token}`);
    await card.scrollIntoViewIfNeeded();
    await shootBothSizes(page, 'console-share-settings', async () => {
      await card.scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
    });
    assert.deepEqual(tp.errors, []);
  });
});
