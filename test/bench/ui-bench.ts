/**
 * `npm run bench:ui`: how the live map copes with a big fleet. Not a test: it prints figures.
 *
 * A real tracking server runs in a child process (bench-server.ts) with a fresh data folder;
 * this process provisions one company with N drivers and an office, connects the drivers over
 * real WebSockets and has each send `driver_location` at 1 Hz (spread over the second, every
 * driver circling its block of the city). Headless Chromium opens the map harness
 * (renderer/map-harness.html, served by that server) as the office, and for `--duration`
 * seconds per phase measures main-thread long-task time per second and the frame-time
 * percentiles (requestAnimationFrame deltas):
 *   overview: zoom 12, the whole fleet in view and clustered;
 *   street:   the fleet's area fitted to the window (zoom 14 at 1280×800), past clustering:
 *             every device a marker of its own, all of them in view and moving;
 *   drag:     the street view while the mouse drags the map to and fro: every frame redraws
 *             every marker in view.
 *
 *   npm run bench:ui -- --drivers 2000 --duration 20 --warmup 3
 *
 * One JSON object goes to stdout; progress to stderr; screenshots of each phase to test-artifacts/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TRACK_PATH } from '../../shared/protocol/tracking';
import { ARTIFACTS_DIR, assertRendererBuilt, launchBrowser, newPage } from '../support/browser';
import { CITY, FLEET_BOX, OFFICE, SimulatedFleet, provision } from './ui-fleet';
import { drag, fitBounds, markerCount, measure, setView, type PhaseResult } from './ui-page';
import { startUiServer, type UiServer } from './ui-server';

const USAGE = 'usage: npm run bench:ui -- [--drivers 2000] [--duration 20] [--warmup 5] [--width 1280] [--height 800] [--cpu-prof] [--keep-data]';
const OPTIONS = {
  drivers: { type: 'string', default: '2000' },
  duration: { type: 'string', default: '20' },
  warmup: { type: 'string', default: '5' },
  width: { type: 'string', default: '1280' },
  height: { type: 'string', default: '800' },
  'keep-data': { type: 'boolean', default: false },
  /** writes the page's CPU profile of each phase to test-artifacts/ui-bench-<phase>.cpuprofile */
  'cpu-prof': { type: 'boolean', default: false },
} as const;

