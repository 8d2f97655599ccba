/**
 * The Amazon SNS provider through the real `@aws-sdk/client-sns` against a local topic: an HTTP
 * server answering the Publish action as AWS does (awsQuery: a form-encoded `Action=Publish`,
 * an XML answer with the MessageId, an XML ErrorResponse on refusal), checking the SigV4
 * credential scope names the access key and region, and recording what arrived. Bad settings are
 * refused by `prepare` with messages that name the field.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { DomainError } from '../../main/server/errors';
import { sns } from '../../main/server/notify/providers/sns';
import type { ProviderSettings } from '../../shared/api/notifications';
import { heartbeat, outgoing, trackReceived } from '../support/envelopes';
import { closedPort, selfSignedCertificate, startReceiver, type Received, type RecordingReceiver } from '../support/recording-receiver';

type Settings = ProviderSettings['aws-sns'];

const KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const REGION = 'eu-central-1';
const ARN = `arn:aws:sns:${REGION}:123456789012:fleet-events`;
const FIFO_ARN = `arn:aws:sns:${REGION}:123456789012:fleet-events.fifo`;
const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
/** every test ends in time, whatever the receiver does */
const BOUND = { timeout: 15_000 };
const NO_CA = { ca: [] };

/** What one Publish carried, decoded from the form body. */
interface Published {
  params: URLSearchParams;
  attributes: Record<string, { DataType: string; StringValue: string }>;
  authorization: string;
}

function decode(r: Received): Published {
  const params = new URLSearchParams(r.body);
  const attributes: Published['attributes'] = {};
  for (let i = 1; params.has(`MessageAttributes.entry.${i}.Name`); i++) {
    attributes[params.get(`MessageAttributes.entry.${i}.Name`)!] = {
      DataType: params.get(`MessageAttributes.entry.${i}.Value.DataType`)!,
      StringValue: params.get(`MessageAttributes.entry.${i}.Value.StringValue`)!,
    };
  }
  return { params, attributes, authorization: String(r.headers.authorization ?? '') };
}

