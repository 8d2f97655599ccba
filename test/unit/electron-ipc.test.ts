/**
 * The desktop IPC: one wrapper checks the sender and validates the argument for every channel;
 * the handlers behind it, against a real tracking server (stand-in Electron only).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { IPC_CHANNELS } from '../../shared/ipc';
import { ensureDesktopOwner } from '../../main/electron/desktop-session';
import { registerIpc, senderCheck } from '../../main/electron/ipc';
import { ipcHandlers } from '../../main/electron/ipc-handlers';
import { createMainWindow } from '../../main/electron/window';
import { createElectronStub, FakeFrame, ipcEventFrom } from '../support/electron-stub';
import { startTestServer, tempDir, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(() => srv.stop());

const logger = pino({ level: 'silent' });
const accounts = () => srv.ctx.accounts;

/** A window on the test server with the IPC registered exactly as the desktop app does it. */
async function desktop() {
  const e = createElectronStub();
  const downloads = tempDir('fleetdesk-downloads-');
  await ensureDesktopOwner(accounts(), logger);
  createMainWindow(e.api.BrowserWindow, e.api.shell, { serverUrl: srv.url, preloadPath: '/p.cjs', onError: () => {} });
  const win = e.windows[0]!;
  const current = () => (win.isDestroyed() ? null : win);
  const unregister = registerIpc(
    e.api.ipcMain,
    senderCheck(current, srv.url),
    ipcHandlers({ accounts, serverUrl: srv.url, logger, shell: e.api.shell, Notification: e.api.Notification, dialog: e.api.dialog, window: current, downloadsDir: () => downloads }),
  );
  const call = (channel: string, ...args: unknown[]) => e.ipcMain.invoke(channel, ipcEventFrom(win), ...args);
  return { e, win, call, unregister, downloads };
}

test('every channel of shared/ipc.ts has a handler, and unregistering removes them all', async () => {
  const { e, unregister } = await desktop();
  assert.deepEqual([...e.ipcMain.handlers.keys()].sort(), Object.keys(IPC_CHANNELS).sort());
  unregister();
  assert.equal(e.ipcMain.handlers.size, 0);
});

test('session:get gives a token that works on the REST API and the Tracking API as the desktop admin', async () => {
  const { call } = await desktop();
  const session = (await call('session:get')) as any;
  assert.equal(session.serverUrl, srv.url);
  assert.deepEqual(session.user, { id: 'desktop-admin', role: 'admin', company: 'local' });
  const ttl = Date.parse(session.expires_at) - Date.now();
  assert.ok(ttl > 11.9 * 3600_000 && ttl <= 12 * 3600_000, `12 h token, got ${ttl} ms`);

  const company = await srv.api('GET', '/api/v1/company', { token: session.token });
  assert.equal(company.status, 200);
  assert.equal(company.body.id, 'local');
  const users = await srv.api('GET', '/api/v1/users', { token: session.token });
  assert.equal(users.status, 200, 'an admin may list users');

  const ws = await TestSocket.open(srv.wsUrl);
  const auth = await ws.authenticate('desktop-admin', 'office', session.token);
  assert.equal(auth.type, 'authenticated');
  assert.equal(auth.company, 'local');
  ws.ws.close();

  const again = (await call('session:get')) as any;
  assert.equal(again.user.id, 'desktop-admin');
  assert.equal((await srv.api('GET', '/api/v1/company', { token: again.token })).status, 200, 're-issued on request');
});

test('session:get still works after the desktop admin was disabled or deleted meanwhile', async () => {
  const { call } = await desktop();
  srv.ctx.users.update('local', 'desktop-admin', { disabled: true });
  const s1 = (await call('session:get')) as any;
  assert.equal((await srv.api('GET', '/api/v1/company', { token: s1.token })).status, 200);
  srv.ctx.users.delete('local', 'desktop-admin');
  const s2 = (await call('session:get')) as any;
  assert.equal((await srv.api('GET', '/api/v1/company', { token: s2.token })).status, 200);
});

