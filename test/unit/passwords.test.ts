import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../../main/server/auth/passwords';

test('hashPassword produces a salted scrypt hash that verifyPassword accepts', async () => {
  const h = await hashPassword('correct horse battery staple');
  assert.match(h, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.equal(await verifyPassword('correct horse battery staple', h), true);
  assert.equal(await verifyPassword('correct horse battery stapler', h), false);
  assert.equal(await verifyPassword('', h), false);
  const again = await hashPassword('correct horse battery staple');
  assert.notEqual(again, h, 'a new salt each time');
  assert.equal(await verifyPassword('correct horse battery staple', again), true);
});

test('unicode passwords round-trip', async () => {
  const h = await hashPassword('пароль-密码-🔑');
  assert.equal(await verifyPassword('пароль-密码-🔑', h), true);
  assert.equal(await verifyPassword('пароль-密码-🔒', h), false);
});

test('verifyPassword refuses malformed stored values', async () => {
  for (const stored of ['', 'plain', 'bcrypt$10$abc$def', 'scrypt$32768$8$1$$', 'scrypt$32768$8$1$c2FsdA']) {
    assert.equal(await verifyPassword('x', stored), false, stored);
  }
});

test('a damaged hash never matches: empty or short key, parameters scrypt refuses', async () => {
  const good = await hashPassword('secret-secret');
  const [, n, r, p, salt, key] = good.split('$');
  const damaged = [
    `scrypt$${n}$${r}$${p}$${salt}$!!`, // decodes to an empty key, which any password would "match"
    `scrypt$${n}$${r}$${p}$${salt}$${key!.slice(0, 8)}`, // a 6-byte key
    `scrypt$3$${r}$${p}$${salt}$${key}`, // N not a power of two
    `scrypt$abc$${r}$${p}$${salt}$${key}`,
    `scrypt$${2 ** 30}$${r}$${p}$${salt}$${key}`, // beyond the memory cap
  ];
  for (const stored of damaged) {
    assert.equal(await verifyPassword('secret-secret', stored), false, stored);
    assert.equal(await verifyPassword('anything', stored), false, stored);
  }
});

test('dummyPasswordHash is a valid hash, computed once', async () => {
  const a = await dummyPasswordHash();
  assert.equal(a, await dummyPasswordHash());
  assert.equal(await verifyPassword('anything', a), false);
});
