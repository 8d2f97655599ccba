/** POST /api/v1/auth/link: one-time sign-in links exchanged for a session token. */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { DomainError as AccountError } from '../../main/server/errors';
import { createLoginLink, loginLinkUrl } from '../../main/server/login-links';
import { ManualClock } from '../support/manual-clock';
import { startTestServer, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';

const PASSWORD = 'correct horse battery';

async function setUp(config: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const s = await startTestServer(config);
  s.company('acme');
  await s.user('acme', 'AD_1', 'admin', { password: PASSWORD });
  await s.user('acme', 'OF_1', 'office');
  await s.user('acme', 'DR_1', 'driver', { display_name: 'Van 1' });
  return s;
}

const link = (s: TestServer, userId: string, ttl?: number) =>
  createLoginLink(s.ctx.accounts, 'acme', userId, ttl).code;
const redeem = (s: TestServer, code: unknown) => s.api('POST', '/api/v1/auth/link', { body: { code } });
const usedAt = (s: TestServer, code: string) =>
  (s.ctx.db.prepare('SELECT used_at FROM login_links WHERE code_hash = ?').get(crypto.createHash('sha256').update(code).digest('hex')) as { used_at: number | null }).used_at;

describe('sign-in links', () => {
  let s: TestServer;
  before(async () => {
    // The failures these tests provoke on purpose stay under the limit; it has its own test below.
    s = await setUp({ login: { maxPerAccount: 1000, maxPerAddress: 1000 } });
  });
  after(async () => {
    await s.stop();
    fs.rmSync(s.dataDir, { recursive: true, force: true });
  });

  test('a link gives a session that works on REST and on the WebSocket as office', async () => {
    const code = link(s, 'OF_1');
    assert.match(loginLinkUrl(s.url, code), new RegExp(`^${s.url}/\\?login=[A-Za-z0-9_-]{43}$`));
    const res = await redeem(s, code);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(Object.keys(res.body).sort(), ['expires_at', 'token', 'user']);
    assert.deepEqual(res.body.user, { id: 'OF_1', role: 'office', company: 'acme' });
    const ttlMs = Date.parse(res.body.expires_at) - Date.now();
    assert.ok(Math.abs(ttlMs - s.ctx.config.sessionTtlSeconds * 1000) < 60_000, `session lifetime ${ttlMs} ms`);
    const token = res.body.token as string;

    const devices = await s.api('GET', '/api/v1/devices', { token });
    assert.equal(devices.status, 200);
    assert.deepEqual(
      devices.body.map((d: { id: string; name: string }) => [d.id, d.name]),
      [['DR_1', 'Van 1']],
    );

    const ws = await TestSocket.open(s.wsUrl);
    try {
      const auth = await ws.authenticate('OF_1', 'office', token);
      assert.deepEqual(auth, { type: 'authenticated', user_id: 'OF_1', role: 'office', company: 'acme' });
      ws.send({ action: 'subscribe', entity: 'company:drivers' });
      assert.equal((await ws.nextOfType('subscribed')).entity, 'company:drivers');
    } finally {
      ws.close();
    }

    const again = await redeem(s, code);
    assert.equal(again.status, 401);
    assert.equal(again.body.error, 'Unauthorized');
    assert.match(again.body.message, /already used/);
  });

  test('an admin’s link signs in as admin', async () => {
    const res = await redeem(s, link(s, 'AD_1'));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.user, { id: 'AD_1', role: 'admin', company: 'acme' });
    assert.equal((await s.api('GET', '/api/v1/users', { token: res.body.token })).status, 200);
  });

  test('expired, unknown and disabled users’ links answer 401 with a clear message', async () => {
    const expired = link(s, 'OF_1');
    s.ctx.db.prepare('UPDATE login_links SET expires_at = ? WHERE used_at IS NULL').run(Date.now() - 1000);
    const res = await redeem(s, expired);
    assert.equal(res.status, 401);
    assert.match(res.body.message, /expired; ask for a new one/);
    assert.equal(usedAt(s, expired), null, 'an expired link is not marked used');

    for (const garbage of ['not-a-code', 'x'.repeat(200), crypto.randomBytes(32).toString('base64url'), '"; DROP TABLE users; --']) {
      const r = await redeem(s, garbage);
      assert.equal(r.status, 401, garbage);
      assert.deepEqual(r.body, { error: 'Unauthorized', message: 'this sign-in link is not valid' });
    }

    const code = link(s, 'OF_1');
    s.ctx.users.update('acme', 'OF_1', { disabled: true });
    try {
      const r = await redeem(s, code);
      assert.equal(r.status, 401);
      assert.match(r.body.message, /no longer exists/);
    } finally {
      s.ctx.users.update('acme', 'OF_1', { disabled: false });
    }
  });

  test('a malformed body is a 400 with a message', async () => {
    const cases: unknown[] = [{}, { code: '' }, { code: 5 }, { code: null }, { code: 'abc', extra: 1 }, { code: 'x'.repeat(201) }, '{"code":'];
    for (const body of cases) {
      const res = await s.api('POST', '/api/v1/auth/link', { body });
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error, 'BadRequest');
      assert.equal(typeof res.body.message, 'string');
    }
  });

  test('drivers get no links; the same link redeemed twice at once signs in once', async () => {
    assert.throws(() => link(s, 'DR_1'), (err: Error) => err instanceof AccountError && /office and admin users/.test(err.message));
    assert.throws(() => link(s, 'OF_1', 5), /from 10 seconds to 7 days/);
    const code = link(s, 'OF_1');
    const results = await Promise.all([redeem(s, code), redeem(s, code), redeem(s, code)]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 401, 401]);
  });
});

test('failed link attempts are rate-limited per address, apart from password sign-ins', async () => {
  // The lock runs on the server's clock: the test moves it instead of waiting.
  const clock = new ManualClock();
  const s = await setUp({ login: { windowMs: 1500 }, clock });
  try {
    const valid = link(s, 'OF_1');
    for (let i = 0; i < 5; i++) assert.equal((await redeem(s, `wrong-${i}`)).status, 401);
    const limited = await redeem(s, valid);
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error, 'RateLimited');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1, 'Number(limited.headers.get(\'retry-after\')) >= 1');
    assert.equal(usedAt(s, valid), null, 'a refused attempt does not spend the link');

    // Password sign-in from the same address is not held up by failed links.
    const login = await s.api('POST', '/api/v1/auth/login', { body: { company: 'acme', user_id: 'AD_1', password: PASSWORD } });
    assert.equal(login.status, 200);

    clock.advance(1499);
    assert.equal((await redeem(s, valid)).status, 429, 'still locked a moment before the window ends');
    clock.advance(1);
    const res = await redeem(s, valid);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.user.id, 'OF_1');
  } finally {
    await s.stop();
    fs.rmSync(s.dataDir, { recursive: true, force: true });
  }
});
