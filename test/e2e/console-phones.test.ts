/**
 * The console's side of "phones connect", against a real server (HTTPS and OsmAnd ports on)
 * and real Chromium: the "Connect a phone" dialog (each app's settings, QR codes, an enrolment
 * link a phone can redeem, replacing the key), unknown devices (adopt, dismiss), live phone
 * status in the list and panel, the SOS/crash alert banner, and the phone settings.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { GPSLOGGER_URL_TEMPLATE } from '../../shared/protocol/gpslogger';
import { launchBrowser, newPage, type TestPage } from '../support/browser';
import type { TestServer } from '../support/server';
import { ADMIN, ADMIN_PASSWORD, COMPANY, Driver, openConsole, startConsoleServer, waitForText } from './console-fixtures';

const SHOTS = process.env.FLEETDESK_SHOTS ?? '/tmp/shots';
const DRIVERS = [
  { id: 'DR_1', display_name: 'Van 1', first_name: 'Ana', last_name: 'Berg' },
  { id: 'DR_2', display_name: 'Van 2', vehicle_plate: 'M-AB 202' },
];

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `console-${name}.png`) });
}

const text = async (page: Page, testId: string) => ((await page.textContent(`[data-testid="${testId}"]`)) ?? '').trim();

/** A QR code the dialog drew: its encoded value, and the image's rendered size. */
async function qr(page: Page, testId: string): Promise<{ value: string; width: number; height: number }> {
  const sel = `[data-testid="${testId}"] img`;
  await page.waitForFunction((s) => {
    const img = document.querySelector<HTMLImageElement>(s);
    return !!img && img.complete && img.naturalWidth > 0;
  }, sel);
  return page.$eval(`[data-testid="${testId}"]`, (fig) => {
    const img = fig.querySelector('img')!;
    const r = img.getBoundingClientRect();
    return { value: fig.getAttribute('data-value') ?? '', width: Math.min(r.width, img.naturalWidth), height: Math.min(r.height, img.naturalHeight) };
  });
}

