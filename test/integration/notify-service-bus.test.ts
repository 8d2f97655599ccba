/**
 * The Azure Service Bus provider through `@azure/service-bus` itself, against a local AMQP 1.0
 * listener (test/support/amqp-listener.ts) reached with the connection string's
 * `UseDevelopmentEmulator=true`: what arrives (body, messageId, subject, properties), the
 * claims-based-security token it sends, one connection for many sends, a wrong key, an unknown
 * queue, the receiver down and back, a hung receiver cut by the signal, Service Bus's own
 * rejections, and the settings refused before they are stored.
 */
import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError } from '../../main/server/errors';
import type { OutgoingEvent, ProviderClient } from '../../main/server/notify/provider';
import { serviceBus } from '../../main/server/notify/providers/service-bus';
import type { EventName, ObjectType } from '../../shared/api/events';
import type { NotificationEnvelope, ProviderSettings } from '../../shared/api/notifications';
import { startAmqpListener, type AmqpListener } from '../support/amqp-listener';

type Settings = ProviderSettings['azure-service-bus'];

const KEY_NAME = 'RootManageSharedAccessKey';
const KEY = randomBytes(32).toString('base64');
const QUEUE = 'fleetdesk-events';
const TOPIC = 'fleet/notifications.v1';
/** the seed's connection string, as it gives it */
const SEED = 'Endpoint=sb://site.servicebus.windows.net/;SharedAccessKeyName=SampleAccessPolicy;SharedAccessKey=s4-0/Lkj4gsmFfro1/s08+E/0DtjtGG7y5q1Pxm4G2Q=';

let bus: AmqpListener;
const clients: ProviderClient[] = [];

const connectionString = (over: { keyName?: string; key?: string } = {}) =>
  `Endpoint=${bus.endpoint};SharedAccessKeyName=${over.keyName ?? KEY_NAME};SharedAccessKey=${over.key ?? KEY};UseDevelopmentEmulator=true`;

function connect(settings: Partial<Settings> = {}): ProviderClient {
  const s = serviceBus.prepare({ connection_string: connectionString(), entity: QUEUE, ...settings });
  const c = serviceBus.connect(s, { ca: [] });
  clients.push(c);
  return c;
}

const signal = (ms = 5_000) => AbortSignal.timeout(ms);

/**
 * NotificationEnvelope with Event and Object.Type spelled out: the shared schema builds those
 * unions from arrays (`Type.Union(EVENT_NAMES.map(...))`), whose static type is `never` today.
 */
type SeedEnvelope = Omit<NotificationEnvelope, 'Event' | 'Object'> & { Event: EventName; Object: { Id: string; Type: ObjectType; Url: string | null } };

