/**
 * The crash alerts panel end to end, against a real server and real Chromium: a driver's phone
 * sends a crash report (`alert` over the WebSocket, with its sensor and position buffer) and an
 * SOS; the console's banner names the crash as the server's filters judged it, sounds the
 * alarm, raises a desktop notification (browser Notification with permission granted; the
 * desktop app's `window.fleetdesk.notify` when the preload provides it), shows the device on
 * the map, and resolves with a required note; the Alerts page lists the history by state with
 * who acknowledged and resolved, the note and the accident's stages.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, type TestPage } from '../support/browser';
import type { TestServer } from '../support/server';
import { ADMIN, ADMIN_PASSWORD, COMPANY, Driver, openConsole, startConsoleServer, waitForText } from './console-fixtures';

const SHOTS = process.env.FLEETDESK_SHOTS ?? '/tmp/shots';
const DRIVERS = [
  { id: 'DR_1', display_name: 'Van 1' },
  { id: 'DR_2', display_name: 'Van 2', vehicle_plate: 'M-AB 202' },
];

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `crash-${name}.png`) });
}

const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').trim();

/** Records the notifications the page creates (the browser's own API, wrapped before any script runs). */
const RECORD_NOTIFICATIONS = `
  window.__notes = [];
  const Native = window.Notification;
  class Recorded extends Native {
    constructor(title, opts) { super(title, opts); window.__notes.push({ title, body: (opts && opts.body) || '' }); }
  }
  Object.defineProperty(Recorded, 'permission', { get: () => Native.permission });
  Recorded.requestPermission = (...a) => Native.requestPermission(...a);
  window.Notification = Recorded;
`;

/** What the desktop preload exposes for notifications (shared/ipc.ts `notify`), recording its calls. */
const DESKTOP_NOTIFY = `
  window.__desktopNotes = [];
  window.fleetdesk = { notify: async (req) => { window.__desktopNotes.push(req); } };
`;

/** A crash report as the driver app sends it: 30 s at 50 km/h, the impact, then 20 s standing still. */
function crashPayload(t: number, at: { lat: number; lng: number }) {
  const positions = [];
  const mPerDegLng = 111_320 * Math.cos((at.lat * Math.PI) / 180);
  for (let s = -30; s <= 20; s += 2) {
    const moving = s < 0;
    const lng = at.lng + (moving ? (s * (50 / 3.6)) / mPerDegLng : 0);
    positions.push({ lat: at.lat, lng, speed: moving ? 50 : 0, bearing: 90, accuracy: 5, timestamp: t + s * 1000 });
  }
  const motion = [];
  for (let i = -20; i <= 20; i++) {
    const spike = i === 0 ? 70 : i === 1 ? 35 : 0;
    motion.push({ t: t + i * 50, x: spike, y: 0.3, z: 9.81 });
  }
  return { kind: 'crash', timestamp: t, lat: at.lat, lng: at.lng, peak_g: 7.3, threshold_g: 4, motion, positions };
}

