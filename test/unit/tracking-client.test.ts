/** The Tracking API client core (shared/tracking-client.ts) against a fake WebSocket: URL, authentication, readiness, reconnects, acks. */
import assert from 'node:assert/strict';
import test from 'node:test';
import { backoffDelay, droppedFixes, TrackingClient, trackUrl, Unacked, type TrackingClientOptions } from '../../shared/tracking-client';

type Listener = (event: any) => void;

class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  readonly sent: any[] = [];
  closedWith: [number | undefined, string | undefined] | null = null;
  private readonly listeners = new Map<string, Listener[]>();

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(code?: number, reason?: string): void {
    this.closedWith = [code, reason];
    this.serverClose(code ?? 1005, reason ?? '');
  }

  // what the server does
  open(): void {
    this.readyState = 1;
    this.emit('open', {});
  }

  reply(message: object): void {
    this.emit('message', { data: JSON.stringify(message) });
  }

  serverClose(code: number, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.emit('close', { code, reason });
  }

  private emit(type: string, event: object): void {
    for (const l of this.listeners.get(type) ?? []) l(event);
  }
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

function client(over: Partial<TrackingClientOptions> = {}) {
  FakeSocket.all = [];
  const events: string[] = [];
  let n = 0;
  const c = new TrackingClient({
    WebSocket: FakeSocket,
    url: trackUrl('http://127.0.0.1:8765'),
    userId: 'dispatch',
    role: 'office',
    token: () => `token-${++n}`,
    subscribe: ['company:drivers'],
    backoff: { minMs: 10, maxMs: 40, jitter: 0 },
    onReady: () => events.push('ready'),
    onMessage: (m) => events.push(m.type),
    onClose: (code) => void events.push(`close ${code}`),
    ...over,
  });
  return { c, events };
}

test('trackUrl: ws beside http, wss beside https', () => {
  assert.equal(trackUrl('http://127.0.0.1:8765'), 'ws://127.0.0.1:8765/v1/track');
  assert.equal(trackUrl('https://fleet.example:8766'), 'wss://fleet.example:8766/v1/track');
});

test('backoff doubles up to its maximum, within the jitter', () => {
  const b = { minMs: 500, maxMs: 15_000, jitter: 0.25 };
  assert.equal(backoffDelay(b, 0, () => 0.5), 500);
  assert.equal(backoffDelay(b, 3, () => 0.5), 4000);
  assert.equal(backoffDelay(b, 30, () => 0.5), 15_000);
  assert.equal(backoffDelay(b, 0, () => 0), 375);
  assert.equal(backoffDelay(b, 0, () => 1), 625);
  assert.equal(backoffDelay({ minMs: 1000, maxMs: 1000, jitter: 0 }, 5), 1000);
});

test('droppedFixes: one entry per dropped fix, a single fix as index 0', () => {
  assert.deepEqual(droppedFixes({ type: 'ack', seq: 1 }), []);
  assert.deepEqual(droppedFixes({ type: 'ack', seq: 1, dropped: { reason: 'bad_time', message: 'm' } }), [{ index: 0, reason: 'bad_time', message: 'm' }]);
  const batch = [{ index: 3, reason: 'duplicate' as const, message: 'm' }];
  assert.deepEqual(droppedFixes({ type: 'ack', seq: 2, dropped: batch }), batch);
});

test('Unacked: settled once, expired after a silence, cleared on a new connection', () => {
  const u = new Unacked<string>();
  u.add(1, 'a', 1000);
  u.add(2, 'b', 5000);
  assert.equal(u.settle(1), 'a');
  assert.equal(u.settle(1), undefined);
  u.add(3, 'c', 2000);
  u.expire(3000);
  assert.deepEqual(u.items(), ['b']);
  assert.equal(u.has(2), true);
  u.clear();
  assert.deepEqual(u.items(), []);
});

test('authenticates and subscribes on open; ready once both are confirmed', async () => {
  const { c, events } = client();
  c.start();
  await tick();
  const ws = FakeSocket.all[0]!;
  assert.equal(ws.url, 'ws://127.0.0.1:8765/v1/track');
  ws.open();
  assert.deepEqual(ws.sent, [
    { action: 'authenticate', payload: { user_id: 'dispatch', role: 'office', token: 'token-1' } },
    { action: 'subscribe', entity: 'company:drivers' },
  ]);
  ws.reply({ type: 'authenticated', user_id: 'dispatch', role: 'office', company: 'acme' });
  assert.equal(c.ready, false, 'not before the subscription is confirmed');
  ws.reply({ type: 'subscribed', entity: 'company:drivers' });
  assert.equal(c.ready, true);
  assert.deepEqual(events, ['authenticated', 'ready', 'subscribed']);
  assert.equal(c.send({ action: 'unsubscribe', entity: 'company:drivers' }), true);
  ws.reply({ type: 'location_update', id: 'DR_1', payload: { lat: 1, lng: 2, speed: 3, bearing: 4, timestamp: 'not a time' } });
  assert.equal(events.length, 3, 'a message outside the protocol is dropped');
  await c.stop();
  assert.deepEqual(ws.closedWith, [1000, 'bye']);
});

test('a dropped connection comes back after the backoff, with a new token; stop() ends it for good', async () => {
  const { c, events } = client({ subscribe: [] });
  c.start();
  await tick();
  const first = FakeSocket.all[0]!;
  first.open();
  first.reply({ type: 'authenticated', user_id: 'dispatch', role: 'office', company: 'acme' });
  first.serverClose(1006);
  assert.equal(c.ready, false);
  assert.equal(FakeSocket.all.length, 1, 'not at once');
  await tick(30);
  const second = FakeSocket.all[1]!;
  second.open();
  assert.equal(second.sent[0].payload.token, 'token-2');
  await c.stop();
  second.serverClose(1000);
  await tick(60);
  assert.equal(FakeSocket.all.length, 2);
  assert.deepEqual(events, ['ready', 'authenticated', 'close 1006']);
});

test('onClose can wait for retryNow(); a null token waits too', async () => {
  let allow = false;
  const { c } = client({ onClose: () => null, token: () => (allow ? 't' : null) });
  c.start();
  await tick(30);
  assert.equal(FakeSocket.all.length, 0, 'no token, no socket');
  allow = true;
  c.retryNow();
  await tick();
  FakeSocket.all[0]!.serverClose(4001);
  await tick(60);
  assert.equal(FakeSocket.all.length, 1);
  c.retryNow();
  await tick();
  assert.equal(FakeSocket.all.length, 2);
  await c.stop();
});

test('reconnect() ends the connection as the server would, and connects again', async () => {
  const { c, events } = client({ subscribe: [] });
  c.start();
  await tick();
  FakeSocket.all[0]!.open();
  c.reconnect('unauthorized');
  assert.deepEqual(FakeSocket.all[0]!.closedWith, [1000, 'unauthorized']);
  assert.deepEqual(events, ['close 1000']);
  await tick(30);
  assert.equal(FakeSocket.all.length, 2);
  await c.stop();
});
