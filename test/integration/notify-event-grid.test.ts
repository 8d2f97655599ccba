/**
 * The Azure Event Grid provider through the real `@azure/eventgrid` against a local HTTPS topic
 * (a self-signed certificate trusted through the provider env's `ca`): one topic per input schema,
 * each checking the `aeg-sas-key` header and that what arrives is in its schema, answering a
 * mismatch as Azure does, and recording what arrived. Bad settings are refused by `prepare`.
 */
import assert from 'node:assert/strict';
import type http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { DomainError } from '../../main/server/errors';
import { eventGrid } from '../../main/server/notify/providers/event-grid';
import type { ProviderSettings } from '../../shared/api/notifications';
import { heartbeat, outgoing, trackReceived } from '../support/envelopes';
import { closedPort, selfSignedCertificate, startReceiver, type Certificate, type Received, type RecordingReceiver } from '../support/recording-receiver';

type Settings = ProviderSettings['azure-event-grid'];

const KEY = 'k3Y0fTheT0p1c+AbCdEfGhIjKlMnOpQrStUvWxYz012=';
/** every test ends in time, whatever the receiver does */
const BOUND = { timeout: 15_000 };
const SUPPORT = "Report 'c28fd24a-bf33-40e1-b01e-9f86ec0e4bd1:1:5/1/2024 10:20:30 AM (UTC)' to our forums for assistance or raise a support ticket.";

type Script = { status: number; body: string } | 'hang';

const azureError = (status: number, code: string, message: string) => ({ status, body: JSON.stringify({ error: { code, message, details: [{ code: 'InputJsonInvalid', message }] } }) });

/**
 * A local Event Grid with two custom topics: /eg/api/events takes the Event Grid schema,
 * /ce/api/events CloudEvents 1.0. Anything else is answered as Azure answers it.
 */
class LocalEventGrid {
  receiver!: RecordingReceiver;
  certificate!: Certificate;
  readonly script: Script[] = [];

  async start(): Promise<this> {
    this.certificate = await selfSignedCertificate();
    this.receiver = await startReceiver((r, res) => this.answer(r, res), this.certificate);
    return this;
  }

  private answer(r: Received, res: http.ServerResponse): void {
    const reply = ({ status, body }: { status: number; body: string }): void => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(body);
    };
    const next = this.script.shift();
    if (next === 'hang') return;
    if (next) return reply(next);
    const url = new URL(r.url, 'https://127.0.0.1');
    const topic = url.pathname === '/eg/api/events' ? 'EventGrid' : url.pathname === '/ce/api/events' ? 'CloudEvents' : null;
    if (!topic || r.method !== 'POST' || !url.searchParams.get('api-version')) return reply(azureError(404, 'NotFound', 'The requested resource was not found.'));
    // a message quoting the key it refused: the provider must not pass it on
    if (r.headers['aeg-sas-key'] !== KEY) return reply(azureError(401, 'Unauthorized', `The request authorization key '${String(r.headers['aeg-sas-key'])}' is not authorized for 127.0.0.1.`));
    const events = JSON.parse(r.body) as Array<Record<string, unknown>>;
    const type = String(r.headers['content-type']);
    if (topic === 'EventGrid') {
      const odd = events.flatMap((e) => Object.keys(e)).find((k) => !['id', 'eventType', 'subject', 'eventTime', 'dataVersion', 'data', 'topic'].includes(k));
      if (odd || !type.startsWith('application/json')) {
        return reply(azureError(400, 'BadRequest', `This resource is configured for 'EventGridEvent' schema. Received unexpected property '${odd}' in JSON which does not conform to the expected schema. ${SUPPORT}`));
      }
    } else if (!type.startsWith('application/cloudevents-batch+json') || events.some((e) => e.specversion !== '1.0')) {
      return reply(azureError(400, 'BadRequest', `This resource is configured to receive event in 'CloudEventV10' schema. The JSON received does not conform to the expected schema. Token Expected: StartObject, Actual Token Received: StartArray. ${SUPPORT}`));
    }
    res.writeHead(200).end();
  }

  settings(schema: Settings['schema'], over: Partial<Settings> = {}): Settings {
    return eventGrid.prepare({ endpoint: `${this.receiver.origin}/${schema === 'EventGrid' ? 'eg' : 'ce'}/api/events`, key: KEY, schema, ...over });
  }

  /** the env that trusts this receiver's certificate */
  get env() {
    return { ca: [this.certificate.cert] };
  }

  /** the one event each request carried, with its headers */
  arrived(): Array<{ headers: http.IncomingHttpHeaders; url: string; event: Record<string, any> }> {
    return this.receiver.received.map((r) => {
      const events = JSON.parse(r.body) as unknown[];
      assert.equal(events.length, 1);
      return { headers: r.headers, url: r.url, event: events[0] as Record<string, any> };
    });
  }
}

