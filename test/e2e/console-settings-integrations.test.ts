/**
 * Settings for integrators and trips, in a real console against a real server: creating an API
 * key (shown once; it then reads the event log with X-API-Key), revoking it, and changing the
 * trip detection settings (validated by the server, kept after a reload).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_TRIP_SETTINGS } from '../../shared/api/trips';
import { launchBrowser, newPage, type TestPage } from '../support/browser';
import type { TestServer } from '../support/server';
import { COMPANY, openConsole, startConsoleServer, waitForText } from './console-fixtures';

const SHOTS = process.env.FLEETDESK_SHOTS ?? '/tmp/shots';

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `settings-${name}.png`), fullPage: true });
}

describe('console settings: API keys and trips', { timeout: 120_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let tp: TestPage;
  let page: Page;

  before(async () => {
    srv = await startConsoleServer();
    browser = await launchBrowser();
    tp = await newPage(browser);
    page = tp.page;
    page.on('dialog', (d) => void d.accept());
    await openConsole(page, srv);
    await page.click('[data-testid="nav-settings"]');
    await page.waitForSelector('[data-testid="api-keys"]');
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test('an API key is created and shown once, reads the event log, and stops working when revoked', async () => {
    await page.click('[data-testid="api-keys"] button[type="submit"]');
    await waitForText(page, '[data-testid="api-key-name-error"]', 'Give the key a name');
    assert.equal(await page.getAttribute('[data-testid="api-keys"] input', 'aria-invalid'), 'true');
    await page.fill('[data-testid="api-keys"] input', 'billing backend');
    await page.click('[data-testid="api-keys"] button[type="submit"]');
    await page.waitForSelector('[data-testid="api-key-value"]');
    const key = ((await page.textContent('[data-testid="api-key-value"]')) ?? '').trim();
    assert.match(key, /^fdk_/);
    await waitForText(page, '[data-testid="api-key-row"]', 'billing backend');
    // The new key's block: its name, then the key with a copy button, then what to do.
    await waitForText(page, '[data-testid="api-key-created-name"]', 'billing backend');
    const order = await page.$$eval('[data-testid="api-key-created"] > *', (els) => els.map((e) => e.className));
    assert.deepEqual(order.slice(0, 3), ['new-api-key-name', 'copy-field', 'new-api-key-help']);
    assert.equal(((await page.textContent('[data-testid="api-key-row"]')) ?? '').includes(key), false, 'the list shows a prefix, not the key');
    await shot(page, 'api-key-created');

    const events = await srv.api('GET', '/api/v1/events', { headers: { 'x-api-key': key } });
    assert.equal(events.status, 200);
    await page.click('[data-testid="api-key-row"] button');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="api-key-row"]').length === 0);
    assert.equal((await srv.api('GET', '/api/v1/events', { headers: { 'x-api-key': key } })).status, 401);
  });

  test('trip settings show the defaults, refuse a bad value in plain words at the field (the server\'s limits), save and survive a reload', async () => {
    const card = '[data-testid="trip-settings"]';
    assert.equal(await page.inputValue('[data-testid="trip-stop_duration_s"]'), String(DEFAULT_TRIP_SETTINGS.stop_duration_s));
    await page.fill('[data-testid="trip-stop_radius_m"]', '5');
    await page.click(`${card} button[type="submit"]`);
    // The server refuses it; its details name the field and both limits.
    await waitForText(page, '[data-testid="trip-field-stop_radius_m-error"]', 'Stop radius must be between 20 and 2,000 m.');
    const cardText = (await page.textContent(card)) ?? '';
    assert.doesNotMatch(cardText, /body\/|stop_radius_m|must be >=/);
    assert.equal(await page.getAttribute('[data-testid="trip-stop_radius_m"]', 'aria-invalid'), 'true');
    // The focus moves in an effect after the refusal (an answer from the server) has rendered.
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'trip-stop_radius_m', undefined, { timeout: 5_000 }).catch(() => {});
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'trip-stop_radius_m', 'the refused field has the focus');
    await shot(page, 'trips-refused');
    await page.fill('[data-testid="trip-stop_radius_m"]', 'abc');
    await page.click(`${card} button[type="submit"]`);
    await waitForText(page, '[data-testid="trip-field-stop_radius_m-error"]', 'Stop radius must be a number.');
    await page.fill('[data-testid="trip-stop_radius_m"]', '150');
    await page.fill('[data-testid="trip-speed_limit_kmh"]', '90');
    await page.click(`${card} button[type="submit"]`);
    await waitForText(page, '[data-testid="trip-settings-message"]', 'Saved.');
    assert.equal(await page.getAttribute('[data-testid="trip-stop_radius_m"]', 'aria-invalid'), null, 'no field is marked any more');
    const stored = srv.ctx.trips.settings(COMPANY);
    assert.equal(stored.stop_radius_m, 150);
    assert.equal(stored.speed_limit_kmh, 90);
    // The banner goes with the next edit.
    await page.fill('[data-testid="trip-min_fixes"]', '4');
    assert.equal(await page.locator('[data-testid="trip-settings-message"]').count(), 0, 'the Saved banner clears on the next edit');
    await page.fill('[data-testid="trip-min_fixes"]', String(DEFAULT_TRIP_SETTINGS.min_fixes));
    await shot(page, 'trips');
    await page.reload();
    await page.waitForSelector('[data-testid="trip-stop_radius_m"]');
    assert.equal(await page.inputValue('[data-testid="trip-stop_radius_m"]'), '150');
  });
});
