/** The admin pages: users (add, edit, disable, reset password, delete) and settings (units, tile URL, LAN addresses). */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, screenshot, type TestPage } from '../support/browser';
import type { TestServer } from '../support/server';
import { ADMIN, ADMIN_PASSWORD, COMPANY, Driver, openConsole, startConsoleServer, waitForText } from './console-fixtures';

const row = (id: string) => `[data-testid="user-row"][data-user-id="${id}"]`;

/** Opens a user's actions menu and picks one item. */
async function menu(page: Page, id: string, item: string): Promise<void> {
  await page.click(`${row(id)} [data-testid="user-menu-button"]`);
  await page.click(`${row(id)} [data-testid="user-menu-${item}"]`);
}

/** A sentence a person reads: no schema path, no schema phrase, no quoted server sentence. */
function assertPlain(text: string | null): void {
  assert.ok(text, 'a message is shown');
  assert.doesNotMatch(text, /body\/|must be >=|must be <=|must NOT|"[^"]*" already exists|in company "/);
}

describe('console users and settings pages', { timeout: 180_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let tp: TestPage;
  let page: Page;
  let adminToken: string;

  before(async () => {
    srv = await startConsoleServer([
      { id: 'DR_1', display_name: 'Van 1', vehicle_plate: 'M-AB 101', phone: '+49 170 1111' },
      { id: 'DR_2', display_name: 'Van 2' },
    ]);
    adminToken = (await srv.api('POST', '/api/v1/auth/login', { body: { company: COMPANY, user_id: ADMIN, password: ADMIN_PASSWORD } })).body.token;
    const d = await Driver.connect(srv, 'DR_1');
    await d.send({ lat: 48.137, lng: 11.575, speed: 36 });
    d.close();
    browser = await launchBrowser();
    tp = await newPage(browser);
    page = tp.page;
    await openConsole(page, srv);
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test('the users page lists every user with its role', async () => {
    await page.click('[data-testid="nav-users"]');
    await page.waitForSelector(row('DR_2'));
    const ids = await page.$$eval('[data-testid="user-row"]', (rows) => rows.map((r) => r.getAttribute('data-user-id')));
    assert.deepEqual(ids, ['DR_1', 'DR_2', 'ops']);
    assert.match((await page.textContent(row('ops'))) ?? '', /Admin/);
    assert.match((await page.textContent(row('DR_1'))) ?? '', /Driver/);
  });

  test('adding an office user: a short password is refused, then the user can sign in', async () => {
    await page.click('[data-testid="add-user"]');
    const editor = '[data-testid="user-editor"]';
    await page.fill(`${editor} input[name="id"]`, 'dispatch2');
    await page.check(`${editor} input[name="role"][value="office"]`);
    await page.fill(`${editor} input[name="password"]`, 'short');
    await page.fill(`${editor} input[name="display_name"]`, 'Second Dispatcher');
    await page.click(`${editor} button[type="submit"]`);
    await waitForText(page, '[data-testid="user-password-field-error"]', 'Office and admin users need a password of at least 8 characters.');
    assert.equal(await page.getAttribute(`${editor} input[name="password"]`, 'aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name), 'password', 'the refused field has the focus');
    await page.fill(`${editor} input[name="password"]`, 'a long enough password');
    await screenshot(page, 'console-users-add');
    await page.click(`${editor} button[type="submit"]`);
    await waitForText(page, '[data-testid="users-notice"]', 'Added office “dispatch2”.');
    await page.waitForSelector(row('dispatch2'));
    assert.equal(await page.locator(editor).count(), 0, 'the editor closes');
    // The banner goes with the next action.
    await menu(page, 'dispatch2', 'edit');
    assert.equal(await page.locator('[data-testid="users-notice"]').count(), 0, 'the Added banner clears on the next action');
    await page.click(`${editor} button:has-text("Cancel")`);

    const u = await srv.api('GET', '/api/v1/users/dispatch2', { token: adminToken });
    assert.equal(u.status, 200);
    assert.equal(u.body.role, 'office');
    assert.equal(u.body.display_name, 'Second Dispatcher');
    const login = await srv.api('POST', '/api/v1/auth/login', { body: { company: COMPANY, user_id: 'dispatch2', password: 'a long enough password' } });
    assert.equal(login.status, 200);
  });

  test('a duplicate id is said plainly at the id field', async () => {
    await page.click('[data-testid="add-user"]');
    await page.fill('[data-testid="user-editor"] input[name="id"]', 'DR_1');
    await page.click('[data-testid="user-editor"] button[type="submit"]');
    await waitForText(page, '[data-testid="user-id-field-error"]', 'A user named DR_1 already exists. Choose another name.');
    assertPlain(await page.textContent('[data-testid="user-editor"]'));
    assert.equal(await page.getAttribute('[data-testid="user-editor"] input[name="id"]', 'aria-invalid'), 'true');
    // Typing in the field clears its sentence.
    await page.fill('[data-testid="user-editor"] input[name="id"]', 'DR_1x');
    assert.equal(await page.locator('[data-testid="user-id-field-error"]').count(), 0);
    await page.click('[data-testid="user-editor"] button:has-text("Cancel")');
  });

  test('editing a user: clearing the display name is refused; a too long name is said at the field by the server’s limits', async () => {
    await menu(page, 'DR_1', 'edit');
    const editor = '[data-testid="user-editor"]';
    await page.fill(`${editor} input[name="display_name"]`, '');
    await page.click(`${editor} button[type="submit"]`);
    await waitForText(page, '[data-testid="profile-display_name-error"]', 'Display name can’t be empty');
    assert.equal(await page.getAttribute(`${editor} input[name="display_name"]`, 'aria-invalid'), 'true');
    assert.equal((await srv.api('GET', '/api/v1/users/DR_1', { token: adminToken })).body.display_name, 'Van 1');
    await page.click(`${editor} button:has-text("Cancel")`);
  });

  test('editing, disabling, resetting a password and revoking tokens', async () => {
    await menu(page, 'dispatch2', 'edit');
    await page.fill('[data-testid="user-editor"] input[name="phone"]', '+49 89 123');
    await page.click('[data-testid="user-editor"] button[type="submit"]');
    await waitForText(page, row('dispatch2'), /\+49 89 123/);
    assert.equal((await srv.api('GET', '/api/v1/users/dispatch2', { token: adminToken })).body.phone, '+49 89 123');

    await menu(page, 'dispatch2', 'disable');
    await waitForText(page, row('dispatch2'), /Disabled/);
    assert.equal((await srv.api('GET', '/api/v1/users/dispatch2', { token: adminToken })).body.disabled, true);
    await menu(page, 'dispatch2', 'disable');
    await waitForText(page, row('dispatch2'), /Active/);

    await menu(page, 'dispatch2', 'password');
    await page.fill(`${row('dispatch2')} input[type="password"]`, 'short');
    await page.click(`${row('dispatch2')} button:has-text("Set password")`);
    await waitForText(page, `${row('dispatch2')} [data-testid="reset-password-field-error"]`, 'A password needs at least 8 characters.');
    assert.equal(await page.getAttribute(`${row('dispatch2')} input[type="password"]`, 'aria-invalid'), 'true');
    await page.fill(`${row('dispatch2')} input[type="password"]`, 'brand new password');
    await page.click(`${row('dispatch2')} button:has-text("Set password")`);
    await waitForText(page, row('dispatch2'), /Password changed\./);
    const relogin = await srv.api('POST', '/api/v1/auth/login', { body: { company: COMPANY, user_id: 'dispatch2', password: 'brand new password' } });
    assert.equal(relogin.status, 200);

    await menu(page, 'dispatch2', 'revoke');
    await page.click(`${row('dispatch2')} [data-testid="confirm-yes"]`);
    await waitForText(page, row('dispatch2'), /Tokens revoked\./);
    const revoked = await srv.api('GET', '/api/v1/devices', { token: relogin.body.token });
    assert.equal(revoked.status, 401, 'the token issued before the revocation no longer works');
  });

  test('the row actions are in one menu: drivers can connect a phone, the own row cannot be deleted', async () => {
    assert.equal(await page.locator(`${row('DR_2')} button:has-text("Delete")`).count(), 0, 'no Delete button on the row');
    await page.click(`${row('DR_2')} [data-testid="user-menu-button"]`);
    const items = await page.$$eval(`${row('DR_2')} [role="menuitem"]`, (els) => els.map((e) => e.textContent));
    assert.deepEqual(items, ['Edit', 'Connect a phone', 'Disable', 'Revoke tokens', 'Delete…']);
    await page.keyboard.press('Escape');
    assert.equal(await page.locator(`${row('DR_2')} [data-testid="user-actions-menu"]`).count(), 0, 'Escape closes the menu');
    await page.click(`${row('ops')} [data-testid="user-menu-button"]`);
    const own = await page.$$eval(`${row('ops')} [role="menuitem"]`, (els) => els.map((e) => e.textContent));
    assert.deepEqual(own, ['Edit', 'Reset password', 'Revoke tokens']);
    await page.keyboard.press('Escape');
    await menu(page, 'DR_2', 'connect');
    await page.waitForSelector('[data-testid="connect-dialog"]');
    await page.click('[data-testid="connect-dialog"] [data-testid="modal-close"]');
  });

  test('after adding a driver, connecting its phone is offered at once', async () => {
    await page.click('[data-testid="add-user"]');
    await page.fill('[data-testid="user-editor"] input[name="id"]', 'DR_7');
    await page.fill('[data-testid="user-editor"] input[name="display_name"]', 'Van 7');
    await page.click('[data-testid="user-editor"] button[type="submit"]');
    await waitForText(page, '[data-testid="connect-offer"]', 'Added driver “DR_7”.');
    await page.click('[data-testid="connect-offer-yes"]');
    await waitForText(page, '[data-testid="connect-dialog"]', 'Van 7');
    await page.click('[data-testid="connect-dialog"] [data-testid="modal-close"]');
    assert.equal(await page.locator('[data-testid="connect-offer"]').count(), 0, 'the offer is gone once taken');
  });

  test('deleting asks first, then removes the user', async () => {
    await menu(page, 'DR_2', 'delete');
    await waitForText(page, row('DR_2'), /Delete DR_2\? Its position history is deleted with it\./);
    await screenshot(page, 'console-users');
    await page.click(`${row('DR_2')} [data-testid="confirm-yes"]`);
    await page.waitForSelector(row('DR_2'), { state: 'detached' });
    assert.equal((await srv.api('GET', '/api/v1/users/DR_2', { token: adminToken })).status, 404);
  });

  test('settings: LAN addresses as the server reports them, each copyable', async () => {
    await page.click('[data-testid="nav-settings"]');
    await page.waitForSelector('[data-testid="lan-addresses"]');
    const info = await srv.api('GET', '/api/v1/server/info', { token: adminToken });
    assert.equal(info.status, 200);
    await page.waitForFunction(() => !/Loading/.test(document.querySelector('[data-testid="lan-addresses"]')?.textContent ?? ''));
    const shown = await page.$$eval('[data-testid="lan-url"] code', (els) => els.map((e) => e.textContent));
    assert.deepEqual(shown, info.body.lan_urls);
    if (info.body.lan_urls.length === 0) {
      // The test server listens on 127.0.0.1 only: no address a phone could use.
      assert.match((await page.textContent('[data-testid="lan-addresses"]')) ?? '', /No address phones can reach/);
    } else {
      await page.click('[data-testid="lan-url"] button');
      await waitForText(page, '[data-testid="lan-url"] button', 'Copied');
    }
    await screenshot(page, 'console-settings');
  });

  test('settings: a bad tile URL is refused, a good one saved, empty restores the default', async () => {
    await page.fill('[data-testid="tile-url"]', 'tiles.example.com/{z}/{x}.png');
    await page.click('[data-testid="company-settings"] button[type="submit"]');
    await waitForText(page, '[data-testid="tile-url-field-error"]', /must start with http/);
    assert.equal(await page.getAttribute('[data-testid="tile-url"]', 'aria-invalid'), 'true');
    await page.fill('[data-testid="tile-url"]', 'https://tiles.example.com/{z}/{x}/{y}.png');
    await page.click('[data-testid="company-settings"] button[type="submit"]');
    await waitForText(page, '[data-testid="company-message"]', 'Saved.');
    assert.equal((await srv.api('GET', '/api/v1/company', { token: adminToken })).body.tile_url, 'https://tiles.example.com/{z}/{x}/{y}.png');
    await page.fill('[data-testid="tile-url"]', '');
    await page.click('[data-testid="company-settings"] button[type="submit"]');
    await waitForText(page, '[data-testid="company-message"]', 'Saved.');
    assert.equal((await srv.api('GET', '/api/v1/company', { token: adminToken })).body.tile_url, null);
  });

  test('settings: units switch speeds to mph and stay after a reload', async () => {
    await page.click('[data-testid="units-mph"]');
    assert.equal(await page.getAttribute('[data-testid="units-mph"]', 'aria-checked'), 'true');
    await page.click('[data-testid="nav-map"]');
    // 36 km/h = 10 m/s = 22.4 mph
    await waitForText(page, '[data-device-id="DR_1"]', /22 mph/);
    await page.reload();
    await waitForText(page, '[data-device-id="DR_1"]', /22 mph/);
    await page.click('[data-testid="nav-settings"]');
    await page.click('[data-testid="units-kmh"]');
    await page.click('[data-testid="nav-map"]');
    await waitForText(page, '[data-device-id="DR_1"]', /36 km\/h/);
    assert.deepEqual(tp.errors, []);
  });

  test('at phone width each user is a card whose actions menu is on screen and works', async () => {
    const phone = await newPage(browser, { width: 390, height: 844 });
    await openConsole(phone.page, srv);
    await phone.page.goto(srv.url + '/#/users');
    const card = row('DR_1');
    await phone.page.waitForSelector(card);
    const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no sideways scrolling (${width} px wide)`);
    const button = await phone.page.locator(`${card} [data-testid="user-menu-button"]`).boundingBox();
    assert.ok(button && button.x >= 0 && button.x + button.width <= 390, `the actions button is on screen: ${JSON.stringify(button)}`);
    await phone.page.click(`${card} [data-testid="user-menu-button"]`);
    const menuBox = await phone.page.locator(`${card} [data-testid="user-actions-menu"]`).boundingBox();
    assert.ok(menuBox && menuBox.x >= 0 && menuBox.x + menuBox.width <= 390, `the menu is on screen: ${JSON.stringify(menuBox)}`);
    await phone.page.click(`${card} [data-testid="user-menu-delete"]`);
    await waitForText(phone.page, card, /Delete DR_1\?/);
    await phone.page.click(`${card} .confirm button:has-text("Cancel")`);
    assert.equal((await srv.api('GET', '/api/v1/users/DR_1', { token: adminToken })).status, 200);
    assert.deepEqual(phone.errors, []);
    await phone.context.close();
  });

  test('an office user sees no Users page and cannot change company settings', async () => {
    const office = await newPage(browser);
    await openConsole(office.page, srv, 'dispatch2');
    assert.equal(await office.page.locator('[data-testid="nav-users"]').count(), 0);
    await office.page.click('[data-testid="nav-settings"]');
    await office.page.waitForSelector('[data-testid="company-settings"]');
    assert.equal(await office.page.isDisabled('[data-testid="display-field"]'), true);
    assert.equal(await office.page.locator('[data-testid="company-settings"] button[type="submit"]').count(), 0);
    await office.page.goto(srv.url + '/#/users');
    await waitForText(office.page, '.page', /Only admins manage users/);
    await office.context.close();
  });
});