/** Envelopes in the seed's shape (shared/reference/protocols.md §3), built by hand. */
const envelopes: SeedEnvelope[] = [
  {
    Event: 'IncomingTrackReceived',
    Sender: 'FleetDesk',
    UserId: 'e5f2d616-896d-4610-9bef-9ff823af1275',
    ClientId: null,
    Object: { Id: '9347f5eb-7aca-48c3-b698-f2c7b35add29', Type: 'IncomingTrack', Url: 'https://fleet.example.com/api/v1/tracks/incoming/9347f5eb-7aca-48c3-b698-f2c7b35add29' },
    Timestamp: '2020-07-20T14:44:54.907Z',
    Details: { TrackStartDate: '2020-04-29T15:20:48.000Z', TrackFinishDate: '2020-04-29T15:57:02.000Z' },
  },
  {
    Event: 'TrackEnrichmentFinished',
    Sender: 'FleetDesk',
    UserId: 'e5f2d616-896d-4610-9bef-9ff823af1275',
    ClientId: 'User 1234',
    Object: { Id: '9347f5eb-7aca-48c3-b698-f2c7b35add29', Type: 'RichTrack', Url: 'https://fleet.example.com/api/v1/tracks/rich/9347f5eb-7aca-48c3-b698-f2c7b35add29' },
    Timestamp: '2020-07-20T14:44:55.000Z',
    Details: { ObjectReplaced: true, TracksRemoved: [{ Id: '3337f5eb-7aca-48c3-b698-f2c7b35add29', Type: 'RichTrack' }] },
  },
  {
    Event: 'AccidentEventReceived',
    Sender: 'FleetDesk',
    UserId: 'e5f2d616-896d-4610-9bef-9ff823af1275',
    ClientId: 'User 1234',
    Object: { Id: 'a1c0ffee-0000-4000-8000-000000000001', Type: 'Accident', Url: 'https://fleet.example.com/api/v1/accidents/a1c0ffee-0000-4000-8000-000000000001' },
    Timestamp: '2021-07-20T14:44:54.907Z',
    Details: { DateReceived: '2021-07-20T14:42:54.888Z' },
  },
  {
    Event: 'HeartbeatReceived',
    Sender: 'FleetDesk',
    UserId: '4dbf7a0f-d4ed-4a38-867c-1a4bbd84d089',
    ClientId: 'Gocha',
    Object: { Id: '4dbf7a0f-d4ed-4a38-867c-1a4bbd84d089', Type: 'RawHeartbeat', Url: null },
    Timestamp: '2023-09-18T22:38:02.497Z',
    Details: { ChargeLevel: 89.4, WifiEnabled: true, GPSEnabled: true, RealTimeLocationEnabled: false, MobileDataEnabled: true, NotUploadedTripsCount: 6, InstanceId: '3c1c8fd7-4133-404a-82e9-93a015d85362', TimeReceived: '2023-09-18T22:37:53.727Z' },
  },
  {
    Event: 'ShareSessionCreated',
    Sender: 'FleetDesk',
    UserId: null,
    ClientId: null,
    Object: { Id: 'sh_7Yq2', Type: 'ShareSession', Url: 'https://fleet.example.com/api/v1/shares/sh_7Yq2' },
    Timestamp: '2024-05-01T08:00:00.000Z',
    Details: { ExpiresAt: '2024-05-01T10:00:00.000Z' },
  },
];

const event = (envelope: SeedEnvelope = envelopes[0]!): OutgoingEvent => ({ id: randomUUID(), envelope: envelope as unknown as NotificationEnvelope });

function refused(settings: Partial<Settings>, message: RegExp): void {
  assert.throws(
    () => serviceBus.prepare({ connection_string: connectionString(), entity: QUEUE, ...settings }),
    (err: unknown) => {
      assert.ok(err instanceof DomainError, String(err));
      assert.equal(err.kind, 'BadRequest');
      assert.match(err.message, message);
      return true;
    },
  );
}

before(async () => {
  bus = await startAmqpListener({ keys: { [KEY_NAME]: KEY, Sender: randomBytes(32).toString('base64') }, entities: [QUEUE, TOPIC] });
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await bus?.close();
});

