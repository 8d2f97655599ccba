/**
 * The console when the server goes away and comes back: a clear banner and header state while
 * disconnected, then a reconnect (same port, same data folder) that re-syncs from REST.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, newPage, screenshot } from '../support/browser';
import type { TestServer } from '../support/server';
import { COMPANY, Driver, openConsole, rowNames, startConsoleServer, waitForRowCount, waitForText } from './console-fixtures';

describe('console connection loss and recovery', { timeout: 120_000 }, () => {
  let first: TestServer;
  let second: TestServer | undefined;
  let browser: Browser;

  before(async () => {
    first = await startConsoleServer([{ id: 'DR_1', display_name: 'Van 1' }]);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await second?.stop();
  });

  test('shows the lost connection, reconnects to the restarted server and re-syncs', async () => {
    const { page, context, errors } = await newPage(browser);
    const d1 = await Driver.connect(first, 'DR_1');
    await d1.send({ lat: 48.137, lng: 11.575, speed: 36 });
    d1.close();
    await openConsole(page, first);
    await waitForRowCount(page, 1);
    assert.equal(await page.locator('[data-testid="connection-banner"]').count(), 0);

    // A response still streaming when the server stops keeps its connection until Fastify's
    // keep-alive timeout (72 s): let the page finish loading first.
    await page.waitForLoadState('networkidle');
    const port = Number(new URL(first.url).port);
    await first.stop();
    await waitForText(page, '[data-testid="connection-state"]', 'Reconnecting');
    await waitForText(page, '[data-testid="connection-banner"]', 'Connection lost — reconnecting…');
    // What was known stays on screen meanwhile.
    await waitForRowCount(page, 1);
    await screenshot(page, 'console-disconnected');

    // While the console is away, a driver is added: the reconnect's REST re-sync must bring it.
    second = await startConsoleServer([], { dataDir: first.dataDir, port });
    assert.equal(second.url, first.url);
    await second.user(COMPANY, 'DR_2', 'driver', { display_name: 'Van 2' });
    const r = await second.api('POST', '/v1/driver/location', {
      token: second.token(COMPANY, 'DR_2'),
      body: { id: 'DR_2', payload: { lat: 48.2, lng: 11.6, speed: 18, bearing: 10 } },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));

    await waitForText(page, '[data-testid="connection-state"]', 'Online', 30_000);
    assert.equal(await page.locator('[data-testid="connection-banner"]').count(), 0, 'the banner is gone when online');
    await waitForRowCount(page, 2);
    assert.deepEqual(await rowNames(page), { DR_1: 'Van 1', DR_2: 'Van 2' });

    // Live updates flow again.
    const d1b = await Driver.connect(second, 'DR_1');
    await d1b.send({ lat: 48.138, lng: 11.576, speed: 90 });
    await waitForText(page, '[data-device-id="DR_1"]', /90 km\/h/);
    d1b.close();
    // Chromium logs each refused reconnect attempt; anything else is a fault.
    assert.deepEqual(
      errors.filter((e) => !/WebSocket connection to '.*' failed/.test(e)),
      [],
    );
    await context.close();
  });
});
