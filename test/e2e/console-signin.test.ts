/** Signing in to the console in a browser: the form (and its errors), one-time links, sign-out. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, newPage, screenshot } from '../support/browser';
import type { TestServer } from '../support/server';
import { ADMIN, ADMIN_PASSWORD, COMPANY, COMPANY_NAME, loginLink, signInWithForm, startConsoleServer, waitForText } from './console-fixtures';

describe('console sign-in', { timeout: 120_000 }, () => {
  let srv: TestServer;
  let browser: Browser;

  before(async () => {
    // A short heartbeat: revoked sessions are noticed on the next one.
    srv = await startConsoleServer([], { ws: { pingIntervalMs: 2000 } });
    await srv.user(COMPANY, 'locked', 'office', { password: 'office password 1' });
    await srv.user(COMPANY, 'DR_1', 'driver');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test('the form rejects a wrong password with a clear message, then signs in', async () => {
    const { page, context, errors } = await newPage(browser);
    await page.goto(srv.url);
    await page.waitForSelector('[data-testid="signin-form"]');
    await screenshot(page, 'console-signin');

    await signInWithForm(page, COMPANY, ADMIN, 'not the password');
    await waitForText(page, '[data-testid="signin-error"]', 'Wrong company, user or password.');
    assert.equal(await page.inputValue('input[name="password"]'), '', 'the wrong password is cleared');
    await screenshot(page, 'console-signin-error');

    await signInWithForm(page, COMPANY, ADMIN, ADMIN_PASSWORD);
    await waitForText(page, '[data-testid="company-name"]', COMPANY_NAME);
    await waitForText(page, '[data-testid="connection-state"]', 'Online', 15_000);
    assert.equal(await page.locator('[data-testid="connection-banner"]').count(), 0, 'no banner while online');

    // The session lives in this browser: a reload keeps it.
    await page.reload();
    await waitForText(page, '[data-testid="connection-state"]', 'Online', 15_000);

    await page.click('[data-testid="user-menu"]');
    await page.click('[data-testid="sign-out"]');
    await page.waitForSelector('[data-testid="signin-form"]');
    assert.equal(await page.evaluate(() => localStorage.getItem('fleetdesk.session')), null);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('empty fields and a driver account get their own messages', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(srv.url);
    await page.click('button[type="submit"]');
    await waitForText(page, '[data-testid="signin-error"]', 'Enter the company, your user id and your password.');
    // Each empty field is marked, and the first one has the focus.
    for (const name of ['company', 'user_id', 'password']) assert.equal(await page.getAttribute(`input[name="${name}"]`, 'aria-invalid'), 'true', name);
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name), 'company');
    await page.fill('input[name="company"]', 'x');
    assert.equal(await page.getAttribute('input[name="company"]', 'aria-invalid'), null, 'typing clears the mark');
    await signInWithForm(page, COMPANY, 'DR_1', 'whatever password');
    // A driver has no password at all, so the server answers like for any wrong password.
    await waitForText(page, '[data-testid="signin-error"]', 'Wrong company, user or password.');
    await context.close();
  });

  test('after five failures the account is locked and the form says for how long', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(srv.url);
    const attempt = async (password: string) => {
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
      await signInWithForm(page, COMPANY, 'locked', password);
      return (await answered).status();
    };
    for (let i = 0; i < 5; i++) {
      assert.equal(await attempt(`wrong ${i}`), 401);
      await waitForText(page, '[data-testid="signin-error"]', 'Wrong company, user or password.');
    }
    assert.equal(await attempt('office password 1'), 429);
    await waitForText(page, '[data-testid="signin-error"]', /Too many failed sign-ins for this account\. Try again in \d+ minutes\./);
    await context.close();
  });

  test('a one-time sign-in link signs in, leaves the address bar, and works only once', async () => {
    const url = loginLink(srv);
    const first = await newPage(browser);
    await first.page.goto(url);
    await waitForText(first.page, '[data-testid="connection-state"]', 'Online', 15_000);
    assert.equal(new URL(first.page.url()).searchParams.get('login'), null, 'the code is removed from the URL');
    assert.equal(first.page.url(), srv.url + '/');
    const stored = JSON.parse((await first.page.evaluate(() => localStorage.getItem('fleetdesk.session'))) ?? 'null');
    assert.equal(stored?.user?.id, ADMIN);
    assert.deepEqual(first.errors, []);
    await first.context.close();

    const second = await newPage(browser);
    await second.page.goto(url);
    await waitForText(second.page, '[data-testid="signin-error"]', 'Sign-in link not accepted: it was already used or has expired. Ask for a new one.');
    assert.equal(new URL(second.page.url()).searchParams.get('login'), null);
    await second.context.close();
  });

  test('a session the server no longer accepts ends on the sign-in page', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(loginLink(srv));
    await waitForText(page, '[data-testid="connection-state"]', 'Online', 15_000);
    const admin = await srv.api('POST', '/api/v1/auth/login', { body: { company: COMPANY, user_id: ADMIN, password: ADMIN_PASSWORD } });
    // Revoking the admin's tokens ends the console's live session (socket closed 4003 or a 401).
    const r = await srv.api('POST', `/api/v1/users/${ADMIN}/revoke-tokens`, { token: admin.body.token });
    assert.equal(r.status, 204);
    await page.waitForSelector('[data-testid="signin-form"]', { timeout: 15_000 });
    assert.match((await page.textContent('.signin-card')) ?? '', /revoked|no longer valid|sign in again/i);
    await context.close();
  });

  test('a session ends when its token expires', async () => {
    const short = await startConsoleServer([], { sessionTtlSeconds: 8 });
    const { page, context } = await newPage(browser);
    try {
      await page.goto(short.url);
      await signInWithForm(page, COMPANY, ADMIN, ADMIN_PASSWORD);
      await waitForText(page, '[data-testid="connection-state"]', 'Online', 15_000);
      // The console signs out a few seconds before the token's expiry.
      await page.waitForSelector('[data-testid="signin-form"]', { timeout: 15_000 });
      assert.match((await page.textContent('.signin-card')) ?? '', /Your session expired; sign in again\./);
      assert.equal(await page.evaluate(() => localStorage.getItem('fleetdesk.session')), null);
    } finally {
      await context.close();
      await short.stop();
    }
  });

  test('in the desktop app the preload’s session is used: no sign-in page, no sign-out', async () => {
    const { page, context, errors } = await newPage(browser);
    // Stands in for the Electron preload (shared/ipc.ts DesktopSession), with a real token.
    const admin = await srv.api('POST', '/api/v1/auth/login', { body: { company: COMPANY, user_id: ADMIN, password: ADMIN_PASSWORD } });
    assert.equal(admin.status, 200);
    // As source text: tsx's name helpers do not exist inside the page.
    const session = JSON.stringify({ serverUrl: srv.url, ...admin.body });
    await context.addInitScript({ content: `window.fleetdesk = { getSession: async () => (${session}) };` });
    await page.goto(srv.url);
    await waitForText(page, '[data-testid="connection-state"]', 'Online', 15_000);
    assert.equal(await page.locator('[data-testid="signin-form"]').count(), 0);
    await waitForText(page, '[data-testid="company-name"]', COMPANY_NAME);
    await page.click('[data-testid="user-menu"]');
    assert.equal(await page.locator('[data-testid="sign-out"]').count(), 0, 'the desktop owner does not sign out');
    assert.equal(await page.evaluate(() => localStorage.getItem('fleetdesk.session')), null, 'nothing is stored');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('in the desktop app a missing session is an error, not a sign-in page', async () => {
    const { page, context } = await newPage(browser);
    await context.addInitScript({ content: `window.fleetdesk = { getSession: async () => ({ serverUrl: 'not a url' }) };` });
    await page.goto(srv.url);
    await waitForText(page, '[role="alert"]', 'the desktop app did not provide a usable session; restart FleetDesk');
    assert.equal(await page.locator('[data-testid="signin-form"]').count(), 0);
    await context.close();
  });
});
