/**
 * A local AMQP 1.0 listener (rhea) that behaves enough like Azure Service Bus for
 * `@azure/service-bus` reached with `UseDevelopmentEmulator=true` (plain AMQP, no TLS):
 *
 * - SASL ANONYMOUS, as the SDK offers it (the user name is the key name; the key travels in the
 *   claims-based-security token, not in SASL);
 * - claims-based security: the SDK attaches a sender/receiver pair to `$cbs` and sends a
 *   `put-token` request (application properties `operation`, `type`, `name` = the audience, body =
 *   `SharedAccessSignature sr=<audience>&sig=<HMAC-SHA256>&se=<expiry>&skn=<key name>`). The
 *   listener checks the signature with the keys it was given, as Service Bus does, and answers on
 *   the receiver link whose name is the request's `reply_to`, with `correlation_id` = the request's
 *   `message_id` and application properties `status-code` (202 or 401) and `status-description`
 *   (@azure/core-amqp's RequestResponseLink matches on exactly these);
 * - a sender link to an entity is attached only after a put-token for that entity's audience
 *   (`sb://host:port/<entity>`) succeeded on the connection (else `amqp:unauthorized-access`), and
 *   only for a known entity (else attach + detach with `amqp:not-found`, as Service Bus answers);
 * - every message sent to an entity is recorded and settled as accepted, or rejected with a
 *   condition the test chose (`failNext`), or left unsettled while `stalled`.
 *
 * It can stop (sockets cut, port closed: the receiver is down) and start again on the same port,
 * and closes without leaving handles behind.
 */
import { createHmac } from 'node:crypto';
import type { AddressInfo, Server, Socket } from 'node:net';
import rhea, { type Connection, type EventContext, type Message, type Receiver, type Sender, type ServerConnectionOptions, type Source, type TerminusOptions } from 'rhea';

/** One message as it arrived on an entity's link. */
export interface ReceivedMessage {
  entity: string;
  /** the body: a data section's bytes parsed as JSON when they are JSON, else as received */
  body: unknown;
  /** the body's bytes when it came as a data section */
  bodyBytes: Buffer | null;
  message_id: unknown;
  subject: string | undefined;
  content_type: string | undefined;
  application_properties: Record<string, unknown> | undefined;
  /** which AMQP connection carried it (counts up from 1 per accepted connection) */
  connection: number;
}

/** One put-token request on `$cbs`, and what the listener made of it. */
export interface PutToken {
  /** the audience (application property `name`) */
  name: string;
  /** `servicebus.windows.net:sastoken` for a SAS token */
  type: string;
  /** the token as sent */
  token: string;
  /** the token's fields, URL-decoded (sr, sig, se, skn) */
  fields: Record<string, string>;
  /** the status the listener answered */
  status: 202 | 401;
  description: string;
  connection: number;
}

/** A link the client attached, as the client sees it (its sender sends to us). */
export interface AttachedLink {
  role: 'sender' | 'receiver';
  address: string;
  connection: number;
}

/** An AMQP connection's open frame: the host name the client asked for and its properties. */
export interface OpenedConnection {
  connection: number;
  hostname: string | undefined;
  properties: Record<string, unknown>;
}

/** One SASL exchange: the mechanism and the name the client gave (never a secret with ANONYMOUS). */
export interface SaslLogin {
  mechanism: string;
  username: string;
}

/** A request to an entity's `$management` node (the SDK sends none for plain sends). */
export interface ManagementRequest {
  address: string;
  operation: unknown;
  connection: number;
}

export interface ListenerOptions {
  /** SAS keys by key name (as a Service Bus namespace's shared access policies) */
  keys: Record<string, string>;
  /** the queues and topics that exist */
  entities: string[];
  /** default: a free port on 127.0.0.1 */
  port?: number;
}

