import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DisplayField } from '../../shared/api/schemas';
import type { PositionRow } from '../../main/server/store/positions';
import type { PositionRecord } from '../../main/server/ingest/position';
import type { UserRow } from '../../main/server/store/users';
import { deviceName, deviceView, locationUpdate, positionView, userView } from '../../main/server/api-views';

const T = Date.UTC(2025, 5, 1, 8, 0, 0);

function user(over: Partial<UserRow> = {}): UserRow {
  return {
    pk: 1,
    company_id: 'acme',
    user_id: 'DR_1',
    role: 'driver',
    display_name: 'Truck 7',
    first_name: 'Abebe',
    last_name: 'Bikila',
    phone: '+251 11 000',
    vehicle_plate: 'AA-3-12345',
    password_hash: null,
    disabled: 0,
    token_version: 0,
    created_at: T,
    updated_at: T,
    device_key: 'k3y-of-DR_1-0123456789ab',
    ...over,
  };
}

const record: PositionRecord = { lat: 9.01234, lng: 38.70321, speed: 10, bearing: 90, accuracy: 5, altitude: 2300, deviceTime: T, serverTime: T + 1500 };
const row: PositionRow = { id: 1, user_pk: 1, device_time: T, server_time: T + 1500, lat: 9.01234, lng: 38.70321, speed: 10, bearing: 90, accuracy: 5, altitude: 2300, source: 'ws', flags: 0, reported_time: null };

describe('deviceName', () => {
  test('uses the company’s display field', () => {
    const u = user();
    const expected: Record<DisplayField, string> = {
      display_name: 'Truck 7',
      full_name: 'Abebe Bikila',
      first_name: 'Abebe',
      last_name: 'Bikila',
      phone: '+251 11 000',
      vehicle_plate: 'AA-3-12345',
      user_id: 'DR_1',
    };
    for (const [field, name] of Object.entries(expected)) assert.equal(deviceName(u, field as DisplayField), name, field);
  });

  test('falls back to the display name, then the user id, when the preferred field is empty', () => {
    assert.equal(deviceName(user({ vehicle_plate: null }), 'vehicle_plate'), 'Truck 7');
    assert.equal(deviceName(user({ vehicle_plate: '' }), 'vehicle_plate'), 'Truck 7');
    assert.equal(deviceName(user({ vehicle_plate: null, display_name: null }), 'vehicle_plate'), 'DR_1');
    assert.equal(deviceName(user({ first_name: null, last_name: null, display_name: null }), 'full_name'), 'DR_1');
    assert.equal(deviceName(user({ display_name: null }), 'display_name'), 'DR_1');
  });

  test('a full name with one part is that part', () => {
    assert.equal(deviceName(user({ first_name: null }), 'full_name'), 'Bikila');
    assert.equal(deviceName(user({ last_name: null }), 'full_name'), 'Abebe');
  });
});

describe('views', () => {
  test('locationUpdate speaks km/h with rounded values and an ISO device time', () => {
    assert.deepEqual(locationUpdate('DR_1', record), {
      type: 'location_update',
      id: 'DR_1',
      payload: { lat: 9.01234, lng: 38.70321, speed: 36, bearing: 90, accuracy: 5, altitude: 2300, timestamp: '2025-06-01T08:00:00.000Z' },
    });
    const u = locationUpdate('DR_1', { ...record, speed: 50 / 3.6, bearing: 123.456, accuracy: null, altitude: null });
    assert.deepEqual(u.payload, { lat: 9.01234, lng: 38.70321, speed: 50, bearing: 123.5, timestamp: '2025-06-01T08:00:00.000Z' });
    assert.equal('accuracy' in u.payload, false);
    assert.equal('altitude' in u.payload, false);
    assert.equal(locationUpdate('DR_1', { ...record, speed: 1 / 3 }).payload.speed, 1.2, 'two decimals');
    assert.equal(locationUpdate('DR_1', { ...record, bearing: 359.97 }).payload.bearing, 0, 'rounding never shows 360');
  });

  test('positionView stays SI, from a record or a row alike', () => {
    const expected = {
      lat: 9.01234,
      lng: 38.70321,
      speed: 10,
      bearing: 90,
      accuracy: 5,
      altitude: 2300,
      device_time: '2025-06-01T08:00:00.000Z',
      server_time: '2025-06-01T08:00:01.500Z',
    };
    assert.deepEqual(positionView(record), expected);
    assert.deepEqual(positionView(row), expected);
  });

  test('deviceView and userView', () => {
    const d = deviceView(user(), 'vehicle_plate', row);
    assert.equal(d.id, 'DR_1');
    assert.equal(d.name, 'AA-3-12345');
    assert.equal(d.disabled, false);
    assert.deepEqual(d.last_position, positionView(row));
    assert.equal(deviceView(user({ disabled: 1 }), 'user_id', undefined).last_position, null);
    assert.equal(deviceView(user({ disabled: 1 }), 'user_id', undefined).disabled, true);
    const v = userView(user({ password_hash: 'scrypt$…', role: 'office' }));
    assert.equal(v.has_password, true);
    assert.equal(v.role, 'office');
    assert.equal(v.created_at, '2025-06-01T08:00:00.000Z');
    assert.equal('password_hash' in v, false, 'never exposes the hash');
    assert.equal(userView(user()).has_password, false);
  });
});
