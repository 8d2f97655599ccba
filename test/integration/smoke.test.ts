import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';

let s: TestServer;
before(async () => {
  s = await startTestServer();
  s.company('acme');
  await s.user('acme', 'DR_1', 'driver');
  await s.user('acme', 'OF_1', 'office');
});
after(() => s.stop());

test('a driver location reaches a subscribed office, with an ack after commit', async () => {
  const office = await TestSocket.open(s.wsUrl);
  office.send({ action: 'authenticate', payload: { user_id: 'OF_1', role: 'office', token: s.token('acme', 'OF_1') } });
  office.send({ action: 'subscribe', entity: 'company:drivers' });
  assert.equal((await office.nextOfType('authenticated')).company, 'acme');
  assert.deepEqual(await office.nextOfType('subscribed'), { type: 'subscribed', entity: 'company:drivers' });

  const driver = await TestSocket.open(s.wsUrl);
  assert.equal((await driver.authenticate('DR_1', 'driver', s.token('acme', 'DR_1'))).type, 'authenticated');
  driver.send({ action: 'driver_location', id: 'DR_1', seq: 1, payload: { lat: 9.01234, lng: 38.70321, speed: 36, bearing: 90 } });
  assert.deepEqual(await driver.nextOfType('ack'), { type: 'ack', seq: 1 });
  const update = await office.nextOfType('location_update');
  assert.equal(update.id, 'DR_1');
  assert.equal(update.payload.speed, 36);
  assert.equal(s.ctx.positions.latest(s.ctx.users.get('acme', 'DR_1')!.pk)!.speed, 10);
  driver.close();
  office.close();
});
