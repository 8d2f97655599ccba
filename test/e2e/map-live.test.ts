/**
 * The live map in real Chromium against a real server: markers appear for each driver, a new
 * `driver_location` glides its marker to the new place, hovering shows the last-seen card,
 * clicking selects, and with no tile server reachable the bundled world basemap is drawn.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../support/server';
import { launchBrowser, newPage, screenshot, type TestPage } from '../support/browser';
import {
  MapDriver,
  PAGE_NAME_SHIM,
  eventually,
  harnessUrl,
  markerCount,
  markerLatLng,
  markerPoint,
  screenshotPixels,
  setView,
  startMapServer,
} from './map-fixtures';

const COMPANY = 'munich-couriers';
// Three vans in central Munich, about a kilometre apart.
const START: Record<string, [number, number]> = {
  DR_1: [48.1372, 11.5755],
  DR_2: [48.1449, 11.5581],
  DR_3: [48.1306, 11.5915],
};

let srv: TestServer;
let browser: Browser;
let tp: TestPage;
const drivers: MapDriver[] = [];

before(async () => {
  srv = await startMapServer(COMPANY);
  for (const [i, [id, [lat, lng]]] of Object.entries(START).entries()) {
    const d = await MapDriver.connect(srv, COMPANY, id, `Van ${i + 1}`);
    await d.send(lat, lng, i === 2 ? 0 : 35, 45 + i * 90);
    drivers.push(d);
  }
  browser = await launchBrowser();
  tp = await newPage(browser, { width: 1200, height: 800 });
  await tp.context.addInitScript(PAGE_NAME_SHIM);
  await tp.page.goto(harnessUrl(srv, COMPANY));
});

after(async () => {
  for (const d of drivers) d.close();
  await browser?.close();
  await srv?.stop();
});

test('a marker appears for each driver, fitted in view', { timeout: 30_000 }, async () => {
  await eventually(() => markerCount(tp.page), (n) => n === 3, 10_000, 'three markers');
  for (const [id, [lat, lng]] of Object.entries(START)) {
    const ll = await markerLatLng(tp.page, id);
    assert.ok(ll, `marker of ${id}`);
    assert.ok(Math.abs(ll[0] - lat) < 1e-6 && Math.abs(ll[1] - lng) < 1e-6, `${id} drawn at ${ll}, sent ${lat},${lng}`);
  }
  assert.equal(await markerLatLng(tp.page, 'nobody'), null);
});

test('with tiles unreachable, the offline note shows and the world basemap is drawn', { timeout: 30_000 }, async () => {
  const { page } = tp;
  await page.getByTestId('offline-map-note').waitFor({ state: 'visible' });
  await screenshot(page, 'map-city');
  // World zoom: coastlines and borders of the bundled Natural Earth map.
  await setView(page, 25, 10, 2);
  await page.waitForFunction(() => (globalThis as any).document.querySelector('.leaflet-fleetWorld-pane canvas') !== null);
  await page.waitForTimeout(300);
  const png = await page.screenshot({ path: undefined });
  await screenshot(page, 'map-world');
  const px = await screenshotPixels(page, png);
  assert.ok(px.sea > 0.2, `sea share ${px.sea}`);
  assert.ok(px.land > 0.1, `land share ${px.land}`);
  assert.ok(px.emptyGrey < 0.02, `empty grey share ${px.emptyGrey}`);
  assert.ok(px.topColour < 0.8, `one colour covers ${px.topColour} of the map`);
  // Zoomed out to the world, the three vans merge into one cluster of three.
  assert.equal(await markerCount(page), 3);
  await setView(page, 48.1372, 11.5755, 13);
});

test('a new driver_location glides the marker to the new position', { timeout: 30_000 }, async () => {
  const { page } = tp;
  const [lat0, lng0] = START.DR_2!;
  const target: [number, number] = [lat0 + 0.004, lng0 + 0.008];
  // Record the drawn position every frame while the update travels through the server.
  const trail = page.evaluate(
    (id) =>
      new Promise<[number, number][]>((resolve) => {
        const g = globalThis as any;
        const seen: [number, number][] = [];
        const t0 = g.performance.now();
        const step = () => {
          const ll = g.__fleetdeskMap.markerLatLng(id);
          if (ll && (seen.length === 0 || seen[seen.length - 1]![1] !== ll[1])) seen.push(ll);
          if (g.performance.now() - t0 < 3500) g.requestAnimationFrame(step);
          else resolve(seen);
        };
        step();
      }),
    'DR_2',
  );
  await drivers[1]!.send(target[0], target[1], 40, 60);
  const seen = await trail;
  const last = seen[seen.length - 1]!;
  assert.ok(Math.abs(last[0] - target[0]) < 1e-6 && Math.abs(last[1] - target[1]) < 1e-6, `ended at ${last}, expected ${target}`);
  const between = seen.filter(([, lng]) => lng > lng0 + 1e-6 && lng < target[1] - 1e-6);
  assert.ok(between.length >= 3, `the marker glides (intermediate positions: ${between.length})`);
});

test('hovering a marker shows its name, state and last-seen age', { timeout: 30_000 }, async () => {
  const { page } = tp;
  const p = await markerPoint(page, 'DR_3');
  await page.mouse.move(p.x, p.y);
  const tip = page.locator('.fleet-tooltip');
  await tip.waitFor({ state: 'visible' });
  const text = await tip.innerText();
  assert.match(text, /Van 3/);
  assert.match(text, /Stopped/);
  assert.match(text, /Last seen (\d+ s ago|just now)/);
  await page.mouse.move(5, 400);
  await tip.waitFor({ state: 'hidden' });
});

test('clicking a marker selects it (with its track); clicking empty map deselects', { timeout: 30_000 }, async () => {
  const { page } = tp;
  const selected = page.locator('#harness-selected');
  const p = await markerPoint(page, 'DR_2');
  await page.mouse.click(p.x, p.y);
  await eventually(() => selected.innerText(), (t) => t === 'DR_2', 5000, 'DR_2 selected');
  await page.waitForTimeout(500); // the track arrives over REST
  await screenshot(page, 'map-selected');
  await page.mouse.click(40, 700);
  await eventually(() => selected.innerText(), (t) => t === 'none', 5000, 'deselected');
  assert.deepEqual(tp.errors, []);
});
