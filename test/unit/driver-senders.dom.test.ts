/**
 * The driver app's senders (renderer/src/driver/fix-sender.ts, alert-sender.ts) with the real
 * outbox on an in-memory IndexedDB (`fake-indexeddb`, the IndexedDB API as the spec defines it)
 * and a stand-in for the socket that records what would go out. What is checked is the order
 * of events a slow phone produces: the server's answer arriving while a pump is still reading
 * the outbox. (`.dom.test.ts`: the code under test uses the browser's types, so this file is
 * typechecked by test/e2e/tsconfig.json, which has the DOM library.)
 */
import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { AlertSender } from '../../renderer/src/driver/alert-sender';
import type { DriverConnection } from '../../renderer/src/driver/connection';
import { DriverContext } from '../../renderer/src/driver/driver-state';
import { FixSender } from '../../renderer/src/driver/fix-sender';
import { Outbox } from '../../renderer/src/driver/queue';

/** The browser's localStorage (the outbox keeps its seq counter there), in memory. */
class MemoryStorage {
  private readonly m = new Map<string, string>();
  getItem = (k: string): string | null => this.m.get(k) ?? null;
  setItem = (k: string, v: string): void => void this.m.set(k, String(v));
  removeItem = (k: string): void => void this.m.delete(k);
  clear = (): void => this.m.clear();
}

interface Sent {
  action: string;
  seq: number;
  payload: unknown;
}

/** What the senders need of the connection: whether it is up, and a send that records. */
function socket(): { conn: DriverConnection; sent: Sent[] } {
  const sent: Sent[] = [];
  const conn = { ready: true, send: (m: Sent) => (sent.push(m), true) } as unknown as DriverConnection;
  return { conn, sent };
}

async function phone(): Promise<DriverContext> {
  const ctx = new DriverContext();
  ctx.outbox = await Outbox.open();
  ctx.set({
    phase: 'signed-in',
    device: { user_id: 'DR_1', display_name: 'Van 1', company_id: 'acme', device_key: 'k', settings: { crash_threshold_g: 4, heartbeat_interval_s: 180, min_interval_ms: 50, max_batch: 200 } } as never,
  });
  return ctx;
}

const fix = (seq: number, i: number) => ({ seq, payload: { lat: 48.1 + i / 1000, lng: 11.5, speed: 0, bearing: 0, accuracy: 5, timestamp: new Date(Date.UTC(2026, 11, 6, 8, 0, i)).toISOString() } });
/** Everything queued on the context's serial line so far has run. */
const drained = (ctx: DriverContext) => ctx.serial(async () => {});
const sentFixes = (sent: Sent[]) => sent.flatMap((m) => (m.action === 'location_batch' ? (m.payload as { positions: { timestamp: string }[] }).positions.map((p) => p.timestamp) : m.action === 'driver_location' ? [(m.payload as { timestamp: string }).timestamp] : []));

/** A phone with one queued fix, sent live and not answered yet. */
async function oneLiveFixInFlight() {
  const ctx = await phone();
  const { conn, sent } = socket();
  const sender = new FixSender(ctx, conn);
  const f = fix(ctx.outbox!.nextSeq(), 0);
  await ctx.outbox!.putFix(f);
  await sender.pump();
  return { ctx, sent, sender, f };
}

beforeEach(async () => {
  (globalThis as { localStorage?: unknown }).localStorage = new MemoryStorage();
  const db = await Outbox.open();
  await db.clear();
});

test('a live fix acknowledged while a pump reads the outbox is not sent again', async () => {
  const { ctx, sent, sender, f } = await oneLiveFixInFlight();
  assert.deepEqual(sent.map((m) => [m.action, m.seq]), [['driver_location', f.seq]]);

  // A second pump (the app's 5 s tick) starts reading the outbox; the ack arrives before the read ends.
  const tick = sender.pump();
  assert.equal(sender.onAck(f.seq, []), true);
  await tick;
  await drained(ctx);
  assert.deepEqual(sentFixes(sent), [f.payload.timestamp], 'the fix went out once');
  assert.deepEqual(await ctx.outbox!.fixes(), []);
  assert.equal(ctx.state.pending, 0);
});

test('a batch acknowledged mid-read is not resent; a fix queued meanwhile still goes out', async () => {
  const ctx = await phone();
  const { conn, sent } = socket();
  const sender = new FixSender(ctx, conn);
  const backlog = [0, 1, 2, 3].map((i) => fix(ctx.outbox!.nextSeq(), i));
  for (const f of backlog) await ctx.outbox!.putFix(f);
  await sender.pump();
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.action, 'location_batch');
  const fresh = fix(ctx.outbox!.nextSeq(), 10);
  await ctx.outbox!.putFix(fresh);
  const tick = sender.pump();
  sender.onAck(sent[0]!.seq, []);
  await tick;
  await drained(ctx);
  await drained(ctx);
  assert.deepEqual(sentFixes(sent).sort(), [...backlog, fresh].map((f) => f.payload.timestamp).sort(), 'each fix went out once');
});

test('a refused-for-good fix leaves the queue once and is counted once; a rate-limited one is sent again', async () => {
  const { ctx, sent, sender, f } = await oneLiveFixInFlight();
  const tick = sender.pump();
  assert.equal(sender.onRefused(f.seq, { type: 'error', error: 'BadPayload', message: 'lat out of range', seq: f.seq } as never), true);
  await tick;
  await drained(ctx);
  assert.equal(sentFixes(sent).length, 1);
  assert.equal(ctx.state.dropped, 1);
  assert.deepEqual(await ctx.outbox!.fixes(), []);

  const g = fix(ctx.outbox!.nextSeq(), 1);
  await ctx.outbox!.putFix(g);
  await sender.pump();
  const carrier = sent.at(-1)!.seq;
  assert.equal(sender.onRefused(carrier, { type: 'error', error: 'RateLimited', message: 'too soon', seq: carrier } as never), true);
  // The app pumps again once the phone's minimum interval has passed.
  await new Promise((r) => setTimeout(r, 120));
  await drained(ctx);
  assert.deepEqual(sentFixes(sent).slice(1), [g.payload.timestamp, g.payload.timestamp], 'kept and sent again');
});

test('an alert acknowledged while send() reads the outbox is not sent again', async () => {
  const ctx = await phone();
  const { conn, sent } = socket();
  const alerts = new AlertSender(ctx, conn);
  await alerts.put({ kind: 'sos', timestamp: new Date().toISOString(), lat: 48.1, lng: 11.5 });
  await alerts.send();
  assert.equal(sent.length, 1);
  const again = alerts.send();
  assert.equal(alerts.onAck(sent[0]!.seq), true);
  await again;
  assert.equal(sent.length, 1, 'the SOS went out once');
  assert.equal(ctx.state.sos, 'sent');
  // Once deleted, a later send has nothing to do.
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(await ctx.outbox!.alerts(), []);
  await alerts.send();
  assert.equal(sent.length, 1);
});
