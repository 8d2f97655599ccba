/**
 * What every notification provider (webhook, AWS SNS, Azure Event Grid, Azure Service Bus)
 * offers the outbox: check settings before they are saved, and send one event. A provider never
 * throws from `send`: it answers a SendResult whose `error` a person can read (no stack, no SDK
 * class name), so the delivery log and the console's "Send test" show it as it is.
 */
import type { NotificationEnvelope, Provider, SendResult } from '../../../shared/api/notifications';

/** One event on its way out: the stable id is also the idempotency key the provider supports. */
export interface OutgoingEvent {
  /** stable across retries and restarts (events.uid) */
  id: string;
  envelope: NotificationEnvelope;
}

/** A destination's live connection to its receiver; reused for every send until closed. */
export interface ProviderClient {
  send(event: OutgoingEvent, signal: AbortSignal): Promise<SendResult>;
  /** lets go of connections (a destination edited, disabled, deleted, or the server stopping) */
  close(): Promise<void>;
}

/** What the server lends every provider client. */
export interface ProviderEnv {
  /**
   * Extra certificate authorities (PEM) trusted for receivers behind a private CA, besides the
   * system's (server config `notify.extraCa`; tests trust their local HTTPS receivers this way).
   */
  ca: string[];
}

export interface ProviderKind<S = Record<string, unknown>> {
  provider: Provider;
  /**
   * Checks settings (secrets included) before they are stored: throws DomainError BadRequest with
   * a message naming the field and what a valid value looks like. May fill defaults (a webhook
   * secret) by returning changed settings.
   */
  prepare(settings: S): S;
  /** Builds the client from complete settings (secrets decrypted). */
  connect(settings: S, env: ProviderEnv): ProviderClient;
}

/**
 * A client whose vendor SDK is loaded at its first send. The cloud SDKs cost tens of megabytes
 * of memory each and most installations use none of them (or one), so none is loaded with the
 * server. `open` builds the real client; if the SDK cannot be loaded, every send says so.
 */
export function lazyClient(open: () => Promise<ProviderClient>): ProviderClient {
  let client: Promise<ProviderClient> | null = null;
  let closed = false;
  const opened = (): Promise<ProviderClient> =>
    (client ??= open().catch((err: unknown) => {
      const error = `the provider's software could not be loaded: ${plainError(err)}`;
      return { send: async () => ({ ok: false, status: null, ms: 0, error }), close: async () => {} };
    }));
  return {
    async send(event, signal) {
      if (closed) return { ok: false, status: null, ms: 0, error: 'the destination was closed' };
      return (await opened()).send(event, signal);
    },
    async close() {
      closed = true;
      if (client) await (await client).close();
    },
  };
}

/** Milliseconds since `start`, rounded to 0.1 ms. */
export const elapsed = (start: number): number => Math.round((performance.now() - start) * 10) / 10;

/** An error from a network stack or SDK in words for the delivery log (never a stack trace). */
export function plainError(err: unknown, signal?: AbortSignal): string {
  if (signal?.aborted) return 'no answer in time (timed out)';
  const e = err as { code?: string; cause?: { code?: string; message?: string }; message?: string; name?: string };
  const code = e?.code ?? e?.cause?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused: nothing is listening at that address';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name could not be found (DNS)';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'the connection was closed by the receiver';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
      return 'no answer in time (timed out)';
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the receiver's HTTPS certificate is not trusted (${code})`;
  }
  const msg = (e?.cause?.message ?? e?.message ?? String(err)).split('\n')[0]!.slice(0, 300);
  return msg || 'the send failed';
}
