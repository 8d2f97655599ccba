/**
 * The Trips view end to end, against a real server and real Chromium. A driver's phone replays
 * a synthetic day through the real ingest path (WebSocket `location_batch`, device times of
 * yesterday): a 400 m walk (removed by the trip rules), then a 2.6 km drive with one harsh
 * braking (15 → 3 m/s in 2 s), parked afterwards. The view lists both, draws the route coloured
 * by speed with the event marker, replays it with the scrubber, charts the speed (uPlot canvas),
 * and downloads the GPX, GeoJSON and CSV exports; empty and error states are shown.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { RichTrack, TripSummary } from '../../shared/api/trips';
import { SPEED_BANDS, speedColor } from '../../renderer/src/components/trips/speed-scale';
import { dayOf } from '../../renderer/src/trips/trip-day';
import { launchBrowser, newPage, type TestPage } from '../support/browser';
import type { TestServer } from '../support/server';
import { ADMIN, ADMIN_PASSWORD, COMPANY, Driver, openConsole, startConsoleServer, waitForText } from './console-fixtures';

const SHOTS = process.env.FLEETDESK_SHOTS ?? '/tmp/shots';
const DRIVERS = [
  { id: 'DR_1', display_name: 'Van 1' },
  { id: 'DR_2', display_name: 'Van 2' },
];

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `trips-${name}.png`) });
}

const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').trim();

interface Fix {
  lat: number;
  lng: number;
  speed: number;
  bearing: number;
  accuracy: number;
  timestamp: number;
}

const ORIGIN = { lat: 48.137, lng: 11.5 };
const M_PER_DEG_LNG = 111_320 * Math.cos((ORIGIN.lat * Math.PI) / 180);

/**
 * The synthetic day, east along one latitude (so distance is the sum of the steps): speeds in
 * m/s per second of device time; positions integrate the mean speed of each second.
 */
function syntheticDay(day: Date): { fixes: Fix[]; driveM: number; driveStart: number } {
  const fixes: Fix[] = [];
  let x = 0;
  const at = (t: number, v: number, lat = ORIGIN.lat) => fixes.push({ lat, lng: ORIGIN.lng + x / M_PER_DEG_LNG, speed: v * 3.6, bearing: 90, accuracy: 5, timestamp: t });
  // 08:00 a 400 m walk at 6 km/h (fixes every 5 s), then parked 10 min: removed (walking speed).
  let t = new Date(day.getFullYear(), day.getMonth(), day.getDate(), 8, 0, 0).getTime();
  const walkLat = ORIGIN.lat - 0.01;
  for (let s = 0; s <= 240; s += 5) {
    x = (s * 6) / 3.6;
    at(t + s * 1000, 6 / 3.6, walkLat);
  }
  for (let s = 250; s <= 840; s += 15) at(t + s * 1000, 0, walkLat);
  // 10:00 the drive, 1 Hz.
  t = new Date(day.getFullYear(), day.getMonth(), day.getDate(), 10, 0, 0).getTime();
  x = 0;
  const profile: number[] = [0];
  const ramp = (to: number, secs: number) => {
    const from = profile[profile.length - 1]!;
    for (let i = 1; i <= secs; i++) profile.push(from + ((to - from) * i) / secs);
  };
  const hold = (secs: number) => ramp(profile[profile.length - 1]!, secs);
  ramp(15, 15); // 1 m/s²
  hold(60);
  ramp(3, 2); // harsh braking: 6 m/s²
  ramp(22, 19); // 1 m/s², to 79 km/h
  hold(60);
  ramp(0, 22); // 1 m/s²
  for (let i = 0; i < profile.length; i++) {
    if (i > 0) x += (profile[i - 1]! + profile[i]!) / 2;
    at(t + i * 1000, profile[i]!);
  }
  const driveM = x;
  const end = t + (profile.length - 1) * 1000;
  // Parked 10 minutes (a few metres of drift): the stop ends the trip, past the merge gap.
  for (let s = 10; s <= 600; s += 10) fixes.push({ ...fixes[fixes.length - 1]!, lat: ORIGIN.lat + (s % 20 === 0 ? 0.00002 : -0.00002), speed: 0, timestamp: end + s * 1000 });
  return { fixes, driveM, driveStart: t };
}

