/**
 * The public live feed of a share (`/s/{token}/live`): Server-Sent Events, each event the whole
 * PublicShare. One hub per share: a change (a new fix, a change of state) is turned into one
 * snapshot however many viewers watch, and snapshots are computed one at a time (a burst of
 * changes coalesces into the newest). The feed ends when the share ends.
 */
import type { ServerResponse } from 'node:http';
import type { PublicShare } from '../../../shared/api/shares';
import type { Logger } from '../logger';
import type { ShareService } from '../shares/share-service';
import type { ShareRow } from '../store/shares';
import { isEnded } from '../shares/share-views';

/** A comment line this often keeps proxies from closing an idle stream (transport pacing: the event loop's timer). */
const KEEPALIVE_MS = 25_000;
/** Viewers of one share at once: a link passed around a forum must not hold thousands of sockets. */
export const MAX_VIEWERS_PER_SHARE = 200;

interface Hub {
  viewers: Set<ServerResponse>;
  unsubscribe: () => void;
  busy: boolean;
  dirty: boolean;
}

export const sseEvent = (s: PublicShare): string => `event: share\ndata: ${JSON.stringify(s)}\n\n`;

export class ShareLive {
  private readonly hubs = new Map<string, Hub>();
  private readonly keepalive: NodeJS.Timeout;

  constructor(
    private readonly shares: ShareService,
    private readonly logger: Logger,
  ) {
    this.keepalive = setInterval(() => {
      for (const h of this.hubs.values()) for (const v of h.viewers) v.write(': keepalive\n\n');
    }, KEEPALIVE_MS);
    this.keepalive.unref();
  }

  /** Adds a viewer whose headers are written; sends the current snapshot at once. */
  async add(row: ShareRow, res: ServerResponse): Promise<void> {
    const first = await this.shares.publicShare(row);
    if (res.destroyed) return;
    res.write(sseEvent(first));
    if (isEnded(row)) return void res.end();
    let hub = this.hubs.get(row.id);
    if (!hub) {
      const h: Hub = { viewers: new Set(), busy: false, dirty: false, unsubscribe: () => undefined };
      h.unsubscribe = this.shares.subscribe(row.id, () => this.changed(row, h));
      this.hubs.set(row.id, (hub = h));
    }
    const h = hub;
    h.viewers.add(res);
    res.on('close', () => {
      h.viewers.delete(res);
      if (h.viewers.size === 0 && this.hubs.get(row.id) === h) this.drop(row.id, h);
    });
  }

  /** Viewers of one share now. */
  viewersOf(shareId: string): number {
    return this.hubs.get(shareId)?.viewers.size ?? 0;
  }

  /** Viewers connected now (tests, benchmark). */
  get viewers(): number {
    let n = 0;
    for (const h of this.hubs.values()) n += h.viewers.size;
    return n;
  }

  /** Ends every stream (the server stops). */
  closeAll(): void {
    clearInterval(this.keepalive);
    for (const [id, h] of this.hubs) {
      for (const v of h.viewers) v.end();
      this.drop(id, h);
    }
  }

  private drop(id: string, h: Hub): void {
    h.unsubscribe();
    this.hubs.delete(id);
  }

  private changed(row: ShareRow, h: Hub): void {
    if (h.busy) {
      h.dirty = true;
      return;
    }
    h.busy = true;
    void this.push(row, h);
  }

  private async push(row: ShareRow, h: Hub): Promise<void> {
    try {
      do {
        h.dirty = false;
        const current = this.shares.byId(row.company_id, row.id);
        if (!current) return this.endHub(row.id, h);
        const event = sseEvent(await this.shares.publicShare(current));
        for (const v of h.viewers) v.write(event);
        if (isEnded(current)) return this.endHub(row.id, h);
      } while (h.dirty);
    } catch (err) {
      this.logger.error({ err }, 'a share live feed failed');
    } finally {
      h.busy = false;
    }
  }

  private endHub(id: string, h: Hub): void {
    for (const v of h.viewers) v.end();
    this.drop(id, h);
  }
}
