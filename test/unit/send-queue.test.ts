/**
 * SendQueue over a real WebSocket pair on 127.0.0.1: the updates of one tick leave the server
 * under one cork (one write), in order, and what the cork holds is not mistaken for a reader's
 * backlog.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { SendQueue } from '../../main/server/ws/send-queue';

let server: http.Server;
let wss: WebSocketServer;
let serverSide: { ws: WebSocket; socket: Socket };
let client: WebSocket;
const received: string[] = [];

before(async () => {
  server = http.createServer();
  wss = new WebSocketServer({ server });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const connected = new Promise<{ ws: WebSocket; socket: Socket }>((resolve) => wss.on('connection', (ws, req) => resolve({ ws, socket: req.socket as Socket })));
  client = new WebSocket(`ws://127.0.0.1:${port}`);
  client.on('message', (d) => received.push(d.toString()));
  await new Promise((r) => client.once('open', r));
  serverSide = await connected;
});

after(async () => {
  client.terminate();
  wss.close();
  await new Promise((r) => server.close(r));
});

function countingSocket(socket: Socket) {
  const calls = { cork: 0, uncork: 0 };
  return {
    calls,
    cork: () => {
      calls.cork++;
      socket.cork();
    },
    uncork: () => {
      calls.uncork++;
      socket.uncork();
    },
  };
}

const clock = { now: () => Date.now() };

test('the updates of one tick are corked once, uncorked on the next tick, and all arrive in order', async () => {
  received.length = 0;
  const sock = countingSocket(serverSide.socket);
  const q = new SendQueue(serverSide.ws, clock, { highWaterBytes: 64 * 1024, slowConsumerTimeoutMs: 60_000, onSlowConsumer: () => assert.fail('not slow') }, sock);
  // 2,000 updates of ~300 bytes: 600 KB, far above the high-water mark once corked.
  const pad = 'x'.repeat(280);
  for (let i = 0; i < 2000; i++) q.push(i, JSON.stringify({ i, pad }));
  assert.deepEqual(sock.calls, { cork: 1, uncork: 0 }, 'one cork for the whole tick');
  assert.equal(q.heldCount, 0, 'what the cork holds is not a backlog: nothing was held back');
  await new Promise((r) => process.nextTick(r));
  assert.deepEqual(sock.calls, { cork: 1, uncork: 1 });
  const deadline = Date.now() + 5000;
  while (received.length < 2000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(received.length, 2000);
  assert.deepEqual(
    received.map((m) => (JSON.parse(m) as { i: number }).i),
    Array.from({ length: 2000 }, (_, i) => i),
  );
  // the next tick corks again
  q.push(1, '{"again":true}');
  assert.deepEqual(sock.calls, { cork: 2, uncork: 1 });
  await new Promise((r) => process.nextTick(r));
  assert.deepEqual(sock.calls, { cork: 2, uncork: 2 });
  while (received.length < 2001 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(received.at(-1), '{"again":true}');
  q.close();
});

test('without the socket every update is sent at once (no cork)', async () => {
  received.length = 0;
  const q = new SendQueue(serverSide.ws, clock, { highWaterBytes: 64 * 1024, slowConsumerTimeoutMs: 60_000, onSlowConsumer: () => assert.fail('not slow') });
  for (let i = 0; i < 10; i++) q.push(i, `{"n":${i}}`);
  const deadline = Date.now() + 5000;
  while (received.length < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(received, Array.from({ length: 10 }, (_, i) => `{"n":${i}}`));
  q.close();
});