describe('console: trips view', { timeout: 300_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let tp: TestPage;
  let page: Page;
  let admin: string;
  let day: string;
  let truth: ReturnType<typeof syntheticDay>;
  let trips: TripSummary[];
  let rich: TripSummary;
  let track: RichTrack;

  before(async () => {
    srv = await startConsoleServer(DRIVERS);
    admin = (await srv.api('POST', '/api/v1/auth/login', { body: { company: COMPANY, user_id: ADMIN, password: ADMIN_PASSWORD } })).body.token;
    const yesterday = new Date();
    yesterday.setDate(yesterday.getDate() - 1);
    day = dayOf(yesterday);
    truth = syntheticDay(yesterday);

    const driver = await Driver.connect(srv, 'DR_1');
    for (let i = 0, seq = 1; i < truth.fixes.length; i += 200, seq++) {
      driver.socket.send({ action: 'location_batch', id: 'DR_1', seq, payload: { positions: truth.fixes.slice(i, i + 200) } });
      const ack = await driver.socket.next((m) => m.seq === seq, 10_000);
      assert.equal(ack.type, 'ack', JSON.stringify(ack));
      assert.equal(ack.rejected, undefined, JSON.stringify(ack));
    }
    driver.close();
    const from = new Date(yesterday.getFullYear(), yesterday.getMonth(), yesterday.getDate()).toISOString();
    const to = new Date(yesterday.getFullYear(), yesterday.getMonth(), yesterday.getDate() + 1).toISOString();
    for (let i = 0; i < 300; i++) {
      const r = await srv.api('GET', `/api/v1/devices/DR_1/trips?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, { token: admin });
      if (r.status === 200 && (r.body as TripSummary[]).some((t) => t.kind === 'rich') && (r.body as TripSummary[]).some((t) => t.kind === 'removed')) {
        trips = r.body;
        break;
      }
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.ok(trips, 'the server lists the drive and the removed walk');
    rich = trips.find((t) => t.kind === 'rich')!;
    track = (await srv.api('GET', `/api/v1/tracks/rich/${rich.id}`, { token: admin })).body;

    browser = await launchBrowser();
    tp = await newPage(browser);
    page = tp.page;
    await openConsole(page, srv);
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test('the server found the drive as the ground truth says', () => {
    // (the server's own tests hold distance to 1 %; here the view is under test)
    assert.ok(Math.abs(rich.distance_m - truth.driveM) / truth.driveM < 0.02, `${rich.distance_m} vs ${truth.driveM}`);
    assert.equal(rich.events.harsh_braking, 1, JSON.stringify(rich.events));
    assert.equal(track.events.filter((e) => e.kind === 'harsh_braking').length, 1);
  });

  test('the device panel opens the day\'s trips; a deep link opens a given day with its list', async () => {
    await page.click('[data-testid="device-row"][data-device-id="DR_1"]');
    await page.click('[data-testid="panel-trips"]');
    await page.waitForSelector('[data-testid="trips-page"]');
    assert.equal(new URL(page.url()).hash, `#/trips/DR_1/${dayOf(new Date())}`);
    assert.equal(await page.getAttribute('[data-testid="trips-device"]', 'data-value'), 'DR_1');
    assert.equal(await page.inputValue('[data-testid="trips-device"]'), 'Van 1');

    await page.goto(`${srv.url}/#/trips/DR_1/${day}`);
    await page.waitForSelector('[data-testid="trip-row"]');
    assert.equal(await page.inputValue('[data-testid="trips-day"]'), day);
    const rows = await page.$$('[data-testid="trip-row"]');
    assert.equal(rows.length, trips.filter((t) => t.kind === 'rich').length);
    const row = `[data-testid="trip-row"][data-trip-id="${rich.id}"]`;
    assert.equal(await text(page, `${row} [data-testid="trip-distance"]`), `${(rich.distance_m / 1000).toFixed(2)} km`);
    assert.equal(await text(page, `${row} [data-testid="trip-score"]`), `Safety score ${Math.round(rich.score!)}/100`);
    assert.match((await page.getAttribute(`${row} [data-testid="trip-score"]`, 'class'))!, /score-(good|fair|poor)/);
    assert.equal(await page.getAttribute(`${row} [data-kind="harsh_braking"]`, 'data-count'), '1');
    assert.match(await text(page, `${row} [data-testid="trip-times"]`), /^10:00(\sAM)?–10:0\d(\sAM)?$/);
  });

  test('the route is drawn coloured by speed, with start/end, stop and event markers', async () => {
    await page.waitForFunction(() => (window.__fleetdeskTrip?.routeRuns().length ?? 0) > 0);
    const runs = await page.evaluate(() => window.__fleetdeskTrip!.routeRuns());
    const colours = new Set(runs.map((r) => r.color));
    // 54 km/h, then 79 km/h cruising, 11 km/h at the braking: at least three bands.
    assert.ok(colours.size >= 3, JSON.stringify(runs));
    assert.ok(colours.has(speedColor(15)), 'the first cruise is drawn in the 40–60 km/h colour');
    assert.ok(colours.has(speedColor(22)), 'the second in the 60–80 km/h colour');
    for (const c of colours) assert.ok(SPEED_BANDS.some((b) => b.color === c), c);
    // Every vertex is in a run (runs share their joining vertex).
    const vertices = runs.reduce((s, r) => s + r.points, 0) - (runs.length - 1);
    assert.equal(vertices, track.geometry.geometry.coordinates.length);
    // The SVG paths carry the same colours.
    const strokes = await page.$$eval('path.trip-route', (ps) => ps.map((p) => p.getAttribute('stroke')));
    assert.deepEqual(strokes, runs.map((r) => r.color));
    const events = await page.$$eval('[data-testid="trip-event"]', (els) => els.map((e) => e.getAttribute('data-kind')));
    assert.deepEqual(events.sort(), track.events.map((e) => e.kind).sort());
    await page.waitForSelector('[data-testid="trip-start"]');
    await page.waitForSelector('[data-testid="trip-finish"]');
    assert.equal(await page.evaluate(() => window.__fleetdeskTrip!.stopMarkers()), track.stops.length);
    // The event's tooltip gives its value.
    await page.hover('[data-testid="trip-event"][data-kind="harsh_braking"]');
    await waitForText(page, '.leaflet-tooltip:not(.trip-replay-label)', /Harsh braking: \d+\.\d m\/s² \(0\.\d\d g\)/);
    await page.mouse.move(700, 120);
    await page.waitForSelector('.leaflet-tooltip:not(.trip-replay-label)', { state: 'detached' });
    // The chart: uPlot's canvas, drawn at a real size.
    const canvas = await page.$eval('[data-testid="speed-chart"] canvas', (c) => ({ w: (c as HTMLCanvasElement).width, h: (c as HTMLCanvasElement).height }));
    assert.ok(canvas.w > 200 && canvas.h > 80, JSON.stringify(canvas));
    assert.equal(await text(page, '[data-testid="speed-legend"] .speed-legend-title'), 'km/h');
    await shot(page, 'list-route-chart');
  });

  test('the scrubber moves the replay marker; the chart sets the time; play advances it', async () => {
    const start = await page.evaluate(() => window.__fleetdeskTrip!.replayLatLng());
    assert.ok(start, 'start');
    const [min, max] = await page.$eval('[data-testid="replay-scrubber"]', (el) => [Number((el as HTMLInputElement).min), Number((el as HTMLInputElement).max)]);
    const setRange = (v: number) =>
      page.$eval(
        '[data-testid="replay-scrubber"]',
        (el, v) => {
          Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(el, String(v));
          el.dispatchEvent(new Event('input', { bubbles: true }));
        },
        v,
      );
    const mid = min + Math.round((max - min) / 2000) * 1000;
    await setRange(mid);
    await page.waitForFunction((s) => {
      const p = window.__fleetdeskTrip!.replayLatLng();
      return !!p && p[1] !== s[1];
    }, start);
    const midPos = (await page.evaluate(() => window.__fleetdeskTrip!.replayLatLng()))!;
    // Half the time in, east of the start and west of the end (the drive goes east).
    assert.ok(midPos[1] > start[1] && midPos[1] < track.geometry.geometry.coordinates.at(-1)![0]!, JSON.stringify(midPos));
    assert.match(await text(page, '[data-testid="replay-now"]'), new RegExp(`${new Date(mid).toLocaleTimeString('en-US', { hour: '2-digit', minute: '2-digit', second: '2-digit' }).slice(0, 5)}.*km/h`));
    await shot(page, 'replay-midway');

    // A click on the chart near its right edge moves the time towards the end.
    const box = (await page.$('[data-testid="speed-chart"] .u-over'))!;
    const r = (await box.boundingBox())!;
    await page.mouse.click(r.x + r.width * 0.9, r.y + r.height / 2);
    const after = Number(await page.inputValue('[data-testid="replay-scrubber"]'));
    assert.ok(after > mid, `${after} > ${mid}`);

    // Play at 60×: the time moves on by itself.
    await setRange(min);
    await page.click('[data-testid="replay-speed-60"]');
    await page.click('[data-testid="replay-play"]');
    await page.waitForFunction((min) => Number((document.querySelector('[data-testid="replay-scrubber"]') as HTMLInputElement).value) > min + 5000, min);
    await page.click('[data-testid="replay-play"]');
  });

  test('exports download GPX, GeoJSON and CSV with the session', async () => {
    for (const [format, check] of [
      ['gpx', (s: string) => assert.match(s, /<gpx[\s\S]*<trkpt/)],
      ['geojson', (s: string) => assert.equal(JSON.parse(s).geometry?.type ?? JSON.parse(s).features?.[0]?.geometry?.type, 'LineString')],
      ['csv', (s: string) => assert.ok(s.split('\n').length > track.geometry.geometry.coordinates.length / 2, s.slice(0, 200))],
    ] as const) {
      const [download] = await Promise.all([
        page.waitForEvent('download').catch(async (err: Error) => {
          throw new Error(`${err.message}; status: ${await text(page, '.trip-exports')}`);
        }),
        page.click(`[data-testid="export-${format}"]`),
      ]);
      const file = await download.path();
      const content = fs.readFileSync(file, 'utf8');
      check(content);
      assert.match(download.suggestedFilename(), new RegExp(`\\.${format}$`));
    }
    await waitForText(page, '[data-testid="export-status"]', /downloaded/);
  });

  test('in the desktop app an export goes through the save dialog (window.fleetdesk.saveFile)', async () => {
    const desk = await newPage(browser);
    try {
      await desk.page.addInitScript(`
        window.__saved = [];
        window.fleetdesk = { saveFile: async (req) => { window.__saved.push(req); return { saved: true, path: '/home/ops/' + req.defaultName }; } };
      `);
      await openConsole(desk.page, srv);
      await desk.page.goto(`${srv.url}/#/trips/DR_1/${day}/${rich.id}`);
      await desk.page.click('[data-testid="export-gpx"]');
      await desk.page.waitForFunction(() => (window as any).__saved.length === 1);
      const [req] = await desk.page.evaluate(() => (window as any).__saved as { defaultName: string; content: string; filters: { name: string; extensions: string[] }[] }[]);
      assert.match(req!.content, /<gpx[\s\S]*<trkpt/);
      assert.match(req!.defaultName, /\.gpx$/);
      assert.doesNotMatch(req!.defaultName, /[/\\]/);
      assert.deepEqual(req!.filters[0]!.extensions, ['gpx']);
      await waitForText(desk.page, '[data-testid="export-status"]', 'GPX saved.');
      assert.deepEqual(desk.errors, []);
    } finally {
      await desk.context.close();
    }
  });

  test('removed tracks are greyed with their reason, folded until asked', async () => {
    const removed = trips.filter((t) => t.kind === 'removed');
    assert.equal(await page.$('[data-testid="removed-list"]'), null);
    await page.click('[data-testid="removed-toggle"]');
    const reasons = await page.$$eval('[data-testid="removed-reason"]', (els) => els.map((e) => e.textContent));
    assert.deepEqual(reasons, removed.map((t) => t.reason ?? 'removed'));
    await shot(page, 'removed-expanded');
  });

  test('empty day, unknown device and network error are each said plainly', async () => {
    await page.click('[data-testid="day-prev"]');
    await page.waitForSelector('[data-testid="trips-empty"]');
    assert.equal(await text(page, '[data-testid="trips-empty"]'), 'No trips this day.');
    assert.equal(await page.$('[data-testid="replay"]'), null);
    await page.click('[data-testid="day-next"]');
    await page.waitForSelector('[data-testid="trip-row"]');

    await page.goto(`${srv.url}/#/trips/NOBODY/${day}`);
    await page.waitForSelector('[data-testid="trips-error"]');
    assert.match(await text(page, '[data-testid="trips-error"]'), /Could not load the trips: .+/);

    await page.route('**/api/v1/devices/DR_1/trips?**', (route) => route.abort('internetdisconnected'));
    await page.goto(`${srv.url}/#/trips/DR_1/${day}`);
    await waitForText(page, '[data-testid="trips-error"]', /Cannot reach the server/);
    await page.unroute('**/api/v1/devices/DR_1/trips?**');
    await page.click('[data-testid="trips-retry"]');
    await page.waitForSelector('[data-testid="trip-row"]');
    assert.deepEqual(tp.errors, []);
  });
});
