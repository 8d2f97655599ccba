/**
 * The outbox: the event log, read by one worker per enabled destination from the destination's
 * cursor. An event is in the outbox once its transaction commits (it is a row of `events`);
 * nothing is kept only in memory, so a restart or a SIGKILL loses nothing: the worker starts
 * again from the stored cursor, and an event sent but not yet marked delivered is sent again with
 * the same id (at least once; receivers deduplicate on the id).
 *
 * Per destination: one send at a time, in event order; a failure waits (exponential backoff with
 * jitter, up to a cap) and blocks the events behind it, so order holds; after `maxAttempts`
 * failures, or once the event is older than `maxAge`, it becomes a dead letter and the worker
 * moves on. Dead letters sent again ("redeliver") go before the events after the cursor. Workers
 * never block one another or ingest: every send is asynchronous and bounded by a timeout, and
 * reading the log is a few indexed rows per event.
 */
import type { NotifyOptions } from '../../../shared/api/notifications';
import type { Clock, Timer } from '../clock';
import type { Logger } from '../logger';
import type { DeliveryRow } from '../store/deliveries';
import type { DestinationRow } from '../store/destinations';
import type { OutboxEvent } from '../store/events';
import type { Storage } from '../store/storage';
import { randomUUID } from 'node:crypto';
import { envelopeOf, testEnvelope } from './envelope';
import type { ProviderClient, ProviderEnv, ProviderKind } from './provider';
import type { Provider, SendResult } from '../../../shared/api/notifications';

export interface OutboxDeps {
  storage: Pick<Storage, 'events' | 'destinations' | 'deliveries' | 'atomically'>;
  clock: Clock;
  logger: Logger;
  options: NotifyOptions;
  env: ProviderEnv;
  kinds: Partial<Record<Provider, ProviderKind<never>>>;
  /** this server's public base for Object.Url, per company */
  baseUrl(companyId: string): string;
  /** a destination's settings with its secrets opened (DestinationService.complete) */
  settingsOf(row: DestinationRow): Record<string, unknown>;
}

/** The wait before attempt `n + 1` after `n` failures: base·2^(n−1), capped, then ±50 % jitter below. */
export function backoff(failures: number, o: Pick<NotifyOptions, 'retryBaseMs' | 'retryCapMs'>, random = Math.random): number {
  const ceiling = Math.min(o.retryCapMs, o.retryBaseMs * 2 ** Math.min(30, failures - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

interface Job {
  event: OutboxEvent;
  delivery: DeliveryRow | null;
  /** a dead letter sent again: the cursor is already past it */
  redelivery: boolean;
}

const PAGE = 200;

class DestinationWorker {
  private running = false;
  private again = false;
  private stopped = false;
  private timer: Timer | null = null;
  private client: ProviderClient | null = null;
  private inflight: AbortController | null = null;
  private cursor: number;
  /** the next events after the cursor that match this destination, oldest first */
  private queue: OutboxEvent[] = [];
  /** the last event id read into `queue` (matching or not) */
  private scanned: number;

  constructor(
    private readonly row: DestinationRow,
    private readonly deps: OutboxDeps,
  ) {
    this.cursor = row.cursor;
    this.scanned = row.cursor;
  }

  get companyId(): string {
    return this.row.companyId;
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.run().finally(() => (this.running = false));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.clear();
    this.inflight?.abort();
    const c = this.client;
    this.client = null;
    await c?.close().catch(() => undefined);
  }

  private async run(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.drain();
      } while (this.again && !this.stopped);
    } catch (err) {
      this.deps.logger.error({ err, destination: this.row.id }, 'the notification worker failed; it starts again on the next event');
    }
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      const job = this.next();
      if (!job) return;
      const due = job.delivery?.nextAttemptAt ?? null;
      if (due !== null && due > this.deps.clock.now()) {
        this.wakeAt(due);
        return;
      }
      const outcome = await this.attempt(job);
      if (outcome === 'waiting' || outcome === 'stopped') return;
    }
  }

  private wakeAt(at: number): void {
    this.timer?.clear();
    this.timer = this.deps.clock.at(at, () => this.kick());
  }

  private matches(e: OutboxEvent): boolean {
    return this.row.events.includes(e.event) && (this.row.devices === null || (e.deviceId !== null && this.row.devices.includes(e.deviceId)));
  }

  /** A redelivery first, else the oldest matching event after the cursor. */
  private next(): Job | null {
    const { events, deliveries, destinations } = this.deps.storage;
    const again = deliveries.nextRedelivery(this.row.id, this.cursor);
    if (again) {
      const event = events.get(again.eventId);
      if (event) return { event, delivery: again, redelivery: true };
    }
    while (this.queue.length === 0) {
      const page = events.after(this.row.companyId, this.scanned, PAGE);
      if (page.length === 0) return null;
      this.scanned = page[page.length - 1]!.id;
      this.queue = page.filter((e) => this.matches(e));
      // a page with nothing for this destination moves the stored cursor past it
      if (this.queue.length === 0) {
        this.cursor = this.scanned;
        destinations.advance(this.row.id, this.cursor);
      }
    }
    const event = this.queue[0]!;
    return { event, delivery: deliveries.get(this.row.id, event.id), redelivery: false };
  }

  private async attempt(job: Job): Promise<'delivered' | 'dead' | 'waiting' | 'stopped'> {
    const { options, clock, storage } = this.deps;
    const { event } = job;
    const envelope = envelopeOf(event, options.sender, this.deps.baseUrl(event.companyId));
    const ac = new AbortController();
    this.inflight = ac;
    const timeout = setTimeout(() => ac.abort(), options.timeoutMs);
    let result;
    try {
      this.client ??= this.deps.kinds[this.row.provider]!.connect(this.deps.settingsOf(this.row) as never, this.deps.env);
      result = await this.client.send({ id: event.uid, envelope }, ac.signal);
    } catch (err) {
      result = { ok: false, status: null, ms: 0, error: `the destination could not be prepared: ${(err as Error).message.split('\n')[0]}` };
    } finally {
      clearTimeout(timeout);
      this.inflight = null;
    }
    // Stopped meanwhile (edited, disabled, deleted, server stopping): nothing is written; the
    // next worker sends this event again, with the same id.
    if (this.stopped) return 'stopped';
    const now = clock.now();
    const attempts = (job.delivery?.attempts ?? 0) + 1;
    if (result.ok) {
      storage.atomically(() => {
        storage.deliveries.attempt(this.row.id, event.id, { state: 'delivered', status: result.status, error: null, at: now, nextAttemptAt: null });
        if (!job.redelivery) this.advance(event.id);
        storage.destinations.succeeded(this.row.id, now);
      });
      return 'delivered';
    }
    const dead = attempts >= options.maxAttempts || now - event.createdAt >= options.maxAgeMs;
    const next = dead ? null : now + backoff(attempts, options);
    storage.atomically(() => {
      storage.deliveries.attempt(this.row.id, event.id, { state: dead ? 'dead' : 'retrying', status: result.status, error: result.error, at: now, nextAttemptAt: next });
      if (dead && !job.redelivery) this.advance(event.id);
      storage.destinations.failed(this.row.id, now, result.error ?? 'the receiver refused the event');
    });
    if (dead) {
      this.deps.logger.warn({ destination: this.row.id, event: event.uid, attempts }, 'a notification became a dead letter');
      return 'dead';
    }
    this.wakeAt(next!);
    return 'waiting';
  }

  private advance(eventId: number): void {
    this.queue.shift();
    this.cursor = eventId;
    this.deps.storage.destinations.advance(this.row.id, eventId);
  }
}

