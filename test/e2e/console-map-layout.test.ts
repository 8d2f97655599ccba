/**
 * The map page at desktop, tablet and phone widths against live drivers: selection centres the
 * van in the part of the map the panel or sheet leaves visible and is kept in the URL (links,
 * reloads, /devices/{id}); the phone's List | Map switch and bottom sheet; the list's search and
 * filters thin out the map's markers; a speed-sorted list holds still under the pointer; and an
 * offline van's panel says what is known and how old it is.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, screenshot } from '../support/browser';
import type { TestServer } from '../support/server';
import { Driver, loginLink, openConsole, rowIds, startConsoleServer, waitForRowCount, waitForText } from './console-fixtures';
import { PAGE_NAME_SHIM, eventually, markerCount, markerLatLng as markerLatLngOf, markerPoint, setView } from './map-fixtures';

const DRIVERS = [
  { id: 'DR_1', display_name: 'Van 1', first_name: 'Ana', last_name: 'Berg', vehicle_plate: 'M-AB 101' },
  { id: 'DR_2', display_name: 'Van 2', first_name: 'Ben', last_name: 'Cole', vehicle_plate: 'M-AB 202' },
  { id: 'DR_3', display_name: 'Truck 3', vehicle_plate: 'M-TR 303' },
  { id: 'DR_4', display_name: 'Truck 4', vehicle_plate: 'M-TR 404' },
  { id: 'DR_5', display_name: 'Bike 5' },
  { id: 'DR_6', display_name: 'Bike 6' },
];
/** Spread around Munich so that each van is a marker of its own when centred. */
const AT: Record<string, [number, number]> = {
  DR_1: [48.137, 11.575],
  DR_2: [48.2, 11.6],
  DR_3: [48.1, 11.5],
  DR_4: [48.15, 11.45],
  DR_5: [48.3, 11.7],
  DR_6: [48.05, 11.65],
};

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

function box(page: Page, selector: string): Promise<Box | null> {
  return page.evaluate((sel) => {
    const el = (globalThis as any).document.querySelector(sel);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
  }, selector);
}

/** The map area less what the panel or sheet covers. */
async function visibleMap(page: Page): Promise<Box> {
  const area = (await box(page, '[data-testid="map-area"]'))!;
  const panel = await box(page, '[data-testid="device-panel"]');
  if (!panel || panel.left >= area.right || panel.top >= area.bottom) return area;
  const fullWidth = panel.left <= area.left + 1 && panel.right >= area.right - 1;
  return fullWidth ? { ...area, bottom: panel.top } : { ...area, right: panel.left };
}

/** Waits until the device's marker sits near the middle of the visible map (the flight takes ~0.6 s). */
async function assertCentredInView(page: Page, id: string, what: string): Promise<void> {
  const tolerance = 24;
  const last = await eventually(
    async () => ({ p: await markerPoint(page, id).catch(() => null), v: await visibleMap(page) }),
    ({ p, v }) => p !== null && Math.abs(p.x - (v.left + v.right) / 2) < tolerance && Math.abs(p.y - (v.top + v.bottom) / 2) < tolerance,
    6000,
    `${id} centred in the visible map (${what})`,
  );
  const { p, v } = last;
  assert.ok(p && p.x > v.left && p.x < v.right && p.y > v.top && p.y < v.bottom, `${what}: the marker is inside the visible map`);
}

async function inViewport(page: Page, selector: string): Promise<boolean> {
  const b = await box(page, selector);
  const vp = page.viewportSize()!;
  return b !== null && b.left >= 0 && b.top >= 0 && b.right <= vp.width && b.bottom <= vp.height && b.right > b.left;
}

const isVisible = (page: Page, selector: string) =>
  page.evaluate((sel) => {
    const el = (globalThis as any).document.querySelector(sel);
    return !!el && (globalThis as any).getComputedStyle(el).visibility === 'visible' && el.getBoundingClientRect().width > 0;
  }, selector);

