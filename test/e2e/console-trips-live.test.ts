/**
 * Live trip progress, the searchable device picker, the fleet day summary and the trip detail's
 * score and event list, end to end against a real server and real Chromium. Phones send over
 * the real WebSocket Tracking API: Van 2 drove yesterday with a harsh braking every half
 * minute (many events); Van 1 is driving now, its trip growing while the console watches.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { RawFix } from '../../main/server/trips/process';
import type { DaySummaryRow, TripSummary } from '../../shared/api/trips';
import { dayOf } from '../../renderer/src/trips/trip-day';
import { launchBrowser, newPage, type TestPage } from '../support/browser';
import type { TestServer } from '../support/server';
import { Trace } from '../support/synthetic-trips';
import { ADMIN, ADMIN_PASSWORD, COMPANY, Driver, openConsole, startConsoleServer, waitForText } from './console-fixtures';

const SHOTS = process.env.FLEETDESK_SHOTS;
const DRIVERS = [
  { id: 'DR_1', display_name: 'Van 1', vehicle_plate: 'M-FD 101' },
  { id: 'DR_2', display_name: 'Van 2', vehicle_plate: 'B-XY 7' },
  { id: 'DR_3', display_name: 'Truck 3, "Big"' },
];
const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').trim();
const km = (s: string) => Number(/([\d.]+) km/.exec(s)?.[1] ?? NaN);

async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `trips-live-${name}.png`) });
}

/** Sends RawFixes (SI) as location_batch messages, each acked after commit. */
async function sendBatch(driver: Driver, fixes: RawFix[], seq: { n: number }): Promise<void> {
  for (let i = 0; i < fixes.length; i += 200) {
    const positions = fixes.slice(i, i + 200).map((f) => ({ lat: f.lat, lng: f.lng, speed: f.speed * 3.6, bearing: f.bearing, accuracy: 5, timestamp: f.t }));
    driver.socket.send({ action: 'location_batch', id: driver.id, seq: ++seq.n, payload: { positions } });
    const ack = await driver.socket.next((m) => m.seq === seq.n, 10_000);
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
  }
}