const errorXml = (code: string, message: string) =>
  `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;

/** SigV4 as SNS checks it first: the credential scope names this access key, a date, the region and sns. */
const SCOPE = new RegExp(`^AWS4-HMAC-SHA256 Credential=${KEY}/\\d{8}/${REGION}/sns/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$`);

type Script = { status: number; body: string; type?: string } | 'hang';

/** A local SNS topic: answers Publish like AWS, or what the test scripts for the next requests. */
class LocalSns {
  receiver!: RecordingReceiver;
  readonly script: Script[] = [];

  async start(tls?: Awaited<ReturnType<typeof selfSignedCertificate>>): Promise<this> {
    this.receiver = await startReceiver((r, res) => this.answer(r, res), tls);
    return this;
  }

  private answer(r: Received, res: http.ServerResponse): void {
    const next = this.script.shift();
    if (next === 'hang') return;
    if (next) {
      res.writeHead(next.status, { 'content-type': next.type ?? 'text/xml' }).end(next.body);
      return;
    }
    const p = decode(r);
    if (!SCOPE.test(p.authorization)) {
      res.writeHead(403, { 'content-type': 'text/xml' }).end(errorXml('IncompleteSignature', 'The request signature does not conform to AWS standards.'));
      return;
    }
    if (r.method !== 'POST' || p.params.get('Action') !== 'Publish' || p.params.get('Version') !== '2010-03-31') {
      res.writeHead(400, { 'content-type': 'text/xml' }).end(errorXml('InvalidAction', 'Could not find operation'));
      return;
    }
    res
      .writeHead(200, { 'content-type': 'text/xml' })
      .end(`<PublishResponse xmlns="${XMLNS}"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`);
  }

  settings(over: Partial<Settings> = {}): Settings {
    return sns.prepare({ region: REGION, topic_arn: ARN, access_key_id: KEY, secret_access_key: SECRET, endpoint: this.receiver.origin, ...over });
  }

  published(): Published[] {
    return this.receiver.received.map(decode);
  }
}

let topic: LocalSns;
before(async () => {
  topic = await new LocalSns().start();
});
after(() => topic.receiver.close());

describe('Publish to a local SNS topic', () => {
  test('the message is the exact envelope JSON; attributes Event, EventId and UserId; signed for the access key and region; one connection reused', BOUND, async () => {
    topic.receiver.received.length = 0;
    const client = sns.connect(topic.settings(), NO_CA);
    try {
      const first = outgoing(trackReceived('van-7'));
      const second = outgoing(heartbeat('van-7'));
      const a = await client.send(first, AbortSignal.timeout(5_000));
      const b = await client.send(second, AbortSignal.timeout(5_000));
      assert.deepEqual({ ...a, ms: 0 }, { ok: true, status: 200, ms: 0, error: null });
      assert.equal(b.ok, true, b.error ?? '');
      assert.ok(a.ms > 0 && a.ms < 5_000, 'a.ms > 0 && a.ms < 5_000');

      const [p, q] = topic.published();
      assert.equal(p!.params.get('Action'), 'Publish');
      assert.equal(p!.params.get('TopicArn'), ARN);
      assert.equal(p!.params.get('Message'), JSON.stringify(first.envelope));
      assert.deepEqual(JSON.parse(p!.params.get('Message')!), first.envelope);
      assert.deepEqual(p!.attributes, {
        Event: { DataType: 'String', StringValue: 'IncomingTrackReceived' },
        EventId: { DataType: 'String', StringValue: first.id },
        UserId: { DataType: 'String', StringValue: 'van-7' },
      });
      // a standard topic takes no FIFO ids
      assert.equal(p!.params.get('MessageGroupId'), null);
      assert.equal(p!.params.get('MessageDeduplicationId'), null);
      assert.match(p!.authorization, SCOPE);
      assert.equal(q!.params.get('Message'), JSON.stringify(second.envelope));
      assert.equal(q!.attributes.Event!.StringValue, 'HeartbeatReceived');
      const [ra, rb] = topic.receiver.received;
      assert.equal(ra!.clientPort, rb!.clientPort, 'the second Publish went over the first one’s connection');
    } finally {
      await client.close();
    }
  });

  test('FIFO topic: MessageDeduplicationId is the event id, MessageGroupId the device id (or "fleetdesk" without one)', BOUND, async () => {
    topic.receiver.received.length = 0;
    const client = sns.connect(topic.settings({ topic_arn: FIFO_ARN }), NO_CA);
    try {
      const withDevice = outgoing(trackReceived('van-7'));
      const noDevice = outgoing(trackReceived(null));
      assert.equal((await client.send(withDevice, AbortSignal.timeout(5_000))).ok, true);
      assert.equal((await client.send(noDevice, AbortSignal.timeout(5_000))).ok, true);
      // a redelivery carries the same id, so SNS drops it as a duplicate
      assert.equal((await client.send(withDevice, AbortSignal.timeout(5_000))).ok, true);
      const [p, q, r] = topic.published();
      assert.equal(p!.params.get('TopicArn'), FIFO_ARN);
      assert.equal(p!.params.get('MessageDeduplicationId'), withDevice.id);
      assert.equal(p!.params.get('MessageGroupId'), 'van-7');
      assert.equal(q!.params.get('MessageDeduplicationId'), noDevice.id);
      assert.equal(q!.params.get('MessageGroupId'), 'fleetdesk');
      assert.deepEqual(Object.keys(q!.attributes), ['Event', 'EventId'], 'no UserId attribute without a device');
      assert.equal(r!.params.get('MessageDeduplicationId'), withDevice.id);
    } finally {
      await client.close();
    }
  });

  test('SNS refusals become plain words with the HTTP status', BOUND, async () => {
    const client = sns.connect(topic.settings(), NO_CA);
    try {
      const cases: Array<[Script, number, RegExp]> = [
        [{ status: 403, body: errorXml('AuthorizationError', 'User: arn:aws:iam::123456789012:user/fleet is not authorized to perform: SNS:Publish') }, 403, /^AWS refused access to the topic \(AuthorizationError\): the access key needs sns:Publish on it: User: arn:aws:iam::123456789012:user\/fleet is not authorized/],
        [{ status: 404, body: errorXml('NotFound', 'Topic does not exist') }, 404, /^the topic does not exist \(NotFound\): check topic_arn and region: Topic does not exist$/],
        [{ status: 403, body: errorXml('InvalidClientTokenId', 'The security token included in the request is invalid.') }, 403, /^AWS refused the credentials \(InvalidClientTokenId\)/],
        [{ status: 403, body: errorXml('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.') }, 403, /^AWS refused the credentials \(SignatureDoesNotMatch\): the secret access key does not belong/],
        [{ status: 400, body: errorXml('KMSAccessDenied', 'Access to the KMS key was denied.') }, 400, /^the topic's encryption key refused the message \(KMSAccessDenied\)/],
        // not SNS talking (a proxy, a wrong endpoint): the status, and a hint
        [{ status: 502, body: '<html><body>Bad gateway</body></html>', type: 'text/html' }, 502, /^the endpoint answered 502, not as SNS does: check the endpoint address$/],
      ];
      for (const [script, status, error] of cases) {
        topic.script.push(script);
        const res = await client.send(outgoing(trackReceived()), AbortSignal.timeout(5_000));
        assert.equal(res.ok, false);
        assert.equal(res.status, status);
        assert.match(res.error ?? '', error);
        assert.doesNotMatch(res.error!, /Exception|at \w+ \(/, 'no SDK class names or stacks');
      }
    } finally {
      await client.close();
    }
  });

  test('nothing listening: "connection refused"; a topic that never answers: timed out by the AbortSignal', BOUND, async () => {
    const refused = sns.connect(topic.settings({ endpoint: `http://127.0.0.1:${await closedPort()}` }), NO_CA);
    const hanging = sns.connect(topic.settings(), NO_CA);
    try {
      const a = await refused.send(outgoing(trackReceived()), AbortSignal.timeout(5_000));
      assert.deepEqual([a.ok, a.status, a.error], [false, null, 'connection refused: nothing is listening at that address']);

      topic.script.push('hang');
      const start = Date.now();
      const b = await hanging.send(outgoing(trackReceived()), AbortSignal.timeout(300));
      assert.deepEqual([b.ok, b.status, b.error], [false, null, 'no answer in time (timed out)']);
      assert.ok(Date.now() - start < 3_000, 'the send ended when the signal fired, not at a socket timeout');
    } finally {
      await refused.close();
      await hanging.close();
    }
  });

  test('no SDK retries: one refused Publish is one request (the outbox retries)', BOUND, async () => {
    const client = sns.connect(topic.settings(), NO_CA);
    try {
      topic.receiver.received.length = 0;
      topic.script.push({ status: 500, body: errorXml('InternalError', 'Internal failure') });
      const res = await client.send(outgoing(trackReceived()), AbortSignal.timeout(5_000));
      assert.equal(res.status, 500);
      assert.match(res.error ?? '', /^SNS had an internal error \(InternalError\)/);
      assert.equal(topic.receiver.received.length, 1);
    } finally {
      await client.close();
    }
  });

  test('an https endpoint behind a private CA: trusted through env.ca, refused without it', BOUND, async () => {
    const certificate = await selfSignedCertificate();
    const tlsTopic = await new LocalSns().start(certificate);
    const settings = tlsTopic.settings();
    assert.match(settings.endpoint!, /^https:\/\/127\.0\.0\.1:\d+$/);
    const trusting = sns.connect(settings, { ca: [certificate.cert] });
    const plain = sns.connect(settings, NO_CA);
    try {
      const ok = await trusting.send(outgoing(trackReceived()), AbortSignal.timeout(5_000));
      assert.deepEqual([ok.ok, ok.status, ok.error], [true, 200, null]);
      const no = await plain.send(outgoing(trackReceived()), AbortSignal.timeout(5_000));
      assert.equal(no.ok, false);
      assert.equal(no.status, null);
      assert.match(no.error ?? '', /^the receiver's HTTPS certificate is not trusted \(/);
      assert.equal(tlsTopic.receiver.received.length, 1, 'the untrusted connection never got to send');
    } finally {
      await trusting.close();
      await plain.close();
      await tlsTopic.receiver.close();
    }
  });
});

