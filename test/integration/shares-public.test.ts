/**
 * The public side of a share, no login: the page, the JSON and the live feed (SSE) show the
 * device's position only while the share is open, only fields its share_config allows, rounded
 * as the company asks, nothing from before the share began, and nothing after it ended;
 * hostile tokens all get the same 404; rate limiting per address; security headers; the token
 * never reaches the log; the ETA from a local service answering in OSRM's shape.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import pino from 'pino';
import type { PublicShare, ShareCreated } from '../../shared/api/shares';
import { PUBLIC_RATE } from '../../main/server/auth/token-buckets';
import { MAX_VIEWERS_PER_SHARE } from '../../main/server/http/share-live';
import { ManualClock } from '../support/manual-clock';
import { startTestServer, tempDir, type TestServer } from '../support/server';
import { openSse } from '../support/sse-client';
import { TestSocket } from '../support/ws-client';

const C = 'acme';
let s: TestServer;
let office: string;
let admin: string;
let van: TestSocket;
let seq = 0;
const clock = new ManualClock();
const logLines: string[] = [];
const rendererDir = tempDir('fleetdesk-share-page-');
const tokens: string[] = [];

before(async () => {
  const logger = pino({ level: 'trace' }, new Writable({ write: (chunk, _e, cb) => (logLines.push(String(chunk)), cb()) }));
  s = await startTestServer({ clock, logger, rendererDir });
  s.company(C, 'ACME Deliveries');
  await s.user(C, 'boss', 'admin');
  await s.user(C, 'ops', 'office');
  await s.user(C, 'VAN', 'driver', { display_name: 'Anna' });
  office = s.token(C, 'ops', 30 * 86_400);
  admin = s.token(C, 'boss', 30 * 86_400);
  van = await TestSocket.open(s.wsUrl);
  assert.equal((await van.authenticate('VAN', 'driver', s.token(C, 'VAN', 30 * 86_400))).type, 'authenticated');
});
after(async () => {
  van.ws.terminate();
  await s.stop();
});

/** A fix from the van, stamped `at` (default: the server's now), acked after commit. */
async function fix(lat: number, lng: number, at = clock.now(), speedKmh = 36, bearing = 90): Promise<void> {
  const n = ++seq;
  van.send({ action: 'location_batch', id: 'VAN', seq: n, payload: { positions: [{ lat, lng, speed: speedKmh, bearing, timestamp: at, accuracy: 5 }] } });
  assert.deepEqual(await van.next((m) => m.type === 'ack' || m.type === 'error', 5000), { type: 'ack', seq: n });
}

