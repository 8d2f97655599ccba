/**
 * Shared set-up of the live-map end-to-end tests: a real server, an office user, drivers that
 * are real WebSocket clients, and the map harness page (renderer/map-harness.html, served by
 * the server from renderer/dist) signed in as the office. The browser side is reached through
 * `window.__fleetdeskMap` (renderer/src/map/test-hook.ts).
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';
import { assertRendererBuilt } from '../support/browser';

export const OFFICE = 'dispatch';

/** A server whose drivers may send faster than the production 1 s spacing. */
export async function startMapServer(company: string): Promise<TestServer> {
  assertRendererBuilt();
  // Scenes move markers ~110 m a second to be visible: not a drive, so jumps are not judged.
  const srv = await startTestServer({ ws: { minUpdateIntervalMs: 0 }, maxPlausibleSpeedMs: Infinity });
  srv.company(company);
  await srv.user(company, OFFICE, 'office', { display_name: 'Dispatch' });
  return srv;
}

/** A driver phone: a real WebSocket client sending `driver_location` and awaiting each ack. */
export class MapDriver {
  private seq = 0;
  private constructor(
    readonly id: string,
    private readonly socket: TestSocket,
  ) {}

  static async connect(srv: TestServer, company: string, id: string, displayName: string): Promise<MapDriver> {
    await srv.user(company, id, 'driver', { display_name: displayName });
    const socket = await TestSocket.open(srv.wsUrl);
    const auth = await socket.authenticate(id, 'driver', srv.token(company, id));
    assert.equal(auth.type, 'authenticated', JSON.stringify(auth));
    return new MapDriver(id, socket);
  }

  async send(lat: number, lng: number, speedKmh = 30, bearing = 90): Promise<void> {
    const seq = ++this.seq;
    this.socket.send({ action: 'driver_location', id: this.id, seq, payload: { lat, lng, speed: speedKmh, bearing, accuracy: 5, timestamp: Date.now() } });
    const reply = await this.socket.next((m) => (m.type === 'ack' || m.type === 'error') && m.seq === seq);
    assert.equal(reply.type, 'ack', JSON.stringify(reply));
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * tsx compiles page functions with esbuild's keepNames, which wraps nested named functions in
 * a `__name(…)` helper that exists only in Node: give the page a no-op one.
 */
export const PAGE_NAME_SHIM = 'globalThis.__name = (f) => f;';

export function harnessUrl(srv: TestServer, company: string): string {
  return `${srv.url}/map-harness.html#token=${encodeURIComponent(srv.token(company, OFFICE))}&user=${OFFICE}`;
}

// Browser-side helpers. The test tsconfig has no DOM types, so page functions use `any`.

export function markerCount(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as any).__fleetdeskMap?.markerCount() ?? -1);
}

export function clusterCount(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as any).__fleetdeskMap.clusterCount());
}

export function symbolCount(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as any).__fleetdeskMap.symbolCount());
}

export function markerLatLng(page: Page, id: string): Promise<[number, number] | null> {
  return page.evaluate((id) => (globalThis as any).__fleetdeskMap.markerLatLng(id), id);
}

export function zoom(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as any).__fleetdeskMap.map.getZoom());
}

/** Sets the view without animation and waits two frames, so the canvas shows it. */
export async function setView(page: Page, lat: number, lng: number, z: number): Promise<void> {
  await page.evaluate(
    ([lat, lng, z]) =>
      new Promise<void>((resolve) => {
        (globalThis as any).__fleetdeskMap.map.setView([lat, lng], z, { animate: false });
        const g = globalThis as any;
        g.requestAnimationFrame(() => g.requestAnimationFrame(() => resolve()));
      }),
    [lat, lng, z] as const,
  );
}

/** Page coordinates of where the device's marker is drawn. */
export async function markerPoint(page: Page, id: string): Promise<{ x: number; y: number }> {
  const p = await page.evaluate((id) => {
    const h = (globalThis as any).__fleetdeskMap;
    const ll = h.markerLatLng(id);
    if (!ll) return null;
    const pt = h.map.latLngToContainerPoint(ll);
    const box = h.map.getContainer().getBoundingClientRect();
    return { x: pt.x + box.left, y: pt.y + box.top };
  }, id);
  assert.ok(p, `no marker for ${id}`);
  return p;
}

export interface PixelStats {
  total: number;
  /** share of pixels near each reference colour */
  sea: number;
  land: number;
  /** Leaflet's empty grey (#ddd): what a map without any basemap shows */
  emptyGrey: number;
  /** share of the most common colour */
  topColour: number;
}

/** Decodes a screenshot (PNG) in the page itself and counts colours. */
export function screenshotPixels(page: Page, png: Buffer): Promise<PixelStats> {
  return page.evaluate(async (b64) => {
    const g = globalThis as any;
    const img = new g.Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = g.document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d: Uint8ClampedArray = ctx.getImageData(0, 0, c.width, c.height).data;
    const near = (i: number, r: number, gr: number, b: number) => Math.abs(d[i]! - r) + Math.abs(d[i + 1]! - gr) + Math.abs(d[i + 2]! - b) < 18;
    const counts = new Map<number, number>();
    let sea = 0;
    let land = 0;
    let grey = 0;
    const total = d.length / 4;
    for (let i = 0; i < d.length; i += 4) {
      if (near(i, 0xaa, 0xd3, 0xdf)) sea++;
      else if (near(i, 0xf2, 0xef, 0xe9)) land++;
      else if (near(i, 0xdd, 0xdd, 0xdd)) grey++;
      const key = (d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return { total, sea: sea / total, land: land / total, emptyGrey: grey / total, topColour: Math.max(...counts.values()) / total };
  }, png.toString('base64'));
}

/** Polls until `check` holds or the time is up; returns the last value. */
export async function eventually<T>(read: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let v = await read();
  while (!check(v)) {
    if (Date.now() > deadline) assert.fail(`${what} not reached within ${timeoutMs} ms; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
    v = await read();
  }
  return v;
}
