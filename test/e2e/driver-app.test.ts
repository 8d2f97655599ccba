/**
 * The driver web app (/driver) in real Chromium against a real server: enrolment links (good,
 * bad, used), duty with a moving (emulated) GPS, going offline with fixes queued in IndexedDB,
 * a reload while offline (service worker + queue), replay after reconnecting, the dispatcher's
 * console showing the driver, SOS, crash detection from synthetic motion events, heartbeats,
 * HTTPS + wss, and a rotated device key disconnecting the phone.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newPage, type TestPage } from '../support/browser';
import type { TestServer } from '../support/server';
import { COMPANY, openConsole, startConsoleServer, waitForText } from './console-fixtures';

const SHOTS = '/tmp/shots';
const PHONE = { width: 390, height: 844 };
const OFFICE = 'disp';
const START = { lat: 48.137, lng: 11.575 };
/** A route north-east through Munich: one point per step, far enough apart to be told apart. */
const route = (i: number) => ({ latitude: START.lat + i * 0.0004, longitude: START.lng + i * 0.0006, accuracy: 5 + (i % 4) });

interface Produced {
  seq: number;
  timestamp: string;
  lat: number;
  lng: number;
}

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `driver-${name}.png`) });
}

async function phoneContext(browser: Browser, opts: { https?: boolean } = {}): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    permissions: ['geolocation'],
    geolocation: { latitude: START.lat, longitude: START.lng, accuracy: 5 },
    ignoreHTTPSErrors: opts.https ?? false,
  });
  await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (r) => r.abort('internetdisconnected'));
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return { context, page, errors };
}

const produced = (page: Page): Promise<Produced[]> => page.evaluate(() => [...((globalThis as any).__fleetdeskDriver?.produced ?? [])]);
const queuedSeqs = (page: Page): Promise<number[]> => page.evaluate(async () => ((await (globalThis as any).__fleetdeskDriver.queued()) as { seq: number }[]).map((f) => f.seq));

async function waitForProduced(page: Page, n: number): Promise<void> {
  await page.waitForFunction((n) => ((globalThis as any).__fleetdeskDriver?.produced.length ?? 0) >= n, n, { timeout: 15_000 });
}