async function share(body: Record<string, unknown> = {}): Promise<ShareCreated> {
  const r = await s.api('POST', '/api/v1/shares', { token: office, body: { device_id: 'VAN', recipient_name: 'Mrs Smith', order_id: 'ORD-7', ...body } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  tokens.push(r.body.share_token);
  return r.body as ShareCreated;
}

const data = async (token: string) => s.api('GET', `/s/${token}/data`);
/** A fresh bucket for the next test (the limit is per address, and every request here is from 127.0.0.1). */
const refill = () => clock.advance(2 * 60_000);

test('data JSON: position only from the share’s start, only the allowed fields, rounded; the page and the headers', async () => {
  refill();
  await fix(48.1, 11.5, clock.now() - 60_000); // before the share: never shown
  clock.advance(1000);
  const c = await share({ destination: { latitude: 48.2, longitude: 11.6, label: 'Home' } });
  let d = (await data(c.share_token)).body as PublicShare;
  assert.equal(d.status, 'active');
  assert.equal(d.position, null, 'no fix since the share began');
  assert.equal(d.eta, null);
  assert.equal(d.driver_name, 'Anna');
  assert.equal(d.company_name, 'ACME Deliveries');
  assert.equal(d.recipient_name, 'Mrs Smith');
  assert.deepEqual(d.destination, { latitude: 48.2, longitude: 11.6, label: 'Home' });

  clock.advance(1000);
  await fix(48.1234567, 11.5234567);
  d = (await data(c.share_token)).body as PublicShare;
  assert.deepEqual(Object.keys(d.position!).sort(), ['heading', 'lat', 'lng', 'time'], 'no speed unless show_speed');
  assert.equal(d.position!.lat, 48.1234567);
  assert.equal(d.eta?.method, 'straight_line');

  await s.api('PATCH', `/api/v1/companies/${C}/share-settings`, { token: admin, body: { position_decimals: 3, frame_origins: ['https://shop.example.com'] } });
  const c2 = await share({ share_config: { show_speed: true, show_heading: false, show_eta: false, show_destination_on_map: false }, destination: { latitude: 48.2, longitude: 11.6 } });
  clock.advance(1000);
  await fix(48.1234567, 11.5234567);
  const r2 = await data(c2.share_token);
  d = r2.body as PublicShare;
  assert.deepEqual(d.position, { lat: 48.123, lng: 11.523, speed_kmh: 36, time: new Date(clock.now()).toISOString() });
  assert.equal(d.destination, null);
  assert.equal(d.eta, null);
  assert.match(r2.headers.get('content-security-policy')!, /frame-ancestors https:\/\/shop\.example\.com/);
  assert.equal(r2.headers.get('x-frame-options'), null);
  await s.api('PATCH', `/api/v1/companies/${C}/share-settings`, { token: admin, body: { position_decimals: null, frame_origins: [] } });

  const r = await data(c.share_token);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.match(r.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
  assert.match(r.headers.get('content-security-policy')!, /default-src 'self'/);
  assert.equal(r.headers.get('x-frame-options'), 'DENY');

  // The page: share.html of the bundle, with the same headers; a missing bundle page is a friendly 404.
  const missing = await s.api('GET', `/s/${c.share_token}`);
  assert.equal(missing.status, 404);
  assert.match(missing.body, /share page is not part of this server/);
  fs.writeFileSync(path.join(rendererDir, 'share.html'), '<!doctype html><title>share</title><div id="root"></div>');
  const pageRes = await s.api('GET', `/s/${c.share_token}`);
  assert.equal(pageRes.status, 200);
  assert.match(pageRes.headers.get('content-type')!, /text\/html/);
  assert.match(pageRes.body, /<div id="root">/);
  assert.equal(pageRes.headers.get('cache-control'), 'no-store');
  assert.match(pageRes.headers.get('content-security-policy')!, /script-src 'self'/);
});

test('live feed: snapshots on each fix and state change while open, then the end without a position, and the stream closes', async () => {
  refill();
  const c = await share({ destination: { latitude: 48.2, longitude: 11.6 } });
  const feed = await openSse(`${s.url}/s/${c.share_token}/live`);
  assert.equal(feed.status, 200);
  assert.match(feed.headers.get('content-type')!, /text\/event-stream/);
  assert.equal(feed.headers.get('cache-control'), 'no-store');
  assert.equal(feed.headers.get('referrer-policy'), 'no-referrer');
  const first = await feed.next();
  assert.equal(first.event, 'share');
  assert.equal((JSON.parse(first.data) as PublicShare).position, null);

  for (const lng of [11.5001, 11.5002]) {
    clock.advance(1000);
    await fix(48.1, lng);
    const snap = JSON.parse((await feed.next()).data) as PublicShare;
    assert.equal(snap.position?.lng, lng);
    assert.equal(snap.position?.speed_kmh, undefined);
    assert.ok(snap.eta && snap.eta.seconds > 0, 'snap.eta && snap.eta.seconds > 0');
  }
  assert.equal(s.ctx.shares.listenerCount, 1);
  assert.equal((await s.api('POST', `/api/v1/shares/${c.id}/complete`, { token: office })).status, 200);
  const last = JSON.parse((await feed.next()).data) as PublicShare;
  assert.equal(last.status, 'completed');
  assert.equal(last.position, null);
  assert.equal(last.destination, null);
  assert.equal(last.eta, null);
  await feed.ended;
  assert.equal(s.ctx.shares.listenerCount, 0, 'the feed let go of the share');

  // After the end: the JSON and a new feed show the final state only, and a new fix reaches nobody.
  clock.advance(1000);
  await fix(48.1, 11.5003);
  const d = (await data(c.share_token)).body as PublicShare;
  assert.equal(d.status, 'completed');
  assert.equal(d.position, null);
  const again = await openSse(`${s.url}/s/${c.share_token}/live`);
  assert.equal((JSON.parse((await again.next()).data) as PublicShare).position, null);
  await again.ended;
});

test('hostile and unknown tokens: one 404 answer for each part, whatever the token', async () => {
  refill();
  const ended = await share();
  await s.api('POST', `/api/v1/shares/${ended.id}/cancel`, { token: office });
  const purgedToken = ended.share_token;
  s.ctx.db.prepare('DELETE FROM shares WHERE id = ?').run(ended.id); // as the purge does, long after the end
  const hostile = [
    '',
    'x'.repeat(10_000),
    encodeURIComponent('../../etc/passwd'),
    encodeURIComponent("' OR 1=1 --"),
    encodeURIComponent('ü🚚\u202e'),
    'A'.repeat(43),
    purgedToken,
    `${tokens[0]!.slice(0, 42)}%`,
  ];
  for (const part of ['', '/data', '/live']) {
    const answers = new Set<string>();
    for (const t of hostile) {
      const r = await s.api('GET', `/s/${t}${part}`);
      assert.equal(r.status, 404, `${t.slice(0, 20)}${part}`);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      answers.add(typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
    }
    assert.equal(answers.size, 1, `one answer for ${part || 'the page'}: ${[...answers].join(' | ').slice(0, 300)}`);
  }
  const json = await s.api('GET', `/s/${purgedToken}/data`);
  assert.deepEqual(Object.keys(json.body).sort(), ['error', 'message']);
  assert.equal((await s.api('GET', `/s/${purgedToken}/data/more`)).status, 404);
  // A share token opens nothing else: not the REST API.
  assert.equal((await s.api('GET', '/api/v1/shares', { token: tokens[0] })).status, 401);
});

test('rate limiting per address: 429 with Retry-After once the bucket is empty, then allowed again', async () => {
  refill();
  let limited: Awaited<ReturnType<typeof data>> | null = null;
  for (let i = 0; i <= PUBLIC_RATE.burst; i++) {
    const r = await data('unknown-token');
    if (r.status === 429) {
      limited = r;
      break;
    }
  }
  assert.ok(limited, 'limited within the burst');
  assert.equal(limited.body.error, 'RateLimited');
  assert.ok(Number(limited.headers.get('retry-after')) >= 1, 'Number(limited.headers.get(\'retry-after\')) >= 1');
  assert.equal(limited.headers.get('cache-control'), 'no-store');
  clock.advance(Number(limited.headers.get('retry-after')) * 1000);
  assert.equal((await data('unknown-token')).status, 404);
});

test('ETA from an OSRM-compatible service: its duration, cached for 30 s, the straight line when it fails', async () => {
  refill();
  const asked: string[] = [];
  let fail = false;
  const osrm = http.createServer((req, res) => {
    asked.push(req.url!);
    if (fail) return res.writeHead(500).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'Ok', routes: [{ duration: 754.3, distance: 6123.4, legs: [] }], waypoints: [] }));
  });
  await new Promise<void>((r) => osrm.listen(0, '127.0.0.1', r));
  try {
    const port = (osrm.address() as { port: number }).port;
    await s.api('PATCH', `/api/v1/companies/${C}/share-settings`, { token: admin, body: { routing_url: `http://127.0.0.1:${port}/osrm/` } });
    const c = await share({ destination: { latitude: 48.2, longitude: 11.6 } });
    clock.advance(1000);
    await fix(48.1, 11.5);
    let d = (await data(c.share_token)).body as PublicShare;
    assert.deepEqual({ ...d.eta, arrival_at: undefined }, { seconds: 754, distance_m: 6123, method: 'routing', arrival_at: undefined });
    assert.equal(Date.parse(d.eta!.arrival_at), clock.now() + 754_300);
    assert.deepEqual(asked, ['/osrm/route/v1/driving/11.5,48.1;11.6,48.2?overview=false']);
    await data(c.share_token);
    assert.equal(asked.length, 1, 'cached');
    fail = true;
    clock.advance(31_000);
    d = (await data(c.share_token)).body as PublicShare;
    assert.equal(asked.length, 2);
    assert.equal(d.eta?.method, 'straight_line', 'falls back when the service fails');
  } finally {
    osrm.close();
    await s.api('PATCH', `/api/v1/companies/${C}/share-settings`, { token: admin, body: { routing_url: null } });
  }
});

test('no share token ever reaches the log', async () => {
  assert.ok(tokens.length >= 5, 'tokens.length >= 5');
  const log = logLines.join('');
  assert.ok(log.length > 0, 'the log was captured');
  for (const t of tokens) assert.ok(!log.includes(t), 'a token is in the log');
  // The logger's own URL rule, for any line that would carry a share link.
  const { safeUrl } = await import('../../main/server/logger');
  assert.equal(safeUrl(`/s/${tokens[0]}/live?x=1`), '/s/[redacted]/live?x=1');
  assert.equal(safeUrl(`https://track.example.com/s/${tokens[0]}`), 'https://track.example.com/s/[redacted]');
});

test('the same links work on the HTTPS port (one app): the JSON and the live feed', async () => {
  const tls = await startTestServer({ httpsPort: 0 });
  try {
    tls.company('tls');
    await tls.user('tls', 'ops', 'office');
    await tls.user('tls', 'V', 'driver');
    const c = (await tls.api('POST', '/api/v1/shares', { token: tls.token('tls', 'ops'), body: { device_id: 'V' } })).body as ShareCreated;
    const port = tls.ctx.listening.httpsPort!;
    const get = (pathname: string, firstChunkOnly: boolean) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
        const req = https.get({ host: '127.0.0.1', port, path: pathname, rejectUnauthorized: false, agent: false }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => {
            body += d;
            if (firstChunkOnly && body.includes('\n\n')) {
              resolve({ status: res.statusCode!, headers: res.headers, body });
              req.destroy();
            }
          });
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
        });
        req.on('error', reject);
      });
    const d = await get(`/s/${c.share_token}/data`, false);
    assert.equal(d.status, 200);
    assert.equal((JSON.parse(d.body) as PublicShare).status, 'active');
    assert.equal(d.headers['referrer-policy'], 'no-referrer');
    const live = await get(`/s/${c.share_token}/live`, true);
    assert.equal(live.status, 200);
    assert.match(live.body, /^event: share\ndata: \{"status":"active"/);
    assert.equal((await get('/s/nope/data', false)).status, 404);
  } finally {
    await tls.stop();
  }
});

test('one share holds at most MAX_VIEWERS_PER_SHARE live viewers at once (429), and a closed viewer frees its place', async () => {
  const big = await startTestServer({ shareRateLimit: { burst: 10_000, perMinute: 10_000 } });
  const feeds: Awaited<ReturnType<typeof openSse>>[] = [];
  try {
    big.company('big');
    await big.user('big', 'ops', 'office');
    await big.user('big', 'V', 'driver');
    const c = (await big.api('POST', '/api/v1/shares', { token: big.token('big', 'ops'), body: { device_id: 'V' } })).body as ShareCreated;
    for (let i = 0; i < MAX_VIEWERS_PER_SHARE; i++) {
      const f = await openSse(`${big.url}/s/${c.share_token}/live`);
      feeds.push(f);
      await f.next();
    }
    const refused = await big.api('GET', `/s/${c.share_token}/live`);
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '30');
    feeds.pop()!.close();
    await new Promise((r) => setTimeout(r, 200));
    const again = await openSse(`${big.url}/s/${c.share_token}/live`);
    feeds.push(again);
    assert.equal(again.status, 200);
  } finally {
    for (const f of feeds) f.close();
    await big.stop();
  }
});
