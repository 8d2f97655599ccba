/**
 * The device list and panel against live drivers: rows per device, names by the company's
 * display-field preference, state filters and search, live updates, the panel's latest fix
 * and today's track, and a profile edit that persists.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, screenshot, type TestPage } from '../support/browser';
import type { TestServer } from '../support/server';
import { ADMIN, ADMIN_PASSWORD, COMPANY, Driver, openConsole, rowIds, rowNames, startConsoleServer, waitForRowCount, waitForText } from './console-fixtures';

const DRIVERS = [
  { id: 'DR_1', display_name: 'Van 1', first_name: 'Ana', last_name: 'Berg', phone: '+49 170 1111', vehicle_plate: 'M-AB 101' },
  { id: 'DR_2', display_name: 'Van 2', first_name: 'Ben', last_name: 'Cole', phone: '+49 170 2222', vehicle_plate: 'M-AB 202' },
  { id: 'DR_3', display_name: 'Truck 3', first_name: 'Cem', last_name: 'Dahl', vehicle_plate: 'M-TR 303' },
  { id: 'DR_4', display_name: 'Truck 4', vehicle_plate: 'M-TR 404' },
  { id: 'DR_5', display_name: 'Bike 5' },
  { id: 'DR_6', display_name: 'Bike 6' },
];
const MUNICH = { lat: 48.137, lng: 11.575 };

describe('console device list and panel', { timeout: 180_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let tp: TestPage;
  let page: Page;
  let adminToken: string;
  const drivers = new Map<string, Driver>();
  const dr1Times: number[] = [];

  before(async () => {
    srv = await startConsoleServer(DRIVERS);
    adminToken = (await srv.api('POST', '/api/v1/auth/login', { body: { company: COMPANY, user_id: ADMIN, password: ADMIN_PASSWORD } })).body.token;
    for (const d of DRIVERS.slice(0, 5)) drivers.set(d.id, await Driver.connect(srv, d.id));
    const now = Date.now();
    // DR_1: a short track, moving; DR_2 moving; DR_3 and DR_4 stopped; DR_5 last seen 20 min ago; DR_6 never.
    for (let i = 3; i >= 1; i--) {
      dr1Times.push(now - i * 1000);
      await drivers.get('DR_1')!.send({ lat: MUNICH.lat + i * 0.001, lng: MUNICH.lng, speed: 50, bearing: 180, accuracy: 5, altitude: 519, timestamp: now - i * 1000 });
    }
    await drivers.get('DR_2')!.send({ lat: 48.2, lng: 11.6, speed: 30, bearing: 90 });
    await drivers.get('DR_3')!.send({ lat: 48.1, lng: 11.5, speed: 0 });
    await drivers.get('DR_4')!.send({ lat: 48.15, lng: 11.45, speed: 0.5 });
    await drivers.get('DR_5')!.send({ lat: 48.3, lng: 11.7, speed: 20, timestamp: now - 20 * 60_000 });
    browser = await launchBrowser();
    tp = await newPage(browser);
    page = tp.page;
    await openConsole(page, srv);
  });
  after(async () => {
    for (const d of drivers.values()) d.close();
    await browser?.close();
    await srv?.stop();
  });

  test('every driver has a row, named by its display name, with live state counts', async () => {
    await waitForRowCount(page, DRIVERS.length);
    const names = await rowNames(page);
    assert.deepEqual(names, Object.fromEntries(DRIVERS.map((d) => [d.id, d.display_name])));
    const counts = Object.fromEntries(
      await Promise.all(['all', 'moving', 'stopped', 'offline'].map(async (f) => [f, await page.textContent(`[data-testid="count-${f}"]`)])),
    );
    assert.deepEqual(counts, { all: '6', moving: '2', stopped: '2', offline: '2' });
    const dr1 = page.locator('[data-testid="device-row"][data-device-id="DR_1"]');
    assert.match((await dr1.textContent()) ?? '', /50 km\/h/);
    assert.match((await page.locator('[data-device-id="DR_5"]').textContent()) ?? '', /20 min ago/);
    assert.match((await page.locator('[data-device-id="DR_6"]').textContent()) ?? '', /never seen/);
    await screenshot(page, 'console-map');
  });

  test('state filters and search narrow the list', async () => {
    await page.click('[data-testid="filter-moving"]');
    await waitForRowCount(page, 2);
    assert.deepEqual((await rowIds(page)).sort(), ['DR_1', 'DR_2']);
    await page.click('[data-testid="filter-offline"]');
    await waitForRowCount(page, 2);
    assert.deepEqual((await rowIds(page)).sort(), ['DR_5', 'DR_6']);
    await page.click('[data-testid="filter-stopped"]');
    await waitForRowCount(page, 2);
    assert.deepEqual((await rowIds(page)).sort(), ['DR_3', 'DR_4']);
    await page.click('[data-testid="filter-all"]');
    await waitForRowCount(page, 6);

    for (const [query, expected] of [
      ['truck', ['DR_3', 'DR_4']], // name
      ['dr_5', ['DR_5']], // id
      ['M-AB 202', ['DR_2']], // plate
      ['1701111', ['DR_1']], // phone, typed without spaces
    ] as const) {
      await page.fill('[data-testid="device-search"]', query);
      await waitForRowCount(page, expected.length);
      assert.deepEqual((await rowIds(page)).sort(), [...expected], `search "${query}"`);
    }
    await page.fill('[data-testid="device-search"]', 'no such device');
    await waitForRowCount(page, 0);
    assert.match((await page.textContent('[data-testid="device-list"]')) ?? '', /No devices match/);
    await page.fill('[data-testid="device-search"]', '');
    await waitForRowCount(page, 6);
  });

  test('sorting by speed and by last seen', async () => {
    await page.selectOption('[data-testid="device-sort"]', 'speed');
    await page.waitForFunction(() => document.querySelector('[data-testid="device-row"]')?.getAttribute('data-device-id') === 'DR_1');
    assert.deepEqual((await rowIds(page)).slice(0, 2), ['DR_1', 'DR_2']);
    await page.selectOption('[data-testid="device-sort"]', 'last_seen');
    const ids = await rowIds(page);
    assert.deepEqual(ids.slice(-2), ['DR_5', 'DR_6'], 'the stale and the never-seen device come last');
    await page.selectOption('[data-testid="device-sort"]', 'name');
  });

  test('a live update changes a row: a stopped device starts moving', async () => {
    await drivers.get('DR_3')!.send({ lat: 48.101, lng: 11.5, speed: 72, bearing: 45 });
    await page.waitForFunction(() => document.querySelector('[data-device-id="DR_3"]')?.getAttribute('data-status') === 'moving');
    assert.match((await page.locator('[data-device-id="DR_3"]').textContent()) ?? '', /72 km\/h/);
    assert.equal(await page.textContent('[data-testid="count-moving"]'), '3');
  });

  test('a driver added while the console is open appears once it reports', async () => {
    await srv.user(COMPANY, 'DR_7', 'driver', { display_name: 'Van 7' });
    const d7 = await Driver.connect(srv, 'DR_7');
    drivers.set('DR_7', d7);
    await d7.send({ lat: 48.12, lng: 11.55, speed: 10 });
    await waitForRowCount(page, 7);
    assert.equal((await rowNames(page)).DR_7, 'Van 7');
  });

  test('clicking a row opens the panel with the latest fix and today’s track', async () => {
    await page.click('[data-testid="device-row"][data-device-id="DR_1"]');
    await page.waitForSelector('[data-testid="device-panel"][data-device-id="DR_1"]');
    assert.equal(await page.textContent('[data-testid="panel-name"]'), 'Van 1');
    const fix = (await page.textContent('[data-testid="latest-fix"]')) ?? '';
    assert.match(fix, /48\.13800, 11\.57500/);
    assert.match(fix, /50 km\/h/);
    assert.match(fix, /± 5 m/);
    assert.match(fix, /519 m/);
    assert.match(fix, /180° S/);
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    const today = dr1Times.filter((t) => t >= midnight.getTime()).length;
    await waitForText(page, '[data-testid="track-summary"]', trackSummary(today));
    assert.equal(await page.getAttribute('[data-device-id="DR_1"][data-testid="device-row"]', 'aria-selected'), 'true');

    // A live fix extends the track.
    await drivers.get('DR_1')!.send({ lat: MUNICH.lat, lng: MUNICH.lng + 0.002, speed: 40, bearing: 90, accuracy: 8 });
    await waitForText(page, '[data-testid="track-summary"]', trackSummary(today + 1));
    await waitForText(page, '[data-testid="latest-fix"]', '± 8 m');

    // Arrow keys move the selection along the list (sorted by name: Van 1, Van 2).
    await page.focus('[data-testid="device-list"]');
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector('[data-testid="device-panel"][data-device-id="DR_2"]');
    await page.keyboard.press('ArrowUp');
    await page.waitForSelector('[data-testid="device-panel"][data-device-id="DR_1"]');
    await waitForText(page, '[data-testid="track-summary"]', trackSummary(today + 1));

    await page.click('[data-testid="follow-toggle"]');
    assert.equal(await page.getAttribute('[data-testid="follow-toggle"]', 'aria-pressed'), 'true');
    await screenshot(page, 'console-device-panel');
  });

  test('a profile edit is saved on the server and renames the row', async () => {
    await page.fill('[data-testid="profile-form"] input[name="display_name"]', 'Van One');
    await page.fill('[data-testid="profile-form"] input[name="phone"]', '+49 170 9999');
    await page.fill('[data-testid="profile-form"] input[name="last_name"]', '');
    await page.click('[data-testid="profile-form"] button[type="submit"]');
    await waitForText(page, '[data-testid="profile-message"]', 'Saved.');
    const r = await srv.api('GET', '/api/v1/devices/DR_1', { token: adminToken });
    assert.equal(r.status, 200);
    assert.equal(r.body.display_name, 'Van One');
    assert.equal(r.body.phone, '+49 170 9999');
    assert.equal(r.body.last_name, null, 'an emptied field is cleared');
    assert.equal(r.body.first_name, 'Ana', 'untouched fields stay');
    await waitForText(page, '[data-device-id="DR_1"] [data-testid="device-name"]', 'Van One');
    await waitForText(page, '[data-testid="panel-name"]', 'Van One');
  });

  test('an invalid profile value is refused with a message and nothing is saved', async () => {
    await page.fill('[data-testid="profile-form"] input[name="vehicle_plate"]', 'X'.repeat(201));
    await page.click('[data-testid="profile-form"] button[type="submit"]');
    await waitForText(page, '[data-testid="profile-vehicle_plate-error"]', 'Vehicle plate can have at most 200 characters (now 201).');
    assert.equal(await page.getAttribute('[data-testid="profile-form"] input[name="vehicle_plate"]', 'aria-invalid'), 'true');
    const r = await srv.api('GET', '/api/v1/devices/DR_1', { token: adminToken });
    assert.equal(r.body.vehicle_plate, 'M-AB 101');
    await page.click('[data-testid="profile-form"] button:has-text("Revert")');
    // Clearing the display name is refused at the field, and nothing is saved.
    await page.fill('[data-testid="profile-form"] input[name="display_name"]', '   ');
    await page.click('[data-testid="profile-form"] button[type="submit"]');
    await waitForText(page, '[data-testid="profile-display_name-error"]', 'Display name can’t be empty');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name), 'display_name', 'the refused field has the focus');
    assert.equal((await srv.api('GET', '/api/v1/devices/DR_1', { token: adminToken })).body.display_name, 'Van One');
    await page.click('[data-testid="profile-form"] button:has-text("Revert")');
    await page.click('[data-testid="panel-close"]');
    assert.equal(await page.locator('[data-testid="device-panel"]').count(), 0);
  });

  test('names follow the company’s display-field preference', async () => {
    await page.click('[data-testid="nav-settings"]');
    await page.selectOption('[data-testid="display-field"]', 'vehicle_plate');
    await page.click('[data-testid="company-settings"] button[type="submit"]');
    await waitForText(page, '[data-testid="company-message"]', 'Saved.');
    assert.equal((await srv.api('GET', '/api/v1/company', { token: adminToken })).body.display_field, 'vehicle_plate');
    await page.click('[data-testid="nav-map"]');
    await page.waitForFunction(() => document.querySelector('[data-device-id="DR_2"] [data-testid="device-name"]')?.textContent === 'M-AB 202');
    const names = await rowNames(page);
    // Devices without a plate fall back to their display name.
    assert.deepEqual(names, { DR_1: 'M-AB 101', DR_2: 'M-AB 202', DR_3: 'M-TR 303', DR_4: 'M-TR 404', DR_5: 'Bike 5', DR_6: 'Bike 6', DR_7: 'Van 7' });
    assert.deepEqual(tp.errors, []);
  });
});

function trackSummary(n: number): string {
  return n === 0 ? 'No positions since midnight.' : `${n} position${n === 1 ? '' : 's'} since midnight`;
}
