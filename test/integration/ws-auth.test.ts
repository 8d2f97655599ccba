/**
 * Tracking API (/v1/track): authentication, its deadlines and everything that ends a
 * connection because of who is behind it (heartbeat, token expiry, disabled user).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type WebSocket from 'ws';
import { TokenService } from '../../main/server/auth/tokens';
import { CLOSE } from '../../shared/protocol/tracking';
import { ManualClock } from '../support/manual-clock';
import { startTestServer, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';

/** `p`, or null if it has not settled within `ms` (the timer does not outlive the race). */
function within<T>(p: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const AUTH_TIMEOUT_MS = 300;
const PING_MS = 200;

let s: TestServer;
/** The auth deadline and token expiry run on the server's clock: tests move it instead of waiting. */
const clock = new ManualClock();
const sockets: TestSocket[] = [];
let nextId = 0;

async function open(options?: WebSocket.ClientOptions): Promise<TestSocket> {
  const sock = new TestSocket(s.wsUrl, options);
  sockets.push(sock);
  await sock.opened;
  return sock;
}

/** A new user of company `acme`, so tests never share users or rate-limit slots. */
async function newUser(role: 'driver' | 'office' | 'admin', companyId = 'acme'): Promise<string> {
  const id = `${role.toUpperCase()}_${++nextId}`;
  await s.user(companyId, id, role);
  return id;
}

const auth = (userId: string, role: string, token: string) => ({ action: 'authenticate', payload: { user_id: userId, role, token } });
const location = (id: string, seq?: number) => ({
  action: 'driver_location',
  id,
  ...(seq === undefined ? {} : { seq }),
  payload: { lat: 9.01234, lng: 38.70321, speed: 36, bearing: 90 },
});

function isOpen(sock: TestSocket): boolean {
  return sock.ws.readyState === sock.ws.OPEN;
}

before(async () => {
  s = await startTestServer({ ws: { authTimeoutMs: AUTH_TIMEOUT_MS, pingIntervalMs: PING_MS }, clock });
  s.company('acme');
});

afterEach(() => {
  for (const sock of sockets.splice(0)) sock.ws.terminate();
});

after(() => s.stop());

describe('authenticate', () => {
  test('a driver gets authenticated with its user_id, role and company', async () => {
    const id = await newUser('driver');
    const sock = await open();
    const reply = await sock.authenticate(id, 'driver', s.token('acme', id));
    assert.deepEqual(reply, { type: 'authenticated', user_id: id, role: 'driver', company: 'acme' });
  });

  test('an office user gets authenticated as office', async () => {
    const id = await newUser('office');
    const sock = await open();
    assert.deepEqual(await sock.authenticate(id, 'office', s.token('acme', id)), { type: 'authenticated', user_id: id, role: 'office', company: 'acme' });
  });

  test('an admin token may authenticate as role office, and then subscribe like an office', async () => {
    const id = await newUser('admin');
    const sock = await open();
    assert.deepEqual(await sock.authenticate(id, 'office', s.token('acme', id)), { type: 'authenticated', user_id: id, role: 'office', company: 'acme' });
    sock.send({ action: 'subscribe', entity: 'company:drivers' });
    assert.deepEqual(await sock.next(), { type: 'subscribed', entity: 'company:drivers' });
  });

  test('anything before authenticate is Unauthorized and the connection stays open', async () => {
    const id = await newUser('driver');
    const sock = await open();
    sock.send({ action: 'subscribe', entity: 'company:drivers' });
    const e1 = await sock.next();
    assert.equal(e1.type, 'error');
    assert.equal(e1.error, 'Unauthorized');
    assert.equal(typeof e1.message, 'string');
    sock.send(location(id, 7));
    assert.deepEqual(await sock.next(), { type: 'error', error: 'Unauthorized', message: e1.message, seq: 7 });
    sock.send({ action: 'unsubscribe', entity: 'company:drivers' });
    assert.equal((await sock.next()).error, 'Unauthorized');
    assert.ok(isOpen(sock), 'isOpen(sock)');
    assert.equal((await sock.authenticate(id, 'driver', s.token('acme', id))).type, 'authenticated');
    assert.equal(s.ctx.positions.latest(s.ctx.users.get('acme', id)!.pk), undefined, 'nothing was stored before authenticate');
  });

  describe('refuses with Unauthorized, keeping the connection open', () => {
    /** Sends one bad authenticate, expects Unauthorized, then proves the socket still works. */
    async function refused(userId: string, role: string, token: string, goodUser: { id: string; role: string; token: string }): Promise<string> {
      const sock = await open();
      sock.send(auth(userId, role, token));
      const reply = await sock.next();
      assert.equal(reply.type, 'error');
      assert.equal(reply.error, 'Unauthorized');
      assert.equal(typeof reply.message, 'string');
      assert.ok(reply.message.length > 0, 'reply.message.length > 0');
      assert.ok(isOpen(sock), 'isOpen(sock)');
      const ok = await sock.authenticate(goodUser.id, goodUser.role, goodUser.token);
      assert.equal(ok.type, 'authenticated', `the connection still works after Unauthorized (${JSON.stringify(ok)})`);
      return reply.message as string;
    }
    let good: { id: string; role: string; token: string };
    before(async () => {
      const id = await newUser('office');
      good = { id, role: 'office', token: s.token('acme', id) };
    });

    test('a token signed with another secret', async () => {
      const id = await newUser('driver');
      const forged = new TokenService(Buffer.from('x'.repeat(64))).sign({ userId: id, userPk: s.ctx.users.get('acme', id)!.pk, role: 'driver', company: 'acme', tokenVersion: 0 }, 3600).token;
      await refused(id, 'driver', forged, good);
    });

    test('a garbage token', async () => {
      const id = await newUser('driver');
      await refused(id, 'driver', 'not-a-jwt', good);
      await refused(id, 'driver', 'a.b.c', good);
    });

    test('an expired token', async () => {
      const id = await newUser('driver');
      const expired = s.ctx.tokens.sign({ userId: id, userPk: s.ctx.users.get('acme', id)!.pk, role: 'driver', company: 'acme', tokenVersion: 0 }, -60).token;
      const message = await refused(id, 'driver', expired, good);
      assert.match(message, /expired/);
    });

    test('the token of a deleted user', async () => {
      const id = await newUser('driver');
      const token = s.token('acme', id);
      assert.ok(s.ctx.users.delete('acme', id), 's.ctx.users.delete(\'acme\', id)');
      await refused(id, 'driver', token, good);
    });

    test('the token of a disabled user', async () => {
      const id = await newUser('driver');
      const token = s.token('acme', id);
      s.ctx.users.update('acme', id, { disabled: true });
      const message = await refused(id, 'driver', token, good);
      assert.match(message, /disabled/);
    });

    test('a revoked token (UserStore.revokeTokens), while a newer token works', async () => {
      const id = await newUser('driver');
      const token = s.token('acme', id);
      assert.ok(s.ctx.users.revokeTokens('acme', id), 's.ctx.users.revokeTokens(\'acme\', id)');
      await refused(id, 'driver', token, { id, role: 'driver', token: s.token('acme', id) });
    });

    test('a user_id that does not match the token', async () => {
      const id = await newUser('driver');
      const other = await newUser('driver');
      await refused(other, 'driver', s.token('acme', id), good);
    });

    test('a role that does not match the token', async () => {
      const driver = await newUser('driver');
      const office = await newUser('office');
      const admin = await newUser('admin');
      await refused(driver, 'office', s.token('acme', driver), good);
      await refused(driver, 'admin', s.token('acme', driver), good);
      await refused(office, 'driver', s.token('acme', office), good);
      await refused(office, 'admin', s.token('acme', office), good);
      await refused(admin, 'driver', s.token('acme', admin), good);
    });
  });

  test('re-authenticating as another user is InvalidAction; the connection stays the first user’s', async () => {
    const a = await newUser('office');
    const b = await newUser('office');
    const sock = await open();
    assert.equal((await sock.authenticate(a, 'office', s.token('acme', a))).user_id, a);
    sock.send(auth(b, 'office', s.token('acme', b)));
    const m = await sock.next();
    assert.equal(m.error, 'InvalidAction');
    assert.match(m.message, new RegExp(a));
    assert.deepEqual(await sock.authenticate(a, 'office', s.token('acme', a)), { type: 'authenticated', user_id: a, role: 'office', company: 'acme' });
  });

  test('an authenticate that is not even shaped right is BadPayload, not a failed authentication', async () => {
    const id = await newUser('driver');
    const sock = await open();
    sock.send({ action: 'authenticate', payload: { user_id: id, role: 'pilot', token: 'x' } });
    assert.equal((await sock.next()).error, 'BadPayload');
    sock.send({ action: 'authenticate' });
    assert.equal((await sock.next()).error, 'BadPayload');
    assert.equal((await sock.authenticate(id, 'driver', s.token('acme', id))).type, 'authenticated');
  });

  test('after 5 failed authentications the connection closes with 4003', async () => {
    const id = await newUser('driver');
    const sock = await open();
    for (let i = 0; i < 5; i++) sock.send(auth(id, 'driver', `garbage-${i}`));
    const closed = await sock.closed;
    assert.equal(closed.code, CLOSE.accessRevoked);
    assert.equal(closed.code, 4003);
    const errors = sock.received.filter((m) => m.type === 'error');
    assert.equal(errors.length, 5);
    assert.ok(errors.every((m) => m.error === 'Unauthorized'), 'errors.every((m) => m.error === \'Unauthorized\')');
  });

  test('four failed authentications do not close the connection', async () => {
    const id = await newUser('driver');
    const sock = await open();
    for (let i = 0; i < 4; i++) sock.send(auth(id, 'driver', `garbage-${i}`));
    sock.send(auth(id, 'driver', s.token('acme', id)));
    assert.equal((await sock.nextOfType('authenticated')).user_id, id);
    assert.equal(sock.received.filter((m) => m.error === 'Unauthorized').length, 4);
  });

  test('a connection not authenticated within authTimeoutMs closes with 4000', async () => {
    const sock = await open();
    clock.advance(AUTH_TIMEOUT_MS - 1);
    assert.ok(await within(sock.closed, 100).then((c) => c === null), 'open until the deadline');
    clock.advance(1);
    const closed = await within(sock.closed, 2000);
    assert.ok(closed, 'closed by the server');
    assert.equal(closed.code, CLOSE.authTimeout);
    assert.equal(closed.code, 4000);
  });

  test('failed authentications do not stop the auth deadline', async () => {
    const id = await newUser('driver');
    const sock = await open();
    sock.send(auth(id, 'driver', 'garbage'));
    assert.equal((await sock.next()).error, 'Unauthorized');
    clock.advance(AUTH_TIMEOUT_MS);
    assert.equal((await sock.closed).code, 4000);
  });

  test('an authenticated connection outlives the auth deadline', async () => {
    const id = await newUser('driver');
    const sock = await open();
    assert.equal((await sock.authenticate(id, 'driver', s.token('acme', id))).type, 'authenticated');
    clock.advance(AUTH_TIMEOUT_MS * 2);
    await sleep(50);
    assert.ok(isOpen(sock), 'isOpen(sock)');
    sock.send(location(id, 1));
    assert.deepEqual(await sock.nextOfType('ack'), { type: 'ack', seq: 1 });
  });
});

describe('messages sent right after authenticate (before its reply) are handled in order', () => {
  test('authenticate + subscribe back to back', async () => {
    const office = await newUser('office');
    const sock = await open();
    sock.send(auth(office, 'office', s.token('acme', office)));
    sock.send({ action: 'subscribe', entity: 'company:drivers' });
    assert.deepEqual(await sock.next(), { type: 'authenticated', user_id: office, role: 'office', company: 'acme' });
    assert.deepEqual(await sock.next(), { type: 'subscribed', entity: 'company:drivers' });
  });

  test('authenticate + driver_location back to back', async () => {
    const driver = await newUser('driver');
    const sock = await open();
    sock.send(auth(driver, 'driver', s.token('acme', driver)));
    sock.send(location(driver, 1));
    assert.deepEqual(await sock.next(), { type: 'authenticated', user_id: driver, role: 'driver', company: 'acme' });
    assert.deepEqual(await sock.next(), { type: 'ack', seq: 1 });
    assert.equal(s.ctx.positions.latest(s.ctx.users.get('acme', driver)!.pk)!.lat, 9.01234);
  });
});

describe('heartbeat', () => {
  test('a client that does not answer pings is terminated within ~2 intervals; a normal client stays', async () => {
    const id = await newUser('office');
    const silent = new TestSocket(s.wsUrl, { autoPong: false });
    sockets.push(silent);
    let pings = 0;
    silent.ws.on('ping', () => pings++);
    const normal = await open();
    await silent.opened;
    silent.send(auth(id, 'office', s.token('acme', id)));
    assert.equal((await normal.authenticate(id, 'office', s.token('acme', id))).type, 'authenticated');
    const closed = await within(silent.closed, PING_MS * 2 + 2000);
    assert.ok(closed, 'the silent client was dropped');
    assert.equal(closed.code, 1006, 'terminated, not closed with a close frame');
    assert.ok(pings >= 1, 'it was pinged first');
    await sleep(PING_MS * 2);
    assert.ok(isOpen(normal), 'the client answering pings is still connected');
    normal.send({ action: 'subscribe', entity: 'company:drivers' });
    assert.deepEqual(await normal.next(), { type: 'subscribed', entity: 'company:drivers' });
  });

  test('an unauthenticated client answering pings is still closed by the auth deadline', async () => {
    const sock = await open();
    await new Promise((resolve) => sock.ws.once('ping', resolve)); // it answers (autoPong)
    clock.advance(AUTH_TIMEOUT_MS);
    assert.equal((await sock.closed).code, 4000);
  });
});

describe('what ends a live connection', () => {
  test('the token expiring closes the connection with 4001', async () => {
    const id = await newUser('office');
    const sock = await open();
    assert.equal((await sock.authenticate(id, 'office', s.token('acme', id, 2))).type, 'authenticated');
    clock.advance(900);
    assert.equal(await within(sock.closed, 100), null, 'not before the token expired (its exp is 1–2 s away)');
    clock.advance(1100);
    const closed = await within(sock.closed, 2000);
    assert.ok(closed, 'closed when the token expired');
    assert.equal(closed.code, CLOSE.tokenExpired);
    assert.equal(closed.code, 4001);
  });

  test('re-authenticating with a fresh token of the same user keeps the connection past the old expiry', async () => {
    const id = await newUser('office');
    const sock = await open();
    // ttl 2 s: the token's exp (whole seconds) is 1–2 s away.
    assert.equal((await sock.authenticate(id, 'office', s.token('acme', id, 2))).type, 'authenticated');
    assert.equal((await sock.authenticate(id, 'office', s.token('acme', id, 3600))).type, 'authenticated');
    clock.advance(2100);
    await sleep(50);
    assert.ok(isOpen(sock), 'still open after the first token expired');
    sock.send({ action: 'subscribe', entity: 'company:drivers' });
    assert.deepEqual(await sock.next(), { type: 'subscribed', entity: 'company:drivers' });
  });

  test('disabling a user closes its live connection with 4003 at the next heartbeat', async () => {
    const id = await newUser('driver');
    const other = await newUser('driver');
    const sock = await open();
    const bystander = await open();
    assert.equal((await sock.authenticate(id, 'driver', s.token('acme', id))).type, 'authenticated');
    assert.equal((await bystander.authenticate(other, 'driver', s.token('acme', other))).type, 'authenticated');
    s.ctx.users.update('acme', id, { disabled: true });
    const closed = await within(sock.closed, PING_MS * 2 + 1000);
    assert.ok(closed, 'closed at the next heartbeat');
    assert.equal(closed.code, CLOSE.accessRevoked);
    assert.equal(closed.code, 4003);
    assert.ok(isOpen(bystander), 'other users stay connected');
  });

  test('revoking tokens or changing the role closes live connections with 4003', async () => {
    const a = await newUser('office');
    const b = await newUser('office');
    const sa = await open();
    const sb = await open();
    assert.equal((await sa.authenticate(a, 'office', s.token('acme', a))).type, 'authenticated');
    assert.equal((await sb.authenticate(b, 'office', s.token('acme', b))).type, 'authenticated');
    s.ctx.users.revokeTokens('acme', a);
    s.ctx.users.update('acme', b, { role: 'admin' });
    for (const sock of [sa, sb]) {
      const closed = await within(sock.closed, PING_MS * 2 + 1000);
      assert.ok(closed, 'closed');
      assert.equal(closed.code, 4003);
    }
  });

  test('a user deleted and created again under the same id does not inherit the old tokens', async () => {
    const id = await newUser('driver');
    const old = s.token('acme', id);
    s.ctx.users.delete('acme', id);
    await s.user('acme', id, 'driver');
    const sock = await open();
    const reply = await sock.authenticate(id, 'driver', old);
    assert.equal(reply.type, 'error');
    assert.equal(reply.error, 'Unauthorized');
    assert.equal((await sock.authenticate(id, 'driver', s.token('acme', id))).type, 'authenticated');
  });

  test('deleting a user closes its live connection with 4003', async () => {
    const id = await newUser('office');
    const sock = await open();
    assert.equal((await sock.authenticate(id, 'office', s.token('acme', id))).type, 'authenticated');
    s.ctx.users.delete('acme', id);
    const closed = await within(sock.closed, PING_MS * 2 + 1000);
    assert.ok(closed, 'closed');
    assert.equal(closed.code, 4003);
  });
});
