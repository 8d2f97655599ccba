/**
 * The console tells a dispatcher what is wrong with a phone without logs: a phone whose clock
 * runs ahead gets a "clock" badge in the list and "Phone clock 2 h ahead" in the panel (its
 * marker still moves); positions the server could not use today are listed by reason, and the
 * counts follow new drops. Real server, real phone requests (GPSLogger, OsmAnd), real Chromium.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, newPage, screenshot, type TestPage } from '../support/browser';
import type { TestServer } from '../support/server';
import { COMPANY, openConsole, startConsoleServer, waitForText } from './console-fixtures';

const DRIVERS = [
  { id: 'DR_1', display_name: 'Van 1', vehicle_plate: 'M-AB 101' },
  { id: 'DR_2', display_name: 'Van 2', vehicle_plate: 'M-AB 202' },
];

describe('console: a phone’s clock and its skipped positions', { timeout: 120_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  const pages: TestPage[] = [];
  const key = (id: string) => srv.ctx.users.get(COMPANY, id)!.device_key;
  const gpslogger = (id: string, lat: number, lng: number, time: number) =>
    fetch(`${srv.url}/gpslogger?key=${key(id)}&lat=${lat}&lon=${lng}&time=${new Date(time).toISOString()}&spd=8`).then((r) => r.status);
  const osmand = (id: string, query: string) => fetch(`${srv.url}/osmand?id=${key(id)}&${query}`, { method: 'POST' }).then((r) => r.status);

  before(async () => {
    srv = await startConsoleServer(DRIVERS);
    const now = Date.now();
    // Van 1 (Traccar Client): its app sent 0,0 twice and a 1999 date, then real fixes.
    assert.equal(await osmand('DR_1', `lat=0&lon=0&timestamp=${Math.floor(now / 1000) - 300}`), 200);
    assert.equal(await osmand('DR_1', `lat=0&lon=0&timestamp=${Math.floor(now / 1000) - 240}`), 200);
    assert.equal(await osmand('DR_1', 'lat=48.13&lon=11.57&timestamp=935280000'), 200);
    assert.equal(await osmand('DR_1', `lat=48.137&lon=11.575&timestamp=${Math.floor(now / 1000) - 60}&speed=5`), 200);
    // Van 2 (GPSLogger): a phone whose clock runs two hours ahead.
    for (let i = 0; i < 3; i++) assert.equal(await gpslogger('DR_2', 48.15 + i * 0.0002, 11.6, now + 2 * 3600_000 + i * 1000), 200);
    browser = await launchBrowser();
  });
  after(async () => {
    for (const p of pages) await p.context.close();
    await browser?.close();
    await srv?.stop();
  });

  for (const size of [
    { name: 'desktop', width: 1440, height: 900 },
    { name: 'phone', width: 390, height: 844 },
  ]) {
    test(`${size.name}: clock badge and panel; skipped positions by reason, updating as new ones are dropped`, async () => {
      const tp = await newPage(browser, size);
      pages.push(tp);
      const { page } = tp;
      await openConsole(page, srv);
      const row2 = page.locator('[data-testid="device-row"][data-device-id="DR_2"]');
      await row2.locator('[data-testid="clock-badge"]').waitFor();
      assert.equal(await page.locator('[data-testid="device-row"][data-device-id="DR_1"] [data-testid="clock-badge"]').count(), 0);
      assert.match((await row2.locator('[data-testid="clock-badge"]').getAttribute('title')) ?? '', /^Phone clock 2 h ahead\. /);

      await row2.click();
      await waitForText(page, '[data-testid="phone-clock"]', 'Phone clock 2 h ahead');
      assert.equal(await page.locator('[data-testid="phone-clock"]').getAttribute('data-state'), 'ahead');
      await waitForText(page, '[data-testid="reception"]', /automatic date and time/);
      await waitForText(page, '[data-testid="reported-time"]', /the phone said/);
      await waitForText(page, '[data-testid="dropped-today"]', /^none$/);
      await page.locator('[data-testid="reception"]').scrollIntoViewIfNeeded();
      await screenshot(page, `reception-clock-ahead-${size.name}`);

      await page.click('[data-testid="panel-close"]');
      // On a phone a pick shows the map; the list is one switch away.
      if (size.width <= 760) await page.click('[data-testid="view-list"]');
      await page.locator('[data-testid="device-row"][data-device-id="DR_1"]').click();
      await waitForText(page, '[data-testid="phone-clock"]', 'Right');
      const zeros = async () => (await srv.api('GET', '/api/v1/devices/DR_1/reception', { token: srv.token(COMPANY, 'ops') })).body.dropped.find((d: { reason: string }) => d.reason === 'zero_position').count as number;
      const before = await zeros();
      assert.ok(before >= 2, 'before >= 2');
      await waitForText(page, '[data-testid="dropped-today"]', new RegExp(`^${before} at 0,0 \\(the phone had no position\\)`));
      const items = await page.$$eval('[data-testid="dropped-today"] li', (lis) => lis.map((li) => [li.getAttribute('data-reason'), li.textContent]));
      assert.deepEqual(
        items.map(([r]) => r),
        ['zero_position', 'bad_time'],
      );
      assert.match(items[1]![1]!, /^1 with an impossible date \(the phone clock is wrong\) · last .* via Traccar \/ OsmAnd$/);
      await page.locator('[data-testid="reception"]').scrollIntoViewIfNeeded();
      await screenshot(page, `reception-skipped-${size.name}`);

      // A new drop and then a good fix: the counts follow without a reload.
      assert.equal(await osmand('DR_1', `lat=0&lon=0&timestamp=${Math.floor(Date.now() / 1000) - 5}`), 200);
      assert.equal(await osmand('DR_1', `lat=48.1372&lon=11.575&timestamp=${Math.floor(Date.now() / 1000)}&speed=5`), 200);
      await waitForText(page, '[data-testid="dropped-today"]', new RegExp(`^${before + 1} at 0,0`), 15_000);
      assert.deepEqual(tp.errors, []);
    });
  }
});
