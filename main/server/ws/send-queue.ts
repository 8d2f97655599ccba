import type { Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Clock } from '../clock';

export interface SendQueueOptions {
  highWaterBytes: number;
  slowConsumerTimeoutMs: number;
  onSlowConsumer: () => void;
}

const DRAIN_POLL_MS = 20;

/**
 * Bounded sending of live updates to one office. While the socket's buffer is above the
 * high-water mark, updates are held back and merged per driver (only the newest is kept),
 * so a slow reader costs at most one message per driver and never delays anyone else.
 *
 * Updates sent in one turn of the event loop (a committed batch fans out thousands at once)
 * leave in one write: the socket is corked at the first and uncorked on the next tick, so
 * an office costs one system call per batch rather than one per update.
 */
export class SendQueue {
  private readonly held = new Map<number, string>();
  private timer: NodeJS.Timeout | null = null;
  private congestedSince = 0;
  /** the socket's backlog when it was corked this tick (what was written since is not a backlog yet) */
  private corkedBacklog = -1;

  constructor(
    private readonly ws: WebSocket,
    /** the slow-consumer timeout is business time; the drain poll is I/O pacing and stays on the event loop */
    private readonly clock: Pick<Clock, 'now'>,
    private readonly options: SendQueueOptions,
    /** the connection's own socket (from the upgrade), corked per tick; without it every update is its own write */
    private readonly socket: Pick<Writable, 'cork' | 'uncork'> | null = null,
  ) {}

  get heldCount(): number {
    return this.held.size;
  }

  push(key: number, data: string): void {
    if (this.held.size === 0 && this.backlog() < this.options.highWaterBytes) {
      this.corkForTick();
      this.ws.send(data);
      return;
    }
    this.held.delete(key); // re-insert at the end: newest last
    this.held.set(key, data);
    if (!this.timer) {
      this.congestedSince = this.clock.now();
      this.timer = setInterval(() => this.drain(), DRAIN_POLL_MS);
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.held.clear();
  }

  private backlog(): number {
    return this.corkedBacklog >= 0 ? this.corkedBacklog : this.ws.bufferedAmount;
  }

  private corkForTick(): void {
    if (!this.socket || this.corkedBacklog >= 0) return;
    this.corkedBacklog = this.ws.bufferedAmount;
    this.socket.cork();
    process.nextTick(() => {
      this.corkedBacklog = -1;
      this.socket?.uncork();
    });
  }

  private drain(): void {
    if (this.ws.readyState !== this.ws.OPEN) return this.close();
    // What one drain sends leaves in one write too (up to the high-water mark, corked bytes included).
    if (this.held.size > 0 && this.ws.bufferedAmount < this.options.highWaterBytes) this.corkForTick();
    for (const [key, data] of this.held) {
      if (this.ws.bufferedAmount >= this.options.highWaterBytes) break;
      this.held.delete(key);
      this.ws.send(data);
    }
    if (this.held.size === 0) return this.close();
    if (this.clock.now() - this.congestedSince > this.options.slowConsumerTimeoutMs) {
      this.close();
      this.options.onSlowConsumer();
    }
  }
}