test('calls from a page of another origin are rejected before the handler runs', async () => {
  const { e, win, call } = await desktop();
  win.webContents.mainFrame.url = 'https://evil.example/';
  await assert.rejects(call('shell:open-external', 'https://example.com/'), /refused: the sender's origin https:\/\/evil\.example is not the FleetDesk server's http:\/\/127\.0\.0\.1:\d+/);
  await assert.rejects(call('session:get'), /refused/);
  win.webContents.mainFrame.url = 'file:///tmp/index.html';
  await assert.rejects(call('session:get'), /refused: the sender's origin \(none\)/);
  assert.deepEqual(e.opened, []);
});

test('calls from an iframe, another window or a frame that is gone are rejected', async () => {
  const { e, win } = await desktop();
  const iframe = new FakeFrame(`${srv.url}/`, win.webContents.mainFrame);
  await assert.rejects(e.ipcMain.invoke('session:get', ipcEventFrom(win, iframe)), /refused: the sender is not the main frame of the FleetDesk window/);
  const stranger = new FakeFrame(`${srv.url}/`);
  await assert.rejects(e.ipcMain.invoke('session:get', ipcEventFrom(win, stranger)), /refused: the sender is not the main frame/);
  // Another handle on the very same main frame (same node id, no parent) is the main frame.
  const main = win.webContents.mainFrame;
  const sameFrame = { url: main.url, parent: null, frameTreeNodeId: main.frameTreeNodeId };
  assert.equal(((await e.ipcMain.invoke('session:get', ipcEventFrom(win, sameFrame))) as any).user.id, 'desktop-admin');
  const other = new e.api.BrowserWindow({});
  await other.loadURL(`${srv.url}/`);
  await assert.rejects(e.ipcMain.invoke('session:get', ipcEventFrom(other)), /refused: the sender is not the FleetDesk window/);
  await assert.rejects(e.ipcMain.invoke('session:get', ipcEventFrom(win, null)), /refused: the sending frame is gone/);
  win.close();
  await assert.rejects(e.ipcMain.invoke('session:get', ipcEventFrom(win)), /refused: the sender is not the FleetDesk window/);
});

test('invalid arguments are rejected with the reason', async () => {
  const { e, call } = await desktop();
  await assert.rejects(call('shell:open-external', 42), /shell:open-external: invalid argument: .*string/);
  await assert.rejects(call('shell:open-external'), /shell:open-external: invalid argument/);
  await assert.rejects(call('shell:open-external', 'https://a.example/', 'extra'), /takes one argument, got 2/);
  await assert.rejects(call('session:get', {}), /session:get: invalid argument/);
  await assert.rejects(call('notify', { title: '', body: 'x' }), /notify: invalid argument: title/);
  await assert.rejects(call('notify', { title: 'x' }), /notify: invalid argument/);
  await assert.rejects(call('notify', { title: 'x', body: 'y', icon: '/etc/passwd' }), /notify: invalid argument: icon is not an accepted field/);
  await assert.rejects(call('notify', 'hello'), /notify: invalid argument/);
  await assert.rejects(call('dialog:save-file', { defaultName: '../../.bashrc', content: 'x' }), /dialog:save-file: invalid argument: defaultName/);
  await assert.rejects(call('dialog:save-file', { defaultName: 'a.csv', content: 7 }), /invalid argument: content/);
  await assert.rejects(call('dialog:save-file', { defaultName: 'a.csv', content: '', filters: [{ name: 'CSV', extensions: ['c/v'] }] }), /invalid argument: filters/);
  assert.deepEqual(e.notifications, []);
  assert.deepEqual(e.saveDialogs, []);
});

test('shell:open-external opens http(s) only and says whether it did', async () => {
  const { e, call } = await desktop();
  assert.equal(await call('shell:open-external', 'https://www.openstreetmap.org/'), true);
  assert.equal(await call('shell:open-external', 'javascript:alert(1)'), false);
  assert.equal(await call('shell:open-external', 'file:///etc/passwd'), false);
  assert.deepEqual(e.opened, ['https://www.openstreetmap.org/']);
});

test('notify shows a native notification when the system supports them', async () => {
  const { e, call } = await desktop();
  assert.equal(await call('notify', { title: 'Van 1 stopped', body: 'for 15 minutes' }), undefined);
  assert.deepEqual(
    e.notifications.map((n) => [n.title, n.body]),
    [['Van 1 stopped', 'for 15 minutes']],
  );
  e.api.Notification.supported = false;
  await call('notify', { title: 'again', body: '' });
  assert.equal(e.notifications.length, 1);
});

test('dialog:save-file writes the content where the user chose, or nothing when cancelled', async () => {
  const { e, win, call, downloads } = await desktop();
  e.saveDialog.next = { canceled: true, filePath: '' };
  assert.deepEqual(await call('dialog:save-file', { defaultName: 'fleet.csv', content: 'id\nDR_1\n' }), { saved: false });

  const target = path.join(tempDir('fleetdesk-save-'), 'export.csv');
  e.saveDialog.next = { canceled: false, filePath: target };
  const filters = [{ name: 'CSV', extensions: ['csv'] }];
  assert.deepEqual(await call('dialog:save-file', { defaultName: 'fleet.csv', content: 'id,név\nDR_1,Ünal\n', filters }), { saved: true, path: target });
  assert.equal(fs.readFileSync(target, 'utf8'), 'id,név\nDR_1,Ünal\n');
  const last = e.saveDialogs.at(-1)!;
  assert.equal(last.window, win, 'the dialog belongs to the FleetDesk window');
  assert.equal(last.options.defaultPath, path.join(downloads, 'fleet.csv'));
  assert.deepEqual(last.options.filters, filters);
});
