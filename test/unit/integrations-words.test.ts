/**
 * The console's Integrations page in plain words: a refused destination's server message lands
 * at the field it names, without schema paths; the form's own checks; the draft becomes the
 * create / update bodies (secrets only when typed, optional fields cleared on edit); summaries.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVENT_NAMES } from '../../shared/api/events';
import type { Destination } from '../../shared/api/notifications';
import { checkDraft, draftOf, draftToCreate, draftToUpdate, emptyDraft, withProvider } from '../../renderer/src/components/integrations/destination-draft';
import { fieldProblemOf } from '../../renderer/src/components/integrations/field-errors';
import { destinationHealth, devicesSummary, eventsSummary } from '../../renderer/src/components/integrations/notify-labels';

test('server messages land at their field, in plain words, without schema paths', () => {
  assert.deepEqual(fieldProblemOf('url must be a full http or https address, e.g. https://backend.example.com/fleetdesk', 'webhook'), {
    field: 'url',
    text: 'URL must be a full http or https address, e.g. https://backend.example.com/fleetdesk',
  });
  assert.deepEqual(fieldProblemOf('settings/url is required', 'webhook'), { field: 'url', text: 'Enter the URL.' });
  assert.deepEqual(fieldProblemOf('body/settings/url is required', 'webhook'), { field: 'url', text: 'Enter the URL.' });
  assert.deepEqual(fieldProblemOf('body/name must NOT have fewer than 1 characters', 'webhook'), { field: 'name', text: 'Give the destination a name.' });
  assert.deepEqual(fieldProblemOf('body/name must NOT have more than 80 characters', 'aws-sns'), { field: 'name', text: 'Name can have at most 80 characters.' });
  // the phrases as the server's schema check words them today
  assert.deepEqual(fieldProblemOf('body/name must not have fewer than 1 characters', 'webhook'), { field: 'name', text: 'Give the destination a name.' });
  assert.deepEqual(fieldProblemOf('topic_arn is required', 'aws-sns'), { field: 'topic_arn', text: 'Enter the topic ARN.' });
  assert.deepEqual(fieldProblemOf('the account in topic_arn must be the 12-digit AWS account id, not "12"', 'aws-sns'), {
    field: 'topic_arn',
    text: 'The account in topic ARN must be the 12-digit AWS account id, not “12”.',
  });
  assert.deepEqual(fieldProblemOf('region "eu-west-1" does not match the topic\'s region "eu-central-1" in topic_arn', 'aws-sns'), {
    field: 'region',
    text: 'Region “eu-west-1” does not match the topic\'s region “eu-central-1” in topic ARN.',
  });
  assert.deepEqual(fieldProblemOf('devices: there is no device "DR_9" in this company', 'webhook'), { field: 'devices', text: 'Devices: there is no device “DR_9” in this company.' });
  assert.deepEqual(fieldProblemOf('provider "azure-service-bus" is not available in this FleetDesk', 'azure-service-bus'), {
    field: null,
    text: 'Provider “azure-service-bus” is not available in this FleetDesk.',
  });
  const arn = fieldProblemOf('topic_arn must be arn:aws:sns:<region>:<account>:<topic>, e.g. arn:aws:sns:eu-central-1:123456789012:fleet', 'aws-sns');
  assert.equal(arn.field, 'topic_arn');
  assert.match(arn.text, /^Topic ARN must be arn:aws:sns:<region>/);
  const schema = fieldProblemOf('body/settings/schema must be one of "EventGrid", "CloudEvents"', 'azure-event-grid');
  assert.deepEqual(schema, { field: 'schema', text: 'Event schema must be one of EventGrid, CloudEvents.' });
  const header = fieldProblemOf('the header "Host" is set by FleetDesk and cannot be replaced', 'webhook');
  assert.deepEqual(header, { field: 'headers', text: 'The header “Host” is set by FleetDesk and cannot be replaced.' });
  assert.equal(fieldProblemOf('"X Y" is not a valid header name', 'webhook').field, 'headers');
  const cs = fieldProblemOf('connection_string must hold Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…', 'azure-service-bus');
  assert.equal(cs.field, 'connection_string');
  assert.match(cs.text, /^Connection string must hold Endpoint=sb:/);
  const later = fieldProblemOf('the connection string has no SharedAccessKey', 'azure-service-bus');
  assert.equal(later.field, 'connection_string');
  const extra = fieldProblemOf('body/settings/colour is not an accepted field (additional properties are not allowed)', 'webhook');
  assert.equal(extra.field, null);
  assert.doesNotMatch(extra.text, /body|settings\//);
  const plain = fieldProblemOf('body/events/2 must be one of "A", "B"', 'webhook');
  assert.deepEqual(plain, { field: 'events', text: 'Pick the event types from the list.' });
  for (const m of ['body/settings/url is required', 'body/settings/headers/X-A must NOT have more than 2000 characters', 'body/foo is not an accepted field']) {
    assert.doesNotMatch(fieldProblemOf(m, 'webhook').text, /body\/|settings\//, m);
  }
});

test('the form checks required fields, headers, events and devices before sending', () => {
  const d = emptyDraft();
  assert.deepEqual(
    checkDraft(d).map((p) => p.field),
    ['name', 'url'],
  );
  assert.equal(checkDraft(d)[0]!.text, 'Give the destination a name, e.g. “Billing backend”.');
  const sns = withProvider({ ...d, name: 'x' }, 'aws-sns');
  assert.deepEqual(
    checkDraft(sns).map((p) => p.text),
    ['Enter the region.', 'Enter the topic ARN.', 'Enter the access key ID.', 'Enter the secret access key.'],
  );
  // A stored secret need not be typed again.
  assert.deepEqual(
    checkDraft({ ...sns, settings: { region: 'eu-central-1', topic_arn: 'a', access_key_id: 'b', endpoint: '' } }, ['secret_access_key']),
    [],
  );
  const bad = { ...d, name: 'x', settings: { url: 'https://a' }, headers: [{ name: '', value: 'v' }], events: [], allDevices: false, devices: [] };
  assert.deepEqual(
    checkDraft(bad).map((p) => p.field),
    ['headers', 'events', 'devices'],
  );
});

test('the draft becomes create and update bodies; secrets only when typed', () => {
  const d = { ...emptyDraft(), name: ' Billing ', settings: { url: 'https://a.example/x' }, headers: [{ name: 'Authorization', value: 'Bearer t' }, { name: '', value: '' }] };
  assert.deepEqual(draftToCreate(d), {
    name: 'Billing',
    provider: 'webhook',
    settings: { url: 'https://a.example/x', headers: { Authorization: 'Bearer t' } },
    events: [...EVENT_NAMES],
    devices: null,
    enabled: true,
  });
  const stored: Destination = {
    id: 'dst_1',
    name: 'SNS',
    provider: 'aws-sns',
    settings: { region: 'eu-central-1', topic_arn: 'arn:aws:sns:eu-central-1:1:t', access_key_id: 'AK', endpoint: 'http://localhost:4566' },
    secrets_set: ['secret_access_key'],
    secrets_problem: null,
    events: ['SosReceived'],
    devices: ['DR_1'],
    enabled: false,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    health: { failing_since: null, last_success_at: null, last_error: null, pending: 0, dead: 0 },
  };
  const draft = draftOf(stored);
  assert.equal(draft.secrets.secret_access_key, undefined, 'never prefilled');
  assert.deepEqual(draftToUpdate({ ...draft, settings: { ...draft.settings, endpoint: '' } }), {
    name: 'SNS',
    settings: { region: 'eu-central-1', topic_arn: 'arn:aws:sns:eu-central-1:1:t', access_key_id: 'AK', endpoint: null },
    events: ['SosReceived'],
    devices: ['DR_1'],
    enabled: false,
  });
  assert.equal((draftToUpdate({ ...draft, secrets: { secret_access_key: 'new' } }).settings as Record<string, unknown>).secret_access_key, 'new');
  assert.equal(destinationHealth(stored).text, 'Off');
  assert.equal(destinationHealth({ ...stored, enabled: true }).text, 'Delivering');
  assert.match(destinationHealth({ ...stored, enabled: true, health: { ...stored.health, failing_since: new Date().toISOString(), last_error: 'the receiver answered 500' } }).text, /^Failing since \d{1,2}:\d\d/);
});

test('summaries of events and devices', () => {
  assert.equal(eventsSummary(EVENT_NAMES), 'All events');
  assert.equal(eventsSummary(['SosReceived']), 'SOS pressed');
  assert.equal(eventsSummary(['IncomingTrackReceived', 'IncomingTrackRemoved', 'TrackEnrichmentFinished', 'AccidentEventReceived']), 'Trips, Crashes (1 of 4)');
  assert.equal(devicesSummary(null, (id) => id), 'All devices');
  assert.equal(devicesSummary(['DR_1'], () => 'Van 1'), 'Van 1');
  assert.equal(devicesSummary(['a', 'b', 'c'], (id) => id), '3 devices');
});
