/** The desktop owner's company and admin: created once, kept across restarts, no password. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { DESKTOP_OWNER, desktopSession, ensureDesktopOwner } from '../../main/electron/desktop-session';
import { startTestServer, tempDir, type TestServer } from '../support/server';

const logger = pino({ level: 'silent' });
const accountsOf = (srv: TestServer) => srv.ctx.accounts;

test('first start creates the local company and its admin; later starts on the same folder reuse them', async () => {
  const dataDir = tempDir();
  const first = await startTestServer({ dataDir });
  let pk: number;
  try {
    first.company('acme', 'Acme Logistics');
    const user = await ensureDesktopOwner(accountsOf(first), logger);
    pk = user.pk;
    assert.equal(user.company_id, 'local');
    assert.equal(user.user_id, 'desktop-admin');
    assert.equal(user.role, 'admin');
    assert.equal(user.password_hash, null, 'no password: it cannot sign in over the network');
    assert.equal(first.ctx.companies.get('local')?.name, DESKTOP_OWNER.companyName);
    assert.equal((await ensureDesktopOwner(accountsOf(first), logger)).pk, pk, 'idempotent');

    const login = await first.api('POST', '/api/v1/auth/login', { body: { company: 'local', user_id: 'desktop-admin', password: 'anything at all' } });
    assert.equal(login.status, 401);
  } finally {
    await first.stop();
  }

  const second = await startTestServer({ dataDir });
  try {
    const again = await ensureDesktopOwner(accountsOf(second), logger);
    assert.equal(again.pk, pk, 'the same user after a restart');
    assert.deepEqual(
      second.ctx.companies.list().map((c) => c.id),
      ['acme', 'local'],
    );
    assert.deepEqual(
      second.ctx.users.list('local').map((u) => u.user_id),
      ['desktop-admin'],
    );
  } finally {
    await second.stop();
  }
});

test('a desktop admin that lost its role or was disabled is restored; its old tokens stay revoked', async () => {
  const srv = await startTestServer();
  try {
    const accounts = accountsOf(srv);
    await ensureDesktopOwner(accounts, logger);
    const before = desktopSession(accounts, srv.url);
    srv.ctx.users.update('local', 'desktop-admin', { role: 'office' });
    srv.ctx.users.update('local', 'desktop-admin', { disabled: true });
    const restored = await ensureDesktopOwner(accounts, logger);
    assert.equal(restored.role, 'admin');
    assert.equal(restored.disabled, 0);
    assert.equal((await srv.api('GET', '/api/v1/company', { token: before.token })).status, 401);
    const after = desktopSession(accounts, srv.url);
    assert.equal((await srv.api('GET', '/api/v1/users', { token: after.token })).status, 200);
  } finally {
    await srv.stop();
  }
});

test('the session carries the server URL without a trailing slash and a 12 h expiry', async () => {
  const srv = await startTestServer();
  try {
    const accounts = accountsOf(srv);
    await ensureDesktopOwner(accounts, logger);
    const s = desktopSession(accounts, `${srv.url}/`);
    assert.equal(s.serverUrl, srv.url);
    assert.deepEqual(s.user, { id: 'desktop-admin', role: 'admin', company: 'local' });
    const hours = (Date.parse(s.expires_at) - Date.now()) / 3600_000;
    assert.ok(hours > 11.9 && hours <= 12, `${hours} h`);
  } finally {
    await srv.stop();
  }
});
