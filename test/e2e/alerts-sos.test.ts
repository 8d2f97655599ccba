/**
 * An SOS from end to end, in real Chromium against a real server: the driver app (a phone at
 * 390×844, enrolled by link, on duty at an emulated position) holds SOS — its "Keep holding…"
 * text stays readable on its own chip while the fill grows; the console's Alerts page shows where
 * (a pin on the small offline map, the coordinates, copyable) and how long ago, kept current;
 * the dispatcher acknowledges and resolves it and the page names them by display name; the phone
 * shows "Help is on the way — Operations acknowledged …" then "Resolved by Operations: <note>",
 * and still does after a reload.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newPage, type TestPage } from '../support/browser';
import type { TestServer } from '../support/server';
import { COMPANY, Driver, openConsole, startConsoleServer, waitForText } from './console-fixtures';

const SHOTS = process.env.FLEETDESK_SHOTS ?? '/tmp/shots';
const AT = { latitude: 48.13512, longitude: 11.58198 };
const NOTE = 'Recovery truck on its way, ETA 20 min.';

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `sos-${name}.png`) });
}

const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').trim();

/** WCAG contrast ratio of two `rgb(…)` colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** What is under the hold text right now: its colour, its own background, how far the fill has grown. */
const holdLook = (page: Page) =>
  page.evaluate(() => {
    const button = document.querySelector('[data-testid="sos-button"]')!;
    const label = button.querySelector('.drv-sos-text')!;
    const fill = button.querySelector('.drv-sos-fill')!;
    const css = getComputedStyle(label);
    return {
      text: label.textContent,
      color: css.color,
      background: css.backgroundColor,
      buttonBackground: getComputedStyle(button).backgroundColor,
      progress: fill.getBoundingClientRect().width / button.getBoundingClientRect().width,
    };
  });

