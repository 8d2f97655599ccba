/** A minimal Server-Sent Events reader over fetch, for the share feed tests and the benchmark. */
export interface SseEvent {
  event: string;
  data: string;
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** the next event (waits up to timeoutMs) */
  next(timeoutMs?: number): Promise<SseEvent>;
  /** resolves when the server ends the stream */
  ended: Promise<void>;
  /** events received and not yet taken */
  readonly queued: number;
  close(): void;
}

export async function openSse(url: string, onEvent?: (e: SseEvent) => void): Promise<SseStream> {
  const ac = new AbortController();
  const res = await fetch(url, { signal: ac.signal, headers: { accept: 'text/event-stream' } });
  const queue: SseEvent[] = [];
  const waiters: ((e: SseEvent) => void)[] = [];
  const deliver = (e: SseEvent) => {
    onEvent?.(e);
    const w = waiters.shift();
    if (w) w(e);
    else if (!onEvent) queue.push(e);
  };
  const ended = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buf = '';
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) deliver({ event, data: data.join('\n') });
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return {
    status: res.status,
    headers: res.headers,
    ended,
    get queued() {
      return queue.length;
    },
    next(timeoutMs = 3000) {
      const q = queue.shift();
      if (q) return Promise.resolve(q);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no event in time')), timeoutMs);
        waiters.push((e) => {
          clearTimeout(t);
          resolve(e);
        });
      });
    },
    close: () => ac.abort(),
  };
}
