/**
 * Clustering in real Chromium: 40 drivers (real WebSocket clients) in one part of Hamburg merge
 * into cluster bubbles when zoomed out, a bubble click zooms in, and zoomed in every device is
 * a marker of its own. Following the selected device keeps it centred as it moves.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../support/server';
import { launchBrowser, newPage, screenshot, type TestPage } from '../support/browser';
import {
  MapDriver,
  PAGE_NAME_SHIM,
  clusterCount,
  eventually,
  harnessUrl,
  markerCount,
  markerPoint,
  setView,
  startMapServer,
  symbolCount,
  zoom,
} from './map-fixtures';

const COMPANY = 'hamburg-freight';
const N = 40;
const CENTRE: [number, number] = [53.5511, 9.9937];

let srv: TestServer;
let browser: Browser;
let tp: TestPage;
const drivers: MapDriver[] = [];

/** Driver i on a 2 km × 1.3 km grid around the centre. */
const home = (i: number): [number, number] => [CENTRE[0] + (Math.floor(i / 8) - 2) * 0.003, CENTRE[1] + ((i % 8) - 3.5) * 0.004];

before(async () => {
  srv = await startMapServer(COMPANY);
  await Promise.all(
    Array.from({ length: N }, async (_, i) => {
      const d = await MapDriver.connect(srv, COMPANY, `TRK_${String(i).padStart(2, '0')}`, `Truck ${i}`);
      const [lat, lng] = home(i);
      await d.send(lat, lng, i % 3 === 0 ? 0 : 25, (i * 37) % 360);
      drivers[i] = d;
    }),
  );
  browser = await launchBrowser();
  tp = await newPage(browser, { width: 1200, height: 800 });
  await tp.context.addInitScript(PAGE_NAME_SHIM);
  await tp.page.goto(harnessUrl(srv, COMPANY));
  await eventually(() => markerCount(tp.page), (n) => n === N, 10_000, `${N} devices on the map`);
});

after(async () => {
  for (const d of drivers) d?.close();
  await browser?.close();
  await srv?.stop();
});

test('zoomed out, nearby devices merge into fewer cluster bubbles', { timeout: 30_000 }, async () => {
  const { page } = tp;
  await setView(page, CENTRE[0], CENTRE[1], 11);
  await eventually(() => clusterCount(page), (n) => n > 0, 5000, 'clusters at zoom 11');
  assert.equal(await markerCount(page), N, 'every device is counted, clustered or not');
  const symbols = await symbolCount(page);
  assert.ok(symbols < N / 4, `${symbols} symbols for ${N} devices`);
  await screenshot(page, 'map-clusters');
});

test('clicking a cluster zooms in', { timeout: 30_000 }, async () => {
  const { page } = tp;
  const before = await zoom(page);
  const box = await page.getByTestId('fleet-map').boundingBox();
  assert.ok(box, 'box');
  // Wait for the end of the zoom animation, so the next test's view is not overridden by it.
  const zoomed = page.evaluate(
    () =>
      new Promise<boolean>((resolve) => {
        (globalThis as any).__fleetdeskMap.map.once('zoomend', () => resolve(true));
        setTimeout(() => resolve(false), 5000);
      }),
  );
  // The biggest bubble sits at the centre of the fleet, which is the centre of the view.
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  assert.ok(await zoomed, 'zoomend within 5 s');
  assert.ok((await zoom(page)) > before, 'zoomed in');
});

test('zoomed in, every device is a marker of its own', { timeout: 30_000 }, async () => {
  const { page } = tp;
  await setView(page, CENTRE[0], CENTRE[1], 15);
  await eventually(() => clusterCount(page), (n) => n === 0, 5000, 'no clusters at zoom 15');
  assert.equal(await markerCount(page), N);
  assert.equal(await symbolCount(page), N);
  await screenshot(page, 'map-unclustered');
});

test('follow keeps the selected device centred as it moves', { timeout: 30_000 }, async () => {
  const { page } = tp;
  const id = 'TRK_09';
  const [lat, lng] = home(9);
  await setView(page, CENTRE[0], CENTRE[1], 15);
  const p = await markerPoint(page, id);
  await page.mouse.click(p.x, p.y);
  await eventually(() => page.locator('#harness-selected').innerText(), (t) => t === id, 5000, `${id} selected`);
  await page.locator('#harness-follow').check();
  const target: [number, number] = [lat + 0.01, lng + 0.02]; // ~1.8 km away: off screen at zoom 15 unless followed
  await drivers[9]!.send(target[0], target[1], 50, 50);
  await eventually(
    () => page.evaluate(() => (globalThis as any).__fleetdeskMap.map.getCenter()) as Promise<{ lat: number; lng: number }>,
    (c) => Math.abs(c.lat - target[0]) < 1e-4 && Math.abs(c.lng - target[1]) < 1e-4,
    5000,
    'map centred on the followed device',
  );
  assert.deepEqual(tp.errors, []);
});