describe('SNS settings', () => {
  const good: Settings = { region: REGION, topic_arn: ARN, access_key_id: KEY, secret_access_key: SECRET };

  /** prepare's refusal: a BadRequest whose message is returned for matching. */
  function refusal(settings: Settings): string {
    try {
      sns.prepare(settings);
    } catch (err) {
      assert.ok(err instanceof DomainError, String(err));
      assert.equal(err.kind, 'BadRequest');
      return err.message;
    }
    assert.fail(`accepted ${JSON.stringify(settings)}`);
  }

  test('accepted: AWS settings (trimmed, no endpoint), FIFO and China and GovCloud topics, an SNS-compatible service with its own keys', () => {
    assert.deepEqual(sns.prepare({ ...good, topic_arn: ` ${ARN} `, access_key_id: `${KEY}\n`, endpoint: '' }), { ...good, endpoint: null });
    assert.equal(sns.prepare({ ...good, topic_arn: FIFO_ARN }).topic_arn, FIFO_ARN);
    assert.equal(sns.prepare({ ...good, region: 'cn-north-1', topic_arn: 'arn:aws-cn:sns:cn-north-1:123456789012:fleet' }).region, 'cn-north-1');
    assert.equal(sns.prepare({ ...good, region: 'us-gov-west-1', topic_arn: 'arn:aws-us-gov:sns:us-gov-west-1:123456789012:fleet_events' }).region, 'us-gov-west-1');
    const localstack = { region: 'us-east-1', topic_arn: 'arn:aws:sns:us-east-1:000000000000:fleet', access_key_id: 'test', secret_access_key: 'test', endpoint: 'http://localhost:4566' };
    assert.deepEqual(sns.prepare(localstack), localstack);
  });

  test('refused with a message naming the field and a valid value', () => {
    const cases: Array<[Partial<Settings>, RegExp]> = [
      [{ topic_arn: 'fleet-events' }, /^topic_arn must be a topic's ARN, e\.g\. arn:aws:sns:eu-central-1:123456789012:fleet-events/],
      [{ topic_arn: 'arn:aws:sqs:eu-central-1:123456789012:fleet-events' }, /^topic_arn must be a topic's ARN/],
      [{ topic_arn: 'arn:aws:sns:eu-central-1:12345678901:fleet-events' }, /^the account in topic_arn must be the 12-digit AWS account id, not "12345678901"/],
      [{ topic_arn: 'arn:aws:sns:eu-central-1:123456789012:fleet events' }, /^the topic name in topic_arn may hold only letters, digits/],
      [{ topic_arn: `${ARN}:4b2d2a8e-1f7c-4d5e-9a3b-2c1d0e9f8a7b` }, /^topic_arn names a subscription/],
      [{ topic_arn: 'arn:aws:sns:cn-north-1:123456789012:fleet', region: 'cn-north-1' }, /^topic_arn must start with arn:aws-cn: for the region cn-north-1/],
      [{ region: 'eu-west-1' }, /^region "eu-west-1" does not match the topic's region "eu-central-1" in topic_arn/],
      [{ region: '' }, /^region is required: the AWS region code of the topic, e\.g\. eu-central-1/],
      [{ region: 'Frankfurt' }, /^region must be an AWS region code in lower case, e\.g\. eu-central-1, not "Frankfurt"/],
      [{ region: 'EU-CENTRAL-1' }, /^region must be an AWS region code in lower case/],
      [{ access_key_id: 'akiaiosfodnn7example' }, /^access_key_id must be an AWS access key id: "AKIA" and 16 upper-case letters or digits/],
      [{ access_key_id: SECRET }, /^access_key_id must be an AWS access key id/],
      [{ access_key_id: 'ASIAIOSFODNN7EXAMPLE' }, /^access_key_id is a temporary key \(ASIA…\), which expires/],
      [{ access_key_id: '' }, /^access_key_id is required/],
      [{ secret_access_key: undefined }, /^secret_access_key is required/],
      [{ secret_access_key: 'short' }, /^secret_access_key must be the 40-character secret/],
      [{ endpoint: 'localhost:4566' }, /^endpoint must start with https:\/\/ or http:\/\//],
      [{ endpoint: 'not a url' }, /^endpoint must be a full http or https address of an SNS-compatible service, e\.g\. http:\/\/localhost:4566/],
      [{ endpoint: 'ftp://sns.example.com' }, /^endpoint must start with https:\/\/ or http:\/\//],
      [{ endpoint: 'https://user:pw@sns.example.com' }, /^endpoint must not hold a user name or password/],
      [{ endpoint: 'https://sns.example.com/?Action=Publish' }, /^endpoint must not have a query/],
    ];
    for (const [change, message] of cases) assert.match(refusal({ ...good, ...change }), message, JSON.stringify(change));
  });
});
