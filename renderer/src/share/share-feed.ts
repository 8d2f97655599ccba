/**
 * The share as the page knows it: loaded from `/s/{token}/data`, then followed on the live
 * feed `/s/{token}/live` (Server-Sent Events, each event the whole PublicShare). A dropped feed
 * is reopened after loading the data again (which also tells whether the share has ended or
 * is gone), waiting 1 s, 2 s, 4 s … up to 30 s between tries. An ended share is not followed.
 */
import type { PublicShare, ShareStatus } from '../../../shared/api/shares';

export type FeedPhase =
  /** the first answer has not come yet */
  | 'loading'
  /** `share` holds what to show */
  | 'share'
  /** no such share (unknown token, or ended and removed) */
  | 'not-found'
  /** the server could not be reached and nothing is known yet */
  | 'unreachable';

export interface FeedState {
  phase: FeedPhase;
  share: PublicShare | null;
  /** when `share` arrived (this browser's clock), ms */
  receivedAt: number;
  /** the live feed is open */
  live: boolean;
}

/** Mirrors ENDED_SHARE_STATUSES (shared/api/shares.ts), without pulling the schema library into the page. */
const ENDED: readonly ShareStatus[] = ['completed', 'cancelled', 'expired'];
export const isEnded = (status: ShareStatus): boolean => ENDED.includes(status);

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30_000;
/** Event names the feed may use besides the default `message`. */
const EVENT_NAMES = ['share', 'update', 'status'];

export class ShareFeed {
  private state: FeedState = { phase: 'loading', share: null, receivedAt: 0, live: false };
  private readonly listeners = new Set<() => void>();
  private source: EventSource | null = null;
  private retryMs = RETRY_MIN_MS;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(private readonly token: string | null) {}

  readonly subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  readonly getState = (): FeedState => this.state;

  start(): void {
    if (this.token === null) this.set({ phase: 'not-found', share: null, live: false });
    else void this.load();
  }

  stop(): void {
    this.stopped = true;
    this.closeLive();
    if (this.timer) clearTimeout(this.timer);
  }

  private base(): string {
    return `/s/${encodeURIComponent(this.token!)}`;
  }

  private async load(): Promise<void> {
    this.timer = null;
    let res: Response;
    try {
      res = await fetch(`${this.base()}/data`, { cache: 'no-store', headers: { accept: 'application/json' } });
    } catch {
      return this.retry();
    }
    if (this.stopped) return;
    if (res.status === 404) {
      this.closeLive();
      return this.set({ phase: 'not-found', share: null, live: false });
    }
    const share = res.ok ? parseShare(await res.text().catch(() => '')) : null;
    if (!share) return this.retry();
    this.retryMs = RETRY_MIN_MS;
    this.receive(share);
    if (!isEnded(share.status)) this.openLive();
  }

  private openLive(): void {
    if (this.source || this.stopped) return;
    const es = new EventSource(`${this.base()}/live`);
    this.source = es;
    const onData = (e: MessageEvent<string>) => {
      const share = parseShare(e.data);
      if (share) this.receive(share);
    };
    es.onmessage = onData;
    for (const name of EVENT_NAMES) es.addEventListener(name, onData);
    es.onopen = () => {
      this.retryMs = RETRY_MIN_MS;
      this.set({ live: true });
    };
    es.onerror = () => {
      // The browser retries a dropped stream by itself; one it gave up on (an error answer) is ours.
      this.set({ live: false });
      if (es.readyState === EventSource.CLOSED) {
        this.closeLive();
        this.retry();
      }
    };
  }

  private receive(share: PublicShare): void {
    this.set({ phase: 'share', share, receivedAt: Date.now() });
    if (isEnded(share.status)) this.closeLive();
  }

  private closeLive(): void {
    this.source?.close();
    this.source = null;
    if (this.state.live) this.set({ live: false });
  }

  private retry(): void {
    if (this.stopped || this.timer) return;
    if (this.state.phase === 'loading') this.set({ phase: 'unreachable' });
    this.timer = setTimeout(() => void this.load(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  private set(change: Partial<FeedState>): void {
    this.state = { ...this.state, ...change };
    for (const l of this.listeners) l();
  }
}

/** A PublicShare from the server's JSON, or null when it is not one. */
function parseShare(text: string): PublicShare | null {
  try {
    const v = JSON.parse(text) as Partial<PublicShare> | null;
    return v && typeof v === 'object' && typeof v.status === 'string' && typeof v.share_config === 'object' ? (v as PublicShare) : null;
  } catch {
    return null;
  }
}