async function until<T>(what: string, fn: () => Promise<T> | T, ok: (v: T) => boolean, timeout = 15_000): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('driver web app', { timeout: 300_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let office: string;
  let phone: { context: BrowserContext; page: Page; errors: string[] };
  let step = 0;
  /** every fix the phone produced, across reloads */
  const all: Produced[] = [];

  const rows = (id = 'DR_1') => {
    const pk = srv.ctx.users.get(COMPANY, id)!.pk;
    return srv.ctx.positions.range(pk, 0, Date.now() + 86_400_000, 100_000);
  };
  const enrolLink = async (id: string, base = srv.url): Promise<string> => {
    const res = await srv.api('POST', `/api/v1/devices/${id}/enrolment`, { token: office, body: {} });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return base + res.body.path;
  };
  /** Moves the emulated GPS one step along the route and waits for the app to queue the fix. */
  const move = async (page: Page, context: BrowserContext) => {
    const before = (await produced(page)).length;
    await sleep(1100);
    await context.setGeolocation(route(++step));
    await waitForProduced(page, before + 1);
  };
  const collect = async (page: Page) => {
    for (const p of await produced(page)) if (!all.some((a) => a.seq === p.seq)) all.push(p);
  };

  before(async () => {
    // Production rate limit (900 ms) on live fixes; a fast ping so a rotated key is noticed in about a second.
    srv = await startConsoleServer([{ id: 'DR_1', display_name: 'Van 1' }, { id: 'DR_2', display_name: 'Van 2' }], {
      httpsPort: 0,
      ws: { minUpdateIntervalMs: 900, pingIntervalMs: 1000 },
    });
    await srv.user(COMPANY, OFFICE, 'office');
    office = srv.token(COMPANY, OFFICE);
    browser = await launchBrowser();
    fs.mkdirSync(SHOTS, { recursive: true });
    for (const f of fs.readdirSync(SHOTS)) if (/^driver-.*\.png$/.test(f)) fs.rmSync(path.join(SHOTS, f));
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test('the driver page is served with its CSP, manifest and service worker', async () => {
    for (const p of ['/driver', '/driver/', '/driver/anything']) {
      const res = await fetch(srv.url + p);
      assert.equal(res.status, 200, p);
      const html = await res.text();
      assert.match(html, /<title>FleetDesk Driver<\/title>/, p);
      assert.match(res.headers.get('content-security-policy') ?? '', /connect-src 'self' ws: wss:/);
      assert.equal(res.headers.get('cache-control'), 'no-cache');
    }
    assert.match(await (await fetch(srv.url + '/')).text(), /<title>FleetDesk<\/title>/, 'the console stays at /');
    const manifest = await fetch(srv.url + '/driver.webmanifest');
    assert.equal(manifest.headers.get('content-type'), 'application/manifest+json');
    assert.equal(manifest.headers.get('cache-control'), 'no-cache');
    const m = await manifest.json();
    assert.equal(m.name, 'FleetDesk Driver');
    assert.equal(m.start_url, '/driver');
    assert.equal(m.display, 'standalone');
    for (const icon of m.icons) assert.equal((await fetch(srv.url + icon.src)).status, 200, icon.src);
    const sw = await fetch(srv.url + '/driver-sw.js');
    assert.equal(sw.status, 200);
    assert.match(sw.headers.get('content-type') ?? '', /javascript/);
    assert.equal(sw.headers.get('cache-control'), 'no-cache');
    // The API's 404s stay JSON.
    assert.equal((await fetch(srv.url + '/api/v1/driver')).status, 404);
  });

  test('without a link the page explains how to get one; a bad or used code shows a clear error', async () => {
    const tp: TestPage = await newPage(browser, PHONE);
    try {
      await tp.page.goto(`${srv.url}/driver`);
      await waitForText(tp.page, '[data-testid="sign-in"]', 'Ask the office for an enrolment link');
      // A pasted string that is no code is caught before any request.
      await tp.page.fill('input[name="enrol-link"]', 'hello there');
      await tp.page.click('button[type="submit"]');
      await waitForText(tp.page, '[data-testid="sign-in"]', 'does not look like an enrolment link');

      await tp.page.goto(`${srv.url}/driver#enrol=not-a-real-code-0123456789`);
      await waitForText(tp.page, '[data-testid="enrol-error"]', 'already used or has expired');
      assert.equal(new URL(tp.page.url()).hash, '', 'the code leaves the address bar');
      await shot(tp.page, 'enrol-error');

      // A real code used once works once: a second phone opening it gets the error.
      const link = await enrolLink('DR_2');
      const first = await newPage(browser, PHONE);
      await first.page.goto(link);
      await waitForText(first.page, '[data-testid="driver-name"]', 'Van 2');
      await first.context.close();
      await tp.page.fill('input[name="enrol-link"]', link);
      await tp.page.click('button[type="submit"]');
      await waitForText(tp.page, '[data-testid="enrol-error"]', 'already used or has expired');
      assert.deepEqual(tp.errors, []);
    } finally {
      await tp.context.close();
    }
  });

  test('over plain http on a LAN name the page says to open it over https', async () => {
    // A second Chromium resolving a made-up host name to the server: http://<name> is no secure context.
    const { chromium } = await import('playwright-core');
    const { CHROMIUM_PATH, CHROMIUM_ARGS } = await import('../support/browser');
    const lan = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP fleetdesk.test 127.0.0.1'], headless: true });
    try {
      const page = await lan.newPage({ viewport: PHONE });
      await page.goto(`http://fleetdesk.test:${new URL(srv.url).port}/driver`);
      await waitForText(page, '[data-testid="insecure"]', 'cannot use the phone\'s location');
      await waitForText(page, '[data-testid="insecure"]', 'https://fleetdesk.test:8766/driver');
      await shot(page, 'insecure');
      // An enrolment link opened here is not spent: the https link carries it on.
      const link = await enrolLink('DR_1', `http://fleetdesk.test:${new URL(srv.url).port}`);
      const code = new URL(link).hash.slice('#enrol='.length);
      await page.goto('about:blank');
      await page.goto(link);
      await waitForText(page, '[data-testid="insecure"]', 'still works over https');
      assert.equal(await page.getAttribute('[data-testid="insecure"] a', 'href'), `https://fleetdesk.test:8766/driver#enrol=${code}`);
      const redeem = await srv.api('POST', '/api/v1/driver/enrol', { body: { code } });
      assert.equal(redeem.status, 200, 'the code was not used by the insecure page');
    } finally {
      await lan.close();
    }
  });

  test('the enrolment link signs the phone in and keeps only the device key', async () => {
    phone = await phoneContext(browser);
    const { page } = phone;
    await page.goto(await enrolLink('DR_1'));
    await waitForText(page, '[data-testid="driver-name"]', 'Van 1');
    await waitForText(page, '[data-testid="duty-screen"]', 'Acme Logistics');
    await waitForText(page, '[data-testid="conn-state"]', /^Connected$/);
    assert.equal(new URL(page.url()).hash, '');
    const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('fleetdesk.driver.device') ?? 'null'));
    const key = await srv.api('GET', '/api/v1/devices/DR_1/key', { token: office });
    assert.equal(saved.device_key, key.body.device_key);
    assert.equal(saved.user_id, 'DR_1');
    assert.equal('token' in saved, false, 'no token at rest');
    await waitForText(page, '[data-testid="gps-state"]', 'allowed');
    await waitForText(page, '[data-testid="duty-button"]', 'Start duty');
    // The heartbeat on connecting reaches the console's device status.
    const status = await until('a heartbeat', async () => (await srv.api('GET', '/api/v1/devices/DR_1', { token: office })).body.status, (s) => !!s);
    assert.match(status.app, /^FleetDesk driver \d+\.\d+\.\d+/);
    assert.equal(status.duty, false);
    assert.equal(status.online, true);
    assert.equal(status.pending, 0);
    assert.equal(status.source, 'ws');
    await shot(page, 'signed-in-off-duty');
  });

  test('on duty, every fix reaches the server live, once, with its device time', { timeout: 60_000 }, async () => {
    const { page, context } = phone;
    await page.click('[data-testid="duty-button"]');
    await waitForText(page, '[data-testid="duty-button"]', 'Stop duty');
    await waitForProduced(page, 1);
    for (let i = 0; i < 8; i++) await move(page, context);
    await collect(page);
    await until('the live fixes on the server', () => rows().length, (n) => n === all.length);
    await waitForText(page, '[data-testid="conn-state"]', /^Connected$/);
    await waitForText(page, '[data-testid="last-fix"]', '±');
    const status = await until('duty in the status', async () => (await srv.api('GET', '/api/v1/devices/DR_1', { token: office })).body.status, (s) => s?.duty === true);
    assert.equal(status.gps, 'granted');
    await shot(page, 'on-duty-connected');
    // The smallest common phone: nothing sticks out sideways.
    await page.setViewportSize({ width: 360, height: 740 });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no horizontal scrolling at 360 px');
    await shot(page, 'on-duty-360');
    await page.setViewportSize(PHONE);
  });

  test('offline: fixes queue in IndexedDB, survive a reload, and are replayed once back online', { timeout: 120_000 }, async () => {
    const { page, context } = phone;
    // The service worker has the app shell before the network goes.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 15_000 }).catch(() => page.reload());
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 15_000 });
    await waitForText(page, '[data-testid="conn-state"]', /^Connected$/);
    await collect(page);
    const storedBefore = rows().length;
    assert.equal(storedBefore, all.length);

    await context.setOffline(true);
    await waitForText(page, '[data-testid="conn-state"]', /^Offline/);
    const before = (await produced(page)).length;
    for (let i = 0; i < 6; i++) await move(page, context);
    await collect(page);
    const offlineFixes = (await produced(page)).slice(before);
    assert.equal(offlineFixes.length, 6);
    await waitForText(page, '[data-testid="conn-state"]', 'Offline — 6 fixes waiting');
    await sleep(500);
    assert.equal(rows().length, storedBefore, 'nothing reaches the server while offline');
    await shot(page, 'offline-pending');

    // A reload while offline: the service worker serves the app, IndexedDB still has the queue.
    await page.reload();
    await waitForText(page, '[data-testid="driver-name"]', 'Van 1');
    await waitForText(page, '[data-testid="duty-button"]', 'Stop duty', 15_000);
    const queued = await queuedSeqs(page);
    for (const f of offlineFixes) assert.ok(queued.includes(f.seq), `fix ${f.seq} is still queued after the reload`);
    for (let i = 0; i < 4; i++) await move(page, context);
    await collect(page);
    await waitForText(page, '[data-testid="conn-state"]', /^Offline — \d+ fixes waiting/);
    assert.equal(rows().length, storedBefore);

    await context.setOffline(false);
    await waitForText(page, '[data-testid="conn-state"]', /^Connected$/, 20_000);
    // A few live fixes after the replay.
    for (let i = 0; i < 4; i++) await move(page, context);
    await collect(page);
    await until('every fix on the server', () => rows().length, (n) => n >= all.length).catch((err) => {
      const times = new Set(rows().map((r) => r.device_time));
      throw new Error(`${err.message}; missing: ${JSON.stringify(all.filter((f) => !times.has(Date.parse(f.timestamp))))}; all: ${JSON.stringify(all.map((f) => [f.seq, f.timestamp]))}`);
    });
    await until('an empty queue', () => queuedSeqs(page), (q) => q.length === 0);

    const stored = rows();
    assert.ok(all.length >= 22, `${all.length} fixes produced`);
    assert.equal(stored.length, all.length, 'every fix stored exactly once');
    const byTime = new Map(stored.map((r) => [r.device_time, r]));
    assert.equal(byTime.size, stored.length, 'no two rows with the same device time');
    for (const f of all) {
      const r = byTime.get(Date.parse(f.timestamp));
      assert.ok(r, `fix ${f.seq} at ${f.timestamp} is stored with its original device time`);
      assert.ok(Math.abs(r.lat - f.lat) < 1e-9 && Math.abs(r.lng - f.lng) < 1e-9, 'Math.abs(r.lat - f.lat) < 1e-9 && Math.abs(r.lng - f.lng) < 1e-9');
    }
    assert.deepEqual(phone.errors, []);
  });

  test("the dispatcher's console shows the driver at the last position", async () => {
    const tp = await newPage(browser);
    try {
      await openConsole(tp.page, srv);
      const last = all.reduce((a, b) => (Date.parse(b.timestamp) > Date.parse(a.timestamp) ? b : a));
      await tp.page.waitForFunction(
        ({ lat, lng }) => {
          const ll = (globalThis as any).__fleetdeskMap?.markerLatLng('DR_1');
          return !!ll && Math.abs(ll[0] - lat) < 1e-6 && Math.abs(ll[1] - lng) < 1e-6;
        },
        { lat: last.lat, lng: last.lng },
        { timeout: 15_000 },
      );
    } finally {
      await tp.context.close();
    }
  });

  test('a queue whose head the server will never accept (a 1999 date, then a GPS fix at 0,0) still delivers the good fixes after it', { timeout: 90_000 }, async () => {
    const { page, context } = phone;
    await waitForText(page, '[data-testid="conn-state"]', /^Connected$/);
    await until('an empty queue', () => queuedSeqs(page), (q) => q.length === 0);
    const storedBefore = rows().length;
    await context.setOffline(true);
    await waitForText(page, '[data-testid="conn-state"]', /^Offline/);
    // A fix with a broken clock (a GPS week-rollover-era date), put at the head of the queue as
    // the app itself would have queued it.
    const bad = await page.evaluate(async () => {
      const seq = Number(localStorage.getItem('fleetdesk.driver.seq') ?? '0') + 1;
      localStorage.setItem('fleetdesk.driver.seq', String(seq));
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('fleetdesk-driver');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('fixes', 'readwrite');
        tx.objectStore('fixes').put({ seq, payload: { lat: 48.14, lng: 11.58, speed: 0, bearing: 0, accuracy: 5, timestamp: '1999-08-21T23:59:00.000Z' } });
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
      return seq;
    });
    // Then the phone's GPS reports 0,0 (no position yet), then real fixes.
    const before = (await produced(page)).length;
    await sleep(1100);
    await context.setGeolocation({ latitude: 0, longitude: 0, accuracy: 5 });
    await waitForProduced(page, before + 1);
    for (let i = 0; i < 3; i++) await move(page, context);
    const fresh = (await produced(page)).slice(before);
    assert.equal(fresh.length, 4);
    assert.deepEqual([fresh[0]!.lat, fresh[0]!.lng], [0, 0]);
    const queued = await queuedSeqs(page);
    assert.deepEqual(queued.slice(0, 2), [bad, fresh[0]!.seq], 'the two bad fixes are at the head of the queue');

    await context.setOffline(false);
    await waitForText(page, '[data-testid="conn-state"]', /^Connected$/, 20_000);
    await until('an empty queue', () => queuedSeqs(page), (q) => q.length === 0);
    const good = fresh.slice(1);
    for (const f of good) all.push(f);
    await until('the good fixes on the server', () => rows().length, (n) => n === storedBefore + good.length);
    const times = new Set(rows().map((r) => r.device_time));
    for (const f of good) assert.ok(times.has(Date.parse(f.timestamp)), `good fix ${f.seq} stored`);
    assert.ok(!rows().some((r) => r.lat === 0 && r.lng === 0), '0,0 is never stored');
    await waitForText(page, '[data-testid="dropped-fixes"]', /^2 positions could not be used and were skipped; the last one at 0,0/);
    const reception = (await srv.api('GET', '/api/v1/devices/DR_1/reception', { token: office })).body;
    // A fix resent after a lost connection is a duplicate at the server (stored once, counted
    // there): at least once is the phone's promise, so only the two bad fixes are asserted.
    const { duplicate: _resent, ...dropped } = Object.fromEntries(reception.dropped.map((d: { reason: string; count: number }) => [d.reason, d.count]));
    assert.deepEqual(dropped, { bad_time: 1, zero_position: 1 });
    await shot(page, 'dropped-fixes');
    assert.deepEqual(phone.errors, []);
  });

  test('SOS needs a 2 s hold; then the office has an alert', async () => {
    const { page } = phone;
    const count = async () => (await srv.api('GET', '/api/v1/alerts', { token: office })).body.filter((a: any) => a.kind === 'sos').length;
    const box = (await page.locator('[data-testid="sos-button"]').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    // A short press (a pocket) does nothing.
    await page.mouse.down();
    await sleep(600);
    await page.mouse.up();
    await sleep(2000);
    assert.equal(await count(), 0);
    await page.mouse.down();
    await sleep(2300);
    await page.mouse.up();
    await waitForText(page, '[data-testid="sos-state"]', 'SOS sent — the office has been alerted');
    const alerts = (await srv.api('GET', '/api/v1/alerts?open=true', { token: office })).body;
    const sos = alerts.filter((a: any) => a.kind === 'sos' && a.device_id === 'DR_1');
    assert.equal(sos.length, 1);
    const last = all.at(-1)!;
    assert.ok(Math.abs(sos[0].lat - last.lat) < 1e-6 && Math.abs(sos[0].lng - last.lng) < 1e-6, 'Math.abs(sos[0].lat - last.lat) < 1e-6 && Math.abs(sos[0].lng - last.lng) < 1e-6');
    assert.equal(sos[0].source, 'ws');
    await shot(page, 'sos-sent');
  });

  test('a crash (synthetic motion) counts down, can be cancelled, and otherwise alerts the office', { timeout: 60_000 }, async () => {
    const { page } = phone;
    // 1 s at rest, the impact (g along x and y), 0.5 s at rest: real DeviceMotionEvents.
    // (A string, so tsx's __name helper does not end up in the page.)
    const impact = (g: number) =>
      page.evaluate(`(async () => {
        const fire = (x, y, z) => window.dispatchEvent(new DeviceMotionEvent('devicemotion', { accelerationIncludingGravity: { x, y, z }, interval: 50 }));
        for (let i = 0; i < 20; i++) { fire(0.1, 0.2, 9.81); await new Promise((r) => setTimeout(r, 50)); }
        fire(${g * 9.81 * 0.6}, ${g * 9.81 * 0.8}, 0);
        for (let i = 0; i < 10; i++) { fire(0.3, 0.1, 9.7); await new Promise((r) => setTimeout(r, 50)); }
      })()`);
    const crashes = async () => (await srv.api('GET', '/api/v1/alerts', { token: office })).body.filter((a: any) => a.kind === 'crash');
    // Under the company's threshold (4 g by default): nothing.
    await impact(3);
    await sleep(300);
    assert.equal(await page.locator('[data-testid="crash-panel"]').count(), 0);
    await impact(8);
    await waitForText(page, '[data-testid="crash-panel"]', 'Crash detected');
    await page.click('[data-testid="crash-cancel"]');
    await page.locator('[data-testid="crash-panel"]').waitFor({ state: 'detached' });
    await sleep(5200); // a cancelled impact silences the detector for 5 s
    await impact(8);
    await waitForText(page, '[data-testid="crash-panel"]', /Alerting the office in \d+ s/);
    await shot(page, 'crash-countdown');
    assert.equal((await crashes()).length, 0, 'nothing is sent during the countdown');
    await page.click('[data-testid="crash-send"]');
    await waitForText(page, '[data-testid="crash-panel"]', 'Crash detected — alert sent');
    const [crash] = await crashes();
    assert.ok(crash, 'a crash alert');
    assert.equal(crash.device_id, 'DR_1');
    assert.ok(Math.abs(crash.peak_g - 8) < 0.05, `peak ${crash.peak_g}`);
    assert.equal((await crashes()).length, 1);
    await shot(page, 'crash-sent');
  });

  test('stopping duty sends a heartbeat: off duty, nothing pending', async () => {
    const { page } = phone;
    await page.click('[data-testid="duty-button"]');
    await waitForText(page, '[data-testid="duty-button"]', 'Start duty');
    const status = await until('off duty in the status', async () => (await srv.api('GET', '/api/v1/devices/DR_1', { token: office })).body.status, (s) => s?.duty === false);
    assert.equal(status.pending, 0);
    assert.equal(status.online, true);
    assert.match(status.app, /^FleetDesk driver /);
    // battery: whatever headless Chromium reports (navigator.getBattery may be missing) — not asserted.
  });

  test('over HTTPS the app connects with wss', { timeout: 60_000 }, async () => {
    const httpsUrl = `https://127.0.0.1:${srv.ctx.listening.httpsPort}`;
    const p2 = await phoneContext(browser, { https: true });
    try {
      await p2.page.goto(await enrolLink('DR_2', httpsUrl));
      await waitForText(p2.page, '[data-testid="driver-name"]', 'Van 2');
      assert.equal(await p2.page.evaluate(() => location.protocol), 'https:');
      await waitForText(p2.page, '[data-testid="conn-state"]', /^Connected$/);
      const before = rows('DR_2').length;
      await p2.page.click('[data-testid="duty-button"]');
      await waitForProduced(p2.page, 1);
      await until('a fix over wss', () => rows('DR_2').length, (n) => n === before + 1);
      assert.deepEqual(p2.errors, []);
    } finally {
      await p2.context.close();
    }
  });

  test('a rotated device key disconnects the phone with a clear message', async () => {
    const { page } = phone;
    await waitForText(page, '[data-testid="conn-state"]', /^Connected$/);
    const res = await srv.api('POST', '/api/v1/devices/DR_1/key/rotate', { token: office });
    assert.equal(res.status, 200);
    await waitForText(page, '[data-testid="revoked"]', 'This phone was disconnected by the office — ask for a new link', 15_000);
    await shot(page, 'revoked');
    // A reload keeps saying so (the key is still refused).
    await page.reload();
    await waitForText(page, '[data-testid="revoked"]', 'disconnected by the office');
    await page.click('[data-testid="clear-phone"]');
    await waitForText(page, '[data-testid="sign-in"]', 'Ask the office for an enrolment link');
    assert.equal(await page.evaluate(() => localStorage.getItem('fleetdesk.driver.device')), null);
    assert.deepEqual(phone.errors, []);
    await phone.context.close();
  });
});
