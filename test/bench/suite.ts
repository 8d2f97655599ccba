/**
 * `npm run bench`: every scenario of issue 16, FleetDesk and its bare reference one after the
 * other in the same run, by running the single benches (ws-bench, http-bench, storage-bench,
 * ui-bench) as child processes and reading their JSON. Writes bench/results.json (machine, raw
 * figures of both, FleetDesk/reference ratios) and bench/results.md (the table, targets as
 * pass/fail). `--only <scenario>` reruns one scenario and keeps the others' last figures.
 *
 *   npm run bench                      # ~15 min on 2 cores
 *   npm run bench -- --quick           # small sizes, ~3 min, a smoke run
 *   npm run bench -- --only ws --sizes 10000
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const SCENARIOS = ['ws', 'http', 'storage', 'ui'] as const;
type Scenario = (typeof SCENARIOS)[number];
const USAGE = `usage: npm run bench -- [--quick] [--only ${SCENARIOS.join('|')}] [--sizes 2000,5000,10000] [--history-rows 86400] [--history-devices 10]`;

let opts: { quick?: boolean; only?: string; sizes?: string; 'history-rows'?: string; 'history-devices'?: string };
try {
  opts = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      sizes: { type: 'string' },
      'history-rows': { type: 'string' },
      'history-devices': { type: 'string' },
    },
    strict: true,
  }).values;
} catch (err) {
  console.error(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (opts.only !== undefined && !SCENARIOS.includes(opts.only as Scenario)) {
  console.error(`--only is one of ${SCENARIOS.join(', ')}\n${USAGE}`);
  process.exit(2);
}
const QUICK = opts.quick ?? false;
const SIZES = (opts.sizes ?? (QUICK ? '500' : '2000,5000,10000')).split(',').map(Number);
if (SIZES.some((n) => !Number.isInteger(n) || n < 1)) {
  console.error(`--sizes is a comma-separated list of driver counts\n${USAGE}`);
  process.exit(2);
}
const HISTORY_ROWS = opts['history-rows'] ?? (QUICK ? '20000' : '86400');
const HISTORY_DEVICES = opts['history-devices'] ?? (QUICK ? '3' : '10');

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const outDir = path.join(root, 'bench');
const log = (m: string) => process.stderr.write(`[suite ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const r2 = (x: number) => Math.round(x * 100) / 100;
const ratio = (a: number | null | undefined, b: number | null | undefined) => (a == null || b == null || b === 0 ? null : r2(a / b));

/** Runs one bench script in a child process; its stdout is one JSON object, its stderr our progress. */
function bench(script: string, args: string[]): any {
  log(`${script} ${args.join(' ')}`);
  const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(here, script), ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out);
}

/** One row of the table: a figure of FleetDesk, of the reference, their ratio and a target. */
export interface Row {
  scenario: string;
  figure: string;
  fleetdesk: number | string | null;
  reference: number | string | null;
  ratio: number | null;
  target: string;
  pass: boolean | null;
}