describe('Azure Service Bus provider through @azure/service-bus', { timeout: 60_000 }, () => {
  test('each event arrives as one message: JSON body = the envelope, messageId = event id, subject = event type, filterable properties; one connection and one token for all', async () => {
    const connectionsBefore = bus.connections;
    const c = connect();
    const events = envelopes.map((e) => event(e));
    for (const e of events) {
      const r = await c.send(e, signal());
      assert.equal(r.ok, true, r.error ?? '');
      assert.equal(r.status, null, 'AMQP has no HTTP status');
      assert.equal(r.error, null);
      assert.ok(typeof r.ms === 'number' && r.ms >= 0 && r.ms < 5_000, String(r.ms));
    }
    const got = await bus.waitForMessages(events.length);
    assert.equal(got.length, events.length);
    got.forEach((m, i) => {
      const { id, envelope } = events[i]!;
      assert.equal(m.entity, QUEUE);
      assert.equal(m.message_id, id);
      assert.equal(m.subject, envelope.Event);
      assert.equal(m.content_type, 'application/json');
      assert.deepEqual(m.body, envelope);
      // a data section holding the JSON text, so any receiver (.NET, Java, Python) reads it as bytes
      assert.equal(m.bodyBytes?.toString('utf8'), JSON.stringify(envelope));
      const props: Record<string, unknown> = { Event: envelope.Event, ObjectType: envelope.Object.Type };
      if (envelope.UserId !== null) props.UserId = envelope.UserId;
      assert.deepEqual(m.application_properties, props);
    });
    assert.equal(got.at(-1)!.application_properties!.UserId, undefined, 'no UserId property when the envelope has none');

    // one AMQP connection, reused for every send
    assert.equal(bus.connections, connectionsBefore + 1);
    assert.ok(got.every((m) => m.connection === got[0]!.connection), 'got.every((m) => m.connection === got[0]!.connection)');
    const mine = got[0]!.connection;
    assert.deepEqual(
      bus.links.filter((l) => l.connection === mine).map((l) => `${l.role} ${l.address}`),
      ['sender $cbs', 'receiver $cbs', `sender ${QUEUE}`],
      'only the claims-based-security pair and one sender: no $management requests on connect',
    );
    assert.deepEqual(bus.management, []);

    // the SASL exchange carries only the key name; the key signs a token sent to $cbs
    assert.deepEqual(bus.logins.at(-1), { mechanism: 'ANONYMOUS', username: KEY_NAME });
    assert.ok(!bus.logins.some((l) => l.username.includes(KEY)), '!bus.logins.some((l) => l.username.includes(KEY))');
    const opened = bus.opened.find((o) => o.connection === mine)!;
    assert.equal(opened.hostname, '127.0.0.1');
    assert.match(String(opened.properties['user-agent']), /^FleetDesk\/\S+ azsdk-js-azureservicebus\//);

    const tokens = bus.tokens.filter((t) => t.connection === mine);
    assert.equal(tokens.length, 1, 'one put-token for the sender link, not one per message');
    const t = tokens[0]!;
    const audience = `sb://127.0.0.1:${bus.port}/${QUEUE}`;
    assert.equal(t.status, 202);
    assert.equal(t.name, audience);
    assert.equal(t.type, 'servicebus.windows.net:sastoken');
    assert.match(t.token, /^SharedAccessSignature sr=[^&]+&sig=[^&]+&se=\d+&skn=RootManageSharedAccessKey$/);
    assert.equal(t.fields.sr, audience);
    assert.equal(t.fields.skn, KEY_NAME);
    assert.equal(t.fields.sig, createHmac('sha256', KEY).update(`${encodeURIComponent(audience)}\n${t.fields.se}`).digest('base64'));
    const ttl = Number(t.fields.se) - Date.now() / 1000;
    assert.ok(ttl > 3_000 && ttl <= 3_600, `token valid for ${ttl} s`);
  });

  test('a topic whose name has a path and dots, with the connection string of a policy on that topic (EntityPath)', async () => {
    const c = connect({ connection_string: `${connectionString()};EntityPath=${TOPIC}`, entity: TOPIC });
    const e = event(envelopes[2]);
    const r = await c.send(e, signal());
    assert.equal(r.ok, true, r.error ?? '');
    const m = bus.messages.find((x) => x.message_id === e.id)!;
    assert.equal(m.entity, TOPIC);
    assert.deepEqual(m.body, e.envelope);
  });

  test('a resent event carries the same messageId (what Service Bus duplicate detection keys on)', async () => {
    const c = connect();
    const e = event(envelopes[1]);
    assert.equal((await c.send(e, signal())).ok, true);
    assert.equal((await c.send(e, signal())).ok, true);
    const copies = bus.messages.filter((m) => m.message_id === e.id);
    assert.equal(copies.length, 2);
    assert.deepEqual(copies[0]!.body, copies[1]!.body);
  });

  test('a wrong key or an unknown key name: Service Bus refuses the token, in plain words, and nothing arrives', async () => {
    const before = bus.messages.length;
    const wrongKey = connect({ connection_string: connectionString({ key: randomBytes(32).toString('base64') }) });
    const r = await wrongKey.send(event(), signal());
    assert.equal(r.ok, false);
    assert.equal(r.status, null);
    assert.equal(r.error, 'Service Bus refused the shared access key (InvalidSignature: The token has an invalid signature.): check SharedAccessKeyName and SharedAccessKey, and that the policy has the Send claim');
    assert.equal(bus.tokens.at(-1)!.status, 401);

    const unknownName = connect({ connection_string: connectionString({ keyName: 'NoSuchPolicy' }) });
    const r2 = await unknownName.send(event(), signal());
    assert.equal(r2.ok, false);
    assert.match(r2.error!, /^Service Bus refused the shared access key \(InvalidSignature: no authorization rule named 'NoSuchPolicy'\.\)/);
    assert.equal(bus.messages.length, before);
  });

  test('an unknown queue or topic is named in the error', async () => {
    const c = connect({ entity: 'no-such-queue' });
    const r = await c.send(event(), signal());
    assert.equal(r.ok, false);
    assert.equal(r.status, null);
    assert.equal(r.error, 'the queue or topic "no-such-queue" does not exist in this namespace');
  });

  test("Service Bus's own rejections: message too large, quota exceeded", async () => {
    const c = connect();
    bus.failNext('amqp:link:message-size-exceeded', 'The received message (delivery-id:0, size:262400 bytes) exceeds the limit (262144 bytes) currently allowed on the link.');
    const big = await c.send(event(), signal());
    assert.equal(big.ok, false);
    assert.equal(big.error, `the message is larger than the queue or topic "${QUEUE}" accepts (The received message (delivery-id:0, size:262400 bytes) exceeds the limit (262144 bytes) currently allowed on the link.)`);

    bus.failNext('amqp:resource-limit-exceeded', `The maximum entity size has been reached or exceeded for Queue: '${QUEUE}'. TrackingId:5d3c, SystemTracker:ns:Queue:${QUEUE}, Timestamp:2024-05-01T08:00:00`);
    const full = await c.send(event(), signal());
    assert.equal(full.ok, false);
    assert.equal(full.error, `the queue or topic "${QUEUE}" is full or over its quota (The maximum entity size has been reached or exceeded for Queue: '${QUEUE}'.)`);

    const fine = await c.send(event(), signal());
    assert.equal(fine.ok, true, 'the same client sends again once Service Bus accepts');
  });

  test('the receiver down: connection refused at once; back on the same port: the same client sends again on a new connection', async () => {
    const c = connect();
    const first = event();
    assert.equal((await c.send(first, signal())).ok, true);
    const firstConnection = bus.messages.at(-1)!.connection;

    await bus.stop();
    await sleep(300); // the client sees its connection end
    const down = await c.send(event(), signal());
    assert.equal(down.ok, false);
    assert.equal(down.error, 'connection refused: nothing is listening at that address');
    assert.ok(down.ms < 2_000, `refused after ${down.ms} ms`);

    await bus.start();
    const back = event(envelopes[3]);
    const r = await c.send(back, signal());
    assert.equal(r.ok, true, r.error ?? '');
    const m = bus.messages.at(-1)!;
    assert.equal(m.message_id, back.id);
    assert.notEqual(m.connection, firstConnection, 'a new AMQP connection');
    assert.equal(bus.tokens.at(-1)!.connection, m.connection, 'and a new token on it');
  });

  test('a receiver that never answers: the signal ends the send as "timed out", and the client recovers', async () => {
    bus.stalled = true;
    try {
      // before the link exists: the put-token goes unanswered
      const fresh = connect();
      const r1 = await fresh.send(event(), signal(400));
      assert.equal(r1.ok, false);
      assert.equal(r1.error, 'no answer in time (timed out)');
      assert.ok(r1.ms >= 350 && r1.ms < 2_000, String(r1.ms));

      // on an open link: the message is never settled
      bus.stalled = false;
      assert.equal((await fresh.send(event(), signal())).ok, true);
      bus.stalled = true;
      const r2 = await fresh.send(event(), signal(400));
      assert.equal(r2.ok, false);
      assert.equal(r2.error, 'no answer in time (timed out)');
      assert.ok(r2.ms < 2_000, String(r2.ms));

      // an already aborted signal: nothing is sent
      const ac = new AbortController();
      ac.abort();
      const r3 = await fresh.send(event(), ac.signal);
      assert.equal(r3.error, 'no answer in time (timed out)');

      bus.stalled = false;
      const e = event();
      const r4 = await fresh.send(e, signal());
      assert.equal(r4.ok, true, r4.error ?? '');
      assert.equal(bus.messages.at(-1)!.message_id, e.id);
    } finally {
      bus.stalled = false;
    }
  });

  test('close() lets go of the connection; a send afterwards says so instead of throwing', async () => {
    const c = connect();
    assert.equal((await c.send(event(), signal())).ok, true);
    const open = bus.openConnections;
    await c.close();
    await c.close(); // twice is fine
    for (let i = 0; i < 50 && bus.openConnections >= open; i++) await sleep(20);
    assert.equal(bus.openConnections, open - 1);
    const r = await c.send(event(), signal());
    assert.deepEqual(r, { ok: false, status: null, ms: 0, error: 'the destination was closed' });
  });

  test('settings that bypassed prepare (stored by an older version) make send fail in words, never connect() throw', async () => {
    const c = serviceBus.connect({ connection_string: 'Endpoint=sb://x.servicebus.windows.net/', entity: QUEUE }, { ca: [] });
    clients.push(c);
    const r = await c.send(event(), signal());
    assert.equal(r.ok, false);
    assert.match(r.error!, /^the connection string cannot be used: /);
  });
});

describe('Azure Service Bus settings', () => {
  test("the seed's connection string, an EntityPath that matches, a SAS token, the local emulator: accepted and trimmed", () => {
    assert.deepEqual(serviceBus.prepare({ connection_string: `  ${SEED}\n`.replace('\n', ' '), entity: ' orders ' }), { connection_string: SEED, entity: 'orders' });
    assert.equal(serviceBus.prepare({ connection_string: `${SEED};EntityPath=orders`, entity: 'orders' }).entity, 'orders');
    const se = Math.floor(Date.now() / 1000) + 3600;
    const sas = `Endpoint=sb://site.servicebus.windows.net/;SharedAccessSignature=SharedAccessSignature sr=sb%3A%2F%2Fsite.servicebus.windows.net%2Forders&sig=abc%3D&se=${se}&skn=Send`;
    assert.equal(serviceBus.prepare({ connection_string: sas, entity: 'orders' }).connection_string, sas);
    const emulator = 'Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;';
    assert.equal(serviceBus.prepare({ connection_string: emulator, entity: 'queue.1' }).connection_string, emulator);
    for (const entity of ['a', 'Orders_2024', 'fleet.events-v1', 'tenant/acme/events', 'x'.repeat(260)]) assert.equal(serviceBus.prepare({ connection_string: SEED, entity }).entity, entity);
  });

  test('a missing or malformed connection string is refused, naming what is wrong and what a good one looks like', () => {
    refused({ connection_string: undefined }, /^connection_string is required: .*Shared access policies.*Endpoint=sb:\/\/<namespace>\.servicebus\.windows\.net\//);
    refused({ connection_string: '   ' }, /^connection_string is required/);
    refused({ connection_string: 'hello world' }, /^connection_string must be Name=value parts separated by ";" \("hello world" is not\)/);
    refused({ connection_string: '=sb://x/;SharedAccessKeyName=a;SharedAccessKey=b' }, /^connection_string must be Name=value parts/);
    refused({ connection_string: 'SharedAccessKeyName=a;SharedAccessKey=b' }, /^connection_string has no Endpoint: copy the whole "Primary Connection String"/);
    refused({ connection_string: 'endpoint=sb://site.servicebus.windows.net/;SharedAccessKeyName=a;SharedAccessKey=b' }, /^connection_string: write "Endpoint" exactly so \(not "endpoint"\)/);
    refused({ connection_string: SEED.replace('sb://', 'https://') }, /^connection_string: Endpoint must be sb:\/\/<namespace>\.servicebus\.windows\.net\/ .*not "https:\/\/site/);
    refused({ connection_string: SEED.replace('windows.net/', 'windows.net/queue/x') }, /^connection_string: Endpoint must be sb:\/\//);
    refused({ connection_string: SEED.replace('sb://site', 'sb://si te') }, /^connection_string: Endpoint must be sb:\/\//);
    refused({ connection_string: SEED.replace('windows.net/', 'windows.net:70000/') }, /^connection_string: the port in Endpoint must be 1 to 65535, not 70000/);
    refused({ connection_string: 'Endpoint=sb://site.servicebus.windows.net/;SharedAccessKey=abc' }, /^connection_string has no SharedAccessKeyName \(the policy's name/);
    refused({ connection_string: 'Endpoint=sb://site.servicebus.windows.net/;SharedAccessKeyName=Send' }, /^connection_string has no SharedAccessKey \(the policy's primary or secondary key\)/);
    refused({ connection_string: 'Endpoint=sb://site.servicebus.windows.net/;SharedAccessKeyName=Send;SharedAccessKey=' }, /^connection_string has no SharedAccessKey/);
    refused({ connection_string: 'Endpoint=sb://site.servicebus.windows.net/' }, /^connection_string has no SharedAccessKeyName/);
    refused({ connection_string: `${SEED};SharedAccessSignature=SharedAccessSignature sr=a&sig=b&se=9999999999` }, /^connection_string: give either SharedAccessKeyName and SharedAccessKey, or a SharedAccessSignature, not both/);
    refused({ connection_string: 'Endpoint=sb://site.servicebus.windows.net/;SharedAccessSignature=sr=a&sig=b&se=9999999999' }, /^connection_string: SharedAccessSignature must be a token "SharedAccessSignature sr=…&sig=…&se=…&skn=…"/);
    refused({ connection_string: 'Endpoint=sb://site.servicebus.windows.net/;SharedAccessSignature=SharedAccessSignature sr=a&sig=b&se=1500000000' }, /^connection_string: the SharedAccessSignature has expired \(se=1500000000\)/);
    refused({ connection_string: `${SEED};UseDevelopmentEmulator=yes` }, /^connection_string: UseDevelopmentEmulator must be true or false/);
    refused({ connection_string: `${SEED};UseDevelopmentEmulator=true` }, /^connection_string: UseDevelopmentEmulator=true is for the local Service Bus emulator .*remove it for an Azure namespace/);
    refused({ connection_string: `${SEED}\n;EntityPath=q` }, /^connection_string must be one line/);
  });

  test('an EntityPath in the connection string that is not the entity is refused', () => {
    refused({ connection_string: `${SEED};EntityPath=orders`, entity: 'invoices' }, /^connection_string belongs to the queue or topic "orders" \(EntityPath\) but entity is "invoices": set entity to "orders", or use a namespace-level policy's connection string$/);
  });

  test('a queue or topic name Service Bus would not accept is refused', () => {
    const bad = /^entity must be the name of a queue or topic: 1 to 260 letters, digits, "\.", "-", "_" or "\/" \(e\.g\. fleetdesk-events\)/;
    refused({ connection_string: SEED, entity: '' }, bad);
    refused({ connection_string: SEED, entity: '   ' }, bad);
    refused({ connection_string: SEED, entity: 'my queue' }, bad);
    refused({ connection_string: SEED, entity: 'orders$DeadLetterQueue' }, bad);
    refused({ connection_string: SEED, entity: 'orders?x=1' }, bad);
    refused({ connection_string: SEED, entity: 'zamówienia' }, bad);
    refused({ connection_string: SEED, entity: 'x'.repeat(261) }, bad);
    refused({ connection_string: SEED, entity: '/orders' }, /^entity "\/orders" must not start or end with "\/" or hold an empty path segment \("\/\/"\)$/);
    refused({ connection_string: SEED, entity: 'orders/' }, /must not start or end with "\/"/);
    refused({ connection_string: SEED, entity: 'tenant//orders' }, /empty path segment/);
  });
});

describe('cleanup', () => {
  test('every client and the listener close without leaving sockets or timers behind', async () => {
    await Promise.all(clients.map((c) => c.close()));
    await bus.close();
    let left: string[] = [];
    for (let i = 0; i < 50; i++) {
      left = process.getActiveResourcesInfo().filter((r) => /TCP|Timeout/.test(r));
      if (!left.length) break;
      await sleep(20);
    }
    assert.deepEqual(left, []);
  });
});
