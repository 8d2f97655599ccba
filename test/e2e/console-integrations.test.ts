/**
 * The Integrations page against a real server and a real local webhook receiver: an admin adds
 * a webhook destination in the dialog (plain messages at the fields for bad input, the generated
 * signing secret shown once, Send test showing the receiver's 200 and time), a second one for
 * SOS only; the receiver fails — the log shows the retries and the error, dead letters after the
 * attempt limit, and once the failure is older than three minutes on the server's clock the
 * header warns on every page; dead letters are sent again one and all; the filters and "Older"
 * narrow and page the log; a destination is switched off and deleted; an office user sees none
 * of it. Screenshots at 1440×900 and 390×844 in test-artifacts/screenshots/integrations/.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import type { Delivery, DeliveryPage, Destination } from '../../shared/api/notifications';
import { ARTIFACTS_DIR, launchBrowser, newPage, type TestPage } from '../support/browser';
import { ManualClock } from '../support/manual-clock';
import type { TestServer } from '../support/server';
import { ADMIN, ADMIN_PASSWORD, COMPANY, Driver, openConsole, startConsoleServer, waitForText } from './console-fixtures';

const SHOTS_DIR = path.join(ARTIFACTS_DIR, 'screenshots', 'integrations');
const SIZES = [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
];

interface Hit {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: any;
}

/** A webhook receiver on 127.0.0.1: `status` answers the main path; /sos always accepts. */
interface Receiver {
  url: string;
  hits: Hit[];
  status: number;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const r: Receiver = { url: '', hits: [], status: 200, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = req.url?.startsWith('/sos') ? 200 : r.status;
      const body = Buffer.concat(chunks).toString('utf8');
      if (status < 300) r.hits.push({ path: req.url ?? '', headers: req.headers, body, json: JSON.parse(body) });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'receiver busy');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  r.close = () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  return r;
}