function parseOptions() {
  try {
    return parseArgs({ options: OPTIONS, strict: true }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}
const args = parseOptions();

function intArg(name: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} must be a whole number from ${min} to ${max}\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

const N = intArg('drivers', args.drivers, 1, 20_000);
const DURATION_S = intArg('duration', args.duration, 1, 600);
const WARMUP_S = intArg('warmup', args.warmup, 0, 120);
const WIDTH = intArg('width', args.width, 320, 3840);
const HEIGHT = intArg('height', args.height, 240, 2160);
const ALL_POSITIONED_TIMEOUT_MS = 60_000;
/** The whole city in view, clustered (clusters up to CLUSTER_MAX_ZOOM = 13). */
const OVERVIEW_ZOOM = 12;
const WATCHDOG_MS = (3 * (DURATION_S + WARMUP_S) + 300 + Math.ceil(N / 20)) * 1000;

const log = (msg: string): void => {
  process.stderr.write(`[bench:ui ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};

/** Whole-machine CPU time, ms, from /proc/stat; null off Linux. */
function machineCpu(): { busyMs: number; totalMs: number } | null {
  try {
    const f = (fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busyMs: (total - idle) * 10, totalMs: total * 10 };
  } catch {
    return null;
  }
}

let server: UiServer | null = null;
let dataDir: string | null = null;

function abandon(code: number): never {
  server?.child.kill('SIGKILL');
  if (dataDir && !args['keep-data']) fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(code);
}

async function main(): Promise<void> {
  assertRendererBuilt();
  const watchdog = setTimeout(() => {
    log(`watchdog: the run took over ${WATCHDOG_MS / 1000} s; abandoning`);
    abandon(3);
  }, WATCHDOG_MS);
  watchdog.unref();

  log(`provisioning ${N} drivers and an office`);
  const p = await provision(N, 3600 + 4 * (DURATION_S + WARMUP_S));
  dataDir = p.dataDir;
  const srv = await startUiServer(p.dataDir);
  server = srv;
  const base = `http://127.0.0.1:${srv.port}`;
  log(`server pid ${srv.child.pid} on ${base}`);

  const fleet = new SimulatedFleet(`ws://127.0.0.1:${srv.port}${TRACK_PATH}`, p);
  await fleet.connect(100, log);
  fleet.start();

  const browser = await launchBrowser();
  const tp = await newPage(browser, { width: WIDTH, height: HEIGHT });
  await tp.context.addInitScript('globalThis.__name = (f) => f;');
  const { page } = tp;
  await page.goto(`${base}/map-harness.html#token=${encodeURIComponent(p.officeToken)}&user=${OFFICE}`);
  log(`map open (${WIDTH}×${HEIGHT}); waiting for all ${N} devices to have a position`);
  const deadline = Date.now() + ALL_POSITIONED_TIMEOUT_MS;
  // The map fits itself to the first positions it sees; after that, zoom out to count them all.
  while ((await markerCount(page)) <= 0) {
    if (Date.now() > deadline) throw new Error(`no device on the map after ${ALL_POSITIONED_TIMEOUT_MS / 1000} s`);
    await page.waitForTimeout(250);
  }
  await setView(page, CITY[0], CITY[1], 4);
  let lastLog = Date.now();
  while ((await markerCount(page)) < N) {
    if (Date.now() - lastLog > 2000) {
      lastLog = Date.now();
      log(`… ${await markerCount(page)} of ${N} devices on the map`);
    }
    if (Date.now() > deadline) throw new Error(`only ${await markerCount(page)} of ${N} devices on the map after ${ALL_POSITIONED_TIMEOUT_MS / 1000} s`);
    await page.waitForTimeout(250);
  }

  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const phases: Record<string, PhaseResult & { machineBusyPct: number | null }> = {};
  const runPhase = async (name: string, view: () => Promise<void>, during?: (ms: number) => Promise<void>) => {
    await view();
    await page.waitForTimeout(WARMUP_S * 1000);
    log(`phase ${name}: measuring for ${DURATION_S} s`);
    const cpu0 = machineCpu();
    const result = await measure(page, DURATION_S, args['cpu-prof'] ? path.join(ARTIFACTS_DIR, `ui-bench-${name}.cpuprofile`) : null, during);
    const cpu1 = machineCpu();
    const busyPct = cpu0 && cpu1 ? Math.round(((cpu1.busyMs - cpu0.busyMs) / (cpu1.totalMs - cpu0.totalMs)) * 1000) / 10 : null;
    phases[name] = { ...result, machineBusyPct: busyPct };
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, `ui-bench-${name}.png`) });
    log(`phase ${name}: ${JSON.stringify({ longTasks: result.longTasks, frameMs: result.frameMs })}`);
  };
  await runPhase('overview', () => setView(page, CITY[0], CITY[1], OVERVIEW_ZOOM));
  const street = () => fitBounds(page, FLEET_BOX.south, FLEET_BOX.west, FLEET_BOX.north, FLEET_BOX.east);
  await runPhase('street', street);
  await runPhase('drag', street, (ms) => drag(page, ms));

  await browser.close();
  await fleet.stop();
  await srv.stop();
  if (!args['keep-data']) fs.rmSync(p.dataDir, { recursive: true, force: true });

  const all = Object.values(phases);
  const result = {
    config: { drivers: N, updateHz: 1, durationS: DURATION_S, warmupS: WARMUP_S, viewport: `${WIDTH}x${HEIGHT}`, cpus: os.cpus().length, node: process.version },
    phases,
    fleet: { ...fleet.stats, connected: N - fleet.stats.connectFailures },
    pageErrors: tp.errors.slice(0, 10),
    target: {
      drivers2000: N >= 2000,
      longTasksUnder200msPerS: all.every((r) => r.longTasks.msPerS < 200),
      frameP95Under50ms: all.every((r) => r.frameMs.p95 < 50),
    },
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    abandon(1);
  },
);
