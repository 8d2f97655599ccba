/**
 * `npm run build:electron`: the bundles exist, Electron stays external, out/main.cjs loads up
 * to the point where it needs the Electron binary, the sandboxed preload needs nothing but
 * 'electron' and exposes one function per channel; electron-builder.yml passes
 * electron-builder's own schema.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import vm from 'node:vm';
import { test } from 'node:test';
import pino from 'pino';
import { IPC_CHANNELS } from '../../shared/ipc';
import { latin1Source } from '../../main/build/node-bundle';
import { buildElectron, MAIN_EXTERNALS } from '../../main/electron/build';
import { ensureDesktopOwner } from '../../main/electron/desktop-session';
import { registerIpc, senderCheck } from '../../main/electron/ipc';
import { ipcHandlers } from '../../main/electron/ipc-handlers';
import { createMainWindow } from '../../main/electron/window';
import { createElectronStub, ipcEventFrom } from '../support/electron-stub';
import { startTestServer, tempDir } from '../support/server';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT = path.join(ROOT, 'out');

test('npm run build:electron writes out/main.cjs, out/preload.cjs and the icons', async () => {
  const { stdout } = await run('npm', ['run', '-s', 'build:electron'], { cwd: ROOT, timeout: 120_000 });
  assert.match(stdout, /out\/main\.cjs and out\/preload\.cjs built/);
  for (const f of ['main.cjs', 'main.checkpoint-worker.cjs', 'main.track-worker.cjs', 'preload.cjs', 'icon.png', 'tray.png', 'tray@2x.png']) assert.ok(fs.statSync(path.join(OUT, f)).size > 0, f);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.main, 'out/main.cjs');
});

test('out/main.cjs loads every bundled module under plain Node and stops only for the missing Electron', async () => {
  const main = path.join(OUT, 'main.cjs');
  if (!fs.existsSync(main)) await buildElectron(ROOT);
  // Without the binary, the electron npm package only names it (ELECTRON_OVERRIDE_DIST_PATH
  // keeps it from trying to download one).
  const result = await run(process.execPath, [main], { cwd: ROOT, timeout: 30_000, env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent-electron' } }).then(
    () => ({ code: 0, stderr: '' }),
    (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
  );
  assert.equal(result.code, 1);
  assert.match(result.stderr, /out\/main\.cjs is the FleetDesk desktop app and runs inside Electron: start it with `npm start`/);
  assert.doesNotMatch(result.stderr, /Cannot find module|is not a function|import\.meta/);
});

test('the main bundle inlines every JavaScript dependency (better-sqlite3 too) and keeps Electron external; the preload bundles nothing else', async () => {
  const outDir = tempDir('fleetdesk-out-');
  const { main, preload, warnings } = await buildElectron(ROOT, outDir);
  assert.deepEqual(
    warnings.map((w) => w.text),
    [],
  );
  const mainImports = Object.values(main.outputs).flatMap((o) => o.imports);
  assert.ok(mainImports.some((i) => i.path === 'electron' && i.external), 'mainImports.some((i) => i.path === \'electron\' && i.external)');
  assert.equal(mainImports.some((i) => i.path === 'better-sqlite3'), false, 'better-sqlite3 is bundled; its binding is loaded by path (nativeBinding)');
  // Everything else is bundled: what stays outside is Node's own modules or MAIN_EXTERNALS.
  const externals = new Set(mainImports.filter((i) => i.external).map((i) => i.path.replace(/^node:/, '')));
  for (const ext of externals) assert.ok(builtinModules.includes(ext) || MAIN_EXTERNALS.includes(ext), `unexpected external ${ext}`);
  const mainInputs = Object.keys(main.inputs);
  assert.ok(mainInputs.includes('main/electron/main.ts'), 'mainInputs.includes(\'main/electron/main.ts\')');
  assert.ok(mainInputs.includes('main/server/index.ts'), 'the server is bundled in');
  assert.equal(mainInputs.filter((p) => p.includes('node_modules/electron/')).length, 0);
  assert.ok(mainInputs.includes('node_modules/better-sqlite3/lib/database.js'), 'mainInputs.includes(\'node_modules/better-sqlite3/lib/database.js\')');
  assert.equal(mainInputs.filter((p) => p.includes('node_modules/tsx/') || p.includes('node_modules/esbuild/')).length, 0);

  // V8 keeps the source for the life of the process: Latin-1 only, so at one byte per character
  // (the sources' comments have em dashes and arrows; a stand-in keeps the line's columns)
  const mainCode = fs.readFileSync(path.join(outDir, 'main.cjs'), 'utf8');
  assert.equal(/[\u0100-\u{10ffff}]/u.test(mainCode), false, 'main.cjs has a character beyond Latin-1');
  assert.match(mainCode, /cut it from the stored positions/, 'the comments are still there');

  assert.deepEqual(Object.keys(preload.inputs), ['preload/index.ts']);
  const preloadImports = Object.values(preload.outputs).flatMap((o) => o.imports);
  assert.deepEqual(
    preloadImports.map((i) => [i.path, i.external]),
    [['electron', true]],
  );
});

test('a bundle keeps to Latin-1 with one stand-in per UTF-16 unit, so its source map still points at the right columns', () => {
  const comment = '// Stages 2–4 — alert → store, ≤ 5 s… 😀 ok ²';
  const narrowed = latin1Source(comment);
  assert.equal(narrowed, '// Stages 2-4 - alert > store, < 5 s. ?? ok ²');
  assert.equal(narrowed.length, comment.length);
  assert.equal(latin1Source('const a = "\\u2014"; // plain'), 'const a = "\\u2014"; // plain');
});

test('the preload runs in a sandbox-like context and exposes one function per channel that reaches main', async () => {
  const code = fs.readFileSync(path.join(OUT, 'preload.cjs'), 'utf8');
  const srv = await startTestServer();
  try {
    const e = createElectronStub();
    const logger = pino({ level: 'silent' });
    const accounts = () => srv.ctx.accounts;
    await ensureDesktopOwner(accounts(), logger);
    createMainWindow(e.api.BrowserWindow, e.api.shell, { serverUrl: srv.url, preloadPath: '/p.cjs', onError: () => {} });
    const win = e.windows[0]!;
    const current = () => win;
    const handlers = ipcHandlers({ accounts, serverUrl: srv.url, logger, shell: e.api.shell, Notification: e.api.Notification, dialog: e.api.dialog, window: current, downloadsDir: () => tempDir() });
    registerIpc(e.api.ipcMain, senderCheck(current, srv.url), handlers);

    const exposed: Record<string, any> = {};
    const required: string[] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void (exposed[key] = api) },
      ipcRenderer: { invoke: (channel: string, ...args: unknown[]) => e.ipcMain.invoke(channel, ipcEventFrom(win), ...args) },
    };
    // A sandboxed preload's require knows 'electron' only.
    const sandboxRequire = (id: string) => {
      required.push(id);
      if (id === 'electron') return electron;
      throw new Error(`module not found: ${id}`);
    };
    const module = { exports: {} };
    vm.runInNewContext(code, { require: sandboxRequire, module, exports: module.exports }, { filename: 'preload.cjs' });

    assert.deepEqual(required, ['electron']);
    assert.deepEqual(Object.keys(exposed), ['fleetdesk']);
    const api = exposed.fleetdesk;
    const methods = Object.values(IPC_CHANNELS).map((c) => c.method);
    assert.deepEqual(Object.keys(api).sort(), [...methods].sort());
    for (const m of methods) assert.equal(typeof api[m], 'function');
    assert.equal('ipcRenderer' in api, false);
    assert.equal(Object.isFrozen(api), true);

    const session = await api.getSession();
    assert.deepEqual(session.user, { id: 'desktop-admin', role: 'admin', company: 'local' });
    assert.equal((await srv.api('GET', '/api/v1/company', { token: session.token })).status, 200);
    assert.equal(await api.openExternal('https://www.openstreetmap.org/'), true);
    assert.equal(await api.openExternal('javascript:alert(1)'), false);
    await api.notify({ title: 'Hello', body: 'from the preload' });
    assert.equal(e.notifications[0]?.title, 'Hello');
    assert.deepEqual(await api.saveFile({ defaultName: 'a.csv', content: 'x' }), { saved: false });
    await assert.rejects(api.notify({ title: 7, body: '' }), /invalid argument: title/);
  } finally {
    await srv.stop();
  }
});

test('electron-builder.yml passes electron-builder 26 validation and packages what the app needs', async () => {
  const require = createRequire(import.meta.url);
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
  const debug = { isEnabled: false, add() {} };
  const config = await getConfig(ROOT, path.join(ROOT, 'electron-builder.yml'), null);
  await validateConfiguration(config, debug);

  assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
  assert.deepEqual(config.win.target, ['nsis']);
  assert.deepEqual(config.mac.target, ['dmg', 'zip']);
  assert.equal(config.directories.app, 'dist/app', 'the two package.json layout: the staged app directory');
  assert.deepEqual(config.asarUnpack, ['out/native/*.node']);
  assert.equal(config.publish, null, 'nothing is published from a build');
  assert.equal(config.beforeBuild, 'scripts/electron-builder-hooks.cjs');
  const hook = require(path.join(ROOT, config.beforeBuild));
  assert.equal(await hook.default(), false, 'node_modules are handled outside electron-builder: none are packed');
  assert.equal(config.electronFuses.runAsNode, false);
  assert.equal(config.electronFuses.onlyLoadAppFromAsar, true);
  assert.equal(config.electronFuses.enableEmbeddedAsarIntegrityValidation, true);
  assert.ok(fs.existsSync(path.join(ROOT, config.icon)), 'fs.existsSync(path.join(ROOT, config.icon))');
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.match(pkg.homepage, /^https:\/\//, 'the deb needs a homepage');
  assert.ok(pkg.author, 'and an author');
  assert.match(pkg.scripts.dist, /scripts\/dist\.ts/);

  await assert.rejects(validateConfiguration({ ...config, nsis: { ...config.nsis, oneClik: false } }, debug), /configuration object that does not match the API schema/);
});