export class Outbox {
  private readonly workers = new Map<string, DestinationWorker>();
  private readonly dueCompanies = new Set<string>();
  private flush: NodeJS.Immediate | null = null;
  private timers: Timer[] = [];
  private started = false;

  constructor(private readonly deps: OutboxDeps) {}

  start(): void {
    this.started = true;
    for (const row of this.deps.storage.destinations.all()) this.restart(row.companyId, row.id);
    // Events are read on the next turn of the event loop: by then their transaction has committed.
    this.deps.storage.events.onRecorded((companyId) => {
      if (!this.started) return;
      this.dueCompanies.add(companyId);
      this.flush ??= setImmediate(() => {
        this.flush = null;
        const due = [...this.dueCompanies];
        this.dueCompanies.clear();
        for (const w of this.workers.values()) if (due.includes(w.companyId)) w.kick();
      });
    });
    // A safety net (a kick lost to a worker that was busy stopping), and the log's retention.
    this.timers.push(this.deps.clock.every(30_000, () => this.kickAll()));
    this.timers.push(this.deps.clock.every(3600_000, () => this.prune()));
  }

  /** The log's retention: delivered rows, and heartbeat events every destination has passed. */
  prune(): { deliveries: number; heartbeats: number } {
    const { storage, clock, options } = this.deps;
    const before = clock.now() - options.logRetentionMs;
    const deliveries = storage.deliveries.prune(before);
    const heartbeats = storage.events.pruneHeartbeats(before, storage.destinations.lowestCursor(storage.events.newestId()));
    return { deliveries, heartbeats };
  }

  kickAll(): void {
    for (const w of this.workers.values()) w.kick();
  }

  /** After a destination is created, changed or removed (or dead letters are queued again). */
  restart(companyId: string, id: string): void {
    if (!this.started) return;
    const old = this.workers.get(id);
    this.workers.delete(id);
    void old?.stop();
    const row = this.deps.storage.destinations.get(companyId, id);
    if (!row || !row.enabled || !this.deps.kinds[row.provider]) return;
    const w = new DestinationWorker(row, this.deps);
    this.workers.set(id, w);
    w.kick();
  }

  kick(id: string): void {
    this.workers.get(id)?.kick();
  }

  /** Sends a sample envelope through a fresh client and tells what the receiver answered. */
  async sendTest(row: DestinationRow): Promise<SendResult> {
    const { options, env, kinds } = this.deps;
    const ac = new AbortController();
    const timeout = setTimeout(() => ac.abort(), options.timeoutMs);
    let client: ProviderClient | null = null;
    try {
      client = kinds[row.provider]!.connect(this.deps.settingsOf(row) as never, env);
      const now = this.deps.clock.now();
      return await client.send({ id: `test_${randomUUID()}`, envelope: testEnvelope(options.sender, row.companyId, now) }, ac.signal);
    } catch (err) {
      return { ok: false, status: null, ms: 0, error: `the destination could not be reached: ${(err as Error).message.split('\n')[0]}` };
    } finally {
      clearTimeout(timeout);
      await client?.close().catch(() => undefined);
    }
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.flush) clearImmediate(this.flush);
    for (const t of this.timers) t.clear();
    this.timers = [];
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
    this.workers.clear();
  }
}