function wsScenario(): { raw: unknown; rows: Row[] } {
  const duration = QUICK ? '10' : '60';
  // The 60 s run: 5 s after the ramp, then the window. (A longer warm-up moves the
  // window over V8's first full collection of the 10,000-driver heap, ~100 s into the load:
  // README "Benchmarks".)
  const warmup = QUICK ? '2' : '5';
  const raw: Record<string, { fleetdesk: any; reference: any }> = {};
  const rows: Row[] = [];
  for (const n of SIZES) {
    const common = ['--drivers', String(n), '--offices', '5', '--duration', duration, '--warmup', warmup];
    const fd = bench('ws-bench.ts', common);
    const ref = bench('ws-bench.ts', [...common, '--reference']);
    raw[n] = { fleetdesk: fd, reference: ref };
    const s = `WebSocket ${n.toLocaleString('en')} drivers`;
    const expected = fd.throughput.expectedDeliveredPerS as number;
    const fdL = fd.latencyMs.driverToOffice ?? {};
    const refL = ref.latencyMs.driverToOffice ?? {};
    const p99Limit = r2(2 * (refL.p99 ?? 0) + 5);
    // over the measured window (after the ramp and the warm-up): still climbing, and which part?
    type Slope = { mbPerMin: number; stdErr: number; withinNoise: boolean };
    const rssFit = fd.server.rssSlopeInWindow as Slope;
    const heapFit = fd.server.heapCommittedSlopeInWindow as Slope;
    const nativeFit = fd.server.nativeSlopeInWindow as Slope;
    rows.push(
      { scenario: s, figure: 'accepted/s', fleetdesk: fd.throughput.acceptedPerS, reference: ref.throughput.acceptedPerS, ratio: ratio(fd.throughput.acceptedPerS, ref.throughput.acceptedPerS), target: `= sent (${fd.throughput.sentPerS}/s), all stored`, pass: fd.target.allAccepted && fd.persistence.ok },
      { scenario: s, figure: 'delivered/s (5 offices)', fleetdesk: fd.throughput.deliveredPerS, reference: ref.throughput.deliveredPerS, ratio: ratio(fd.throughput.deliveredPerS, ref.throughput.deliveredPerS), target: `≥ 99 % of ${r2(n * 5)}/s`, pass: fd.throughput.deliveredPerS >= 0.99 * n * 5 && expected > 0 },
      { scenario: s, figure: 'latency p50 ms', fleetdesk: fdL.p50 ?? null, reference: refL.p50 ?? null, ratio: ratio(fdL.p50, refL.p50), target: '', pass: null },
      { scenario: s, figure: 'latency p99 ms', fleetdesk: fdL.p99 ?? null, reference: refL.p99 ?? null, ratio: ratio(fdL.p99, refL.p99), target: `≤ 2 × reference + 5 = ${p99Limit}`, pass: fdL.p99 != null && fdL.p99 <= p99Limit },
      { scenario: s, figure: 'latency max ms', fleetdesk: fdL.max ?? null, reference: refL.max ?? null, ratio: ratio(fdL.max, refL.max), target: '', pass: null },
      { scenario: s, figure: 'RSS after ramp MB', fleetdesk: fd.server.rssMb.afterRamp, reference: ref.server.rssMb.afterRamp, ratio: ratio(fd.server.rssMb.afterRamp, ref.server.rssMb.afterRamp), target: '< 400', pass: fd.server.rssMb.afterRamp < 400 },
      { scenario: s, figure: 'RSS peak MB', fleetdesk: fd.server.rssMb.peak, reference: ref.server.rssMb.peak, ratio: ratio(fd.server.rssMb.peak, ref.server.rssMb.peak), target: '< 400', pass: fd.server.rssMb.peak < 400 },
      { scenario: s, figure: 'RSS end MB', fleetdesk: fd.server.rssMb.end, reference: ref.server.rssMb.end, ratio: ratio(fd.server.rssMb.end, ref.server.rssMb.end), target: '< 400', pass: fd.server.rssMb.end < 400 },
      { scenario: s, figure: 'RSS slope in the window, MB/min', fleetdesk: rssFit.mbPerMin, reference: (ref.server.rssSlopeInWindow as Slope).mbPerMin, ratio: null, target: `flat (±2 s.e. = ${r2(2 * rssFit.stdErr)})`, pass: rssFit.withinNoise || rssFit.mbPerMin <= 0 },
      { scenario: s, figure: '… of it: V8 heap committed / the rest (SQLite, sockets, Buffers), MB/min', fleetdesk: `${heapFit.mbPerMin} / ${nativeFit.mbPerMin}`, reference: `${(ref.server.heapCommittedSlopeInWindow as Slope).mbPerMin} / ${(ref.server.nativeSlopeInWindow as Slope).mbPerMin}`, ratio: null, target: '', pass: null },
      { scenario: s, figure: 'heap MB: used after ramp → live after the run (full GC, drivers gone)', fleetdesk: `${fd.server.heapUsedMb.afterRamp} → ${fd.server.heapUsedMb.liveAtEnd}`, reference: `${ref.server.heapUsedMb.afterRamp} → ${ref.server.heapUsedMb.liveAtEnd}`, ratio: null, target: 'what grew is garbage, not kept', pass: null },
      { scenario: s, figure: 'server CPU % of one core', fleetdesk: fd.server.cpuPctOfOneCore, reference: ref.server.cpuPctOfOneCore, ratio: ratio(fd.server.cpuPctOfOneCore, ref.server.cpuPctOfOneCore), target: '', pass: null },
      { scenario: s, figure: 'other processes, % of one core', fleetdesk: fd.machine.othersPctOfOneCore, reference: ref.machine.othersPctOfOneCore, ratio: null, target: 'disturbance above ~10', pass: null },
    );
  }
  return { raw, rows };
}