describe('SOS: driver app → console → driver app', { timeout: 240_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let desk: TestPage;
  let phone: { context: BrowserContext; page: Page; errors: string[] };
  const row = () => '[data-testid="alert-row"][data-kind="sos"]';

  before(async () => {
    srv = await startConsoleServer([{ id: 'DR_1', display_name: 'Van 1' }, { id: 'DR_2', display_name: 'Van 2' }]);
    browser = await launchBrowser();
    desk = await newPage(browser);
    await desk.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url });
    await openConsole(desk.page, srv);
    await desk.page.click('[data-testid="nav-alerts"]');
    await desk.page.waitForSelector('[data-testid="alerts-page"]');

    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 1,
      isMobile: true,
      hasTouch: true,
      permissions: ['geolocation'],
      geolocation: { ...AT, accuracy: 5 },
    });
    await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (r) => r.abort('internetdisconnected'));
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    phone = { context, page, errors };
    const admin = srv.token(COMPANY, 'ops');
    const link = await srv.api('POST', '/api/v1/devices/DR_1/enrolment', { token: admin, body: {} });
    await page.goto(srv.url + link.body.path);
    await waitForText(page, '[data-testid="driver-name"]', 'Van 1');
    await page.click('[data-testid="duty-button"]');
    await page.waitForFunction(() => (globalThis as any).__fleetdeskDriver?.state().lastFix !== null);
  });

  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test('the hold text stays readable while the fill grows; the SOS goes out after 2 s', async () => {
    const { page } = phone;
    const idle = await holdLook(page);
    assert.ok(contrast(idle.color, idle.buttonBackground) >= 4.5, `idle text ${idle.color} on ${idle.buttonBackground}`);
    // hover() waits for the button to stand still (the screen above it settles after duty starts).
    await page.hover('[data-testid="sos-button"]');
    await page.mouse.down();
    await page.waitForSelector('.drv-sos-holding', { timeout: 1000 });
    for (const [at, name] of [
      [0.25, 'hold-25'],
      [0.5, 'hold-50'],
      [0.9, 'hold-90'],
    ] as const) {
      await page.waitForFunction(
        (at) => {
          const b = document.querySelector('[data-testid="sos-button"]')!;
          return b.querySelector('.drv-sos-fill')!.getBoundingClientRect().width / b.getBoundingClientRect().width >= at;
        },
        at,
        { polling: 'raf' },
      );
      const look = await holdLook(page);
      if (name !== 'hold-90') await shot(page, name);
      assert.equal(look.text, 'Keep holding…');
      assert.ok(look.progress >= at && look.progress < 1, `fill at ${look.progress}`);
      // The text sits on a chip of its own (what the fill or the button show around it does not matter),
      // and differs from it enough to read.
      assert.notEqual(look.background, 'rgba(0, 0, 0, 0)', 'the text sits on a chip of its own');
      assert.notEqual(look.color, look.background);
      assert.ok(contrast(look.color, look.background) >= 4.5, `text ${look.color} on ${look.background}`);
    }
    await page.mouse.up();
    // Released at ~90 %: nothing sent; the fill is gone and the label is back.
    assert.equal((await holdLook(page)).text, 'SOS — hold 2 s');
    assert.equal((await srv.api('GET', '/api/v1/alerts', { token: srv.token(COMPANY, 'ops') })).body.length, 0);

    await page.hover('[data-testid="sos-button"]');
    await page.mouse.down();
    await page.waitForTimeout(2300);
    await page.mouse.up();
    await waitForText(page, '[data-testid="sos-state"]', 'SOS sent — the office has been alerted');
    assert.deepEqual(phone.errors, []);
  });

  test('the console shows where (pin, coordinates to copy) and how long ago, kept current', async () => {
    const { page } = desk;
    await page.waitForSelector(`${row()}[data-state="open"]`);
    assert.equal(await text(page, `${row()} [data-testid="alert-coords"]`), '48.13512, 11.58198');
    const pin = await page.waitForSelector(`${row()} [data-testid="alert-pin"]`);
    assert.equal(Number(await pin.getAttribute('data-lat')), AT.latitude);
    assert.equal(Number(await pin.getAttribute('data-lng')), AT.longitude);
    // The pin stands inside its small map, centred.
    const mapBox = (await page.locator(`${row()} [data-testid="alert-minimap"]`).boundingBox())!;
    const pinBox = (await pin.boundingBox())!;
    const tipX = pinBox.x + pinBox.width / 2;
    assert.ok(Math.abs(tipX - (mapBox.x + mapBox.width / 2)) < 3, 'pin centred horizontally');
    assert.ok(pinBox.y > mapBox.y && pinBox.y + pinBox.height <= mapBox.y + mapBox.height / 2 + 3, 'pin tip at the centre');
    // The banner has the coordinates too.
    assert.equal(await text(page, '[data-testid="alert"] [data-testid="alert-coords"]'), '48.13512, 11.58198');

    const first = await text(page, `${row()} [data-testid="alert-elapsed"]`);
    assert.match(first, /^(just now|\d+ s ago)$/);
    await page.waitForFunction(
      ({ sel, first }) => (document.querySelector(sel)?.textContent ?? '') !== first,
      { sel: `${row()} [data-testid="alert-elapsed"]`, first },
      { timeout: 5000 },
    );
    assert.match(await text(page, `${row()} [data-testid="alert-elapsed"]`), /^\d+ s ago$/);

    await page.click(`${row()} [data-testid="alert-copy"]`);
    await waitForText(page, `${row()} [data-testid="alert-copy"]`, 'Copied');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), '48.13512, 11.58198');
    await shot(page, 'console-open');
  });

  test('acknowledged in the console: by display name there, "help is on the way" on the phone', async () => {
    await desk.page.click(`${row()} [data-testid="alert-row-ack"]`);
    await desk.page.waitForSelector(`${row()}[data-state="acknowledged"]`);
    assert.match(await text(desk.page, `${row()} [data-testid="alert-row-ack-by"]`), /^Operations · /);
    await waitForText(phone.page, '[data-testid="office-reply"]', /Help is on the way — Operations acknowledged your SOS at \d\d:\d\d/);
    assert.equal(await phone.page.getAttribute('[data-testid="office-reply"]', 'data-state'), 'acknowledged');
    await shot(phone.page, 'phone-acknowledged');
  });

  test('resolved with a note: the phone shows who and the note, also after a reload', async () => {
    await desk.page.click(`${row()} [data-testid="alert-row-resolve"]`);
    await desk.page.fill(`${row()} [data-testid="resolve-note"]`, NOTE);
    await desk.page.click(`${row()} [data-testid="resolve-submit"]`);
    await desk.page.waitForSelector(`${row()}[data-state="resolved"]`);
    assert.match(await text(desk.page, `${row()} [data-testid="alert-row-resolved-by"]`), /^Operations · /);
    await shot(desk.page, 'console-resolved');

    const reply = '[data-testid="office-reply"][data-state="resolved"]';
    await phone.page.waitForSelector(reply);
    assert.match(await text(phone.page, reply), new RegExp(`^Resolved by Operations: ${NOTE.replace(/[.]/g, '\\.')}`));
    await shot(phone.page, 'phone-resolved');
    await phone.page.reload();
    await phone.page.waitForSelector(reply);
    assert.equal(await text(phone.page, `${reply} [data-testid="office-note"]`), NOTE);
    assert.deepEqual(phone.errors, []);
  });

  test('acknowledged by a dispatcher deleted since: their id, marked removed', async () => {
    await srv.user(COMPANY, 'temp', 'office');
    const van2 = await Driver.connect(srv, 'DR_2');
    van2.socket.send({ action: 'alert', id: 'DR_2', seq: 1, payload: { kind: 'sos', timestamp: Date.now(), lat: 52.52, lng: 13.405 } });
    assert.equal((await van2.socket.next((m) => m.seq === 1)).type, 'ack');
    const list = (await srv.api('GET', '/api/v1/alerts', { token: srv.token(COMPANY, 'ops') })).body as { id: number; device_id: string }[];
    const id = list.find((a) => a.device_id === 'DR_2')!.id;
    const theirs = `[data-testid="alert-row"][data-alert-id="${id}"]`;
    await desk.page.waitForSelector(`${theirs}[data-state="open"]`);
    assert.equal((await srv.api('POST', `/api/v1/alerts/${id}/acknowledge`, { token: srv.token(COMPANY, 'temp') })).status, 200);
    await desk.page.waitForSelector(`${theirs}[data-state="acknowledged"]`);
    assert.match(await text(desk.page, `${theirs} [data-testid="alert-row-ack-by"]`), /^temp · /);
    assert.equal((await srv.api('DELETE', '/api/v1/users/temp', { token: srv.token(COMPANY, 'ops') })).status, 204);
    await desk.page.click('[data-testid="alerts-state-acknowledged"]');
    await waitForText(desk.page, `${theirs} [data-testid="alert-row-ack-by"]`, /^temp \(removed\) · /);
    van2.close();
    assert.deepEqual(desk.errors, []);
  });
});
