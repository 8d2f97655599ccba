import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import jwt from 'jsonwebtoken';
import { loadOrCreateSecret, SECRET_FILE } from '../../main/server/auth/secret';
import { TokenError, TokenService } from '../../main/server/auth/tokens';

const secret = crypto.randomBytes(48);
const claims = { userId: 'DR_1', userPk: 7, role: 'driver' as const, company: 'acme', tokenVersion: 3 };

function rejects(fn: () => unknown, expired: boolean): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof TokenError, String(err));
    assert.equal(err.expired, expired);
    return true;
  });
}

test('sign then verify returns the claims', () => {
  const ts = new TokenService(secret);
  const before = Math.floor(Date.now() / 1000);
  const { token, expiresAt } = ts.sign(claims, 3600);
  const c = ts.verify(token);
  assert.equal(c.sub, 'DR_1');
  assert.equal(c.role, 'driver');
  assert.equal(c.company, 'acme');
  assert.equal(c.tv, 3);
  assert.equal(c.uid, 7);
  assert.ok(c.exp >= before + 3600 && c.exp <= before + 3601, 'c.exp >= before + 3600 && c.exp <= before + 3601');
  assert.equal(expiresAt.getTime(), c.exp * 1000);
  assert.equal(jwt.decode(token, { complete: true })!.header.alg, 'HS256');
});

test('an expired token is refused as expired', () => {
  const ts = new TokenService(secret);
  const { token } = ts.sign(claims, -10);
  rejects(() => ts.verify(token), true);
  assert.throws(() => ts.verify(token), /expired/);
});

test('a token signed with another secret, tampered with, or garbage is refused (not as expired)', () => {
  const ts = new TokenService(secret);
  const other = new TokenService(crypto.randomBytes(48)).sign(claims, 3600).token;
  rejects(() => ts.verify(other), false);
  const { token } = ts.sign(claims, 3600);
  const [h, p, sig] = token.split('.');
  const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), role: 'admin' })).toString('base64url');
  rejects(() => ts.verify(`${h}.${forgedPayload}.${sig}`), false);
  for (const garbage of ['', 'garbage', 'a.b.c', token.slice(0, -3)]) rejects(() => ts.verify(garbage), false);
});

test('alg "none" and other algorithms are refused', () => {
  const ts = new TokenService(secret);
  const unsigned = jwt.sign({ role: 'admin', company: 'acme', tv: 0 }, null, { algorithm: 'none', subject: 'x', expiresIn: 3600 });
  rejects(() => ts.verify(unsigned), false);
  const hs512 = jwt.sign({ role: 'admin', company: 'acme', tv: 0 }, secret, { algorithm: 'HS512', subject: 'x', expiresIn: 3600 });
  rejects(() => ts.verify(hs512), false);
});

test('a validly signed token without FleetDesk claims is refused', () => {
  const ts = new TokenService(secret);
  const bad = [
    jwt.sign({ role: 'driver', company: 'acme', uid: 1, tv: 0 }, secret, { algorithm: 'HS256', expiresIn: 3600 }), // no sub
    jwt.sign({ role: 'pilot', company: 'acme', uid: 1, tv: 0 }, secret, { algorithm: 'HS256', subject: 'x', expiresIn: 3600 }),
    jwt.sign({ role: 'driver', uid: 1, tv: 0 }, secret, { algorithm: 'HS256', subject: 'x', expiresIn: 3600 }),
    jwt.sign({ role: 'driver', company: 'acme', uid: 1 }, secret, { algorithm: 'HS256', subject: 'x', expiresIn: 3600 }),
    jwt.sign({ role: 'driver', company: 'acme', uid: 1, tv: 0 }, secret, { algorithm: 'HS256', subject: 'x' }), // no exp
    jwt.sign({ role: 'driver', company: 'acme', tv: 0 }, secret, { algorithm: 'HS256', subject: 'x', expiresIn: 3600 }), // no uid
  ];
  for (const token of bad) assert.throws(() => ts.verify(token), /FleetDesk claims/);
});

test('the secret is created once in the data folder, owner-only, and reused', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdesk-secret-'));
  try {
    const a = loadOrCreateSecret(dir);
    const b = loadOrCreateSecret(dir);
    assert.ok(a.length >= 32, 'a.length >= 32');
    assert.deepEqual(a, b);
    if (process.platform !== 'win32') assert.equal(fs.statSync(path.join(dir, SECRET_FILE)).mode & 0o777, 0o600);
    const token = new TokenService(a).sign(claims, 60).token;
    assert.equal(new TokenService(b).verify(token).sub, 'DR_1', 'tokens survive a restart');
    fs.writeFileSync(path.join(dir, SECRET_FILE), 'short');
    assert.throws(() => loadOrCreateSecret(dir), /too short/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
