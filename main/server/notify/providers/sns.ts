/**
 * Amazon SNS: each event is one Publish to the destination's topic with `@aws-sdk/client-sns`.
 * The message is the JSON envelope; message attributes `Event` (the event type) and `UserId` (the
 * device id) let subscriptions filter without parsing it, and `EventId` carries the stable event
 * id, the subscriber's idempotency key (the envelope has no field for it, and SNS's MessageId is
 * new on every publish). On a FIFO topic the event id is also the MessageDeduplicationId (SNS
 * drops a redelivery within its five-minute window) and the device keeps its events in order as
 * the MessageGroupId.
 *
 * The SDK does not retry (the outbox does, with its own backoff and dead letters) and the
 * outbox's AbortSignal ends a send. An `endpoint` sends to an SNS-compatible service (LocalStack,
 * a VPC endpoint) instead of AWS; plain http is allowed there.
 */
import { createHash } from 'node:crypto';
import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import type { ProviderSettings } from '../../../../shared/api/notifications';
import { badRequest } from '../../errors';
import { VERSION } from '../../version';
import { elapsed, lazyClient, plainError, type OutgoingEvent, type ProviderKind } from '../provider';
import { keepAliveAgents, oneLine } from './agents';

type Settings = ProviderSettings['aws-sns'];

const ARN_EXAMPLE = 'arn:aws:sns:eu-central-1:123456789012:fleet-events';
/** eu-central-1, us-gov-west-1, cn-northwest-1, ap-southeast-4 … */
const REGION = /^[a-z]{2,4}(?:-[a-z]+){1,3}-\d{1,2}$/;
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
/** AWS long-term access key ids: AKIA + upper-case letters and digits (20 characters today) */
const AWS_ACCESS_KEY = /^AKIA[A-Z0-9]{12,124}$/;
const AWS_SECRET = /^[A-Za-z0-9/+=]{40,128}$/;
/** what SNS accepts as a deduplication or group id */
const SNS_ID = /^[\x21-\x7e]{1,128}$/;

interface TopicArn {
  partition: string;
  region: string;
  account: string;
  name: string;
  fifo: boolean;
}

