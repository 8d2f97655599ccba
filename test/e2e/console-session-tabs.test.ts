/**
 * One browser, several tabs: the console's session is shared by the tabs of a browser until
 * sign-out (localStorage), and what ends it in one tab ends it in all; an expired stored
 * session is never used.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage } from '../support/browser';
import type { TestServer } from '../support/server';
import { ADMIN, ADMIN_PASSWORD, COMPANY, COMPANY_NAME, loginLink, signInWithForm, startConsoleServer, waitForText } from './console-fixtures';

const stored = (page: Page) => page.evaluate(() => localStorage.getItem('fleetdesk.session'));

describe('console session across tabs', { timeout: 120_000 }, () => {
  let srv: TestServer;
  let browser: Browser;

  before(async () => {
    srv = await startConsoleServer();
    await srv.user(COMPANY, 'night', 'office', { password: 'night shift password' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test('a new tab is signed in; signing out in one tab signs out the other', async () => {
    const first = await newPage(browser);
    await first.page.goto(srv.url);
    await signInWithForm(first.page, COMPANY, ADMIN, ADMIN_PASSWORD);
    await waitForText(first.page, '[data-testid="connection-state"]', 'Online', 15_000);

    // A second tab of the same browser opens the console URL: no sign-in page.
    const second = await first.context.newPage();
    await second.goto(`${srv.url}/#/alerts`);
    await waitForText(second, '[data-testid="connection-state"]', 'Online', 15_000);
    await waitForText(second, '[data-testid="company-name"]', COMPANY_NAME);
    assert.equal(await second.locator('[data-testid="signin-form"]').count(), 0);

    await second.click('[data-testid="user-menu"]');
    await second.click('[data-testid="sign-out"]');
    await second.waitForSelector('[data-testid="signin-form"]');
    // The first tab follows without a reload, and says why.
    await first.page.waitForSelector('[data-testid="signin-form"]', { timeout: 5_000 });
    assert.match((await first.page.textContent('.signin-card')) ?? '', /signed out in another tab/);
    assert.equal(await stored(first.page), null);

    // Signing in again in one tab brings the other (on its sign-in page) back in.
    await signInWithForm(first.page, COMPANY, ADMIN, ADMIN_PASSWORD);
    await waitForText(first.page, '[data-testid="connection-state"]', 'Online', 15_000);
    await waitForText(second, '[data-testid="connection-state"]', 'Online', 15_000);
    assert.deepEqual(first.errors, []);
    await first.context.close();
  });

  test('another account signing in in one tab signs the other tab out instead of switching it', async () => {
    const { page, context, errors } = await newPage(browser);
    await page.goto(loginLink(srv));
    await waitForText(page, '[data-testid="connection-state"]', 'Online', 15_000);

    const other = await context.newPage();
    await other.goto(loginLink(srv, 'night'));
    await waitForText(other, '[data-testid="connection-state"]', 'Online', 15_000);

    await page.waitForSelector('[data-testid="signin-form"]', { timeout: 5_000 });
    assert.match((await page.textContent('.signin-card')) ?? '', /night \(acme\) signed in in another tab/);
    assert.equal(JSON.parse((await stored(page)) ?? 'null')?.user?.id, 'night', 'the newer session is kept');
    // A reload continues as the account signed in now.
    await page.reload();
    await waitForText(page, '[data-testid="connection-state"]', 'Online', 15_000);
    await page.click('[data-testid="user-menu"]');
    assert.match((await page.textContent('[role="menu"]')) ?? '', /night/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('an expired stored session is not used, and is removed', async () => {
    const { page, context } = await newPage(browser);
    const login = await srv.api('POST', '/api/v1/auth/login', { body: { company: COMPANY, user_id: ADMIN, password: ADMIN_PASSWORD } });
    assert.equal(login.status, 200);
    // A real token (the server would still take it), but its stored expiry has passed.
    const expired = JSON.stringify({ ...login.body, expires_at: new Date(Date.now() - 60_000).toISOString() });
    await page.goto(srv.url);
    await page.waitForSelector('[data-testid="signin-form"]');
    await page.evaluate((v) => localStorage.setItem('fleetdesk.session', v), expired);
    await page.reload();
    await page.waitForSelector('[data-testid="signin-form"]');
    assert.equal(await page.locator('[data-testid="connection-state"]').count(), 0);
    assert.equal(await stored(page), null);
    await context.close();
  });
});