describe('console: live trips, picker, day summary', { timeout: 300_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let tp: TestPage;
  let page: Page;
  let admin: string;
  let yesterday: string;
  let van1: Driver;
  const seq1 = { n: 0 };
  let live: Trace;
  let drive2: TripSummary;

  before(async () => {
    srv = await startConsoleServer(DRIVERS);
    admin = (await srv.api('POST', '/api/v1/auth/login', { body: { company: COMPANY, user_id: ADMIN, password: ADMIN_PASSWORD } })).body.token;
    const y = new Date();
    y.setDate(y.getDate() - 1);
    yesterday = dayOf(y);
    // Van 2, yesterday 10:00: 14 harsh brakings (15 → 3 m/s at 6 m/s²), then parked.
    const t0 = new Date(y.getFullYear(), y.getMonth(), y.getDate(), 10, 0, 0).getTime();
    const tr = new Trace(undefined, t0).stand(120).accelerate(15, 1.5);
    for (let i = 0; i < 14; i++) tr.drive(20, 15).accelerate(3, -6).accelerate(15, 1.5);
    tr.accelerate(0, -2).stand(400);
    const van2 = await Driver.connect(srv, 'DR_2');
    await sendBatch(van2, tr.fixes, { n: 0 });
    van2.close();
    await srv.ctx.trips.idle();
    const from = new Date(y.getFullYear(), y.getMonth(), y.getDate()).toISOString();
    const to = new Date(y.getFullYear(), y.getMonth(), y.getDate() + 1).toISOString();
    const list = (await srv.api('GET', `/api/v1/devices/DR_2/trips?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, { token: admin })).body as TripSummary[];
    drive2 = list.find((t) => t.kind === 'rich')!;
    assert.ok(drive2 && drive2.events.harsh_braking >= 10, JSON.stringify(list));

    // Van 1 started driving four minutes ago: parked 30 s, then 100 s at 54 km/h.
    live = new Trace(undefined, Date.now() - 240_000).stand(30).accelerate(15, 2).drive(100, 15);
    van1 = await Driver.connect(srv, 'DR_1');
    await sendBatch(van1, live.fixes, seq1);

    browser = await launchBrowser();
    tp = await newPage(browser);
    page = tp.page;
    await openConsole(page, srv);
  });
  after(async () => {
    van1?.close();
    await browser?.close();
    await srv?.stop();
  });

  test('a driving van shows its trip in progress, growing as positions arrive, never "No trips this day"', async () => {
    await page.goto(`${srv.url}/#/trips/DR_1/${dayOf(new Date())}`);
    await page.waitForSelector('[data-testid="trip-live-row"]');
    assert.equal(await page.$('[data-testid="trips-empty"]'), null);
    const first = km(await text(page, '[data-testid="trip-live-distance"]'));
    assert.ok(first > 1, `distance so far ${first} km`);
    assert.match(await text(page, '[data-testid="trip-day-total"]'), /^1 trip \(1 in progress\) · [\d.]+ km · .+ driving$/);
    // The route so far is drawn, with its start and the van where it is now (no end marker yet).
    await page.waitForFunction(() => (window.__fleetdeskTrip?.routeRuns().length ?? 0) > 0);
    await page.waitForSelector('[data-testid="trip-start"]');
    assert.equal(await page.$('[data-testid="trip-finish"]'), null);
    assert.equal(await page.$('[data-testid="trip-detail-score"]'), null);
    await shot(page, 'in-progress');

    // Another minute of driving arrives: within the refresh interval the distance grows.
    const n = live.fixes.length;
    live.drive(60, 15);
    await sendBatch(van1, live.fixes.slice(n), seq1);
    await page.waitForFunction((before) => Number(/([\d.]+) km/.exec(document.querySelector('[data-testid="trip-live-distance"]')?.textContent ?? '')?.[1]) > before + 0.5, first, { timeout: 30_000 });
    assert.equal(await page.$('[data-testid="trips-empty"]'), null);
  });

  test('a van that has just started moving (no trip detected yet) reads "Driving now", not "No trips this day"', async () => {
    const truck = await Driver.connect(srv, 'DR_3');
    try {
      await truck.send({ lat: 48.2, lng: 11.6, speed: 30, timestamp: Date.now() - 1000 });
      await page.goto(`${srv.url}/#/trips/DR_3/${dayOf(new Date())}`);
      await waitForText(page, '[data-testid="trips-starting"]', /^Driving now\./);
      assert.equal(await page.$('[data-testid="trips-empty"]'), null);
    } finally {
      truck.close();
    }
  });

  test("the device panel's Today section gives distance and driving time", async () => {
    await page.goto(`${srv.url}/#/map`);
    await page.click('[data-testid="device-row"][data-device-id="DR_1"]');
    await page.waitForSelector('[data-testid="today-live"]', { timeout: 15_000 });
    assert.ok(km(await text(page, '[data-testid="today-distance"]')) > 1, 'km(await text(page, \'[data-testid="today-distance"]\')) > 1');
    assert.match(await text(page, '[data-testid="today-driving"]'), /^\d+ min \d\d s$/);
    assert.equal(await text(page, '[data-testid="today-trips"]'), '1');
    assert.match(await text(page, '[data-testid="today-live"]'), /Driving now: [\d.]+ km in \d+ min/);
    await page.$eval('[data-testid="today-section"]', (el) => el.scrollIntoView());
    await shot(page, 'panel-today');
  });

  test('the device picker filters by name, plate and id as you type', async () => {
    await page.goto(`${srv.url}/#/trips/DR_1/${yesterday}`);
    await page.click('[data-testid="trips-device"]');
    const ids = () => page.$$eval('[data-testid="trips-device-option"]', (els) => els.map((e) => e.getAttribute('data-device-id')));
    assert.deepEqual(await ids(), ['~fleet', 'DR_3', 'DR_1', 'DR_2'], 'the fleet, then the vans by name');
    await page.fill('[data-testid="trips-device"]', 'b-xy');
    assert.deepEqual(await ids(), ['DR_2']);
    await shot(page, 'picker-open');
    await page.fill('[data-testid="trips-device"]', 'dr_3');
    assert.deepEqual(await ids(), ['DR_3']);
    await page.fill('[data-testid="trips-device"]', 'nothing like it');
    assert.deepEqual(await ids(), []);
    await waitForText(page, '[data-testid="trips-device-options"]', 'No van matches');
    await page.fill('[data-testid="trips-device"]', 'van 2');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash.startsWith('#/trips/DR_2/'));
    // The page re-renders on the hashchange event, after the hash itself has changed.
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('[data-testid="trips-device"]')?.value === 'Van 2', undefined, { timeout: 5_000 }).catch(() => {});
    assert.equal(await page.inputValue('[data-testid="trips-device"]'), 'Van 2');
  });

  test('a finished trip: the score is labelled and explained, the long event list scrolls to its last event', async () => {
    await page.goto(`${srv.url}/#/trips/DR_2/${yesterday}`);
    await page.waitForSelector('[data-testid="trip-row"]');
    const score = `Safety score ${Math.round(drive2.score!)}/100`;
    assert.equal(await text(page, '[data-testid="trip-score"]'), score);
    assert.match((await page.getAttribute('[data-testid="trip-score"]', 'title'))!, /100 minus penalty points per 10 km.*harsh braking 8/);
    await waitForText(page, '[data-testid="trip-detail-score"]', score);
    assert.match((await page.getAttribute('[data-testid="trip-detail-score"]', 'title'))!, /score = clamp/);
    const list = '[data-testid="trip-event-list"]';
    await page.waitForSelector(`${list} [data-kind="harsh_braking"]`);
    const box = await page.$eval(list, (el) => ({ scroll: el.scrollHeight, client: el.clientHeight, items: el.querySelectorAll('button').length }));
    assert.ok(box.items >= 10, JSON.stringify(box));
    assert.ok(box.scroll > box.client, `the list scrolls: ${JSON.stringify(box)}`);
    await page.$eval(list, (el) => el.scrollTo(0, el.scrollHeight));
    const lastVisible = await page.$eval(list, (el) => {
      const last = el.querySelector('li:last-child')!.getBoundingClientRect();
      const r = el.getBoundingClientRect();
      return last.top >= r.top - 1 && last.bottom <= r.bottom + 1;
    });
    assert.ok(lastVisible, 'the last event is reachable');
    await page.click(`${list} li:last-child button`);
    // The start pin is its own symbol, not the speeding letter.
    assert.equal(await text(page, '[data-testid="trip-start"]'), '▶');
    assert.equal(await page.getAttribute('[data-testid="trip-start"]', 'title'), 'Start');
    await shot(page, 'finished-trip');
  });

  test('the day summary lists every van with its totals, and downloads them as CSV', async () => {
    await page.goto(`${srv.url}/#/trips/~fleet/${yesterday}`);
    await page.waitForSelector('[data-testid="day-summary-row"]');
    const rows = await page.$$eval('[data-testid="day-summary-row"]', (els) =>
      els.map((e) => ({ id: e.getAttribute('data-device-id'), trips: e.querySelector('[data-col="trips"]')?.textContent, events: e.querySelector('[data-col="events"]')?.textContent })),
    );
    const ev = drive2.events;
    const total = ev.harsh_acceleration + ev.harsh_braking + ev.harsh_cornering + ev.speeding;
    assert.deepEqual(
      rows.sort((a, b) => a.id!.localeCompare(b.id!)),
      [
        { id: 'DR_1', trips: '0', events: '—' },
        { id: 'DR_2', trips: '1', events: String(total) },
        { id: 'DR_3', trips: '0', events: '—' },
      ],
    );
    await shot(page, 'day-summary');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="day-summary-csv"]')]);
    assert.equal(download.suggestedFilename(), `fleet-day-${yesterday}.csv`);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines[0], 'Date,Van,Plate,Device id,Trips,Distance (km),Driving time (min),Idle time (min),Max speed (km/h),Driving events,Safety score (0-100),Driving now');
    assert.equal(lines.length, 4);
    const api = (await srv.api('GET', `/api/v1/trips/day-summary?from=${encodeURIComponent(new Date(`${yesterday}T00:00`).toISOString())}`, { token: admin })).body as DaySummaryRow[];
    const r2 = api.find((r) => r.device_id === 'DR_2')!;
    assert.ok(
      lines.includes(`${yesterday},Van 2,B-XY 7,DR_2,1,${(r2.distance_m / 1000).toFixed(2)},${(r2.moving_s / 60).toFixed(1)},${(r2.idle_s / 60).toFixed(1)},${Math.round(r2.max_speed * 3.6)},${total},${r2.score!.toFixed(1)},no`),
      csv,
    );
    // A name with a comma and quotes is one quoted field.
    assert.ok(lines.includes(`${yesterday},"Truck 3, ""Big""",,DR_3,0,0.00,0.0,0.0,0,0,,no`), csv);
    await waitForText(page, '[data-testid="day-summary-status"]', 'CSV downloaded.');

    // Today: the driving van is counted, marked as driving; a row opens its trips.
    await page.goto(`${srv.url}/#/trips`);
    await page.waitForSelector('[data-testid="day-summary-row"][data-device-id="DR_1"] [data-testid="day-summary-live"]');
    assert.equal(await text(page, '[data-testid="day-summary-row"][data-device-id="DR_1"] [data-col="trips"]'), '1');
    await page.click('[data-testid="day-summary-row"][data-device-id="DR_1"] th button');
    await page.waitForSelector('[data-testid="trip-live-row"]');
    assert.deepEqual(tp.errors, []);
  });
});