/** The partition a region belongs to: its ARNs must name it. */
const partitionOf = (region: string): string => (region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws');

export function parseTopicArn(arn: string): TopicArn {
  const m = /^arn:(aws|aws-cn|aws-us-gov):sns:([^:]*):([^:]*):(.*)$/.exec(arn);
  if (!m) throw badRequest(`topic_arn must be a topic's ARN, e.g. ${ARN_EXAMPLE} (copy it from the topic's page in the SNS console)`);
  const [, partition, region, account, name] = m as unknown as [string, string, string, string, string];
  if (!REGION.test(region)) throw badRequest(`the region in topic_arn must be a region code such as eu-central-1, not "${region}"`);
  if (!/^\d{12}$/.test(account)) throw badRequest(`the account in topic_arn must be the 12-digit AWS account id, not "${account}"`);
  if (name.includes(':')) throw badRequest("topic_arn names a subscription (it has an id after the topic name): use the topic's own ARN");
  const fifo = name.endsWith('.fifo');
  if (!TOPIC_NAME.test(fifo ? name.slice(0, -5) : name) || name.length > 256) {
    throw badRequest('the topic name in topic_arn may hold only letters, digits, "-" and "_" (at most 256 characters; a FIFO topic ends in ".fifo")');
  }
  if (partitionOf(region) !== partition) throw badRequest(`topic_arn must start with arn:${partitionOf(region)}: for the region ${region}`);
  return { partition, region, account, name, fifo };
}

function checkEndpoint(endpoint: string): void {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    throw badRequest('endpoint must be a full http or https address of an SNS-compatible service, e.g. http://localhost:4566 (leave it empty for AWS)');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw badRequest('endpoint must start with https:// or http://');
  if (u.username || u.password) throw badRequest('endpoint must not hold a user name or password: the access key signs every request');
  if (u.search || u.hash) throw badRequest('endpoint must not have a query (?…) or fragment (#…)');
}

/** SNS's own words for a refused Publish, in plain language (the AWS error code in brackets). */
const SNS_ERRORS: Record<string, string> = {
  InvalidClientTokenId: 'AWS refused the credentials (InvalidClientTokenId): the access key id is unknown or deactivated',
  UnrecognizedClientException: 'AWS refused the credentials (UnrecognizedClientException): the access key id is unknown',
  SignatureDoesNotMatch: 'AWS refused the credentials (SignatureDoesNotMatch): the secret access key does not belong to the access key id, or this computer\'s clock is wrong',
  InvalidSignatureException: "AWS refused the request's signature (InvalidSignatureException): check the secret access key and this computer's clock",
  RequestExpired: "AWS refused the request as expired (RequestExpired): this computer's clock is off",
  AuthorizationError: 'AWS refused access to the topic (AuthorizationError): the access key needs sns:Publish on it',
  AccessDenied: 'AWS refused access (AccessDenied): the access key needs sns:Publish on the topic',
  NotFound: 'the topic does not exist (NotFound): check topic_arn and region',
  InvalidParameter: 'SNS refused the message (InvalidParameter)',
  ParameterValueInvalid: 'SNS refused the message (ParameterValueInvalid)',
  InvalidSecurity: 'the topic only accepts signed HTTPS requests (InvalidSecurity)',
  Throttled: 'SNS is limiting the rate of publishes (Throttled); FleetDesk tries again later',
  Throttling: 'SNS is limiting the rate of publishes (Throttling); FleetDesk tries again later',
  InternalError: 'SNS had an internal error (InternalError); FleetDesk tries again later',
  ServiceUnavailable: 'SNS is unavailable (ServiceUnavailable); FleetDesk tries again later',
  OptInRequired: 'the AWS account has not enabled this region (OptInRequired)',
};

/** A failed Publish in words: AWS's error code mapped when known, AWS's own message after it. */
export function snsError(err: unknown, signal: AbortSignal): { status: number | null; error: string } {
  const e = err as { Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode ?? null;
  if (signal.aborted || status === null) return { status, error: plainError(err, signal) };
  // a body SNS did not write (a proxy, a wrong endpoint) has no Code; the SDK names it after the status
  const code = e.Code;
  if (!code) return { status, error: `the endpoint answered ${status}, not as SNS does: check the endpoint address` };
  const said = oneLine(e.message);
  const words = SNS_ERRORS[code] ?? (code.startsWith('KMS') ? `the topic's encryption key refused the message (${code}): the access key needs kms:GenerateDataKey and kms:Decrypt on it` : `SNS refused the message (${code})`);
  return { status, error: said && said !== code && said !== 'Unknown' ? `${words}: ${said}` : words };
}

/** A stable id SNS accepts: the event id itself, or its hash when it has characters SNS refuses. */
const snsId = (id: string): string => (SNS_ID.test(id) ? id : createHash('sha256').update(id).digest('hex'));

export function publishInput(topic: TopicArn, topicArn: string, event: OutgoingEvent) {
  const { envelope } = event;
  const attributes: Record<string, MessageAttributeValue> = {
    Event: { DataType: 'String', StringValue: envelope.Event },
    EventId: { DataType: 'String', StringValue: event.id },
  };
  if (envelope.UserId) attributes.UserId = { DataType: 'String', StringValue: envelope.UserId };
  return {
    TopicArn: topicArn,
    Message: JSON.stringify(envelope),
    MessageAttributes: attributes,
    ...(topic.fifo ? { MessageGroupId: snsId(envelope.UserId ?? 'fleetdesk'), MessageDeduplicationId: snsId(event.id) } : {}),
  };
}

export const sns: ProviderKind<Settings> = {
  provider: 'aws-sns',
  prepare(raw) {
    const s: Settings = {
      ...raw,
      region: (raw.region ?? '').trim(),
      topic_arn: (raw.topic_arn ?? '').trim(),
      access_key_id: (raw.access_key_id ?? '').trim(),
      ...(raw.secret_access_key === undefined ? {} : { secret_access_key: raw.secret_access_key.trim() }),
      endpoint: raw.endpoint?.trim() || null,
    };
    if (!s.region) throw badRequest('region is required: the AWS region code of the topic, e.g. eu-central-1');
    if (!REGION.test(s.region)) throw badRequest(`region must be an AWS region code in lower case, e.g. eu-central-1, not "${s.region}"`);
    const topic = parseTopicArn(s.topic_arn);
    if (topic.region !== s.region) throw badRequest(`region "${s.region}" does not match the topic's region "${topic.region}" in topic_arn`);
    if (s.endpoint) checkEndpoint(s.endpoint);
    // an SNS-compatible service takes any key ("test" for LocalStack); AWS's own have one shape
    if (!s.access_key_id) throw badRequest('access_key_id is required: the id of an IAM access key allowed sns:Publish on the topic');
    if (!s.endpoint) {
      if (/^ASIA/.test(s.access_key_id)) throw badRequest('access_key_id is a temporary key (ASIA…), which expires: create an access key of an IAM user (AKIA…)');
      if (!AWS_ACCESS_KEY.test(s.access_key_id)) throw badRequest('access_key_id must be an AWS access key id: "AKIA" and 16 upper-case letters or digits, e.g. AKIAIOSFODNN7EXAMPLE');
    } else if (!/^[\x21-\x7e]{1,128}$/.test(s.access_key_id)) {
      throw badRequest('access_key_id must be one word of at most 128 characters');
    }
    if (!s.secret_access_key) throw badRequest('secret_access_key is required: the secret shown once when the access key was created');
    if (!s.endpoint && !AWS_SECRET.test(s.secret_access_key)) throw badRequest('secret_access_key must be the 40-character secret shown when the access key was created');
    if (s.endpoint && !/^[\x21-\x7e]{1,256}$/.test(s.secret_access_key)) throw badRequest('secret_access_key must be one word of at most 256 characters');
    return s;
  },
  connect(s, env) {
    const topic = parseTopicArn(s.topic_arn);
    return lazyClient(async () => {
      const { PublishCommand, SNSClient } = await import('@aws-sdk/client-sns');
      const agents = keepAliveAgents(env);
      const client = new SNSClient({
        region: s.region,
        credentials: { accessKeyId: s.access_key_id, secretAccessKey: s.secret_access_key ?? '' },
        ...(s.endpoint ? { endpoint: s.endpoint } : {}),
        maxAttempts: 1,
        requestHandler: { httpAgent: agents.http, httpsAgent: agents.https },
        customUserAgent: [['FleetDesk', VERSION]],
      });
      return {
        async send(event, signal) {
          const start = performance.now();
          try {
            const out = await client.send(new PublishCommand(publishInput(topic, s.topic_arn, event)), { abortSignal: signal });
            return { ok: true, status: out.$metadata.httpStatusCode ?? 200, ms: elapsed(start), error: null };
          } catch (err) {
            return { ok: false, ms: elapsed(start), ...snsError(err, signal) };
          }
        },
        async close() {
          client.destroy();
          agents.destroy();
        },
      };
    });
  },
};
