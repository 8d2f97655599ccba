/**
 * Shared set-up of the console end-to-end tests: a real server with a company, an admin and
 * drivers; drivers are real WebSocket clients sending `driver_location`; the console is
 * signed in through the real sign-in form or a real one-time link.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { createLoginLink, loginLinkUrl } from '../../main/server/login-links';
import { startTestServer, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';
import { assertRendererBuilt } from '../support/browser';

export const COMPANY = 'acme';
export const COMPANY_NAME = 'Acme Logistics';
export const ADMIN = 'ops';
export const ADMIN_PASSWORD = 'correct horse battery';

export interface DriverSpec {
  id: string;
  display_name?: string;
  first_name?: string;
  last_name?: string;
  phone?: string;
  vehicle_plate?: string;
}

/**
 * A server for console tests. Drivers may send faster than the production 1 s spacing, so a
 * test can send a short track at once.
 */
export async function startConsoleServer(drivers: DriverSpec[] = [], config: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  assertRendererBuilt();
  // Scenes move markers ~110 m a second to be visible: not a drive, so jumps are not judged.
  const srv = await startTestServer({ maxPlausibleSpeedMs: Infinity, ...config, ws: { minUpdateIntervalMs: 0, ...config.ws } });
  if (!srv.ctx.companies.get(COMPANY)) {
    srv.company(COMPANY, COMPANY_NAME);
    await srv.user(COMPANY, ADMIN, 'admin', { password: ADMIN_PASSWORD, display_name: 'Operations' });
  }
  for (const d of drivers) {
    const { id, ...profile } = d;
    await srv.user(COMPANY, id, 'driver', profile);
  }
  return srv;
}

/** A one-time sign-in URL for `user`, as the CLI's `login-link` prints it. */
export function loginLink(srv: TestServer, user = ADMIN): string {
  const { code } = createLoginLink(srv.ctx.accounts, COMPANY, user);
  return loginLinkUrl(srv.url, code);
}

/** Opens the console through a sign-in link and waits until it is live. */
export async function openConsole(page: Page, srv: TestServer, user = ADMIN): Promise<void> {
  await page.goto(loginLink(srv, user));
  await waitForText(page, '[data-testid="connection-state"]', 'Online', 15_000);
}

export async function signInWithForm(page: Page, company: string, user: string, password: string): Promise<void> {
  await page.fill('input[name="company"]', company);
  await page.fill('input[name="user_id"]', user);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
}

export async function waitForText(page: Page, selector: string, text: string | RegExp, timeout = 10_000): Promise<void> {
  await page.waitForFunction(
    ({ selector, source, flags }) => {
      const t = document.querySelector(selector)?.textContent ?? '';
      return new RegExp(source, flags).test(t);
    },
    typeof text === 'string'
      ? { selector, source: text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), flags: '' }
      : { selector, source: text.source, flags: text.flags },
    { timeout },
  );
}

/** The ids of the device rows in display order (the rows rendered: the list is windowed). */
export function rowIds(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="device-row"]', (rows) =>
    rows
      .map((r) => ({ id: r.getAttribute('data-device-id') ?? '', top: r.getBoundingClientRect().top }))
      .sort((a, b) => a.top - b.top)
      .map((r) => r.id),
  );
}

export function rowNames(page: Page): Promise<Record<string, string>> {
  return page.$$eval('[data-testid="device-row"]', (rows) =>
    Object.fromEntries(rows.map((r) => [r.getAttribute('data-device-id'), r.querySelector('[data-testid="device-name"]')?.textContent ?? ''])),
  );
}

export async function waitForRowCount(page: Page, n: number, timeout = 10_000): Promise<void> {
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="device-row"]').length === n, n, { timeout });
}

/** A driver phone: a real WebSocket client, authenticated with its device token. */
export class Driver {
  private seq = 0;
  private constructor(
    readonly id: string,
    readonly socket: TestSocket,
  ) {}

  static async connect(srv: TestServer, id: string): Promise<Driver> {
    const socket = await TestSocket.open(srv.wsUrl);
    const reply = await socket.authenticate(id, 'driver', srv.token(COMPANY, id));
    assert.equal(reply.type, 'authenticated', JSON.stringify(reply));
    return new Driver(id, socket);
  }

  /** Sends one fix (speed in km/h, as on the wire) and waits for the server's ack (stored). */
  async send(fix: { lat: number; lng: number; speed: number; bearing?: number; accuracy?: number; altitude?: number; timestamp?: number }): Promise<void> {
    const seq = ++this.seq;
    this.socket.send({ action: 'driver_location', id: this.id, seq, payload: { bearing: 0, timestamp: Date.now(), ...fix } });
    const reply = await this.socket.next((m) => m.seq === seq);
    assert.equal(reply.type, 'ack', JSON.stringify(reply));
  }

  close(): void {
    this.socket.close();
  }
}