function httpScenario(): { raw: unknown; rows: Row[] } {
  const args = QUICK ? ['--devices', '200', '--requests', '20000', '--warmup', '2000', '--max-seconds', '10'] : ['--devices', '1000', '--requests', '60000', '--warmup', '5000', '--max-seconds', '20'];
  const fd = bench('http-bench.ts', args);
  const ref = bench('http-bench.ts', [...args, '--reference']);
  const s = 'HTTP OsmAnd ingest (autocannon, 64 connections)';
  return {
    raw: { fleetdesk: fd, reference: ref },
    rows: [
      { scenario: s, figure: 'requests/s', fleetdesk: fd.measured.requestsPerSecond, reference: ref.measured.requestsPerSecond, ratio: ratio(fd.measured.requestsPerSecond, ref.measured.requestsPerSecond), target: 'every 2xx stored', pass: fd.persisted.everyAnsweredPositionStored && fd.measured.non2xx === 0 },
      { scenario: s, figure: 'latency p99 ms', fleetdesk: fd.measured.latencyMs.p99, reference: ref.measured.latencyMs.p99, ratio: ratio(fd.measured.latencyMs.p99, ref.measured.latencyMs.p99), target: '', pass: null },
      { scenario: s, figure: 'requests per server CPU-second', fleetdesk: fd.server.requestsPerCpuSecond, reference: ref.server.requestsPerCpuSecond, ratio: ratio(fd.server.requestsPerCpuSecond, ref.server.requestsPerCpuSecond), target: '', pass: null },
    ],
  };
}

function storageScenario(): { raw: unknown; rows: Row[] } {
  const rows = QUICK ? '50000' : '500000';
  const r = bench('storage-bench.ts', ['--rows', rows, '--history-rows', HISTORY_ROWS, '--history-devices', HISTORY_DEVICES]);
  const { fleetdesk: fd, reference: ref } = r.commits;
  const h = r.history;
  const s = 'Storage (synchronous FULL)';
  const hs = `History: ${Number(HISTORY_DEVICES)} devices × ${Number(HISTORY_ROWS).toLocaleString('en')} positions, one paged`;
  return {
    raw: r,
    rows: [
      { scenario: s, figure: `positions committed/s (${Number(rows).toLocaleString('en')})`, fleetdesk: fd.rowsPerS, reference: ref.rowsPerS, ratio: ratio(fd.rowsPerS, ref.rowsPerS), target: '', pass: null },
      { scenario: s, figure: 'database bytes per million positions', fleetdesk: fd.bytesPerMillion, reference: ref.bytesPerMillion, ratio: ratio(fd.bytesPerMillion, ref.bytesPerMillion), target: '', pass: null },
      { scenario: hs, figure: `REST page (1,000) p50 ms, ${h.pageMs.pages} pages`, fleetdesk: h.pageMs.p50, reference: null, ratio: null, target: '', pass: null },
      { scenario: hs, figure: 'REST page p99 ms', fleetdesk: h.pageMs.p99, reference: null, ratio: null, target: '< 50', pass: h.pageMs.p99 < 50 },
    ],
  };
}