describe('map page: selection, layout, filters', { timeout: 240_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  const drivers = new Map<string, Driver>();

  before(async () => {
    srv = await startConsoleServer(DRIVERS);
    for (const d of DRIVERS.slice(0, 5)) drivers.set(d.id, await Driver.connect(srv, d.id));
    const now = Date.now();
    const send = (id: string, speed: number, timestamp = now) => drivers.get(id)!.send({ lat: AT[id]![0], lng: AT[id]![1], speed, timestamp });
    // DR_1 and DR_2 moving, DR_3 and DR_4 stopped, DR_5 last seen 20 min ago, DR_6 never.
    await send('DR_1', 50);
    await send('DR_2', 30);
    await send('DR_3', 0);
    await send('DR_4', 0);
    await send('DR_5', 20, now - 20 * 60_000);
    browser = await launchBrowser();
  });
  after(async () => {
    for (const d of drivers.values()) d.close();
    await browser?.close();
    await srv?.stop();
  });

  async function consolePage(width: number, height: number): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
    const tp = await newPage(browser, { width, height });
    await tp.context.addInitScript(PAGE_NAME_SHIM);
    await openConsole(tp.page, srv);
    await waitForRowCount(tp.page, DRIVERS.length);
    return { page: tp.page, errors: tp.errors, close: () => tp.context.close() };
  }

  test('desktop: a van picked in the list is selected, centred beside the panel, and kept in the URL across a reload', async () => {
    const { page, errors, close } = await consolePage(1440, 900);
    try {
      await page.click('[data-testid="device-row"][data-device-id="DR_2"]');
      await page.waitForSelector('[data-testid="device-panel"][data-device-id="DR_2"]');
      assert.match(page.url(), /#\/map\/DR_2$/);
      await assertCentredInView(page, 'DR_2', 'desktop, after a pick');
      const area = (await box(page, '[data-testid="map-area"]'))!;
      const panel = (await box(page, '[data-testid="device-panel"]'))!;
      assert.ok(panel.left >= area.right - 1, 'on a desktop the panel sits beside the map, not over it');

      await page.reload();
      await page.waitForSelector('[data-testid="device-panel"][data-device-id="DR_2"]');
      assert.equal(await page.getAttribute('[data-testid="device-row"][data-device-id="DR_2"]', 'aria-selected'), 'true');
      await assertCentredInView(page, 'DR_2', 'desktop, after a reload');

      // Another pick replaces the URL's device (no history entry per pick); closing removes it.
      const length = await page.evaluate(() => (globalThis as any).history.length);
      await page.click('[data-testid="device-row"][data-device-id="DR_4"]');
      await page.waitForSelector('[data-testid="device-panel"][data-device-id="DR_4"]');
      assert.match(page.url(), /#\/map\/DR_4$/);
      assert.equal(await page.evaluate(() => (globalThis as any).history.length), length);
      await page.click('[data-testid="panel-close"]');
      await page.waitForSelector('[data-testid="device-panel"]', { state: 'detached' });
      assert.match(page.url(), /#\/map$/);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('/devices/{id} opens the map on that van; an unknown id says so in plain words', async () => {
    const { page, errors, close } = await consolePage(1440, 900);
    try {
      await page.goto(`${srv.url}/devices/DR_3`);
      await page.waitForSelector('[data-testid="device-panel"][data-device-id="DR_3"]');
      assert.match(page.url(), /\/#\/map\/DR_3$/);
      await assertCentredInView(page, 'DR_3', '/devices/DR_3');

      await page.goto(`${srv.url}/devices/NO_SUCH_VAN`);
      await waitForText(page, '[data-testid="device-panel"]', 'This device is not in your fleet');
      await page.click('[data-testid="panel-close"]');
      await page.waitForSelector('[data-testid="device-panel"]', { state: 'detached' });
      assert.deepEqual(errors, []);

      // A link opened before signing in: the sign-in link lands on the same place.
      const link = new URL(loginLink(srv));
      await page.goto(`${srv.url}/devices/DR_1${link.search}`);
      await page.waitForSelector('[data-testid="device-panel"][data-device-id="DR_1"]');
      await assertCentredInView(page, 'DR_1', 'signed in through a link to /devices/DR_1');
    } finally {
      await close();
    }
  });

  test('tablet: the panel lies over the map and the van is centred in what is left', async () => {
    const { page, errors, close } = await consolePage(768, 1024);
    try {
      const before = (await box(page, '[data-testid="map-area"]'))!;
      await page.click('[data-testid="device-row"][data-device-id="DR_1"]');
      await page.waitForSelector('[data-testid="device-panel"][data-device-id="DR_1"]');
      const area = (await box(page, '[data-testid="map-area"]'))!;
      const panel = (await box(page, '[data-testid="device-panel"]'))!;
      assert.equal(area.right - area.left, before.right - before.left, 'the map is not squeezed by the panel');
      assert.ok(panel.left > area.left && panel.left < area.right && panel.right >= area.right - 1, 'the panel covers the right of the map');
      assert.ok(await inViewport(page, '[data-testid="panel-close"]'), 'await inViewport(page, \'[data-testid="panel-close"]\')');
      await assertCentredInView(page, 'DR_1', 'tablet');

      // Following keeps the van in the middle of the visible part as it moves. It starts once the
      // pick's flight (0.6 s; fractional zooms on the way) has landed.
      await page.waitForFunction(() => Number.isInteger((globalThis as any).__fleetdeskMap.map.getZoom()));
      await page.click('[data-testid="follow-toggle"]');
      await page.waitForSelector('[data-testid="follow-toggle"][aria-pressed="true"]');
      await drivers.get('DR_1')!.send({ lat: AT.DR_1![0] + 0.003, lng: AT.DR_1![1] + 0.004, speed: 50 });
      await eventually(() => markerLatLngOf(page, 'DR_1'), (ll) => ll !== null && Math.abs(ll[0] - AT.DR_1![0] - 0.003) < 1e-6, 5000, 'the marker at the new fix');
      await assertCentredInView(page, 'DR_1', 'tablet, following');
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('phone: List | Map switch, a pick opens the map with the van centred above the sheet, the sheet expands and closes', async () => {
    const { page, errors, close } = await consolePage(390, 844);
    try {
      assert.ok(await inViewport(page, '[data-testid="view-list"]'), 'await inViewport(page, \'[data-testid="view-list"]\')');
      await page.click('[data-testid="view-list"]');
      assert.equal(await isVisible(page, '[data-testid="device-list"]'), true);
      assert.equal(await isVisible(page, '[data-testid="map-area"]'), false);
      const list = (await box(page, '[data-testid="device-list"]'))!;
      assert.ok(list.right - list.left >= 360, 'the list has the full width');

      await page.click('[data-testid="device-row"][data-device-id="DR_2"]');
      await page.waitForSelector('[data-testid="device-panel"][data-device-id="DR_2"]');
      assert.equal(await isVisible(page, '[data-testid="map-area"]'), true, 'picking a van shows the map');
      assert.equal(await page.getAttribute('[data-testid="view-map"]', 'aria-pressed'), 'true');
      const area = (await box(page, '[data-testid="map-area"]'))!;
      assert.ok(area.bottom - area.top > 600, 'the map has the height of the screen');
      const sheet = (await box(page, '[data-testid="device-panel"]'))!;
      assert.ok(sheet.top > area.top + 300 && sheet.bottom <= 844 && sheet.left <= 1 && sheet.right >= 389, 'a sheet along the bottom');
      assert.ok(await inViewport(page, '[data-testid="panel-close"]'), 'the close button is on screen');
      assert.match((await page.textContent('[data-testid="panel-status"]')) ?? '', /Moving/);
      await assertCentredInView(page, 'DR_2', 'phone, above the sheet');

      await page.click('[data-testid="sheet-toggle"]');
      assert.equal(await page.getAttribute('[data-testid="sheet-toggle"]', 'aria-expanded'), 'true');
      const full = (await box(page, '[data-testid="device-panel"]'))!;
      assert.ok(full.top < sheet.top - 200, 'the expanded sheet is taller');
      assert.ok(await inViewport(page, '[data-testid="panel-close"]'), 'await inViewport(page, \'[data-testid="panel-close"]\')');
      // The header stays in view while the body scrolls.
      await page.evaluate(() => {
        (globalThis as any).document.querySelector('[data-testid="device-panel"]').scrollTop = 10_000;
      });
      assert.ok(await inViewport(page, '[data-testid="panel-close"]'), 'the close button stays on screen when the sheet scrolls');
      const head = (await box(page, '.panel-head'))!;
      assert.ok(Math.abs(head.top - full.top) < 2, 'the header is stuck to the top of the sheet');

      // Dragging the handle down folds the sheet, up opens it again.
      const drag = async (dy: number) => {
        const h = (await box(page, '[data-testid="sheet-toggle"]'))!;
        const x = (h.left + h.right) / 2;
        const y = (h.top + h.bottom) / 2;
        await page.mouse.move(x, y);
        await page.mouse.down();
        await page.mouse.move(x, y + dy / 2);
        await page.mouse.move(x, y + dy);
        await page.mouse.up();
      };
      await drag(200);
      await page.waitForFunction(() => (globalThis as any).document.querySelector('[data-testid="sheet-toggle"]')?.getAttribute('aria-expanded') === 'false');
      await drag(-200);
      await page.waitForFunction(() => (globalThis as any).document.querySelector('[data-testid="sheet-toggle"]')?.getAttribute('aria-expanded') === 'true');

      await page.click('[data-testid="panel-close"]');
      await page.waitForSelector('[data-testid="device-panel"]', { state: 'detached' });
      assert.match(page.url(), /#\/map$/);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('search and the state filters thin out the map’s markers and clusters too', async () => {
    const { page, errors, close } = await consolePage(1440, 900);
    try {
      await setView(page, 48.17, 11.58, 9); // zoomed out: every van in view, clustered
      await eventually(() => markerCount(page), (n) => n === 5, 5000, 'all five vans with a position on the map');
      await page.click('[data-testid="filter-moving"]');
      await eventually(() => markerCount(page), (n) => n === 2, 5000, 'the two moving vans');
      await page.click('[data-testid="filter-stopped"]');
      await eventually(() => markerCount(page), (n) => n === 2, 5000, 'the two stopped vans');
      await page.click('[data-testid="filter-offline"]');
      await eventually(() => markerCount(page), (n) => n === 1, 5000, 'the one offline van with a position');
      await page.click('[data-testid="filter-all"]');
      await page.fill('[data-testid="device-search"]', 'truck');
      await eventually(() => markerCount(page), (n) => n === 2, 5000, 'the two trucks');
      await setView(page, 48.17, 11.58, 14); // past clustering: markers of their own, same filter
      await setView(page, 48.125, 11.475, 12);
      await eventually(() => markerCount(page), (n) => n === 2, 5000, 'the two trucks, zoomed in');
      await page.fill('[data-testid="device-search"]', '');
      await eventually(() => markerCount(page), (n) => n > 2, 5000, 'everything in view again');
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('sorted by speed, rows hold still while the pointer is over the list, and re-sort once it leaves', async () => {
    const { page, errors, close } = await consolePage(1440, 900);
    try {
      await page.selectOption('[data-testid="device-sort"]', 'speed');
      await page.waitForFunction(() => (globalThis as any).document.querySelector('[data-testid="device-row"]')?.getAttribute('data-device-id') === 'DR_1');
      assert.deepEqual((await rowIds(page)).slice(0, 2), ['DR_1', 'DR_2']);
      await page.hover('[data-testid="device-row"][data-device-id="DR_3"]');
      await drivers.get('DR_2')!.send({ lat: AT.DR_2![0] + 0.001, lng: AT.DR_2![1], speed: 90 });
      await waitForText(page, '[data-testid="device-row"][data-device-id="DR_2"] [data-testid="device-speed"]', '90 km/h');
      await new Promise((r) => setTimeout(r, 4000)); // longer than the list's re-sort step
      assert.deepEqual((await rowIds(page)).slice(0, 2), ['DR_1', 'DR_2'], 'the order is held under the pointer, the row itself is live');
      await page.mouse.move(900, 500); // over the map
      await page.waitForFunction(() => (globalThis as any).document.querySelector('[data-testid="device-row"]')?.getAttribute('data-device-id') === 'DR_2', undefined, { timeout: 5000 });
      assert.deepEqual((await rowIds(page)).slice(0, 2), ['DR_2', 'DR_1']);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('rows: driver and plate beneath the name, whole km/h, Stopped without a speed; an offline van’s panel does not contradict itself', async () => {
    const { page, errors, close } = await consolePage(1440, 900);
    try {
      const row = (id: string) => `[data-testid="device-row"][data-device-id="${id}"]`;
      assert.equal(await page.textContent(`${row('DR_1')} [data-testid="device-sub"]`), 'Ana Berg · M-AB 101');
      assert.equal(await page.textContent(`${row('DR_3')} [data-testid="device-sub"]`), 'M-TR 303');
      assert.equal(await page.textContent(`${row('DR_1')} [data-testid="device-speed"]`), '50 km/h');
      assert.equal(await page.textContent(`${row('DR_3')} [data-testid="device-speed"]`), 'Stopped');
      assert.equal(await page.textContent(`${row('DR_5')} [data-testid="device-speed"]`), 'Offline');
      // 20 min ago when the suite started; the list and the panel count with the same clock.
      const age = (await page.textContent(`${row('DR_5')} [data-testid="device-age"]`)) ?? '';
      assert.match(age, /^2\d min ago$/);

      // DR_5: last fix 20 min ago and nothing since.
      await page.click(row('DR_5'));
      await waitForText(page, '[data-testid="panel-status"]', /Offline\s*last seen 2\d min ago/);
      // The phone reports (on duty) while no position arrives: no longer simply "Offline".
      const dr5 = drivers.get('DR_5')!;
      dr5.socket.send({ action: 'heartbeat', id: 'DR_5', seq: 501, payload: { battery: 64, charging: false, duty: true } });
      assert.equal((await dr5.socket.next((m) => m.seq === 501)).type, 'ack');
      await waitForText(page, '[data-testid="panel-status"]', /No recent position\s*no position for 2\d min · the phone reported (just now|\d+ s ago), on duty/);
      assert.doesNotMatch((await page.textContent('[data-testid="panel-status"]')) ?? '', /Offline/);
      await page.waitForSelector(`${row('DR_5')} [data-testid="battery"][data-level="64"]`);
      assert.deepEqual(errors, []);
      await screenshot(page, 'console-map-offline-panel');
    } finally {
      await close();
    }
  });
});
