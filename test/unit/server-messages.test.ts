/** The Tracking API's server messages as clients parse them (shared/protocol/server-messages.ts): the same verdicts as TypeBox's. */
import assert from 'node:assert/strict';
import test from 'node:test';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { meetsSchema, parseServerMessage, ServerMessage } from '../../shared/protocol/server-messages';

const TIME = '2026-11-30T08:00:00.000Z';
const STATUS = { battery: 80, charging: null, gps: 'granted', online: true, pending: 0, duty: true, connection: 'wifi', app: 'FleetDesk driver 0.1.0', source: 'ws', time: TIME };
const ALERT = {
  id: 7,
  device_id: 'DR_1',
  kind: 'crash',
  time: TIME,
  received_at: TIME,
  lat: 48.1,
  lng: 11.5,
  source: 'ws',
  peak_g: 6.2,
  acknowledged_at: null,
  acknowledged_by: null,
  acknowledged_by_name: null,
  resolved_at: null,
  resolved_by: null,
  resolved_by_name: null,
  note: null,
  accident_id: null,
  confirmed: null,
};

const STATUS_ACK = {
  alert_id: 7,
  kind: 'sos',
  time: TIME,
  state: 'acknowledged',
  acknowledged_at: TIME,
  acknowledged_by_name: 'Operations',
  resolved_at: null,
  resolved_by_name: null,
  note: null,
};

const VALID: Record<string, unknown>[] = [
  { type: 'authenticated', user_id: 'dispatch', role: 'office', company: 'acme' },
  { type: 'ack', seq: 12 },
  { type: 'ack', seq: 12, dropped: { reason: 'zero_position', message: 'a fix at 0,0' } },
  { type: 'ack', seq: 13, dropped: [{ index: 1, reason: 'duplicate', message: 'sent again' }] },
  { type: 'subscribed', entity: 'company:drivers' },
  { type: 'unsubscribed', entity: 'driver:DR_1' },
  { type: 'error', error: 'RateLimited', message: 'too soon', seq: 4 },
  { type: 'error', error: 'Unauthorized', message: 'bad token' },
  { type: 'location_update', id: 'DR_1', payload: { lat: 48.1, lng: 11.5, speed: 36, bearing: 90, timestamp: TIME } },
  { type: 'location_update', id: 'DR_1', payload: { lat: 48.1, lng: 11.5, speed: 36, bearing: 90, accuracy: 5, altitude: 520, timestamp: TIME, reported_time: '2026-11-30T09:00:00.000Z' } },
  { type: 'device_status', id: 'DR_1', payload: STATUS },
  { type: 'alert', id: 'DR_1', payload: ALERT },
  { type: 'alert', id: 'DR_1', payload: { ...ALERT, acknowledged_at: TIME, acknowledged_by: 'desk', acknowledged_by_name: 'Operations' } },
  { type: 'alert_status', id: 'DR_1', payload: STATUS_ACK },
  { type: 'alert_status', id: 'DR_1', payload: { ...STATUS_ACK, state: 'resolved', resolved_at: TIME, resolved_by_name: null, note: 'Recovery on its way.' } },
  { type: 'share_update', id: 'DR_1', payload: { share_id: '6f1c0c53-0d7e-4b8e-9a56-7b8f0c1d2e3f', status: 'arriving' } },
];

const INVALID: Record<string, unknown>[] = [
  { type: 'share_update', id: 'DR_1', payload: { share_id: 'x', status: 'lost' } },
  { type: 'authenticated', user_id: 'dispatch', role: 'office' },
  { type: 'ack', seq: -1 },
  { type: 'ack', seq: 1.5 },
  { type: 'ack', seq: 12, dropped: { reason: 'no_such_reason', message: 'x' } },
  { type: 'ack', seq: 13, dropped: [{ reason: 'duplicate', message: 'no index' }] },
  { type: 'subscribed' },
  { type: 'error', error: 'Teapot', message: 'x' },
  { type: 'location_update', id: 'DR_1', payload: { lat: '48.1', lng: 11.5, speed: 36, bearing: 90, timestamp: TIME } },
  { type: 'location_update', id: 'DR_1', payload: { lat: 48.1, lng: 11.5, speed: 36, bearing: 90, timestamp: 'yesterday' } },
  { type: 'location_update', id: 'DR_1', payload: { lat: 48.1, lng: 11.5, bearing: 90, timestamp: TIME } },
  { type: 'location_update', id: 7, payload: { lat: 48.1, lng: 11.5, speed: 36, bearing: 90, timestamp: TIME } },
  { type: 'device_status', id: 'DR_1', payload: { ...STATUS, gps: 'maybe' } },
  { type: 'device_status', id: 'DR_1', payload: { ...STATUS, time: undefined } },
  { type: 'alert', id: 'DR_1', payload: { ...ALERT, kind: 'flood' } },
  { type: 'alert', id: 'DR_1', payload: { ...ALERT, id: 'seven' } },
  { type: 'alert', id: 'DR_1', payload: { ...ALERT, acknowledged_by_name: undefined } },
  { type: 'alert_status', id: 'DR_1', payload: { ...STATUS_ACK, state: 'open' } },
  { type: 'alert_status', id: 'DR_1', payload: { ...STATUS_ACK, acknowledged_at: null } },
];

test('every server message the protocol allows is parsed as it is', () => {
  for (const m of VALID) assert.deepEqual(parseServerMessage(JSON.stringify(m)), m, JSON.stringify(m));
});

test('malformed messages, unknown types and non-JSON are dropped', () => {
  for (const m of INVALID) assert.equal(parseServerMessage(JSON.stringify(m)), null, JSON.stringify(m));
  assert.equal(parseServerMessage('{"type":"shutdown_soon"}'), null);
  assert.equal(parseServerMessage('{"type":"toString"}'), null);
  assert.equal(parseServerMessage('not json'), null);
  assert.equal(parseServerMessage('null'), null);
  assert.equal(parseServerMessage('[]'), null);
});

test('the checks agree with TypeBox on every fixture', () => {
  for (const m of [...VALID, ...INVALID]) {
    const value = JSON.parse(JSON.stringify(m)) as unknown;
    assert.equal(meetsSchema(ServerMessage as TSchema, value), Value.Check(ServerMessage, value), JSON.stringify(m));
  }
});
