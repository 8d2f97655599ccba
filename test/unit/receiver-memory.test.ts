/**
 * receiver-memory.ts over a real WebSocket pair on 127.0.0.1: every message still arrives whole
 * and in order (small, large, split over several frames, several in one TCP write, binary), and
 * the server side's receiver keeps one emptied fragments array for good instead of a new one per
 * message holding on to the last message's bytes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { receiverReuse } from '../../main/server/ws/receiver-memory';

let server: http.Server;
let wss: WebSocketServer;
let serverSide: WebSocket;
let client: WebSocket;
const received: { data: string; binary: boolean }[] = [];

/** the receiver behind a server-side socket (ws's own field) */
const fragmentsOf = (ws: WebSocket): unknown[] => (ws as unknown as { _receiver: { _fragments: unknown[] } })._receiver._fragments;

before(async () => {
  server = http.createServer();
  wss = new WebSocketServer({ server });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const connected = new Promise<WebSocket>((resolve) => wss.on('connection', (ws) => resolve(ws)));
  client = new WebSocket(`ws://127.0.0.1:${port}`);
  await new Promise((r) => client.once('open', r));
  serverSide = await connected;
  serverSide.on('message', (d, binary) => received.push({ data: (d as Buffer).toString(), binary }));
});

after(async () => {
  client.terminate();
  wss.close();
  await new Promise((r) => server.close(r));
});

async function until(n: number): Promise<void> {
  const end = Date.now() + 5000;
  while (received.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
}

test('the installed ws has the receiver this change expects (else it would silently do nothing)', () => {
  assert.equal(receiverReuse, true);
});

test('messages of every shape arrive whole and in order; the receiver reuses one emptied array', async () => {
  const first = JSON.stringify({ type: 'location', seq: 0 });
  client.send(first);
  await until(1);
  const kept = fragmentsOf(serverSide);
  assert.equal(kept.length, 0);

  const sent: { data: string; binary: boolean }[] = [{ data: first, binary: false }];
  // many in one go (several frames per TCP read), growing sizes up to 200 KB (16-bit and 64-bit lengths)
  for (let i = 1; i <= 200; i++) {
    const data = JSON.stringify({ type: 'location', seq: i, pad: 'x'.repeat(i * 1000) });
    sent.push({ data, binary: false });
    client.send(data);
  }
  // one message split over three frames (continuation frames)
  client.send('{"type":"loc', { fin: false });
  client.send('ation","seq":', { fin: false });
  client.send('201}', { fin: true });
  sent.push({ data: '{"type":"location","seq":201}', binary: false });
  // binary frames are delivered as they were
  client.send(Buffer.from('binary-frame'), { binary: true });
  sent.push({ data: 'binary-frame', binary: true });

  await until(sent.length);
  assert.equal(received.length, sent.length);
  assert.deepEqual(received, sent);
  assert.equal(fragmentsOf(serverSide), kept, 'the same array serves every message');
  assert.equal(kept.length, 0, 'and holds nothing of the last one');
});
