/**
 * Destination secrets in the desktop app: sealed with Electron's safeStorage when the system
 * keychain works (prefix ss1:), with the data folder's key file when it does not (no keychain,
 * or Linux's basic_text backend), and a data folder moved to headless `serve` says which
 * secret it cannot open instead of sending unsigned or failing silently.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import pino from 'pino';
import { startDesktopApp } from '../../main/electron/desktop-app';
import { createTrackingServer } from '../../main/server/index';
import { KEY_FILE } from '../../main/server/notify/secret-box';
import { DB_FILE } from '../../main/server/store/database';
import { createElectronStub, ipcEventFrom, type ElectronStub } from '../support/electron-stub';
import { startTestServer, tempDir } from '../support/server';

const logger = pino({ level: 'silent' });

async function withDesktop<T>(e: ElectronStub, dataDir: string, work: (api: (method: string, p: string, body?: unknown) => Promise<any>) => Promise<T>): Promise<T> {
  const desktop = startDesktopApp({
    electron: e.api,
    createServer: createTrackingServer,
    logger,
    dataDir,
    host: '127.0.0.1',
    port: 0,
    httpsPort: null,
    osmandPort: null,
    preloadPath: '/app/out/preload.cjs',
    trayIconPath: '/app/out/tray.png',
    lanAddresses: () => [],
  });
  await desktop.lifecycle.started;
  try {
    const session = (await e.ipcMain.invoke('session:get', ipcEventFrom(e.windows[0]!))) as { serverUrl: string; token: string };
    const api = async (method: string, p: string, body?: unknown) => {
      const res = await fetch(session.serverUrl + p, { method, headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: res.status === 204 ? null : await res.json() };
    };
    return await work(api);
  } finally {
    e.app.quit();
    await desktop.lifecycle.stopped;
  }
}

const sealedOf = (dataDir: string) => {
  const db = new Database(path.join(dataDir, DB_FILE), { readonly: true });
  try {
    return db.prepare('SELECT name, secrets FROM destinations ORDER BY created_at, id').all() as { name: string; secrets: string }[];
  } finally {
    db.close();
  }
};

const hook = (name: string) => ({ name, provider: 'webhook', settings: { url: 'https://backend.example.com/hooks' } });

test('the keychain seals destination secrets; without it the key file does; both stay readable; serve names what it cannot open', async () => {
  const dataDir = tempDir();
  const e = createElectronStub();
  await withDesktop(e, dataDir, async (api) => {
    const r = await api('POST', '/api/v1/destinations', hook('Keychain'));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(r.body.secrets_set, ['secret']);
  });
  const [first] = sealedOf(dataDir);
  assert.match(first!.secrets, /^ss1:/);
  assert.equal(fs.existsSync(path.join(dataDir, KEY_FILE)), false, 'no key file while the keychain works');

  // Linux without a keyring: safeStorage would "encrypt" with a fixed password; the key file is used instead
  const e2 = createElectronStub();
  e2.safeStorage.backend = 'basic_text';
  await withDesktop(e2, dataDir, async (api) => {
    assert.equal((await api('POST', '/api/v1/destinations', hook('Key file'))).status, 201);
    const list = (await api('GET', '/api/v1/destinations')).body.destinations;
    assert.deepEqual(
      list.map((d: any) => [d.name, d.secrets_set, d.secrets_problem]),
      [
        ['Keychain', ['secret'], null],
        ['Key file', ['secret'], null],
      ],
      'the stand-in keychain still opens what it sealed',
    );
  });
  const rows = sealedOf(dataDir);
  assert.match(rows[1]!.secrets, /^k1:/);
  if (process.platform !== 'win32') assert.equal(fs.statSync(path.join(dataDir, KEY_FILE)).mode & 0o777, 0o600);

  // the same folder under headless serve: the key-file secret opens, the keychain one cannot
  const s = await startTestServer({ dataDir });
  try {
    const list = s.ctx.destinations.list('local');
    assert.deepEqual(
      list.map((d) => [d.name, d.secrets_set]),
      [
        ['Keychain', ['secret']],
        ['Key file', ['secret']],
      ],
    );
    assert.match(list[0]!.secrets_problem!, /sealed by a method this FleetDesk does not have.*enter the secret again/);
    assert.equal(list[1]!.secrets_problem, null);
    const keychain = list[0]!;
    assert.throws(() => s.ctx.destinations.update('local', keychain.id, { settings: { url: 'https://backend.example.com/v2' } }), /secret must be entered again: sealed by a method/);
    const replaced = s.ctx.destinations.update('local', keychain.id, { settings: { url: 'https://backend.example.com/v2', secret: `whsec_${Buffer.alloc(32, 3).toString('base64')}` } });
    assert.deepEqual(replaced.secrets_set, ['secret']);
  } finally {
    await s.stop();
  }
});
