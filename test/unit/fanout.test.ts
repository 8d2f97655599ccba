import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Fanout, type Subscriber } from '../../main/server/ws/fanout';

class Sub implements Subscriber {
  companySubscribed = false;
  readonly got: [number, string][] = [];
  constructor(readonly name: string) {}
  readonly urgent: string[] = [];
  sendUpdate(deviceKey: number, data: string): void {
    this.got.push([deviceKey, data]);
  }
  sendUrgent(data: string): void {
    this.urgent.push(data);
  }
}

test('company subscribers get every driver of their company, and only of it', () => {
  const f = new Fanout<Sub>();
  const a = new Sub('a');
  const b = new Sub('b');
  f.subscribeCompany(a, 'acme');
  a.companySubscribed = true;
  f.subscribeCompany(b, 'globex');
  b.companySubscribed = true;
  f.publish('acme', 1, 'u1');
  f.publish('acme', 2, 'u2');
  f.publish('globex', 3, 'u3');
  assert.deepEqual(a.got, [
    [1, 'u1'],
    [2, 'u2'],
  ]);
  assert.deepEqual(b.got, [[3, 'u3']]);
});

test('driver subscribers get that driver only; the same data string is shared', () => {
  const f = new Fanout<Sub>();
  const x = new Sub('x');
  const y = new Sub('y');
  f.subscribeDriver(x, 1);
  f.subscribeDriver(y, 1);
  f.subscribeDriver(y, 2);
  const data = '{"type":"location_update"}';
  f.publish('acme', 1, data);
  f.publish('acme', 2, 'two');
  f.publish('acme', 3, 'three');
  assert.deepEqual(x.got, [[1, data]]);
  assert.deepEqual(y.got, [
    [1, data],
    [2, 'two'],
  ]);
  assert.equal(x.got[0]![1], y.got[0]![1]);
});

test('a subscriber to both the company and a driver receives an update once', () => {
  const f = new Fanout<Sub>();
  const s = new Sub('s');
  f.subscribeCompany(s, 'acme');
  s.companySubscribed = true;
  f.subscribeDriver(s, 1);
  f.publish('acme', 1, 'u');
  assert.equal(s.got.length, 1);
  f.unsubscribeCompany(s, 'acme');
  s.companySubscribed = false;
  f.publish('acme', 1, 'v');
  f.publish('acme', 2, 'w');
  assert.deepEqual(s.got, [
    [1, 'u'],
    [1, 'v'],
  ]);
});

test('hasSubscribers, and unsubscribing leaves no empty entries behind', () => {
  const f = new Fanout<Sub>();
  const s = new Sub('s');
  assert.equal(f.hasSubscribers('acme', 1), false);
  f.subscribeDriver(s, 1);
  assert.equal(f.hasSubscribers('acme', 1), true);
  assert.equal(f.hasSubscribers('acme', 2), false);
  f.subscribeCompany(s, 'acme');
  assert.equal(f.hasSubscribers('acme', 2), true);
  assert.equal(f.hasSubscribers('globex', 2), false);
  f.unsubscribeDriver(s, 1);
  f.unsubscribeCompany(s, 'acme');
  assert.equal(f.hasSubscribers('acme', 1), false);
  // Unsubscribing what was never subscribed is harmless.
  f.unsubscribeDriver(s, 99);
  f.unsubscribeCompany(s, 'nope');
  f.publish('acme', 1, 'u');
  assert.deepEqual(s.got, []);
});

test('subscribing twice delivers once', () => {
  const f = new Fanout<Sub>();
  const s = new Sub('s');
  f.subscribeDriver(s, 1);
  f.subscribeDriver(s, 1);
  f.publish('acme', 1, 'u');
  assert.equal(s.got.length, 1);
  f.unsubscribeDriver(s, 1);
  assert.equal(f.hasSubscribers('acme', 1), false);
});

test('urgent messages reach the same recipients once each, and queue keys can differ from the driver', () => {
  const f = new Fanout<Sub>();
  const all = new Sub('all');
  const one = new Sub('one');
  f.subscribeCompany(all, 'acme');
  all.companySubscribed = true;
  f.subscribeDriver(all, 7); // subscribed both ways: still one copy
  f.subscribeDriver(one, 7);
  f.publishUrgent('acme', 7, 'sos');
  f.publish('acme', 7, 'status', -7);
  assert.deepEqual(all.urgent, ['sos']);
  assert.deepEqual(one.urgent, ['sos']);
  assert.deepEqual(all.got, [[-7, 'status']]);
  assert.deepEqual(one.got, [[-7, 'status']]);
});