describe('console: connecting phones', { timeout: 240_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let tp: TestPage;
  let page: Page;
  let admin: string;
  let info: { port: number; https_port: number; osmand_port: number; tls_fingerprint: string; lan_hosts: string[] };
  const drivers: Driver[] = [];

  before(async () => {
    srv = await startConsoleServer(DRIVERS, { httpsPort: 0, osmandPort: 0 });
    admin = (await srv.api('POST', '/api/v1/auth/login', { body: { company: COMPANY, user_id: ADMIN, password: ADMIN_PASSWORD } })).body.token;
    info = (await srv.api('GET', '/api/v1/server/info', { token: admin })).body;
    assert.ok(info.https_port > 0 && info.osmand_port > 0 && info.tls_fingerprint, JSON.stringify(info));
    browser = await launchBrowser();
    tp = await newPage(browser);
    page = tp.page;
    await openConsole(page, srv);
  });
  after(async () => {
    for (const d of drivers) d.close();
    await browser?.close();
    await srv?.stop();
  });

  const keyOf = async (id: string) => (await srv.api('GET', `/api/v1/devices/${id}/key`, { token: admin })).body as { device_key: string; strong: boolean };

  test('"Connect a phone" shows each app\'s exact settings for the driver, with QR codes', async () => {
    const { device_key: key } = await keyOf('DR_1');
    await page.click('[data-testid="device-row"][data-device-id="DR_1"]');
    await page.click('[data-testid="connect-phone"]');
    await page.waitForSelector('[data-testid="connect-dialog"] [data-testid="device-key"]');
    assert.equal(await text(page, 'device-key'), key);
    // The test server listens on 127.0.0.1: no LAN address, so the dialog says so and uses the page's host.
    assert.deepEqual(info.lan_hosts, []);
    assert.match(await text(page, 'loopback-warning'), /phones cannot reach it.*--host 0\.0\.0\.0.*127\.0\.0\.1/s);

    // Driver app: a one-time https link to the driver page, its QR code and the certificate to compare.
    await page.click('[data-testid="create-enrolment"]');
    await page.waitForSelector('[data-testid="enrolment-url-value"]');
    const link = await text(page, 'enrolment-url-value');
    const m = link.match(new RegExp(`^https://127\\.0\\.0\\.1:${info.https_port}/driver#enrol=([A-Za-z0-9_-]+)$`));
    assert.ok(m, link);
    assert.equal(await text(page, 'tls-fingerprint'), info.tls_fingerprint);
    assert.match(await text(page, 'enrolment-expiry'), /Valid until/);
    const enrolQr = await qr(page, 'qr-enrolment');
    assert.equal(enrolQr.value, link);
    assert.ok(enrolQr.width > 100 && enrolQr.height > 100, JSON.stringify(enrolQr));
    await shot(page, 'connect-driver-app');

    // The phone redeems the code: a driver session for DR_1 with its key; the code works once.
    const enrol = await srv.api('POST', '/api/v1/driver/enrol', { body: { code: m[1] } });
    assert.equal(enrol.status, 200, JSON.stringify(enrol.body));
    assert.equal(enrol.body.user_id, 'DR_1');
    assert.equal(enrol.body.device_key, key);
    const again = await srv.api('POST', '/api/v1/driver/enrol', { body: { code: m[1] } });
    assert.ok(again.status >= 400 && again.status < 500 && typeof again.body.message === 'string', JSON.stringify(again));

    // Traccar Client: the OsmAnd port and the key as the device identifier.
    await page.click('[data-testid="tab-traccar"]');
    assert.equal(await text(page, 'traccar-url-value'), `http://127.0.0.1:${info.osmand_port}`);
    assert.equal(await text(page, 'traccar-id-value'), key);
    assert.equal((await qr(page, 'qr-traccar-url')).value, `http://127.0.0.1:${info.osmand_port}`);
    const idQr = await qr(page, 'qr-traccar-id');
    assert.equal(idQr.value, key);
    assert.ok(idQr.width > 50, 'idQr.width > 50');
    await shot(page, 'connect-traccar');

    // OwnTracks: HTTP mode, user id and key as credentials, and a remote-configuration link with the same.
    await page.click('[data-testid="tab-owntracks"]');
    const otUrl = `http://127.0.0.1:${info.port}/owntracks`;
    assert.equal(await text(page, 'owntracks-url-value'), otUrl);
    assert.equal(await text(page, 'owntracks-user-value'), 'DR_1');
    assert.equal(await text(page, 'owntracks-password-value'), key);
    assert.equal(await text(page, 'owntracks-tid'), 'V1');
    const configLink = (await page.getAttribute('[data-testid="owntracks-config-link"]', 'href')) ?? '';
    assert.ok(configLink.startsWith('owntracks:///config?inline='), configLink);
    const config = JSON.parse(Buffer.from(decodeURIComponent(configLink.slice('owntracks:///config?inline='.length)), 'base64').toString('utf8'));
    assert.deepEqual(config, { _type: 'configuration', mode: 3, url: otUrl, auth: true, username: 'DR_1', password: key, deviceId: 'phone', tid: 'V1' });
    assert.equal((await qr(page, 'qr-owntracks')).value, configLink);
    await shot(page, 'connect-owntracks');

    // GPSLogger: the custom URL with host, port and key filled in.
    await page.click('[data-testid="tab-gpslogger"]');
    const gpsUrl = GPSLOGGER_URL_TEMPLATE.replace('HOST', '127.0.0.1').replace('PORT', String(info.port)).replace('DEVICE_KEY', key);
    assert.equal(await text(page, 'gpslogger-url-value'), gpsUrl);
    assert.match(gpsUrl, /^http:\/\/127\.0\.0\.1:\d+\/gpslogger\?key=[A-Za-z0-9_-]+&lat=%LAT&lon=%LON&/);
    await shot(page, 'connect-gpslogger');
    assert.equal(await page.$('[data-testid="weak-key-warning"]'), null, 'a random key is strong');
  });

  test('"Replace key" asks first, then shows the new key; the old one stops working', async () => {
    const old = await text(page, 'device-key');
    assert.equal((await srv.api('POST', '/api/v1/driver/session', { body: { device_key: old } })).status, 200);
    await page.click('[data-testid="rotate-key"]');
    assert.match((await page.textContent('.confirm-box')) ?? '', /Every phone connected as this driver stops reporting at once/);
    await shot(page, 'connect-replace-key');
    await page.click('[data-testid="rotate-confirm"]');
    await waitForText(page, '[data-testid="rotate-message"]', 'Key replaced');
    const fresh = await text(page, 'device-key');
    assert.notEqual(fresh, old);
    assert.equal(fresh, (await keyOf('DR_1')).device_key);
    // The tabs follow the new key.
    assert.ok((await text(page, 'gpslogger-url-value')).includes(`key=${fresh}&`), '(await text(page, \'gpslogger-url-value\')).includes(`key=${fresh}&`)');
    const stale = await srv.api('POST', '/api/v1/driver/session', { body: { device_key: old } });
    assert.equal(stale.status, 401, JSON.stringify(stale.body));
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="connect-dialog"]', { state: 'detached' });
  });

  test('a phone declared by its own identifier in Settings shows up when it reports; adopt makes a driver, dismiss removes one', async () => {
    const pixel = 'owntracks-pixel-7-ana-000000001';
    const traccar = 'traccar-tablet-depot-north-0000042';
    // Declared in Settings, as an admin would; a short identifier is refused with what to do instead.
    await page.click('[data-testid="nav-settings"]');
    await page.fill('[data-testid="expect-identifier"]', '123456');
    await page.click('[data-testid="expect-submit"]');
    await waitForText(page, '[data-testid="expect-identifier-field-error"]', /too short .* Set the app’s identifier to the device key shown in Connect a phone instead/);
    assert.equal(await page.getAttribute('[data-testid="expect-identifier"]', 'aria-invalid'), 'true');
    await page.locator('[data-testid="expect-phone"]').scrollIntoViewIfNeeded();
    await shot(page, 'expect-phone-refused');
    for (const id of [pixel, traccar]) {
      await page.fill('[data-testid="expect-identifier"]', id);
      await page.click('[data-testid="expect-submit"]');
      await page.waitForSelector('[data-testid="expect-done"]');
    }
    await page.click('[data-testid="nav-map"]');
    // The phones report: a Traccar Client over the OsmAnd route, an OwnTracks twice.
    assert.equal((await fetch(`${srv.url}/osmand?id=${traccar}&lat=48.1&lon=11.5`)).status, 404);
    const ot = { authorization: `Basic ${Buffer.from(`ana:${pixel}`).toString('base64')}`, 'content-type': 'application/json' };
    for (let i = 0; i < 2; i++) assert.equal((await fetch(`${srv.url}/owntracks`, { method: 'POST', headers: ot, body: '{"_type":"location","lat":48.2,"lon":11.6,"tst":1700000000}' })).status, 401);
    // The console polls every 10 s.
    await page.waitForSelector(`[data-testid="unknown-device"][data-identifier="${traccar}"]`, { timeout: 15_000 });
    await page.waitForSelector(`[data-testid="unknown-device"][data-identifier="${pixel}"]`, { timeout: 15_000 });
    assert.match(await text(page, 'unknown-devices'), /2 declared phones are waiting to be adopted/);
    // A poll may have run between the two OwnTracks attempts: the next one (10 s on) counts both.
    await waitForText(page, `[data-identifier="${pixel}"]`, /via OwnTracks, 2 attempts/, 15_000).catch(() => {});
    assert.match((await page.textContent(`[data-identifier="${pixel}"]`)) ?? '', new RegExp(`${pixel} via OwnTracks, 2 attempts, last (just now|\\d+ s ago) from 127\\.0\\.0\\.1`));
    assert.match((await page.textContent(`[data-identifier="${traccar}"]`)) ?? '', /via Traccar \/ OsmAnd, 1 attempt, last/);

    // A bad id is refused before any request; adopting onto a user who is no driver is refused by the server.
    await page.click(`[data-identifier="${pixel}"] [data-testid="adopt-open"]`);
    await page.fill('[data-testid="adopt-id"]', '-bad id');
    await page.click('[data-testid="adopt-submit"]');
    await waitForText(page, '[data-testid="adopt-id-field-error"]', /An id has 1–64 letters/);
    assert.equal(await page.getAttribute('[data-testid="adopt-id"]', 'aria-invalid'), 'true');
    await page.fill('[data-testid="adopt-id"]', ADMIN);
    await page.click('[data-testid="adopt-submit"]');
    await waitForText(page, '[data-testid="adopt-id-field-error"]', `${ADMIN} is not a driver: only drivers have a device key. Choose another id.`);
    await page.click(`[data-identifier="${pixel}"] [data-testid="dismiss-unknown"]`);
    await page.waitForSelector(`[data-identifier="${pixel}"]`, { state: 'detached' });
    assert.equal(srv.ctx.unknownDevices.get(COMPANY, pixel), undefined);

    await page.click(`[data-identifier="${traccar}"] [data-testid="adopt-open"]`);
    await page.fill('[data-testid="adopt-id"]', 'tablet-north');
    await page.fill('[data-testid="adopt-name"]', 'Traccar tablet');
    await shot(page, 'unknown-adopt');
    await page.click('[data-testid="adopt-submit"]');
    await page.waitForSelector('[data-testid="device-row"][data-device-id="tablet-north"]');
    await page.waitForSelector('[data-testid="unknown-devices"]', { state: 'detached' });
    await waitForText(page, '[data-testid="panel-name"]', 'Traccar tablet');
    const key = await keyOf('tablet-north');
    assert.deepEqual(key, { device_id: 'tablet-north', device_key: traccar, strong: true });
    assert.deepEqual((await srv.api('GET', '/api/v1/unknown-devices', { token: admin })).body, []);
    assert.equal((await fetch(`${srv.url}/osmand?id=${traccar}&lat=48.1&lon=11.5`)).status, 200);
  });

  test('a phone still sending a replaced key is shown to its company with whose key it was (screenshot)', async () => {
    await srv.user(COMPANY, 'DR_old', 'driver', { display_name: 'Old van' });
    const old = srv.ctx.users.get(COMPANY, 'DR_old')!.device_key;
    assert.equal((await srv.api('POST', '/api/v1/devices/DR_old/key/rotate', { token: admin })).status, 200);
    const r = await fetch(`${srv.url}/osmand?id=${old}&lat=48.2&lon=11.6`);
    assert.equal(r.status, 401);
    await page.waitForSelector(`[data-testid="unknown-device"][data-kind="retired"]`, { timeout: 15_000 });
    assert.match(await text(page, 'unknown-devices'), /^A phone still uses a replaced key/);
    assert.match((await page.textContent('[data-kind="retired"]')) ?? '', /A phone still sends the replaced key of DR_old via Traccar \/ OsmAnd, 1 attempt/);
    assert.equal(await page.$('[data-kind="retired"] [data-testid="adopt-open"]'), null, 'a replaced key is not adopted: the phone needs the new key');
    await shot(page, 'unknown-notice');
    // An office user does not see them.
    const office = await newPage(browser);
    try {
      await srv.user(COMPANY, 'desk', 'office');
      await openConsole(office.page, srv, 'desk');
      await office.page.waitForSelector('[data-testid="device-row"]');
      assert.equal(await office.page.$('[data-testid="unknown-devices"]'), null);
      assert.equal((await srv.api('GET', '/api/v1/unknown-devices', { token: srv.token(COMPANY, 'desk') })).status, 403);
    } finally {
      await office.context.close();
    }
    await page.click('[data-kind="retired"] [data-testid="dismiss-unknown"]');
    await page.waitForSelector('[data-testid="unknown-devices"]', { state: 'detached' });
  });

  test('a heartbeat shows the battery in the row and the phone status in the panel, live', async () => {
    const dr2 = await Driver.connect(srv, 'DR_2');
    drivers.push(dr2);
    await dr2.send({ lat: 48.14, lng: 11.58, speed: 0 });
    dr2.socket.send({ action: 'heartbeat', id: 'DR_2', seq: 101, payload: { battery: 12, charging: false, gps: 'granted', duty: true, pending: 3, connection: 'mobile', app: 'FleetDesk 0.1.0', online: true } });
    assert.equal((await dr2.socket.next((m) => m.seq === 101)).type, 'ack');
    const battery = '[data-testid="device-row"][data-device-id="DR_2"] [data-testid="battery"]';
    await page.waitForSelector(`${battery}[data-level="12"]`);
    assert.equal(await page.getAttribute(battery, 'class'), 'battery-icon low');
    assert.equal(await page.getAttribute(battery, 'title'), 'Battery 12 %');
    // The app is named in the panel, not repeated on every row.
    assert.doesNotMatch((await page.textContent('[data-testid="device-row"][data-device-id="DR_2"]')) ?? '', /FleetDesk 0\.1\.0/);

    await page.click('[data-testid="device-row"][data-device-id="DR_2"]');
    await waitForText(page, '[data-testid="phone-status"]', /Battery.*12%.*not charging.*GPS\s*Allowed.*Duty\s*On duty.*Pending\s*3 fixes queued.*Network\s*Mobile data.*App\s*FleetDesk 0\.1\.0 via Driver app/s);

    dr2.socket.send({ action: 'heartbeat', id: 'DR_2', seq: 102, payload: { battery: 80, charging: true, pending: 0, duty: false } });
    assert.equal((await dr2.socket.next((m) => m.seq === 102)).type, 'ack');
    await page.waitForSelector(`${battery}[data-level="80"]`);
    assert.equal(await page.getAttribute(battery, 'class'), 'battery-icon charging');
    assert.equal(await page.getAttribute(battery, 'title'), 'Battery 80 %, charging');
    await waitForText(page, '[data-testid="phone-status"]', /80%.*charging.*Off duty.*none queued/s);
    await waitForText(page, '[data-testid="heartbeat-age"]', /just now|\d+ s ago/);
    await shot(page, 'device-status');
  });

  test('a crash alert shows the red banner, sounds the alarm, shows on the map and is acknowledged', async () => {
    const dr2 = drivers[0]!;
    assert.equal((await srv.api('GET', '/api/v1/alerts?open=true', { token: admin })).body.length, 0);
    await page.click('[data-testid="panel-close"]');
    dr2.socket.send({ action: 'alert', id: 'DR_2', seq: 201, payload: { kind: 'crash', timestamp: Date.now(), lat: 48.1372, lng: 11.5755, peak_g: 7.34, threshold_g: 4 } });
    assert.equal((await dr2.socket.next((m) => m.seq === 201)).type, 'ack');
    await page.waitForSelector('[data-testid="alert"][data-kind="crash"]');
    const banner = await text(page, 'alert-banner');
    assert.match(banner, /Possible crash\s*Van 2.*peak 7\.3 g/s);
    // A new alert sounded the alarm (WebAudio).
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="alert-banner"]')?.getAttribute('data-alarms')) >= 1);
    await shot(page, 'alert-banner');

    await page.click('[data-testid="alert-show"]');
    await page.waitForSelector('[data-testid="device-panel"][data-device-id="DR_2"]');
    // The map flew to the crash position.
    await page.waitForFunction(() => {
      const map = (window as unknown as { __fleetdeskMap?: { map: { getCenter(): { lat: number; lng: number }; getZoom(): number } } }).__fleetdeskMap?.map;
      if (!map) return false;
      const c = map.getCenter();
      return Math.abs(c.lat - 48.1372) < 0.001 && Math.abs(c.lng - 11.5755) < 0.001 && map.getZoom() >= 16;
    });

    // An SOS without a position still shows; both are open until acknowledged.
    dr2.socket.send({ action: 'alert', id: 'DR_2', seq: 202, payload: { kind: 'sos', timestamp: Date.now() } });
    assert.equal((await dr2.socket.next((m) => m.seq === 202)).type, 'ack');
    await page.waitForSelector('[data-testid="alert"][data-kind="sos"]');
    assert.equal((await page.$$('[data-testid="alert"]')).length, 2);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="alert-banner"]')?.getAttribute('data-alarms')) >= 2);
    await shot(page, 'alert-banner-two');

    await page.click('[data-testid="alert"][data-kind="crash"] [data-testid="alert-ack"]');
    await page.waitForSelector('[data-testid="alert"][data-kind="crash"]', { state: 'detached' });
    await page.click('[data-testid="alert"][data-kind="sos"] [data-testid="alert-ack"]');
    await page.waitForSelector('[data-testid="alert-banner"]', { state: 'detached' });
    const open = await srv.api('GET', '/api/v1/alerts?open=true', { token: admin });
    assert.deepEqual(open.body, []);
    const all = (await srv.api('GET', '/api/v1/alerts', { token: admin })).body as { acknowledged_by: string }[];
    assert.deepEqual(
      all.map((a) => a.acknowledged_by),
      [ADMIN, ADMIN],
    );
  });

  test('an alert open when the console starts is shown after sign-in', async () => {
    const dr2 = drivers[0]!;
    dr2.socket.send({ action: 'alert', id: 'DR_2', seq: 301, payload: { kind: 'sos', timestamp: Date.now(), lat: 48.14, lng: 11.58 } });
    assert.equal((await dr2.socket.next((m) => m.seq === 301)).type, 'ack');
    const fresh = await newPage(browser);
    try {
      await openConsole(fresh.page, srv);
      await fresh.page.waitForSelector('[data-testid="alert"][data-kind="sos"]');
      // Right after sign-in the alert can arrive before the device list: named by id until then.
      await waitForText(fresh.page, '[data-testid="alert-banner"]', /SOS\s*Van 2/).catch(() => {});
      assert.match((await fresh.page.textContent('[data-testid="alert-banner"]')) ?? '', /SOS\s*Van 2/);
      // The first console shows it too (it arrived live); acknowledged in the new console, it leaves both.
      await page.waitForSelector('[data-testid="alert"][data-kind="sos"]');
      await fresh.page.click('[data-testid="alert-ack"]');
      await fresh.page.waitForSelector('[data-testid="alert-banner"]', { state: 'detached' });
      assert.deepEqual(fresh.errors, []);
    } finally {
      await fresh.context.close();
    }
    // The server sends no message when an alert is acknowledged: the console re-checks open alerts every 30 s.
    await page.waitForSelector('[data-testid="alert-banner"]', { state: 'detached', timeout: 40_000 });
  });

  test('settings: crash threshold and OwnTracks sharing save and survive a reload; the server section shows ports and fingerprint', async () => {
    await page.click('[data-testid="nav-settings"]');
    await page.waitForSelector('[data-testid="server-ports"]');
    assert.equal(await text(page, 'https-port'), String(info.https_port));
    assert.equal(await text(page, 'osmand-port'), String(info.osmand_port));
    assert.equal(await text(page, 'settings-fingerprint'), info.tls_fingerprint);
    assert.match(await text(page, 'tls-kind'), /self-signed/);
    // The driver app's HTTPS address, first in the Phones card, to copy.
    assert.match(await text(page, 'driver-app-url-value'), new RegExp(`^https://[^/]+:${info.https_port}/driver$`));
    assert.equal(await page.locator('[data-testid="driver-app-insecure"]').count(), 0);
    assert.equal(await page.$eval('.settings-grid > :first-child', (el) => el.getAttribute('data-testid')), 'lan-addresses', 'the Phones card comes first');
    assert.equal(await page.inputValue('[data-testid="crash-threshold"]'), '4');
    assert.equal(await page.isChecked('[data-testid="owntracks-friends"]'), false);

    // Out of range: refused with a message, nothing saved.
    await page.fill('[data-testid="crash-threshold"]', '25');
    await page.click('[data-testid="company-settings"] button[type="submit"]');
    await waitForText(page, '[data-testid="crash-threshold-field-error"]', /from 1\.5 to 20 g/);
    assert.equal((await srv.api('GET', '/api/v1/company', { token: admin })).body.crash_threshold_g, 4);
    // The server refuses the same (the console checks first; the API is the authority).
    const direct = await srv.api('PATCH', `/api/v1/companies/${COMPANY}`, { token: admin, body: { crash_threshold_g: 1 } });
    assert.equal(direct.status, 400, JSON.stringify(direct.body));

    await page.fill('[data-testid="crash-threshold"]', '6.5');
    await page.check('[data-testid="owntracks-friends"]');
    await page.click('[data-testid="company-settings"] button[type="submit"]');
    await waitForText(page, '[data-testid="company-message"]', 'Saved.');
    const company = (await srv.api('GET', '/api/v1/company', { token: admin })).body;
    assert.equal(company.crash_threshold_g, 6.5);
    assert.equal(company.owntracks_friends, true);
    await shot(page, 'settings');

    await page.reload();
    await page.waitForSelector('[data-testid="company-settings"]');
    await page.waitForFunction(() => (document.querySelector('[data-testid="crash-threshold"]') as HTMLInputElement | null)?.value === '6.5');
    assert.equal(await page.isChecked('[data-testid="owntracks-friends"]'), true);
    assert.deepEqual(tp.errors, []);
  });
});