export interface AmqpListener {
  readonly port: number;
  /** `sb://127.0.0.1:<port>/` */
  readonly endpoint: string;
  readonly messages: ReceivedMessage[];
  readonly tokens: PutToken[];
  readonly management: ManagementRequest[];
  readonly links: AttachedLink[];
  readonly opened: OpenedConnection[];
  readonly logins: SaslLogin[];
  /** connections accepted since the listener was created */
  readonly connections: number;
  /** connections currently open */
  readonly openConnections: number;
  /** the queues and topics that exist (may be changed while running) */
  entities: Set<string>;
  /** the SAS keys by key name (may be changed while running: a rotated key) */
  keys: Record<string, string>;
  /** while true: put-token requests get no answer and messages stay unsettled (a hung receiver) */
  stalled: boolean;
  /** the next `times` messages to an entity are rejected with this AMQP error (then back to accepting) */
  failNext(condition: string, description: string, times?: number): void;
  /** resolves once `count` messages have arrived in total */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
  /** the receiver goes down: every connection cut, the port closed */
  stop(): Promise<void>;
  /** listens again on the same port */
  start(): Promise<void>;
  /** stop, for good */
  close(): Promise<void>;
}

const SAS_TYPE = 'servicebus.windows.net:sastoken';

type Terminus = { address?: string } | undefined;
/** The peer's attach frame, which rhea keeps but does not type. */
const peerAttach = (link: object) => (link as { remote: { attach: { source?: Terminus; target?: Terminus } } }).remote.attach;
/** The peer's open frame. */
const peerOpen = (c: Connection) => (c as unknown as { remote: { open?: { hostname?: string; properties?: Record<string, unknown> } } }).remote.open;
/** Answers an attach with the peer's own source and target, as a broker accepting the link does. */
function echoTermini(link: Sender | Receiver): void {
  const { source, target } = peerAttach(link);
  link.set_source((source ?? {}) as Source);
  link.set_target((target ?? {}) as TerminusOptions);
}
/** The reply link of a request/response pair: the client's receiver is named after `reply_to`. */
const replyLink = (c: Connection, replyTo: unknown) => c.find_sender((s: Sender) => s.name === replyTo || s.source?.address === replyTo);

/** Checks a SAS token the way Service Bus does: known key name, valid HMAC, not expired, right audience. */
function checkToken(token: string, audience: string, keys: Record<string, string>): { ok: boolean; why: string; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  const m = /^SharedAccessSignature (.*)$/.exec(token);
  if (m) {
    for (const part of m[1]!.split('&')) {
      const i = part.indexOf('=');
      if (i > 0) fields[part.slice(0, i)] = decodeURIComponent(part.slice(i + 1));
    }
  }
  const { sr, sig, se, skn } = fields;
  if (!sr || !sig || !se || !skn) return { ok: false, why: 'InvalidSignature: the token is not a SharedAccessSignature with sr, sig, se and skn.', fields };
  const key = keys[skn];
  if (key === undefined) return { ok: false, why: `InvalidSignature: no authorization rule named '${skn}'.`, fields };
  const expected = createHmac('sha256', key).update(`${encodeURIComponent(sr)}\n${se}`).digest('base64');
  if (expected !== sig) return { ok: false, why: 'InvalidSignature: The token has an invalid signature.', fields };
  if (Number(se) * 1000 < Date.now()) return { ok: false, why: 'ExpiredToken: The token is expired.', fields };
  if (sr !== audience) return { ok: false, why: `InvalidAudience: the token is for '${sr}', not '${audience}'.`, fields };
  return { ok: true, why: 'Success', fields };
}

function decodeBody(body: unknown): { body: unknown; bytes: Buffer | null } {
  const b = body as { typecode?: number; content?: unknown } | undefined;
  if (b && b.typecode === 0x75 && Buffer.isBuffer(b.content)) {
    const bytes = b.content;
    try {
      return { body: JSON.parse(bytes.toString('utf8')), bytes };
    } catch {
      return { body: bytes, bytes };
    }
  }
  return { body, bytes: null };
}