async function until<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('console: Integrations page', { timeout: 240_000 }, () => {
  let srv: TestServer;
  let clock: ManualClock;
  let receiver: Receiver;
  let browser: Browser;
  let tp: TestPage;
  let page: Page;
  let token: string;
  let driver: Driver;
  let seq = 1000;
  let billing: Destination;
  let sosDesk: Destination;
  let secret: string;

  const destinations = async (): Promise<Destination[]> => (await srv.api('GET', '/api/v1/destinations', { token })).body.destinations;
  const deliveries = async (q = ''): Promise<Delivery[]> => ((await srv.api('GET', `/api/v1/deliveries?limit=200${q}`, { token })).body as DeliveryPage).deliveries;
  const dialog = () => page.getByTestId('destination-dialog');
  const row = (id: string) => page.locator(`[data-testid="destination-row"][data-destination-id="${id}"]`);
  const logRows = () => page.locator('[data-testid="delivery-row"]');
  const refreshLog = () => page.getByTestId('log-refresh').click();

  /** Shoots the page at both sizes (`prepare` runs after each resize), then restores the desktop size. */
  async function shoot(name: string, prepare: () => Promise<void> = async () => undefined): Promise<void> {
    fs.mkdirSync(SHOTS_DIR, { recursive: true });
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await prepare();
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(SHOTS_DIR, `${name}-${size.width}.png`) });
    }
    await page.setViewportSize(SIZES[0]!);
  }

  async function beat(battery: number): Promise<void> {
    const s = ++seq;
    driver.socket.send({ action: 'heartbeat', id: 'DR_1', seq: s, payload: { battery, connection: 'wifi', gps: 'granted', duty: true } });
    const reply = await driver.socket.next((m) => m.seq === s);
    assert.equal(reply.type, 'ack', JSON.stringify(reply));
  }

  async function sos(): Promise<void> {
    const s = ++seq;
    driver.socket.send({ action: 'alert', id: 'DR_1', seq: s, payload: { kind: 'sos', timestamp: Date.now() } });
    const reply = await driver.socket.next((m) => m.seq === s);
    assert.equal(reply.type, 'ack', JSON.stringify(reply));
  }

  before(async () => {
    clock = new ManualClock();
    receiver = await startReceiver();
    srv = await startConsoleServer(
      [
        { id: 'DR_1', display_name: 'Van 1' },
        { id: 'DR_2', display_name: 'Van 2' },
      ],
      { clock, notify: { retryBaseMs: 1_000, retryCapMs: 4_000, maxAttempts: 3, timeoutMs: 2_000 } },
    );
    await srv.user(COMPANY, 'clerk', 'office', { password: ADMIN_PASSWORD });
    token = (await srv.api('POST', '/api/v1/auth/login', { body: { company: COMPANY, user_id: ADMIN, password: ADMIN_PASSWORD } })).body.token;
    driver = await Driver.connect(srv, 'DR_1');
    browser = await launchBrowser();
    tp = await newPage(browser);
    page = tp.page;
    await openConsole(page, srv);
  });
  after(async () => {
    driver?.close();
    await browser?.close();
    await srv?.stop();
    await receiver?.close();
  });

  test('admins find Integrations next to Settings; no destinations yet', async () => {
    const nav = await page.$$eval('[data-testid^="nav-"]', (links) => links.map((a) => a.getAttribute('data-testid')));
    assert.deepEqual(nav.slice(-3), ['nav-users', 'nav-integrations', 'nav-settings']);
    await page.getByTestId('nav-integrations').click();
    await page.getByTestId('destinations-empty').waitFor();
    await page.getByTestId('delivery-empty').waitFor();
    assert.equal(await page.getByTestId('notify-warning').count(), 0);
  });

  test('bad input shows a plain sentence at its field: empty name and URL here, a bad URL and a reserved header from the server', async () => {
    await page.getByTestId('add-destination').click();
    await dialog().waitFor();
    // the defaults: a webhook, every event type, every device, on
    assert.equal(await dialog().locator('select[name="provider"]').inputValue(), 'webhook');
    assert.equal(await dialog().locator('[data-testid^="event-"][type="checkbox"]:not(:checked)').count(), 0);
    assert.equal(await dialog().getByTestId('devices-all').getAttribute('aria-checked'), 'true');
    assert.equal(await dialog().locator('input[name="secret"]').getAttribute('type'), 'password');

    // Amazon SNS asks for its own fields; a malformed topic ARN is named at its field by the server.
    await dialog().locator('select[name="provider"]').selectOption('aws-sns');
    await dialog().locator('input[name="name"]').fill('Fleet topic');
    await dialog().locator('input[name="region"]').fill('eu-central-1');
    await dialog().locator('input[name="topic_arn"]').fill('arn:aws:sns:eu-central-1:12:fleet');
    await dialog().locator('input[name="access_key_id"]').fill('AKIAIOSFODNN7EXAMPLE');
    assert.equal(await dialog().locator('input[name="secret_access_key"]').getAttribute('type'), 'password');
    await dialog().getByTestId('destination-save').click();
    await waitForText(page, '[data-testid="field-secret_access_key-error"]', 'Enter the secret access key.');
    await dialog().locator('input[name="secret_access_key"]').fill('x'.repeat(40));
    await dialog().getByTestId('destination-save').click();
    await waitForText(page, '[data-testid="field-topic_arn-error"]', 'The account in topic ARN must be the 12-digit AWS account id, not “12”.');
    assert.doesNotMatch(await dialog().innerText(), /topic_arn|settings\//);
    await shoot('dialog-sns');
    await dialog().locator('select[name="provider"]').selectOption('webhook');
    assert.equal(await dialog().locator('input[name="topic_arn"]').count(), 0);
    await dialog().locator('input[name="name"]').fill('');

    await dialog().getByTestId('destination-save').click();
    await waitForText(page, '[data-testid="field-name-error"]', 'Give the destination a name');
    await waitForText(page, '[data-testid="field-url-error"]', 'Enter the URL.');
    assert.equal(await dialog().getByTestId('field-name').getAttribute('data-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'name', 'the first field to fix has the focus');

    await dialog().locator('input[name="name"]').fill('Billing backend');
    await dialog().locator('input[name="url"]').fill('not a url');
    assert.equal(await dialog().getByTestId('field-name-error').count(), 0, 'a fixed field loses its message');
    await dialog().getByTestId('destination-save').click();
    await waitForText(page, '[data-testid="field-url-error"]', /^URL must be a full http or https address, e\.g\. https:\/\/backend\.example\.com\/fleetdesk$/);
    assert.equal(await dialog().getByTestId('field-url').getAttribute('data-invalid'), 'true');

    await dialog().locator('input[name="url"]').fill(`${receiver.url}/hooks/billing`);
    await dialog().getByTestId('add-header').click();
    await dialog().getByLabel('Header 1 name').fill('webhook-id');
    await dialog().getByLabel('Header 1 value').fill('mine');
    await dialog().getByTestId('destination-save').click();
    await waitForText(page, '[data-testid="field-headers-error"]', 'The header “webhook-id” is set by FleetDesk and cannot be replaced.');
    const text = await dialog().innerText();
    assert.doesNotMatch(text, /body\/|settings\/|must NOT/, 'no schema paths or schema phrases');
    await shoot('dialog-errors', async () => {
      await dialog().getByTestId('field-headers').scrollIntoViewIfNeeded();
    });
    assert.deepEqual(await destinations(), [], 'nothing was created');
  });

  test('created: the generated secret is shown once; Send test shows 200 and the time; the row says Delivering', async () => {
    await dialog().getByLabel('Header 1 name').fill('x-tenant');
    await dialog().getByLabel('Header 1 value').fill('acme');
    await dialog().getByTestId('destination-save').click();
    await page.getByTestId('destination-created').waitFor();
    secret = (await page.getByTestId('created-secret-field-value').innerText()).trim();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    [billing] = await destinations();
    assert.equal(billing!.name, 'Billing backend');
    assert.deepEqual(billing!.settings, { url: `${receiver.url}/hooks/billing`, headers: { 'x-tenant': 'acme' } });
    assert.deepEqual(billing!.secrets_set, ['secret']);

    await dialog().getByTestId('send-test-button').click();
    await page.waitForSelector('[data-testid="destination-dialog"] [data-testid="send-test-result"]');
    const result = dialog().getByTestId('send-test-result');
    assert.equal(await result.getAttribute('data-ok'), 'true');
    assert.match(await result.innerText(), /✓\s*Accepted · 200 · \d+(\.\d)? ms/);
    const hit = receiver.hits.at(-1)!;
    assert.equal(hit.json.Details.Test, true);
    assert.equal(hit.headers['x-tenant'], 'acme');
    assert.doesNotThrow(() => new Webhook(secret).verify(hit.body, hit.headers as Record<string, string>), 'the secret shown signs what arrives');
    await shoot('created-secret');

    await page.getByTestId('destination-done').click();
    await dialog().waitFor({ state: 'detached' });
    await row(billing.id).waitFor();
    const text = (await row(billing.id).innerText()).replace(/\s+/g, ' ');
    assert.match(text, /Billing backend Webhook \(HTTPS POST\)/);
    assert.match(text, /All events/);
    assert.match(text, /All devices/);
    assert.match(text, /Delivering/);
    assert.match(text, /0 waiting/);
    assert.equal(await row(billing.id).getByTestId('destination-switch').getAttribute('aria-checked'), 'true');

    // Never again: the edit dialog says "Set" with Replace, and the secret is nowhere on the page.
    await row(billing.id).getByTestId('destination-edit').click();
    await dialog().getByTestId('secret-set-secret').waitFor();
    assert.equal(await dialog().locator('input[name="secret"]').count(), 0);
    assert.equal((await page.content()).includes(secret), false);
    await dialog().getByTestId('replace-secret').click();
    assert.equal(await dialog().locator('input[name="secret"]').inputValue(), '', 'never prefilled');
    await dialog().getByTestId('keep-secret').click();
    await shoot('dialog-edit', async () => {
      await dialog().getByTestId('field-events').scrollIntoViewIfNeeded();
    });
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
  });

  test('a second destination gets only SOS from one device', async () => {
    await page.getByTestId('add-destination').click();
    await dialog().locator('input[name="name"]').fill('SOS desk');
    await dialog().locator('input[name="url"]').fill(`${receiver.url}/sos`);
    await dialog().getByRole('button', { name: 'None' }).click();
    await dialog().getByTestId('event-SosReceived').check();
    await dialog().getByTestId('devices-some').click();
    await dialog().getByTestId('device-DR_1').check();
    await dialog().getByTestId('destination-save').click();
    await page.getByTestId('destination-created').waitFor();
    await page.getByTestId('destination-done').click();
    sosDesk = (await destinations()).find((d) => d.name === 'SOS desk')!;
    assert.deepEqual(sosDesk.events, ['SosReceived']);
    assert.deepEqual(sosDesk.devices, ['DR_1']);
    const text = (await row(sosDesk.id).innerText()).replace(/\s+/g, ' ');
    assert.match(text, /SOS pressed/);
    assert.match(text, /Van 1/);
  });

  test('the receiver fails: the log shows the retries and the error, then dead letters; after three minutes the header warns on every page', async () => {
    receiver.status = 500;
    await beat(81);
    await sos();
    await until('a retry for Billing', async () => (await deliveries(`&destination=${billing.id}&state=retrying`)).length > 0);
    await until('the SOS desk got its SOS', () => receiver.hits.some((h) => h.path === '/sos' && h.json.Event === 'SosReceived'));

    await refreshLog();
    await page.waitForSelector('[data-testid="delivery-row"][data-state="retrying"]');
    const retrying = page.locator('[data-testid="delivery-row"][data-state="retrying"]').first();
    assert.match(await retrying.getByTestId('delivery-answer').innerText(), /^500 — .*answered 500: receiver busy/);
    assert.match(await retrying.innerText(), /Next try \d{1,2}:\d\d:\d\d/);
    await waitForText(page, `[data-testid="destination-row"][data-destination-id="${billing.id}"] [data-testid="destination-health"]`, /Failing since \d{1,2}:\d\d/);
    assert.equal(await page.getByTestId('notify-warning').count(), 0, 'not failing long enough for the header yet');
    await shoot('log-retrying');

    // Attempts 2 and 3 on the server's clock: the heartbeat, then the SOS behind it, become dead letters.
    await until(
      'both dead letters',
      async () => {
        clock.advance(5_000);
        await new Promise((r) => setTimeout(r, 100));
        return (await deliveries(`&destination=${billing.id}&state=dead`)).length === 2;
      },
      20_000,
    );
    clock.advance(3 * 60_000);
    await refreshLog();
    await waitForText(page, '[data-testid="notify-warning"]', /^Notifications to Billing backend failing since \d{1,2}:\d\d/);
    assert.match(await page.getByTestId('notify-warning').innerText(), /answered 500/);
    await waitForText(page, `[data-testid="destination-row"][data-destination-id="${billing.id}"] [data-testid="destination-queue"]`, '2 dead');
    await page.waitForSelector('[data-testid="delivery-row"][data-state="dead"]');
    await shoot('failing');

    // On every page, linking back here.
    await page.getByTestId('nav-map').click();
    await page.getByTestId('notify-warning').waitFor();
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('notify-warning').waitFor();
    await page.getByTestId('notify-warning-link').click();
    await page.getByTestId('integrations-page').waitFor();
  });

  test('filters narrow the log', async () => {
    await page.waitForSelector('[data-testid="delivery-row"]');
    const all = await logRows().count();
    assert.equal(all, 3, 'heartbeat and SOS to Billing, SOS to the SOS desk');
    const attrs = (name: string) => logRows().evaluateAll((rows, n) => rows.map((r) => r.getAttribute(n)), name);

    await page.getByTestId('log-filter-destination').selectOption(sosDesk.id);
    await until('one row', async () => (await logRows().count()) === 1);
    assert.deepEqual(await attrs('data-destination-id'), [sosDesk.id]);
    assert.deepEqual(await attrs('data-state'), ['delivered']);

    await page.getByTestId('log-filter-destination').selectOption('');
    await page.getByTestId('log-filter-state').selectOption('dead');
    await until('two dead rows', async () => (await logRows().count()) === 2);
    assert.deepEqual(await attrs('data-state'), ['dead', 'dead']);

    await page.getByTestId('log-filter-state').selectOption('');
    await page.getByTestId('log-filter-event').selectOption('HeartbeatReceived');
    await until('one heartbeat row', async () => (await logRows().count()) === 1);
    assert.deepEqual(await attrs('data-event'), ['HeartbeatReceived']);
    await page.getByTestId('log-filter-event').selectOption('SosReceived');
    await until('two SOS rows', async () => (await logRows().count()) === 2);
    await shoot('log-filtered', async () => {
      await page.getByTestId('delivery-log').scrollIntoViewIfNeeded();
    });
    await page.getByTestId('log-filter-event').selectOption('');
    await until('all rows', async () => (await logRows().count()) === all);
  });

  test('a dead letter is sent again, then all of them; the warning goes away', async () => {
    receiver.status = 200;
    const start = receiver.hits.length;
    const dead = await deliveries(`&state=dead`);
    const heartbeat = dead.find((d) => d.event === 'HeartbeatReceived')!;
    await page.locator(`[data-testid="delivery-row"][data-delivery-id="${heartbeat.id}"]`).getByTestId('redeliver').click();
    await waitForText(page, '[data-testid="log-notice"]', 'Sent again: 1 dead letter is back in the queue.');
    const back = await until('the heartbeat again', () => receiver.hits.slice(start).find((h) => h.json.Event === 'HeartbeatReceived'));
    assert.equal(back.headers['webhook-id'], heartbeat.event_id, 'the same event id');
    await until('delivered', async () => (await deliveries(`&state=delivered&destination=${billing.id}`)).some((d) => d.id === heartbeat.id));

    await refreshLog();
    await page.getByTestId('redeliver-all').click();
    await waitForText(page, '[data-testid="log-notice"]', /Sent again: 1 dead letter/);
    await until('the SOS again', () => receiver.hits.slice(start).some((h) => h.path.startsWith('/hooks') && h.json.Event === 'SosReceived'));
    await until('no dead letters', async () => (await deliveries('&state=dead')).length === 0);
    await refreshLog();
    await page.getByTestId('notify-warning').waitFor({ state: 'detached' });
    await waitForText(page, `[data-testid="destination-row"][data-destination-id="${billing.id}"] [data-testid="destination-health"]`, 'Delivering');
    assert.equal(await page.locator('[data-testid="delivery-row"][data-state="dead"]').count(), 0);
    assert.equal(await page.getByTestId('redeliver-all').count(), 0);
  });

  test('"Older" pages back through the log', async () => {
    for (let i = 0; i < 50; i++) await beat(i % 2 === 0 ? 50 : 51);
    await until('all delivered', async () => (await deliveries(`&destination=${billing.id}&state=delivered`)).length >= 52, 15_000);
    await refreshLog();
    await until('a full page', async () => (await logRows().count()) === 50);
    const ids = async () => (await logRows().evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-delivery-id'))))) as number[];
    const first = await ids();
    await page.getByTestId('log-older').click();
    await until('the older page', async () => {
      const now = await ids();
      return now.length > 0 && now.length < 50 && Math.max(...now) < Math.min(...first);
    });
    await page.getByTestId('log-newest').click();
    await until('the newest page again', async () => (await ids())[0] === first[0]);
  });

  test('a destination is switched off, then deleted after a confirmation', async () => {
    const sw = row(billing.id).getByTestId('destination-switch');
    await sw.click();
    await until('off', async () => (await sw.getAttribute('aria-checked')) === 'false');
    await waitForText(page, `[data-testid="destination-row"][data-destination-id="${billing.id}"] [data-testid="destination-health"]`, 'Off');
    assert.equal((await destinations()).find((d) => d.id === billing.id)!.enabled, false);
    await shoot('list', async () => {
      await page.getByTestId('destinations-table').scrollIntoViewIfNeeded();
    });

    await row(billing.id).getByTestId('destination-edit').click();
    await dialog().getByTestId('destination-delete').click();
    await waitForText(page, '[data-testid="delete-confirm"]', 'Delete “Billing backend”?');
    await shoot('dialog-delete');
    await dialog().getByTestId('delete-confirm-yes').click();
    await dialog().waitFor({ state: 'detached' });
    await row(billing.id).waitFor({ state: 'detached' });
    await waitForText(page, '[data-testid="integrations-notice"]', 'Deleted “Billing backend”.');
    assert.deepEqual(
      (await destinations()).map((d) => d.name),
      ['SOS desk'],
    );
    assert.deepEqual(tp.errors, []);
  });

  test('an office user sees neither the page nor the warning', async () => {
    const office = await newPage(browser);
    try {
      await openConsole(office.page, srv, 'clerk');
      assert.equal(await office.page.getByTestId('nav-integrations').count(), 0);
      await office.page.goto(`${srv.url}/#/integrations`);
      await waitForText(office.page, '.page', 'Only admins manage integrations');
      assert.equal(await office.page.getByTestId('notify-warning').count(), 0);
      assert.deepEqual(office.errors, []);
    } finally {
      await office.context.close();
    }
  });
});
