/**
 * The SDK providers through the whole server: destinations created over REST for Amazon SNS (a
 * local topic answering Publish), Azure Event Grid (a local HTTPS topic, its certificate trusted
 * through notify.extraCa) and Azure Service Bus (a local AMQP 1.0 listener reached with
 * UseDevelopmentEmulator=true); one real heartbeat over the Tracking API reaches all three with
 * the same event id and the seed's envelope; Send test answers from each; the secrets never
 * come back.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { startAmqpListener, type AmqpListener } from '../support/amqp-listener';
import { selfSignedCertificate, startReceiver, type RecordingReceiver } from '../support/recording-receiver';
import { startTestServer, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';

const C = 'acme';
const SNS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SNS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const EG_KEY = randomBytes(32).toString('base64');
const SB_KEY = randomBytes(32).toString('base64');
const QUEUE = 'fleet-events';

let s: TestServer;
let admin: string;
let sns: RecordingReceiver;
let grid: RecordingReceiver;
let bus: AmqpListener;

async function until<T>(what: string, probe: () => T | undefined | null | false, ms = 8_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

before(async () => {
  sns = await startReceiver((r, res) => {
    const ok = new URLSearchParams(r.body).get('Action') === 'Publish' && String(r.headers.authorization).includes(`Credential=${SNS_KEY}/`);
    res
      .writeHead(ok ? 200 : 403, { 'content-type': 'text/xml' })
      .end(
        ok
          ? `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`
          : `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>bad key</Message></Error></ErrorResponse>`,
      );
  });
  const cert = await selfSignedCertificate();
  grid = await startReceiver((r, res) => {
    const ok = r.headers['aeg-sas-key'] === EG_KEY && Array.isArray(JSON.parse(r.body));
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(ok ? '' : JSON.stringify({ error: { code: 'Unauthorized', message: 'key' } }));
  }, cert);
  bus = await startAmqpListener({ keys: { RootManageSharedAccessKey: SB_KEY }, entities: [QUEUE] });
  s = await startTestServer({ notify: { extraCa: [cert.cert] } });
  s.company(C);
  await s.user(C, 'boss', 'admin');
  await s.user(C, 'van-01', 'driver', { display_name: 'Van 1' });
  admin = s.token(C, 'boss');
});
after(async () => {
  await s.stop();
  await Promise.all([sns.close(), grid.close(), bus.close()]);
});

const destinations = () => [
  { name: 'SNS', provider: 'aws-sns', settings: { region: 'eu-central-1', topic_arn: 'arn:aws:sns:eu-central-1:123456789012:fleet-events', access_key_id: SNS_KEY, secret_access_key: SNS_SECRET, endpoint: sns.origin } },
  { name: 'Event Grid', provider: 'azure-event-grid', settings: { endpoint: `${grid.origin}/api/events`, key: EG_KEY, schema: 'EventGrid' } },
  { name: 'Service Bus', provider: 'azure-service-bus', settings: { connection_string: `Endpoint=${bus.endpoint};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${SB_KEY};UseDevelopmentEmulator=true`, entity: QUEUE } },
];

test('SNS, Event Grid and Service Bus destinations over REST: Send test, then a real heartbeat reaches all three with one event id', async () => {
  const ids: string[] = [];
  for (const d of destinations()) {
    const r = await s.api('POST', '/api/v1/destinations', { token: admin, body: d });
    assert.equal(r.status, 201, `${d.name}: ${JSON.stringify(r.body)}`);
    const secret = Object.values(d.settings).find((v) => String(v).length > 30 && (String(v) === SNS_SECRET || String(v) === EG_KEY || String(v).includes(SB_KEY)));
    assert.equal(JSON.stringify(r.body).includes(String(secret)), false, `${d.name}: the secret is not answered`);
    assert.equal(r.body.secrets_set.length, 1);
    const t = await s.api('POST', `/api/v1/destinations/${r.body.id}/test`, { token: admin });
    assert.equal(t.body.ok, true, `${d.name}: ${JSON.stringify(t.body)}`);
    ids.push(r.body.id);
  }
  const before = { sns: sns.received.length, grid: grid.received.length, bus: bus.messages.length };

  const sock = await TestSocket.open(s.wsUrl);
  try {
    assert.equal((await sock.authenticate('van-01', 'driver', s.token(C, 'van-01'))).type, 'authenticated');
    sock.send({ action: 'heartbeat', id: 'van-01', seq: 1, payload: { battery: 64, connection: 'mobile' } });
    assert.deepEqual(await sock.next((m) => m.type === 'ack' || m.type === 'error'), { type: 'ack', seq: 1 });
  } finally {
    sock.ws.terminate();
  }
  const published = await until('SNS', () => sns.received[before.sns]);
  const gridEvent = await until('Event Grid', () => grid.received[before.grid]);
  const busMessage = await until('Service Bus', () => bus.messages[before.bus]);

  const p = new URLSearchParams(published.body);
  const fromSns = JSON.parse(p.get('Message')!);
  const [fromGrid] = JSON.parse(gridEvent.body);
  const fromBus = typeof busMessage.body === 'string' ? JSON.parse(busMessage.body) : busMessage.body;
  for (const e of [fromSns, fromGrid.data, fromBus]) {
    assert.equal(e.Event, 'HeartbeatReceived');
    assert.equal(e.UserId, 'van-01');
    assert.equal(e.ClientId, 'Van 1');
    assert.deepEqual(e.Object, { Id: 'van-01', Type: 'RawHeartbeat', Url: null });
    assert.equal(e.Details.ChargeLevel, 64);
    assert.equal(e.Details.MobileDataEnabled, true);
  }
  assert.deepEqual(fromGrid.data, fromSns);
  assert.deepEqual(fromBus, fromSns);
  // one stable id everywhere
  const eventId = fromGrid.id;
  assert.equal(busMessage.message_id, eventId);
  assert.equal(busMessage.subject, 'HeartbeatReceived');
  const attr = (name: string) => {
    for (let i = 1; p.has(`MessageAttributes.entry.${i}.Name`); i++) if (p.get(`MessageAttributes.entry.${i}.Name`) === name) return p.get(`MessageAttributes.entry.${i}.Value.StringValue`);
    return null;
  };
  assert.equal(attr('EventId'), eventId);
  assert.equal(attr('Event'), 'HeartbeatReceived');
  const log = (await s.api('GET', '/api/v1/deliveries?event=HeartbeatReceived', { token: admin })).body.deliveries;
  assert.deepEqual(
    log.map((d: any) => [d.destination_name, d.state, d.event_id]).sort(),
    [
      ['Event Grid', 'delivered', eventId],
      ['SNS', 'delivered', eventId],
      ['Service Bus', 'delivered', eventId],
    ],
  );
});

test('bad provider settings over REST are refused with the field named; a wrong key is a readable Send test answer', async () => {
  const [snsD, gridD, busD] = destinations();
  const bad: [unknown, RegExp][] = [
    [{ ...snsD, settings: { ...snsD!.settings, topic_arn: 'arn:aws:sns:eu-central-1:fleet' } }, /topic_arn/],
    [{ ...snsD, settings: { ...snsD!.settings, region: 'us-east-1' } }, /region/],
    [{ ...gridD, settings: { ...gridD!.settings, endpoint: 'not a url' } }, /endpoint/],
    [{ ...gridD, settings: { ...gridD!.settings, schema: 'Custom' } }, /schema/],
    [{ ...busD, settings: { ...busD!.settings, connection_string: 'Endpoint=https://x/;SharedAccessKeyName=a;SharedAccessKey=b' } }, /connection_string|Endpoint/],
    [{ ...busD, settings: { ...busD!.settings, entity: '/bad//name/' } }, /entity/],
  ];
  for (const [body, message] of bad) {
    const r = await s.api('POST', '/api/v1/destinations', { token: admin, body });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.match(r.body.message, message);
  }
  const wrong = await s.api('POST', '/api/v1/destinations', { token: admin, body: { ...gridD, name: 'Wrong key', settings: { ...gridD!.settings, key: 'd3Jvbmc=' }, enabled: false } });
  const t = (await s.api('POST', `/api/v1/destinations/${wrong.body.id}/test`, { token: admin })).body;
  assert.equal(t.ok, false);
  assert.equal(t.status, 401);
  assert.match(t.error, /key/i);
  // the stored key is kept when an edit leaves it out, and replaced when given
  const kept = await s.api('PATCH', `/api/v1/destinations/${wrong.body.id}`, { token: admin, body: { settings: { schema: 'EventGrid' } } });
  assert.equal(kept.status, 200);
  assert.equal((await s.api('POST', `/api/v1/destinations/${wrong.body.id}/test`, { token: admin })).body.status, 401);
  await s.api('PATCH', `/api/v1/destinations/${wrong.body.id}`, { token: admin, body: { settings: { key: EG_KEY } } });
  assert.equal((await s.api('POST', `/api/v1/destinations/${wrong.body.id}/test`, { token: admin })).body.ok, true);
});
