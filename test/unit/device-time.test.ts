import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDeviceTime as parseDeviceTimeThrowing } from '../../main/server/ingest/device-time';
import { orReason } from '../support/or-reason';

const parseDeviceTime = orReason(parseDeviceTimeThrowing);

const T = Date.UTC(2025, 0, 15, 10, 30, 0); // 1736937000000

describe('parseDeviceTime', () => {
  test('epoch milliseconds are taken as they are', () => {
    assert.equal(parseDeviceTime(T), T);
    assert.equal(parseDeviceTime(T + 0.4), T, 'rounded to whole milliseconds');
    assert.equal(parseDeviceTime(1e11), 1e11, '1e11 and above are milliseconds');
  });

  test('values below 1e11 are epoch seconds', () => {
    assert.equal(parseDeviceTime(T / 1000), T);
    assert.equal(parseDeviceTime(T / 1000 + 0.123), T + 123);
    assert.equal(parseDeviceTime(99_999_999_999), 99_999_999_999_000);
    assert.equal(parseDeviceTime(0), 0);
  });

  test('numeric strings are numbers', () => {
    assert.equal(parseDeviceTime(String(T)), T);
    assert.equal(parseDeviceTime(String(T / 1000)), T);
    assert.equal(parseDeviceTime('1736937000.5'), T + 500);
  });

  test('ISO-8601 strings, with Z, offsets and fractions', () => {
    assert.equal(parseDeviceTime('2025-01-15T10:30:00Z'), T);
    assert.equal(parseDeviceTime('2025-01-15T10:30:00.000Z'), T);
    assert.equal(parseDeviceTime('2025-01-15T10:30:00.25Z'), T + 250);
    assert.equal(parseDeviceTime('2025-01-15T12:30:00+02:00'), T);
    assert.equal(parseDeviceTime('2025-01-15T05:30:00-0500'), T);
    assert.equal(parseDeviceTime('2025-01-15T10:30Z'), T);
    assert.equal(parseDeviceTime('2025-01-15 10:30:00Z'), T);
    assert.equal(parseDeviceTime('2025-01-15'), Date.UTC(2025, 0, 15));
  });

  test('an ISO time without an offset is UTC, whatever the server zone', () => {
    assert.equal(parseDeviceTime('2025-01-15T10:30:00'), T);
    assert.equal(parseDeviceTime('2025-01-15 10:30'), T);
  });

  test('impossible calendar dates are refused, not rolled over', () => {
    for (const bad of ['2025-02-30T10:00:00Z', '2025-02-29', '2025-04-31T00:00:00+02:00', '2025-00-10', '2025-01-00']) {
      assert.match(parseDeviceTime(bad) as string, /is not a time/, bad);
    }
    assert.equal(parseDeviceTime('2024-02-29T00:00:00Z'), Date.UTC(2024, 1, 29), 'a leap day is a day');
  });

  test('anything else is a reason, not a time', () => {
    for (const bad of [-1, -T, Number.NaN, Infinity, -Infinity]) {
      const r = parseDeviceTime(bad);
      assert.equal(typeof r, 'string', String(bad));
      assert.match(r as string, /timestamp/);
    }
    for (const bad of ['', 'yesterday', 'now', '2025-13-45T99:00:00Z', '1e12', '0x10', '-5', '12:30']) {
      assert.equal(typeof parseDeviceTime(bad), 'string', JSON.stringify(bad));
    }
  });

  test('V8’s lenient legacy date formats are not times', () => {
    // Date.parse reads each of these as some date in 2001 or 2020.
    for (const loose of ['yesterday 5', 'hello 2020', 'abc 1', '1.2.3', '  12  ', 'Jan 5', 'Wed, 15 Jan 2025 10:30:00 GMT']) {
      const r = parseDeviceTime(loose);
      assert.equal(typeof r, 'string', JSON.stringify(loose));
      assert.match(r as string, /is not a time/);
    }
  });

  test('the reason quotes at most 40 characters of the value', () => {
    const r = parseDeviceTime('x'.repeat(500)) as string;
    assert.ok(r.length < 80, 'r.length < 80');
    assert.ok(r.includes('x'.repeat(40)) && !r.includes('x'.repeat(41)), 'r.includes(\'x\'.repeat(40)) && !r.includes(\'x\'.repeat(41))');
  });
});