function uiScenario(): { raw: unknown; rows: Row[] } {
  if (!fs.existsSync(path.join(root, 'renderer', 'dist', 'index.html'))) {
    log('renderer/dist is missing: npm run build:renderer');
    execFileSync('npm', ['run', 'build:renderer'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  const drivers = QUICK ? '1000' : '5000';
  const r = bench('ui-bench.ts', ['--drivers', drivers, '--duration', QUICK ? '5' : '20', '--warmup', QUICK ? '2' : '5']);
  const s = `Console map, ${Number(drivers).toLocaleString('en')} devices at 1 Hz (no reference)`;
  const rows: Row[] = [];
  for (const [phase, p] of Object.entries(r.phases as Record<string, { longTasks: { msPerS: number }; frameMs: { p95: number } }>)) {
    rows.push(
      { scenario: s, figure: `${phase}: long tasks ms/s`, fleetdesk: p.longTasks.msPerS, reference: null, ratio: null, target: '< 200', pass: p.longTasks.msPerS < 200 },
      { scenario: s, figure: `${phase}: frame p95 ms`, fleetdesk: p.frameMs.p95, reference: null, ratio: null, target: '', pass: null },
    );
  }
  return { raw: r, rows };
}

const RUNNERS: Record<Scenario, () => { raw: unknown; rows: Row[] }> = { ws: wsScenario, http: httpScenario, storage: storageScenario, ui: uiScenario };

interface Machine {
  cores: number;
  cpuModel: string;
  totalMemMb: number;
  node: string;
  platform: string;
}

interface ScenarioResult {
  ranAt: string;
  quick: boolean;
  /** where it ran: `--only` keeps the other scenarios' figures, which may come from another machine */
  machine?: Machine;
  rows: Row[];
}

const describe = (m: Machine) => `${m.cores} cores, ${m.cpuModel}, ${m.totalMemMb} MB RAM, Node ${m.node}, ${m.platform}`;

function markdown(results: { machine: Machine; scenarios: Record<string, ScenarioResult> }): string {
  const cell = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'number' ? v.toLocaleString('en') : String(v));
  const lines = [`Machine: ${describe(results.machine)}.`, ''];
  for (const name of SCENARIOS) {
    const sc = results.scenarios[name];
    const elsewhere = sc?.machine && describe(sc.machine) !== describe(results.machine) ? ` on another machine: ${describe(sc.machine)}` : '';
    if (sc) lines.push(`- ${name}: run ${sc.ranAt.slice(0, 16).replace('T', ' ')} UTC${sc.quick ? ' (--quick: small sizes)' : ''}${elsewhere}`);
  }
  lines.push('', '| Scenario | Figure | FleetDesk | Reference | × | Target | |', '|---|---|---:|---:|---:|---|---|');
  let last = '';
  for (const name of SCENARIOS) {
    const sc = results.scenarios[name];
    if (!sc) continue;
    for (const r of sc.rows) {
      const label = r.scenario === last ? '' : r.scenario;
      last = r.scenario;
      lines.push(`| ${label} | ${r.figure} | ${cell(r.fleetdesk)} | ${cell(r.reference)} | ${cell(r.ratio)} | ${r.target} | ${r.pass === null ? '' : r.pass ? 'pass' : '**miss**'} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const pickMachine = (m: Machine): Machine => ({ cores: m.cores, cpuModel: m.cpuModel, totalMemMb: m.totalMemMb, node: m.node, platform: m.platform });

function main(): void {
  fs.mkdirSync(outDir, { recursive: true });
  const jsonFile = path.join(outDir, 'results.json');
  const previous = opts.only && fs.existsSync(jsonFile) ? (JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as { machine?: Machine; scenarios?: Record<string, ScenarioResult>; raw?: Record<string, unknown> }) : {};
  const cpus = os.cpus();
  const machine: Machine = { cores: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', totalMemMb: Math.round(os.totalmem() / 1048576), node: process.version, platform: `${os.platform()} ${os.release()}` };
  const results = {
    machine: { ...machine, date: new Date().toISOString() },
    // a scenario kept from an earlier run keeps its machine (before scenarios named theirs: the file's)
    scenarios: Object.fromEntries(Object.entries(previous.scenarios ?? {}).map(([name, sc]) => [name, { ...sc, machine: sc.machine ?? (previous.machine ? pickMachine(previous.machine) : undefined) }])) as Record<string, ScenarioResult>,
    raw: { ...(previous.raw ?? {}) } as Record<string, unknown>,
  };
  const todo = opts.only ? [opts.only as Scenario] : [...SCENARIOS];
  for (const name of todo) {
    const ranAt = new Date().toISOString();
    try {
      const { raw, rows } = RUNNERS[name]();
      results.scenarios[name] = { ranAt, quick: QUICK, machine, rows };
      results.raw[name] = raw;
    } catch (err) {
      log(`${name} failed: ${(err as Error).message}`);
      results.scenarios[name] = { ranAt, quick: QUICK, machine, rows: [{ scenario: name, figure: 'run failed', fleetdesk: String((err as Error).message).slice(0, 120), reference: null, ratio: null, target: '', pass: false }] };
    }
    // written after every scenario, so a long run that breaks keeps what it measured
    fs.writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
    fs.writeFileSync(path.join(outDir, 'results.md'), markdown(results));
  }
  process.stdout.write(markdown(results));
}

main();
