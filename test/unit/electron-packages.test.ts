/**
 * The desktop packages, built here for Linux, Windows and macOS with stand-in Electron folders
 * (scripts/check-packages.ts) and inspected: only the bundles, the console and better-sqlite3's
 * binding go in, under the size budget, with Electron's fuses flipped and the asar integrity
 * hash recorded where Electron checks it; node_modules is left as it was.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { APP_DIR } from '../../scripts/app-dir';
import { checkPackages, NOT_BUILDABLE_OFFLINE } from '../../scripts/check-packages';
import { parseDistArgs } from '../../scripts/dist';
import { APP_BUDGET_BYTES, packageProblems } from '../../scripts/package-contents';
import { tempDir } from '../support/server';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NODE_BUILD = path.join(ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function listRenderer(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listRenderer(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name)).split(path.sep).join('/')]));
}

test('every platform packs only the app, under budget, with fuses and integrity, without touching node_modules', { timeout: 300_000 }, async (t) => {
  const before = sha(NODE_BUILD);
  const work = tempDir('fleetdesk-packages-');
  const results = await checkPackages(ROOT, work);
  assert.deepEqual(
    results.map((r) => r.contents.platform),
    ['linux', 'win32', 'darwin'],
  );

  const renderer = listRenderer(path.join(ROOT, 'renderer', 'dist'))
    .filter((f) => !f.endsWith('.map'))
    .map((f) => `renderer/dist/${f}`);
  const expected = ['out/icon.png', 'out/main.checkpoint-worker.cjs', 'out/main.cjs', 'out/main.track-worker.cjs', 'out/preload.cjs', 'out/tray.png', 'out/tray@2x.png', 'package.json', ...renderer].sort();
  for (const r of results) {
    const c = r.contents;
    t.diagnostic(`${c.platform}: app ${(c.appBytes / 1024 / 1024).toFixed(1)} MB; ${r.archives.map((a) => `${path.basename(a.file)} ${(a.bytes / 1024 / 1024).toFixed(1)} MB`).join(', ')}; ${r.seconds.toFixed(1)} s`);
    assert.deepEqual(r.problems, [], c.platform);
    assert.deepEqual(c.asarFiles, expected, `${c.platform}: app.asar holds exactly the bundles and the console`);
    assert.deepEqual(c.unpackedFiles, ['out/native/better_sqlite3.node']);
    assert.equal(sha(path.join(c.dir, c.platform === 'darwin' ? 'FleetDesk.app/Contents/Resources' : 'resources', 'app.asar.unpacked/out/native/better_sqlite3.node')), before);
    assert.ok(c.appBytes < APP_BUDGET_BYTES, `${c.platform}: ${c.appBytes} bytes`);
    assert.equal(c.fuses, '00001100', 'runAsNode, NODE_OPTIONS and --inspect off; asar integrity and only-asar on');
    assert.equal(c.integrity, { linux: 'none', win32: 'exe resource', darwin: 'Info.plist' }[c.platform]);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.deepEqual(c.appPackage, { name: 'fleetdesk', version: pkg.version, description: pkg.description, author: pkg.author, homepage: pkg.homepage, license: 'MIT', main: 'out/main.cjs', private: true });
    assert.equal(r.archives.length, 1);
    assert.ok(r.archives[0]!.bytes > 1_000_000 && r.archives[0]!.bytes < APP_BUDGET_BYTES, 'r.archives[0]!.bytes > 1_000_000 && r.archives[0]!.bytes < APP_BUDGET_BYTES');
  }
  assert.equal(sha(NODE_BUILD), before, "node_modules' better-sqlite3 is never rebuilt");
  assert.equal(fs.existsSync(path.join(ROOT, APP_DIR, 'node_modules')), false);
  assert.deepEqual(Object.keys(NOT_BUILDABLE_OFFLINE), ['AppImage', 'deb', 'nsis', 'dmg']);
  fs.rmSync(work, { recursive: true, force: true });
});

test('the budget check names what is wrong with a package', () => {
  const ok = {
    platform: 'win32' as const,
    dir: '/x',
    asarFiles: ['out/main.checkpoint-worker.cjs', 'out/main.cjs', 'out/main.track-worker.cjs', 'out/preload.cjs', 'package.json', 'renderer/dist/index.html'],
    unpackedFiles: ['out/native/better_sqlite3.node'],
    asarBytes: 5_000_000,
    unpackedBytes: 2_000_000,
    appBytes: 7_000_000,
    fuses: '00001100',
    integrity: 'exe resource' as const,
    appPackage: { name: 'fleetdesk' },
  };
  assert.deepEqual(packageProblems(ok), []);
  assert.deepEqual(
    packageProblems({
      ...ok,
      appBytes: 90 * 1024 * 1024,
      asarFiles: [...ok.asarFiles, 'node_modules/esbuild/bin/esbuild', 'out/main.cjs.map'],
      unpackedFiles: ['node_modules/better-sqlite3/src/better_sqlite3.cpp', 'out/native/better_sqlite3.node'],
      fuses: '10001000',
      integrity: 'none',
      appPackage: { name: 'fleetdesk', dependencies: { tsx: '^4' } },
    }),
    [
      'the app takes 90.0 MB besides Electron, over the 25.0 MB budget',
      'app.asar carries what the app never loads: node_modules/esbuild/bin/esbuild, out/main.cjs.map',
      "only better-sqlite3's binding belongs outside the archive, found: node_modules/better-sqlite3/src/better_sqlite3.cpp, out/native/better_sqlite3.node",
      'the packaged package.json lists dependencies',
      "Electron's fuses are not as configured: runAsNode, onlyLoadAppFromAsar",
      'the asar integrity hash was not recorded, so Electron would refuse to start with the integrity fuse on',
    ],
  );
});

test('npm run dist takes platforms and architectures, this machine’s by default, and names a wrong option', () => {
  assert.deepEqual(parseDistArgs([]), { platforms: [process.platform === 'win32' || process.platform === 'darwin' ? process.platform : 'linux'], archs: [process.arch] });
  assert.deepEqual(parseDistArgs(['--win', '--mac', '--arm64']), { platforms: ['win32', 'darwin'], archs: ['arm64'] });
  assert.throws(() => parseDistArgs(['--windows']), /unknown option "--windows": use --linux, --win, --mac and --x64, --arm64, --ia32, --armv7l/);
});
