/**
 * Measurements inside the map page for `npm run bench:ui`: main-thread long tasks
 * (PerformanceObserver 'longtask', tasks over 50 ms) and the time between animation frames
 * (requestAnimationFrame deltas). Page scripts are strings: this file is compiled for Node.
 */
import fs from 'node:fs';
import type { CDPSession, Page } from 'playwright-core';

const START = `(() => {
  const m = { longMs: 0, longCount: 0, longMax: 0, frames: [], t0: performance.now(), updates0: window.__fleetdeskHarness?.updates ?? 0, stopped: false };
  m.observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      m.longMs += e.duration;
      m.longCount++;
      if (e.duration > m.longMax) m.longMax = e.duration;
    }
  });
  m.observer.observe({ type: 'longtask' });
  let last = -1;
  const frame = (t) => {
    if (m.stopped) return;
    if (last >= 0) m.frames.push(t - last);
    last = t;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  window.__uiBench = m;
})()`;

const STOP = `(() => {
  const m = window.__uiBench;
  m.stopped = true;
  m.observer.disconnect();
  const h = window.__fleetdeskMap;
  return {
    durationMs: performance.now() - m.t0,
    longMs: m.longMs,
    longCount: m.longCount,
    longMax: m.longMax,
    frames: m.frames,
    updates: (window.__fleetdeskHarness?.updates ?? 0) - m.updates0,
    markers: h.markerCount(),
    clusters: h.clusterCount(),
    symbols: h.symbolCount(),
    drawMs: h.drawMs(),
    zoom: h.map.getZoom(),
  };
})()`;

interface RawMeasurement {
  durationMs: number;
  longMs: number;
  longCount: number;
  longMax: number;
  frames: number[];
  updates: number;
  markers: number;
  clusters: number;
  symbols: number;
  drawMs: number;
  zoom: number;
}

export interface PhaseResult {
  /** main-thread busy time per second (CDP Performance metrics), ms: all tasks / script only */
  mainThread: { taskMsPerS: number; scriptMsPerS: number };
  zoom: number;
  /** devices in view (clustered or not), cluster bubbles, symbols drawn, at the end of the phase */
  markersInView: number;
  clusters: number;
  symbols: number;
  /** script time of the last canvas draw, ms */
  lastDrawMs: number;
  seconds: number;
  /** live location_update messages the page received per second */
  updatesPerS: number;
  longTasks: { msPerS: number; count: number; maxMs: number };
  frameMs: { p50: number; p95: number; p99: number; max: number; fps: number };
}

const r1 = (x: number): number => Math.round(x * 10) / 10;

function quantile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

/**
 * Measures for `seconds`; with `profileFile`, also writes the page's CPU profile (.cpuprofile)
 * there. `during` runs meanwhile (e.g. a drag) and must finish within the time.
 */
export async function measure(page: Page, seconds: number, profileFile: string | null = null, during?: (ms: number) => Promise<void>): Promise<PhaseResult> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  if (profileFile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  await page.evaluate(START);
  const before = await metrics(cdp);
  await Promise.all([page.waitForTimeout(seconds * 1000), during?.(seconds * 1000 - 200)]);
  const after = await metrics(cdp);
  const m = (await page.evaluate(STOP)) as RawMeasurement;
  if (profileFile) {
    const { profile } = await cdp.send('Profiler.stop');
    fs.writeFileSync(profileFile, JSON.stringify(profile));
  }
  await cdp.detach();
  const s = m.durationMs / 1000;
  const busy = (name: string) => r1((((after[name] ?? 0) - (before[name] ?? 0)) * 1000) / s);
  const frames = [...m.frames].sort((a, b) => a - b);
  return {
    zoom: m.zoom,
    markersInView: m.markers,
    clusters: m.clusters,
    symbols: m.symbols,
    lastDrawMs: r1(m.drawMs),
    seconds: r1(s),
    mainThread: { taskMsPerS: busy('TaskDuration'), scriptMsPerS: busy('ScriptDuration') },
    updatesPerS: r1(m.updates / s),
    longTasks: { msPerS: r1(m.longMs / s), count: m.longCount, maxMs: r1(m.longMax) },
    frameMs: { p50: r1(quantile(frames, 50)), p95: r1(quantile(frames, 95)), p99: r1(quantile(frames, 99)), max: r1(frames.at(-1) ?? NaN), fps: r1(frames.length / s) },
  };
}

/** Sets the map view without animation (the view of a phase). */
export async function setView(page: Page, lat: number, lng: number, zoom: number): Promise<void> {
  // `void`: evaluate would otherwise serialise the returned L.Map, which takes seconds.
  await page.evaluate(`void window.__fleetdeskMap.map.setView([${lat}, ${lng}], ${zoom}, { animate: false })`);
}

/**
 * Drags the map with the mouse, back and forth across the middle of the page, for `ms`: every
 * frame of a drag redraws every marker in view.
 */
export async function drag(page: Page, ms: number): Promise<void> {
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  const cx = size.width / 2;
  const cy = size.height / 2;
  const amplitude = size.width / 6;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    const phase = ((Date.now() - t0) / 2000) * 2 * Math.PI;
    await page.mouse.move(cx + amplitude * Math.sin(phase), cy + (amplitude / 3) * Math.sin(phase * 2));
    await new Promise((r) => setTimeout(r, 16));
  }
  await page.mouse.up();
}

/** Fits the view to a box, without animation. */
export async function fitBounds(page: Page, south: number, west: number, north: number, east: number): Promise<void> {
  await page.evaluate(`void window.__fleetdeskMap.map.fitBounds([[${south}, ${west}], [${north}, ${east}]], { animate: false })`);
}

export function markerCount(page: Page): Promise<number> {
  return page.evaluate('window.__fleetdeskMap ? window.__fleetdeskMap.markerCount() : -1') as Promise<number>;
}