let grid: LocalEventGrid;
before(async () => {
  grid = await new LocalEventGrid().start();
});
after(() => grid.receiver.close());

describe('publish to a local Event Grid topic over HTTPS', () => {
  test('Event Grid schema: id, eventType, subject, dataVersion, eventTime and the envelope as data, with the topic key; one connection reused', BOUND, async () => {
    grid.receiver.received.length = 0;
    const client = eventGrid.connect(grid.settings('EventGrid'), grid.env);
    try {
      const track = outgoing(trackReceived('van-7'));
      const beat = outgoing(heartbeat('van-7'));
      const a = await client.send(track, AbortSignal.timeout(5_000));
      assert.deepEqual({ ...a, ms: 0 }, { ok: true, status: 200, ms: 0, error: null });
      assert.ok(a.ms > 0 && a.ms < 5_000, 'a.ms > 0 && a.ms < 5_000');
      assert.equal((await client.send(beat, AbortSignal.timeout(5_000))).ok, true);

      const [p, q] = grid.arrived();
      assert.equal(p!.headers['aeg-sas-key'], KEY);
      assert.match(String(p!.headers['content-type']), /^application\/json/);
      assert.match(p!.url, /^\/eg\/api\/events\?api-version=\d{4}-\d{2}-\d{2}$/);
      assert.deepEqual(p!.event, {
        id: track.id,
        eventType: 'IncomingTrackReceived',
        subject: `devices/van-7/IncomingTrack/${track.envelope.Object.Id}`,
        dataVersion: '1.0',
        eventTime: '2024-05-01T10:20:30.123Z',
        data: track.envelope,
      });
      assert.deepEqual(q!.event.data, beat.envelope, 'the envelope arrives exactly, Url null and 7-digit Timestamp included');
      assert.equal(q!.event.eventTime, '2023-09-18T22:38:02.497Z');
      assert.equal(q!.event.subject, `devices/van-7/RawHeartbeat/${beat.envelope.Object.Id}`);
      const [ra, rb] = grid.receiver.received;
      assert.equal(ra!.clientPort, rb!.clientPort, 'the second event went over the first one’s connection');
    } finally {
      await client.close();
    }
  });

  test('CloudEvents 1.0: a cloudevents batch with specversion, id, type, source, subject, time, datacontenttype and the envelope as data', BOUND, async () => {
    grid.receiver.received.length = 0;
    const client = eventGrid.connect(grid.settings('CloudEvents'), grid.env);
    try {
      const track = outgoing(trackReceived(null));
      const res = await client.send(track, AbortSignal.timeout(5_000));
      assert.deepEqual([res.ok, res.status, res.error], [true, 200, null]);
      const [p] = grid.arrived();
      assert.equal(p!.headers['aeg-sas-key'], KEY);
      assert.match(String(p!.headers['content-type']), /^application\/cloudevents-batch\+json/);
      assert.deepEqual(p!.event, {
        specversion: '1.0',
        id: track.id,
        type: 'IncomingTrackReceived',
        source: '/fleetdesk/FleetDesk',
        subject: `IncomingTrack/${track.envelope.Object.Id}`,
        time: '2024-05-01T10:20:30.123Z',
        datacontenttype: 'application/json',
        data: track.envelope,
      });
    } finally {
      await client.close();
    }
  });

  test('the receiver’s certificate is trusted through env.ca only', BOUND, async () => {
    grid.receiver.received.length = 0;
    const client = eventGrid.connect(grid.settings('EventGrid'), { ca: [] });
    try {
      const res = await client.send(outgoing(trackReceived()), AbortSignal.timeout(5_000));
      assert.equal(res.ok, false);
      assert.equal(res.status, null);
      assert.match(res.error ?? '', /^the receiver's HTTPS certificate is not trusted \(/);
      assert.equal(grid.receiver.received.length, 0);
    } finally {
      await client.close();
    }
  });

  test('refusals in plain words with the status: wrong key (401, key not repeated), the other input schema either way (400), no topic (404), a server error not retried by the SDK', BOUND, async () => {
    const wrongKey = eventGrid.connect(grid.settings('EventGrid', { key: 'not-the-key' }), grid.env);
    // each destination sends its own schema to the topic of the other schema
    const gridToCloud = eventGrid.connect(grid.settings('EventGrid', { endpoint: `${grid.receiver.origin}/ce/api/events` }), grid.env);
    const cloudToGrid = eventGrid.connect(grid.settings('CloudEvents', { endpoint: `${grid.receiver.origin}/eg/api/events` }), grid.env);
    const noTopic = eventGrid.connect(grid.settings('EventGrid', { endpoint: `${grid.receiver.origin}/nothing/api/events` }), grid.env);
    const right = eventGrid.connect(grid.settings('EventGrid'), grid.env);
    try {
      const send = (c: typeof right) => c.send(outgoing(trackReceived()), AbortSignal.timeout(5_000));
      const k = await send(wrongKey);
      assert.deepEqual([k.ok, k.status, k.error], [false, 401, "Azure refused the topic key (401): use Key 1 or Key 2 from the topic's Access keys page"]);
      assert.doesNotMatch(k.error!, /not-the-key/);

      const a = await send(gridToCloud);
      assert.deepEqual([a.ok, a.status, a.error], [false, 400, "the topic expects the other input schema (CloudEventV10): set this destination's schema to CloudEvents"]);
      const b = await send(cloudToGrid);
      assert.deepEqual([b.ok, b.status, b.error], [false, 400, "the topic expects the other input schema (EventGridEvent): set this destination's schema to EventGrid"]);

      const n = await send(noTopic);
      assert.deepEqual([n.ok, n.status], [false, 404]);
      assert.match(n.error ?? '', /^the topic endpoint was not found \(404\): use the endpoint from the topic's Overview page, ending in \/api\/events$/);

      grid.receiver.received.length = 0;
      grid.script.push(azureError(503, 'ServiceUnavailable', `The service is busy. ${SUPPORT}`));
      const u = await send(right);
      assert.deepEqual([u.ok, u.status, u.error], [false, 503, 'Event Grid had a server error (503); FleetDesk tries again later: The service is busy.']);
      assert.equal(grid.receiver.received.length, 1, 'the SDK did not retry: the outbox does');
    } finally {
      for (const c of [wrongKey, gridToCloud, cloudToGrid, noTopic, right]) await c.close();
    }
  });

  test('nothing listening: "connection refused"; a topic that never answers: timed out by the AbortSignal', BOUND, async () => {
    const refused = eventGrid.connect(grid.settings('EventGrid', { endpoint: `https://127.0.0.1:${await closedPort()}/api/events` }), grid.env);
    const hanging = eventGrid.connect(grid.settings('EventGrid'), grid.env);
    try {
      const a = await refused.send(outgoing(trackReceived()), AbortSignal.timeout(5_000));
      assert.deepEqual([a.ok, a.status, a.error], [false, null, 'connection refused: nothing is listening at that address']);
      grid.script.push('hang');
      const start = Date.now();
      const b = await hanging.send(outgoing(trackReceived()), AbortSignal.timeout(300));
      assert.deepEqual([b.ok, b.status, b.error], [false, null, 'no answer in time (timed out)']);
      assert.ok(Date.now() - start < 3_000, 'the send ended when the signal fired');
    } finally {
      await refused.close();
      await hanging.close();
    }
  });

  test('http on this computer (an emulator): sent without TLS', BOUND, async () => {
    const plain = await startReceiver((_r, res) => res.writeHead(200).end());
    const client = eventGrid.connect(eventGrid.prepare({ endpoint: `http://localhost:${plain.port}/api/events`, key: KEY, schema: 'CloudEvents' }), { ca: [] });
    try {
      const res = await client.send(outgoing(trackReceived()), AbortSignal.timeout(5_000));
      assert.deepEqual([res.ok, res.status, res.error], [true, 200, null]);
      assert.equal(plain.received[0]!.headers['aeg-sas-key'], KEY);
    } finally {
      await client.close();
      await plain.close();
    }
  });
});

describe('Event Grid settings', () => {
  const good: Settings = { endpoint: 'https://fleet-events.westeurope-1.eventgrid.azure.net/api/events', key: KEY, schema: 'EventGrid' };

  function refusal(settings: Settings): string {
    try {
      eventGrid.prepare(settings);
    } catch (err) {
      assert.ok(err instanceof DomainError, String(err));
      assert.equal(err.kind, 'BadRequest');
      return err.message;
    }
    assert.fail(`accepted ${JSON.stringify(settings)}`);
  }

  test('accepted: the portal’s endpoint, the host alone (the path filled in), http on this computer, a key with spaces around it', () => {
    assert.deepEqual(eventGrid.prepare(good), good);
    assert.equal(eventGrid.prepare({ ...good, endpoint: ' https://fleet-events.westeurope-1.eventgrid.azure.net ' }).endpoint, good.endpoint);
    assert.equal(eventGrid.prepare({ ...good, key: ` ${KEY}\n` }).key, KEY);
    assert.equal(eventGrid.prepare({ ...good, schema: 'CloudEvents' }).schema, 'CloudEvents');
    for (const host of ['127.0.0.1:6500', 'localhost:6500', '[::1]:6500']) assert.equal(eventGrid.prepare({ ...good, endpoint: `http://${host}/api/events` }).endpoint, `http://${host}/api/events`);
  });

  test('refused with a message naming the field and a valid value', () => {
    const cases: Array<[Partial<Settings>, RegExp]> = [
      [{ endpoint: 'http://fleet-events.westeurope-1.eventgrid.azure.net/api/events' }, /^endpoint must start with https:\/\/, e\.g\. https:\/\/fleet-events\.westeurope-1\.eventgrid\.azure\.net\/api\/events \(http:\/\/ only for an emulator on this computer/],
      [{ endpoint: 'http://192.168.1.20:6500/api/events' }, /^endpoint must start with https:\/\//],
      [{ endpoint: 'ftp://fleet-events.example.com' }, /^endpoint must start with https:\/\//],
      [{ endpoint: 'fleet-events.westeurope-1.eventgrid.azure.net' }, /^endpoint must start with https:\/\/|^endpoint must be the topic endpoint/],
      [{ endpoint: 'not a url' }, /^endpoint must be the topic endpoint from the topic's Overview page, e\.g\. https:\/\//],
      [{ endpoint: '' }, /^endpoint is required/],
      [{ endpoint: 'https://user:pw@fleet-events.westeurope-1.eventgrid.azure.net/api/events' }, /^endpoint must not hold a user name or password/],
      [{ endpoint: 'https://fleet.westeurope-1.eventgrid.azure.net/topics/trips:publish?api-version=2024-06-01' }, /^endpoint is an Event Grid namespace topic/],
      [{ key: undefined }, /^key is required: Key 1 or Key 2 from the topic's Access keys page/],
      [{ key: '   ' }, /^key is required/],
      [{ key: 'two words' }, /^key must be one of the topic's access keys/],
      [{ schema: 'CloudEvent' as Settings['schema'] }, /^schema must be "EventGrid" or "CloudEvents": the input schema chosen when the topic was created/],
    ];
    for (const [change, message] of cases) assert.match(refusal({ ...good, ...change }), message, JSON.stringify(change));
  });
});