export async function startAmqpListener(opts: ListenerOptions): Promise<AmqpListener> {
  const container = rhea.create_container({ id: 'servicebus-test-listener' });

  const messages: ReceivedMessage[] = [];
  const tokens: PutToken[] = [];
  const management: ManagementRequest[] = [];
  const links: AttachedLink[] = [];
  const opened: OpenedConnection[] = [];
  const logins: SaslLogin[] = [];
  const sockets = new Set<Socket>();
  const connectionNo = new WeakMap<Connection, number>();
  /** audiences authorized per connection by a successful put-token */
  const authorized = new WeakMap<Connection, Set<string>>();
  const live = new Set<Connection>();
  const waiters: { count: number; resolve: () => void }[] = [];
  let accepted = 0;
  let failure: { condition: string; description: string; times: number } | null = null;
  let server: Server | null = null;
  let port = opts.port ?? 0;
  const state = { entities: new Set(opts.entities), keys: { ...opts.keys }, stalled: false };

  // SASL ANONYMOUS only, and required: what the SDK offers (Service Bus authorizes per link via
  // $cbs). The client's "trace" (its key name) is recorded to show no secret travels here.
  container.sasl_server_mechanisms.ANONYMOUS = () => {
    const m = {
      outcome: undefined as boolean | undefined,
      username: undefined as string | undefined,
      start(response?: Buffer) {
        m.outcome = true;
        m.username = response ? response.toString('utf8').replace(/^\0/, '') : 'anonymous';
        logins.push({ mechanism: 'ANONYMOUS', username: m.username });
      },
    };
    return m;
  };

  /** the audience the SDK asks a token for: the connection string's Endpoint + the entity */
  const audienceOf = (entity: string) => `sb://127.0.0.1:${port}/${entity}`;
  const noOf = (c: Connection) => connectionNo.get(c) ?? 0;

  container.on('connection_open', (ctx: EventContext) => {
    connectionNo.set(ctx.connection, ++accepted);
    const open = peerOpen(ctx.connection);
    opened.push({ connection: accepted, hostname: open?.hostname, properties: { ...(open?.properties ?? {}) } });
    authorized.set(ctx.connection, new Set());
    live.add(ctx.connection);
  });
  container.on('disconnected', (ctx: EventContext) => live.delete(ctx.connection));
  container.on('connection_close', (ctx: EventContext) => live.delete(ctx.connection));
  // errors on accepted connections (a client cut off) are part of the tests, never fatal here
  for (const event of ['error', 'connection_error', 'protocol_error', 'session_error', 'sender_error', 'receiver_error']) container.on(event, () => {});

  // the client attaches a receiver, so we are the sender: the reply link of $cbs or $management
  container.on('sender_open', (ctx: EventContext) => {
    const s = ctx.sender!;
    const attach = peerAttach(s);
    links.push({ role: 'receiver', address: String(attach.source?.address ?? ''), connection: noOf(ctx.connection) });
    echoTermini(s);
  });

  // the client attaches a sender: to $cbs, to an entity's $management, or to the entity itself
  container.on('receiver_open', (ctx: EventContext) => {
    const r = ctx.receiver!;
    const attach = peerAttach(r);
    const address = String(attach.target?.address ?? '');
    links.push({ role: 'sender', address, connection: noOf(ctx.connection) });
    const audience = audienceOf(address);
    const special = address === '$cbs' || address.endsWith('/$management');
    if (!special && !state.entities.has(address)) {
      // Service Bus attaches with a null terminus, then detaches with the error
      r.close({ condition: 'amqp:not-found', description: `The messaging entity '${audience}' could not be found. To know more visit https://aka.ms/sbResourceMgrExceptions.` });
      return;
    }
    if (!special && !authorized.get(ctx.connection)?.has(audience)) {
      r.close({ condition: 'amqp:unauthorized-access', description: `Unauthorized access. 'Send' claim(s) are required to perform this operation. Resource: '${audience}'.` });
      return;
    }
    echoTermini(r);
  });

  function putToken(ctx: EventContext, msg: Message): void {
    const props = msg.application_properties ?? {};
    const name = String(props.name ?? '');
    const type = String(props.type ?? '');
    const token = String(msg.body);
    let verdict = checkToken(token, name, state.keys);
    if (props.operation !== 'put-token') verdict = { ...verdict, ok: false, why: `unknown operation ${String(props.operation)}` };
    else if (type !== SAS_TYPE) verdict = { ...verdict, ok: false, why: `unsupported token type ${type}` };
    const status = verdict.ok ? 202 : 401;
    tokens.push({ name, type, token, fields: verdict.fields, status, description: verdict.why, connection: noOf(ctx.connection) });
    if (verdict.ok) authorized.get(ctx.connection)?.add(name);
    replyLink(ctx.connection, msg.reply_to)?.send({
      body: null,
      correlation_id: msg.message_id,
      application_properties: { 'status-code': status, 'status-description': verdict.why },
    });
  }

  container.on('message', (ctx: EventContext) => {
    const msg = ctx.message as Message;
    const delivery = ctx.delivery!;
    const address = String(peerAttach(ctx.receiver!).target?.address ?? '');
    if (address === '$cbs') {
      delivery.accept();
      if (!state.stalled) putToken(ctx, msg);
      return;
    }
    if (address.endsWith('/$management')) {
      delivery.accept();
      management.push({ address, operation: msg.application_properties?.operation, connection: noOf(ctx.connection) });
      replyLink(ctx.connection, msg.reply_to)?.send({
        body: null,
        correlation_id: msg.message_id,
        application_properties: { statusCode: 501, statusDescription: 'not offered by the test listener' },
      });
      return;
    }
    if (state.stalled) return; // never settled: the sender waits for an outcome that does not come
    if (failure) {
      const { condition, description } = failure;
      if (--failure.times <= 0) failure = null;
      delivery.reject({ condition, description });
      return;
    }
    const { body, bytes } = decodeBody(msg.body);
    messages.push({
      entity: address,
      body,
      bodyBytes: bytes,
      message_id: msg.message_id,
      subject: msg.subject,
      content_type: msg.content_type,
      application_properties: msg.application_properties,
      connection: noOf(ctx.connection),
    });
    delivery.accept();
    for (const w of [...waiters]) {
      if (messages.length >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });

  async function start(): Promise<void> {
    if (server) return;
    // autoaccept off: the listener settles each delivery itself; require_sasl: no connection without SASL
    const listenOptions = { port, host: '127.0.0.1', autoaccept: false, require_sasl: true };
    const srv = container.listen(listenOptions as ServerConnectionOptions);
    srv.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      srv.once('listening', resolve);
      srv.once('error', reject);
    });
    port = (srv.address() as AddressInfo).port;
    server = srv;
  }

  async function stop(): Promise<void> {
    const srv = server;
    server = null;
    if (!srv) return;
    const closed = new Promise<void>((resolve) => srv.close(() => resolve()));
    // with an error, so rhea's side of each connection sees it end and drops its heartbeat timers
    for (const s of sockets) s.destroy(new Error('the test listener stopped'));
    sockets.clear();
    live.clear();
    await closed;
  }

  await start();

  return {
    get port() {
      return port;
    },
    get endpoint() {
      return `sb://127.0.0.1:${port}/`;
    },
    messages,
    tokens,
    management,
    links,
    opened,
    logins,
    get connections() {
      return accepted;
    },
    get openConnections() {
      return live.size;
    },
    get entities() {
      return state.entities;
    },
    set entities(v: Set<string>) {
      state.entities = v;
    },
    get keys() {
      return state.keys;
    },
    set keys(v: Record<string, string>) {
      state.keys = v;
    },
    get stalled() {
      return state.stalled;
    },
    set stalled(v: boolean) {
      state.stalled = v;
    },
    failNext(condition, description, times = 1) {
      failure = { condition, description, times };
    },
    async waitForMessages(count, timeoutMs = 5_000) {
      if (messages.length < count) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => waiters.push({ count, resolve })),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`${messages.length} of ${count} messages arrived within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]).finally(() => clearTimeout(timer));
      }
      return messages.slice(0, count);
    },
    start,
    stop,
    close: stop,
  };
}