describe('console: crash alerts panel', { timeout: 240_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let tp: TestPage;
  let page: Page;
  let admin: string;
  let driver: Driver;
  let seq = 100;

  before(async () => {
    srv = await startConsoleServer(DRIVERS);
    admin = (await srv.api('POST', '/api/v1/auth/login', { body: { company: COMPANY, user_id: ADMIN, password: ADMIN_PASSWORD } })).body.token;
    driver = await Driver.connect(srv, 'DR_2');
    await driver.send({ lat: 48.1372, lng: 11.5755, speed: 0 });
    browser = await launchBrowser();
    tp = await newPage(browser);
    page = tp.page;
    await tp.context.grantPermissions(['notifications'], { origin: new URL(srv.url).origin });
    await page.addInitScript(RECORD_NOTIFICATIONS);
    await openConsole(page, srv);
  });
  after(async () => {
    driver?.close();
    await browser?.close();
    await srv?.stop();
  });

  async function sendAlert(payload: object): Promise<number> {
    const s = ++seq;
    driver.socket.send({ action: 'alert', id: 'DR_2', seq: s, payload });
    const ack = await driver.socket.next((m) => m.seq === s, 5000);
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    const list = (await srv.api('GET', '/api/v1/alerts?state=all', { token: admin })).body as { id: number }[];
    return Math.max(...list.map((a) => a.id));
  }

  const alertById = async (id: number) => (await srv.api('GET', `/api/v1/alerts/${id}`, { token: admin })).body;

  test('a crash report: banner names it as the filters judged it, alarm, notification, badge, show on map', async () => {
    const id = await sendAlert(crashPayload(Date.now() - 25_000, { lat: 48.1375, lng: 11.576 }));
    await page.waitForSelector(`[data-testid="alert"][data-alert-id="${id}"]`);
    // The crash pipeline judges the package; the banner follows the server's verdict.
    let a = await alertById(id);
    for (let i = 0; i < 50 && (a.confirmed === null || a.confirmed === undefined); i++) {
      await new Promise((r) => setTimeout(r, 100));
      a = await alertById(id);
    }
    assert.equal(a.confirmed, true, `the buffer (driving 50 km/h, then standing still, 7.3 g) passes the filters: ${JSON.stringify(a)}`);
    await waitForText(page, `[data-alert-id="${id}"] [data-testid="alert-title"]`, 'Crash confirmed');
    assert.match(await text(page, `[data-alert-id="${id}"]`), /Crash confirmed\s*Van 2.*peak 7\.3 g/);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="alert-banner"]')?.getAttribute('data-alarms')) >= 1);
    // The browser notification (permission granted; never asked for on load).
    await page.waitForFunction(() => (window as any).__notes.length >= 1);
    const notes = await page.evaluate(() => (window as any).__notes as { title: string; body: string }[]);
    assert.match(notes[0]!.title, /^(Possible crash|Crash confirmed): Van 2$/);
    assert.match(notes[0]!.body, /peak 7\.3 g/);
    assert.equal(await text(page, '[data-testid="alerts-badge"]'), '1');
    await shot(page, 'banner-confirmed');

    await page.click(`[data-alert-id="${id}"] [data-testid="alert-show"]`);
    await page.waitForSelector('[data-testid="device-panel"][data-device-id="DR_2"]');
    assert.match(page.url(), /#\/map\/DR_2$/, 'the map page, with the device selected in its link');
    // The banner stays while the alert is open.
    await page.waitForSelector(`[data-testid="alert"][data-alert-id="${id}"]`);
  });

  test('resolve needs a note; resolving clears the banner and the history shows who, when and the note', async () => {
    const id = (await srv.api('GET', '/api/v1/alerts?state=open', { token: admin })).body[0].id as number;
    await page.click(`[data-alert-id="${id}"] [data-testid="alert-resolve"]`);
    await page.waitForSelector('[data-testid="resolve-form"]');
    await page.click('[data-testid="resolve-submit"]');
    assert.match(await text(page, '[data-testid="resolve-error"]'), /Write a note/);
    assert.equal((await alertById(id)).resolved_at, null, 'an empty note resolves nothing');
    await page.fill('[data-testid="resolve-note"]', 'Called Ana: rear-ended at the lights, nobody hurt. Tow truck ordered.');
    await shot(page, 'resolve-form');
    await page.click('[data-testid="resolve-submit"]');
    await page.waitForSelector('[data-testid="alert-banner"]', { state: 'detached' });
    const a = await alertById(id);
    assert.equal(a.resolved_by, ADMIN);
    assert.equal(a.note, 'Called Ana: rear-ended at the lights, nobody hurt. Tow truck ordered.');
    assert.equal(await page.$('[data-testid="alerts-badge"]'), null, 'no open alert: no badge');

    await page.click('[data-testid="nav-alerts"]');
    await page.click('[data-testid="alerts-state-resolved"]');
    const row = `[data-testid="alert-row"][data-alert-id="${id}"]`;
    await page.waitForSelector(row);
    assert.equal(await page.getAttribute(row, 'data-state'), 'resolved');
    assert.match(await text(page, `${row} [data-testid="alert-row-resolved-by"]`), new RegExp(`^Operations · `));
    assert.equal(await text(page, `${row} [data-testid="alert-row-note"]`), a.note);
    assert.match(await text(page, `${row} [data-testid="alert-row-title"]`), /Crash confirmed/);
    if (a.accident_id) {
      await page.waitForSelector(`${row} [data-testid="accident-stages"] li`);
      const stages = await page.$$eval(`${row} [data-testid="accident-stages"] li`, (lis) => lis.map((l) => [l.getAttribute('data-stage'), l.className]));
      assert.deepEqual(stages[0], ['Received', 'done']);
      const acc = (await srv.api('GET', `/api/v1/accidents/${a.accident_id}`, { token: admin })).body;
      assert.equal(stages[3]![1], acc.filtered_at ? 'done' : 'pending');
    }
    // The open filter no longer lists it.
    await page.click('[data-testid="alerts-state-open"]');
    await page.waitForSelector('[data-testid="alerts-empty"]');
  });

  test('SOS: banner, acknowledge there, resolve from the Alerts page; history with every state', async () => {
    await page.click('[data-testid="alerts-state-all"]');
    const id = await sendAlert({ kind: 'sos', timestamp: Date.now(), lat: 48.14, lng: 11.58 });
    await page.waitForSelector(`[data-testid="alert"][data-alert-id="${id}"][data-kind="sos"]`);
    assert.equal(await text(page, `[data-alert-id="${id}"] [data-testid="alert-title"]`), 'SOS');
    await page.waitForFunction(() => (window as any).__notes.some((n: { title: string }) => n.title === 'SOS: Van 2'));
    // The history page picks up the new alert by itself.
    await page.waitForSelector(`[data-testid="alert-row"][data-alert-id="${id}"][data-state="open"]`);
    await page.click(`[data-testid="alert"][data-alert-id="${id}"] [data-testid="alert-ack"]`);
    await page.waitForSelector('[data-testid="alert-banner"]', { state: 'detached' });
    const row = `[data-testid="alert-row"][data-alert-id="${id}"]`;
    await page.waitForSelector(`${row}[data-state="acknowledged"]`);
    assert.match(await text(page, `${row} [data-testid="alert-row-ack-by"]`), new RegExp(`^Operations · `));
    await page.click(`${row} [data-testid="alert-row-resolve"]`);
    await page.fill(`${row} [data-testid="resolve-note"]`, 'False alarm: pressed by mistake.');
    await page.click(`${row} [data-testid="resolve-submit"]`);
    await page.waitForSelector(`${row}[data-state="resolved"]`);
    assert.equal(await text(page, `${row} [data-testid="alert-row-note"]`), 'False alarm: pressed by mistake.');
    assert.equal((await page.$$('[data-testid="alert-row"]')).length, 2);
    await shot(page, 'history');
  });

  test('an alert resolved by another dispatcher leaves the banner; resolving it again shows the server\'s answer', async () => {
    const id = await sendAlert({ kind: 'sos', timestamp: Date.now() });
    await page.waitForSelector(`[data-testid="alert"][data-alert-id="${id}"]`);
    const row = `[data-testid="alert-row"][data-alert-id="${id}"]`;
    await page.waitForSelector(row);
    await page.click(`${row} [data-testid="alert-row-resolve"]`);
    const other = await srv.api('POST', `/api/v1/alerts/${id}/resolve`, { token: admin, body: { note: 'Handled by phone.' } });
    assert.equal(other.status, 200, JSON.stringify(other.body));
    // Every console hears of it: the banner clears without a reload.
    await page.waitForSelector('[data-testid="alert-banner"]', { state: 'detached' });
    await page.waitForSelector(`${row}[data-state="resolved"]`);
    await page.fill(`${row} [data-testid="resolve-note"]`, 'Me too');
    await page.click(`${row} [data-testid="resolve-submit"]`);
    await waitForText(page, `${row} [data-testid="resolve-error"]`, /Already resolved by Operations/);
    assert.equal((await alertById(id)).note, 'Handled by phone.');
  });

  test('the desktop app path: a new alert goes to window.fleetdesk.notify, not the browser API', async () => {
    const desk = await newPage(browser);
    try {
      await desk.context.grantPermissions(['notifications'], { origin: new URL(srv.url).origin });
      await desk.page.addInitScript(RECORD_NOTIFICATIONS + DESKTOP_NOTIFY);
      // The device list is held back so the alert beats it (as it can right after sign-in):
      // the notification must wait for the list and name the van, not its id.
      let releaseList!: () => void;
      const listHeld = new Promise<void>((resolve) => (releaseList = resolve));
      await desk.page.route(/\/api\/v1\/devices$/, async (route) => {
        await listHeld;
        await route.continue();
      });
      await openConsole(desk.page, srv);
      const id = await sendAlert(crashPayload(Date.now() - 25_000, { lat: 48.15, lng: 11.6 }));
      await desk.page.waitForSelector(`[data-testid="alert"][data-alert-id="${id}"]`);
      assert.equal(await desk.page.evaluate(() => (window as any).__desktopNotes.length), 0, 'no notification before the device can be named');
      releaseList();
      await desk.page.waitForFunction(() => (window as any).__desktopNotes.length >= 1);
      const calls = await desk.page.evaluate(() => (window as any).__desktopNotes as { title: string; body: string }[]);
      assert.match(calls[0]!.title, /crash.*: Van 2$/i);
      assert.deepEqual(Object.keys(calls[0]!).sort(), ['body', 'title'], 'exactly the NotifyRequest shape');
      assert.equal(await desk.page.evaluate(() => (window as any).__notes.length), 0);
      // An open alert from before sign-in (the previous test's one is resolved): nothing else notified.
      assert.equal(calls.length, 1);
      // The Alerts page says notifications are on, with no button to ask.
      await desk.page.click('[data-testid="nav-alerts"]');
      await desk.page.waitForSelector('[data-testid="alerts-page"]');
      assert.equal(await desk.page.$('[data-testid="enable-notifications"]'), null);
      assert.deepEqual(desk.errors, []);
    } finally {
      await desk.context.close();
    }
  });

  test('without permission nothing is asked on load; the Alerts page offers the button', async () => {
    const plain = await newPage(browser);
    try {
      await openConsole(plain.page, srv);
      assert.equal(await plain.page.evaluate(() => Notification.permission), 'default');
      await plain.page.click('[data-testid="nav-alerts"]');
      await plain.page.waitForSelector('[data-testid="enable-notifications"]');
      assert.deepEqual(plain.errors, []);
    } finally {
      await plain.context.close();
    }
    assert.deepEqual(tp.errors, []);
  });
});
