/**
 * The public share page in real Chromium against a real server: it renders a live share, the
 * van glides when the driver sends positions over the Tracking API, the banner follows the
 * share from on the way to almost there and arrived, a quiet phone makes the update age a
 * warning after two minutes, the page follows again after the connection drops, an ended (cancelled, delivered, expired) share shows its end and no
 * position, and a bad token gets the friendly not-found page. Also: the page's scripts stay
 * under 150 kB gzipped.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { PublicShare, ShareCreated } from '../../shared/api/shares';
import { launchBrowser, newPage, RENDERER_INDEX, type TestPage } from '../support/browser';
import { ManualClock } from '../support/manual-clock';
import type { TestServer } from '../support/server';
import { ADMIN, ADMIN_PASSWORD, COMPANY, Driver, startConsoleServer, waitForText } from './console-fixtures';
import { PAGE_NAME_SHIM, eventually } from './map-fixtures';
import { DESKTOP, PHONE, shootBothSizes } from './share-fixtures';

const START = { lat: 48.137, lng: 11.575 };
const DESTINATION = { latitude: 48.137, longitude: 11.605, label: 'Marienplatz 8' };
const SCRIPT_BUDGET_BYTES = 150_000;

type LatLng = [number, number] | null;
const vanLatLng = (page: Page): Promise<LatLng> => page.evaluate(() => window.__fleetdeskShare?.vanLatLng() ?? null);

describe('public share page', { timeout: 180_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let tp: TestPage;
  let page: Page;
  let token: string;
  let driver: Driver;
  let share: ShareCreated;

  const create = async (body: Record<string, unknown> = {}): Promise<ShareCreated> => {
    const r = await srv.api('POST', '/api/v1/shares', { token, body: { device_id: 'DR_1', ...body } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as ShareCreated;
  };
  /** The page's address on this server (the share_url may name a LAN address the test browser does not reach). */
  const pageUrl = (c: ShareCreated) => `${srv.url}/s/${c.share_token}`;
  const status = (p: Page = page) => p.getAttribute('[data-testid="share-page"]', 'data-status');

  before(async () => {
    srv = await startConsoleServer([{ id: 'DR_1', display_name: 'Van 1' }]);
    token = (await srv.api('POST', '/api/v1/auth/login', { body: { company: COMPANY, user_id: ADMIN, password: ADMIN_PASSWORD } })).body.token;
    // Arrival after one fix inside the radius, and no completion by itself: the test moves the share on.
    const settings = await srv.api('PATCH', `/api/v1/companies/${COMPANY}/share-settings`, { token, body: { arrived_hold_s: 0, auto_complete_after_min: null } });
    assert.equal(settings.status, 200, JSON.stringify(settings.body));
    driver = await Driver.connect(srv, 'DR_1');
    await driver.send({ lat: START.lat, lng: START.lng - 0.01, speed: 35, bearing: 90 });
    browser = await launchBrowser();
    tp = await newPage(browser, DESKTOP);
    await tp.context.addInitScript(PAGE_NAME_SHIM);
    page = tp.page;
  });
  after(async () => {
    driver?.close();
    await browser?.close();
    await srv?.stop();
  });

  test('the page loads under 150 kB of script, gzipped', () => {
    const dist = path.dirname(RENDERER_INDEX);
    const html = fs.readFileSync(path.join(dist, 'share.html'), 'utf8');
    const files = [...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\/([^"]+\.js)"/g)].map((m) => m[1]!);
    assert.ok(files.length > 0, 'share.html loads scripts');
    const gz = files.reduce((sum, f) => sum + zlib.gzipSync(fs.readFileSync(path.join(dist, f)), { level: 9 }).length, 0);
    assert.ok(gz < SCRIPT_BUDGET_BYTES, `share page scripts: ${gz} bytes gzipped in ${files.join(', ')}`);
    assert.ok(!files.some((f) => /^assets\/(main|driver|device)-/.test(f)), `no console or schema chunk: ${files.join(', ')}`);
  });

  test('a live share: driver, recipient, order, notes, ETA; the van glides to each new position', async () => {
    share = await create({ recipient_name: 'Maria Schmidt', order_id: 'ORD-4711', notes: 'Please ring twice', destination: DESTINATION });
    await page.goto(pageUrl(share));
    await page.getByTestId('share-page').waitFor();
    assert.equal(await status(), 'active');
    await waitForText(page, '[data-testid="share-status-title"]', 'On the way');
    assert.equal(await page.textContent('[data-testid="share-driver"]'), 'Van 1');
    assert.equal(await page.textContent('[data-testid="share-recipient"]'), 'Maria Schmidt');
    assert.equal(await page.textContent('[data-testid="share-order"]'), 'ORD-4711');
    assert.equal(await page.textContent('[data-testid="share-notes"]'), 'Please ring twice');
    assert.equal(await page.textContent('[data-testid="share-destination"]'), 'Marienplatz 8');
    // The map, its test hook and the destination pin are set up by effects after the page's first render.
    await page.waitForFunction(() => window.__fleetdeskShare?.destinationLatLng() != null, undefined, { timeout: 5_000 }).catch(() => {});
    assert.deepEqual(await page.evaluate(() => window.__fleetdeskShare?.destinationLatLng()), [DESTINATION.latitude, DESTINATION.longitude]);
    // No fix since the share began: nothing of the van yet.
    assert.equal(await vanLatLng(page), null);
    await waitForText(page, '[data-testid="share-updated"]', /Waiting for the driver/);

    await driver.send({ lat: START.lat, lng: START.lng, speed: 35, bearing: 90 });
    const first = await eventually(() => vanLatLng(page), (ll) => ll !== null, 10_000, 'the van on the map');
    assert.ok(Math.abs(first![0] - START.lat) < 1e-6 && Math.abs(first![1] - START.lng) < 1e-6, `van at ${first}`);
    await waitForText(page, '[data-testid="share-updated"]', /Updated (just now|\d+ s ago)/);
    await page.getByTestId('share-eta').waitFor();
    assert.match((await page.textContent('[data-testid="share-eta-duration"]'))!, /^(about \d+ min|less than a minute)$/);
    assert.match((await page.textContent('[data-testid="share-eta-clock"]'))!, /around \d{1,2}:\d{2}/);
    assert.equal(await page.locator('[data-testid="van-heading"]').isVisible(), true, 'the heading shows');
    // No tile server is reachable here: the offline note shows and the world basemap is drawn beneath.
    await page.getByTestId('offline-map-note').waitFor();
    await page.locator('.leaflet-fleetWorld-pane canvas').waitFor({ state: 'attached' });

    // The next fix: record the drawn position every frame while it travels through the server.
    const target: [number, number] = [START.lat, START.lng + 0.006];
    const trail = page.evaluate(
      () =>
        new Promise<[number, number][]>((resolve) => {
          const seen: [number, number][] = [];
          const t0 = performance.now();
          const step = () => {
            const ll = window.__fleetdeskShare?.vanLatLng() ?? null;
            if (ll && (seen.length === 0 || seen[seen.length - 1]![1] !== ll[1])) seen.push(ll);
            if (performance.now() - t0 < 3500) requestAnimationFrame(step);
            else resolve(seen);
          };
          step();
        }),
    );
    await driver.send({ lat: target[0], lng: target[1], speed: 40, bearing: 90 });
    const seen = await trail;
    const last = seen[seen.length - 1]!;
    assert.ok(Math.abs(last[0] - target[0]) < 1e-6 && Math.abs(last[1] - target[1]) < 1e-6, `ended at ${last}, expected ${target}`);
    const between = seen.filter(([, lng]) => lng > START.lng + 1e-6 && lng < target[1] - 1e-6);
    assert.ok(between.length >= 3, `the van glides (intermediate positions: ${between.length})`);
    await shootBothSizes(page, 'share-active', () => page.waitForTimeout(600));
  });

  test('near the destination the banner says almost there, then arrived', async () => {
    await driver.send({ lat: START.lat, lng: DESTINATION.longitude - 0.007, speed: 30, bearing: 90 });
    await eventually(() => status(), (s) => s === 'arriving', 10_000, 'arriving');
    await waitForText(page, '[data-testid="share-status-title"]', 'Almost there');
    await shootBothSizes(page, 'share-arriving', () => page.waitForTimeout(600));
    await driver.send({ lat: DESTINATION.latitude, lng: DESTINATION.longitude - 0.0005, speed: 0, bearing: 90 });
    await eventually(() => status(), (s) => s === 'arrived', 10_000, 'arrived');
    await waitForText(page, '[data-testid="share-status-title"]', 'Arrived');
    assert.equal(await page.getByTestId('share-eta').count(), 0, 'no ETA once arrived');
    await shootBothSizes(page, 'share-arrived', () => page.waitForTimeout(600));
  });

  test('two minutes without an update: the page says the position may be out of date', async () => {
    // No destination: the share stays on the way. The browser's clock is moved on, not the server's.
    const quiet = await create({ recipient_name: 'Lena Vogt' });
    await driver.send({ lat: DESTINATION.latitude, lng: DESTINATION.longitude, speed: 0, bearing: 90 });
    const tp2 = await newPage(browser, DESKTOP);
    try {
      await tp2.page.clock.install();
      await tp2.page.goto(pageUrl(quiet));
      await waitForText(tp2.page, '[data-testid="share-updated"]', /Updated/);
      assert.equal(await tp2.page.getAttribute('[data-testid="share-updated"]', 'data-stale'), 'false');
      await tp2.page.clock.fastForward('02:30');
      await waitForText(tp2.page, '[data-testid="share-updated"]', /No update for 2 min/);
      assert.equal(await tp2.page.getAttribute('[data-testid="share-updated"]', 'data-stale'), 'true');
      await shootBothSizes(tp2.page, 'share-stale');
      assert.deepEqual(tp2.errors, []);
    } finally {
      await tp2.context.close();
    }
  });

  test('after the connection drops and comes back, the page follows the van again', async () => {
    const tp2 = await newPage(browser, PHONE);
    try {
      await tp2.page.goto(pageUrl(share));
      await tp2.page.getByTestId('share-map').waitFor();
      await eventually(() => vanLatLng(tp2.page), (ll) => ll !== null, 10_000, 'the van');
      await tp2.context.setOffline(true);
      await tp2.page.waitForTimeout(1500);
      const moved: [number, number] = [DESTINATION.latitude, DESTINATION.longitude - 0.0002];
      await driver.send({ lat: moved[0], lng: moved[1], speed: 0, bearing: 90 });
      await tp2.context.setOffline(false);
      const ll = await eventually(() => vanLatLng(tp2.page), (v) => v !== null && Math.abs(v[1] - moved[1]) < 1e-6, 20_000, 'the van at its new place');
      assert.ok(Math.abs(ll![0] - moved[0]) < 1e-6, 'Math.abs(ll![0] - moved[0]) < 1e-6');
      // The world basemap, if its load was cut by the drop, is fetched again.
      await tp2.page.locator('.leaflet-fleetWorld-pane canvas').waitFor({ state: 'attached', timeout: 15_000 });
      assert.deepEqual(tp2.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|net::/.test(e)), []);
    } finally {
      await tp2.context.close();
    }
  });

  test('cancelled: the open page shows the end and nothing of the van; so does the JSON', async () => {
    const r = await srv.api('POST', `/api/v1/shares/${share.id}/cancel`, { token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await eventually(() => status(), (s) => s === 'cancelled', 10_000, 'cancelled');
    await waitForText(page, '[data-testid="share-status-title"]', 'Tracking stopped');
    assert.equal(await page.getByTestId('share-map').count(), 0, 'no map');
    assert.equal(await page.getByTestId('share-eta').count(), 0, 'no ETA');
    assert.equal(await page.getByTestId('share-updated').count(), 0, 'no position age');
    assert.equal(await page.getByTestId('share-destination').count(), 0, 'no destination');
    assert.equal(await vanLatLng(page), null);
    const data = (await srv.api('GET', `/s/${share.share_token}/data`)).body as PublicShare;
    assert.equal(data.status, 'cancelled');
    assert.equal(data.position, null);
    assert.equal(data.eta, null);
    await shootBothSizes(page, 'share-cancelled');
    // Loaded afresh, the page shows the same end.
    await page.reload();
    await waitForText(page, '[data-testid="share-status-title"]', 'Tracking stopped');
    assert.equal(await page.getByTestId('share-map').count(), 0);
  });

  test('completed: "Delivered"', async () => {
    const done = await create({ recipient_name: 'Jonas Weber', order_id: 'ORD-9' });
    const r = await srv.api('POST', `/api/v1/shares/${done.id}/complete`, { token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await page.goto(pageUrl(done));
    await waitForText(page, '[data-testid="share-status-title"]', 'Delivered');
    assert.equal(await page.getByTestId('share-map').count(), 0);
    await shootBothSizes(page, 'share-delivered');
  });

  test('a bad token: the friendly not-found page, status 404', async () => {
    const res = await page.goto(`${srv.url}/s/not-a-real-link-0123456789abcdef`);
    assert.equal(res?.status(), 404);
    await page.waitForFunction(() => /ask the sender for a new link/i.test(document.body.innerText));
    const text = await page.evaluate(() => document.body.innerText);
    assert.doesNotMatch(text, /NotFound|error|token|\{/i, text);
    await shootBothSizes(page, 'share-not-found');
    assert.deepEqual(tp.errors.filter((e) => !/404/.test(e)), []);
  });
});

describe('public share page: expiry', { timeout: 60_000 }, () => {
  const clock = new ManualClock();
  let srv: TestServer;
  let browser: Browser;
  let tp: TestPage;

  before(async () => {
    srv = await startConsoleServer([{ id: 'DR_1', display_name: 'Van 1' }], { clock });
    browser = await launchBrowser();
    tp = await newPage(browser, DESKTOP);
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test('an open page turns to "This link has expired" when the share expires', async () => {
    const token = (await srv.api('POST', '/api/v1/auth/login', { body: { company: COMPANY, user_id: ADMIN, password: ADMIN_PASSWORD } })).body.token;
    const r = await srv.api('POST', '/api/v1/shares', { token, body: { device_id: 'DR_1', expires_in_hours: 0.25, recipient_name: 'Maria Schmidt' } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const { page } = tp;
    await page.goto(`${srv.url}/s/${(r.body as ShareCreated).share_token}`);
    await waitForText(page, '[data-testid="share-status-title"]', 'On the way');
    clock.advance(16 * 60_000);
    await waitForText(page, '[data-testid="share-status-title"]', 'This link has expired', 15_000);
    assert.equal(await page.getByTestId('share-map').count(), 0, 'no map');
    await shootBothSizes(page, 'share-expired');
    assert.deepEqual(tp.errors, []);
  });
});
