/** A WebSocket test client that queues what it receives so tests can await messages in order. */
import WebSocket from 'ws';

export interface Closed {
  code: number;
  reason: string;
}

export class TestSocket {
  readonly ws: WebSocket;
  readonly received: any[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<Closed>;
  private waiters: { match: (m: any) => boolean; resolve: (m: any) => void }[] = [];

  constructor(url: string, options: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(url, options);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    this.ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      const i = this.waiters.findIndex((w) => w.match(msg));
      if (i >= 0) {
        const [w] = this.waiters.splice(i, 1);
        w!.resolve(msg);
      } else this.received.push(msg);
    });
  }

  static async open(url: string, options?: WebSocket.ClientOptions): Promise<TestSocket> {
    const s = new TestSocket(url, options);
    await s.opened;
    return s;
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** The next message (already received or still to come) matching `match`, removed from the queue. */
  next(match: (m: any) => boolean = () => true, timeoutMs = 3000): Promise<any> {
    const i = this.received.findIndex(match);
    if (i >= 0) return Promise.resolve(this.received.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (m: any) => {
          clearTimeout(t);
          resolve(m);
        },
      };
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching message within ${timeoutMs} ms; queued: ${JSON.stringify(this.received).slice(0, 500)}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  nextOfType(type: string, timeoutMs?: number): Promise<any> {
    return this.next((m) => m.type === type, timeoutMs);
  }

  /** Resolves true if no message matching `match` arrives within `ms`. */
  async silentFor(ms: number, match: (m: any) => boolean = () => true): Promise<boolean> {
    try {
      await this.next(match, ms);
      return false;
    } catch {
      return true;
    }
  }

  async authenticate(userId: string, role: string, token: string): Promise<any> {
    this.send({ action: 'authenticate', payload: { user_id: userId, role, token } });
    return this.next((m) => m.type === 'authenticated' || m.type === 'error');
  }

  close(): void {
    this.ws.close();
  }
}
