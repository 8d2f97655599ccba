/** The console window follows Electron's security checklist (stand-in Electron, real shell code). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMainWindow, focusWindow, mainWindowOptions } from '../../main/electron/window';
import { desktopCsp } from '../../main/electron/security';
import { createElectronStub } from '../support/electron-stub';

const SERVER = 'http://127.0.0.1:8765';

function openWindow() {
  const e = createElectronStub();
  const errors: unknown[] = [];
  createMainWindow(e.api.BrowserWindow, e.api.shell, { serverUrl: SERVER, preloadPath: '/app/out/preload.cjs', onError: (err) => errors.push(err) });
  const win = e.windows[0]!;
  return { e, win, errors };
}

const tick = () => new Promise((r) => setImmediate(r));

test('webPreferences: isolated, sandboxed, no Node, web security on, the preload set, no remote module', () => {
  const { win } = openWindow();
  const wp = win.options.webPreferences!;
  assert.equal(wp.contextIsolation, true);
  assert.equal(wp.sandbox, true);
  assert.equal(wp.nodeIntegration, false);
  assert.equal(wp.nodeIntegrationInWorker, false);
  assert.equal(wp.nodeIntegrationInSubFrames, false);
  assert.equal(wp.webSecurity, true);
  assert.equal(wp.allowRunningInsecureContent, false);
  assert.equal(wp.experimentalFeatures, false);
  assert.equal(wp.webviewTag, false);
  assert.equal(wp.preload, '/app/out/preload.cjs');
  assert.equal('enableRemoteModule' in wp, false);
  assert.equal('enableBlinkFeatures' in wp, false);
  assert.deepEqual(mainWindowOptions('/p.cjs').webPreferences, { ...wp, preload: '/p.cjs' });
});

test('the window loads the server console and shows when ready', async () => {
  const { win } = openWindow();
  assert.deepEqual(win.loaded, [`${SERVER}/`]);
  assert.equal(win.visible, false);
  await tick();
  assert.equal(win.visible, true);
});

test('a server URL that does not parse is refused before any window opens', () => {
  const e = createElectronStub();
  assert.throws(() => createMainWindow(e.api.BrowserWindow, e.api.shell, { serverUrl: 'not a url', preloadPath: '/p', onError: () => {} }), /not a valid URL/);
  assert.equal(e.windows.length, 0);
});

test('window.open is always denied; http(s) links go to the browser, other schemes nowhere', async () => {
  const { e, win } = openWindow();
  assert.deepEqual(win.webContents.windowOpen('https://www.openstreetmap.org/copyright'), { action: 'deny' });
  assert.deepEqual(win.webContents.windowOpen(`${SERVER}/share/abc`), { action: 'deny' });
  assert.deepEqual(win.webContents.windowOpen('javascript:alert(1)'), { action: 'deny' });
  assert.deepEqual(win.webContents.windowOpen('file:///etc/passwd'), { action: 'deny' });
  await tick();
  assert.deepEqual(e.opened, ['https://www.openstreetmap.org/copyright', `${SERVER}/share/abc`]);
  assert.equal(e.windows.length, 1);
});

test('navigation stays on the server origin; other origins are blocked (http(s) opened outside)', async () => {
  const { e, win } = openWindow();
  assert.equal(win.webContents.navigate(`${SERVER}/devices/DR_1`), true);
  assert.equal(win.webContents.mainFrame.url, `${SERVER}/devices/DR_1`);
  assert.equal(win.webContents.navigate('https://evil.example/phish'), false);
  assert.equal(win.webContents.navigate('http://127.0.0.1:9999/'), false, 'another port is another origin');
  assert.equal(win.webContents.navigate('http://localhost:8765/'), false, 'another host name is another origin');
  assert.equal(win.webContents.navigate('file:///etc/passwd'), false);
  assert.equal(win.webContents.navigate('data:text/html,<h1>x</h1>'), false);
  assert.equal(win.webContents.navigate('https://evil.example/', 'will-redirect'), false);
  assert.equal(win.webContents.mainFrame.url, `${SERVER}/devices/DR_1`);
  await tick();
  assert.deepEqual(e.opened, ['https://evil.example/phish', 'http://127.0.0.1:9999/', 'http://localhost:8765/', 'https://evil.example/']);
  assert.equal(win.webContents.attachWebview(), false, 'webviews are never attached');
});

test('permission requests and checks are denied, but for clipboard writes by the console', async () => {
  const { e } = openWindow();
  const s = e.defaultSession;
  for (const p of ['geolocation', 'notifications', 'media', 'clipboard-read', 'openExternal', 'fullscreen', 'usb'] as const) {
    assert.equal(await s.requestPermission(p, `${SERVER}/`), false, `request ${p}`);
    assert.equal(s.checkPermission(p, SERVER), false, `check ${p}`);
  }
  assert.equal(await s.requestPermission('clipboard-sanitized-write', `${SERVER}/settings`), true);
  assert.equal(s.checkPermission('clipboard-sanitized-write', SERVER), true);
  assert.equal(await s.requestPermission('clipboard-sanitized-write', 'https://evil.example/'), false);
  assert.equal(s.checkPermission('clipboard-sanitized-write', 'https://evil.example'), false);
});

test("the server's responses carry the desktop CSP next to the server's own", async () => {
  const { e } = openWindow();
  const csp = desktopCsp(SERVER);
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /object-src 'none'/);
  assert.match(csp, /connect-src 'self' ws:\/\/127\.0\.0\.1:8765/);
  assert.doesNotMatch(csp, /unsafe-eval/);
  const headers = await e.defaultSession.receive(`${SERVER}/`, { 'content-type': ['text/html'], 'content-security-policy': ["default-src 'self'"] });
  assert.deepEqual(headers['Content-Security-Policy'], ["default-src 'self'", csp]);
  assert.equal(headers['content-security-policy'], undefined, 'one header, both policies');
  assert.deepEqual(headers['content-type'], ['text/html']);
  const plain = await e.defaultSession.receive(`${SERVER}/assets/app.js`, {});
  assert.deepEqual(plain['Content-Security-Policy'], [csp]);
  const tile = await e.defaultSession.receive('https://tile.openstreetmap.org/1/0/0.png', { 'content-type': ['image/png'] });
  assert.equal(tile['Content-Security-Policy'], undefined, 'other origins are left alone');
});

test('a crashed page is reloaded; a clean exit is not', () => {
  const { win, errors } = openWindow();
  win.webContents.crash('crashed');
  assert.equal(win.webContents.reloads, 1);
  assert.match(String(errors[0]), /crashed/);
  win.webContents.crash('clean-exit');
  assert.equal(win.webContents.reloads, 1);
});

test('focusWindow restores a minimised window and brings it forward', () => {
  const { win } = openWindow();
  win.minimized = true;
  focusWindow(win);
  assert.equal(win.minimized, false);
  assert.equal(win.visible, true);
  assert.equal(win.focused, 1);
});
