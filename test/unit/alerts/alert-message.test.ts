import { describe, expect, it } from 'vitest';
import {
  ALERT_HEADERS,
  alertIdOf,
  alertRowOf,
  decodeAlert,
  dedupeByAlertId,
  encodeAlert,
  toAlertMessage,
} from '../../../lib/alerts/alert-message';
import type { SensorAlertRow } from '../../../lib/alerts/classify';
import { AlertMessageError } from '../../../lib/alerts/errors';

const row: SensorAlertRow = {
  sensor_id: 'sensor_7',
  temperature: 91.37,
  alert_type: 'CRITICAL',
  reading_timestamp: BigInt(Date.UTC(2026, 10, 26, 17, 41, 42)) * 1000n + 123_456n,
  processing_timestamp: BigInt(Date.UTC(2026, 10, 26, 17, 41, 43)) * 1000n + 7n,
  location: 'zone_3',
  source_partition: 4,
  source_offset: 9_007_199_254_740_993n,
};

describe('encodeAlert', () => {
  it('keys by sensor id, carries the row as JSON and the lineage in headers', () => {
    // Act
    const encoded = encodeAlert(row, 'sensor_readings');

    // Assess
    expect(encoded.key).toBe('sensor_7');
    expect(JSON.parse(encoded.value)).toEqual({
      alert_id: 'sensor_readings:4:9007199254740993',
      sensor_id: 'sensor_7',
      temperature: 91.37,
      alert_type: 'CRITICAL',
      reading_timestamp: '2026-11-26T17:41:42.123456Z',
      processing_timestamp: '2026-11-26T17:41:43.000007Z',
      location: 'zone_3',
      source_topic: 'sensor_readings',
      source_partition: 4,
      source_offset: '9007199254740993',
    });
    expect(encoded.headers).toEqual({
      'source-topic': 'sensor_readings',
      'source-partition': '4',
      'source-offset': '9007199254740993',
      'alert-id': 'sensor_readings:4:9007199254740993',
    });
  });

  it('keeps a missing location as null', () => {
    const encoded = encodeAlert({ ...row, location: null }, 't');
    expect(JSON.parse(encoded.value).location).toBeNull();
  });
});

describe('decodeAlert', () => {
  const asBuffers = (e: ReturnType<typeof encodeAlert>) => ({
    key: Buffer.from(e.key),
    value: Buffer.from(e.value),
    headers: Object.fromEntries(Object.entries(e.headers).map(([k, v]) => [k, Buffer.from(v)])),
  });

  it('round-trips a row through the wire format without loss', () => {
    // Prepare
    const received = asBuffers(encodeAlert(row, 'sensor_readings'));

    // Act
    const message = decodeAlert(received);

    // Assess
    expect(message).toEqual(toAlertMessage(row, 'sensor_readings'));
    expect(alertRowOf(message)).toEqual(row);
  });

  it('accepts a message without headers or key', () => {
    const e = encodeAlert(row, 'sensor_readings');
    expect(decodeAlert({ value: e.value }).alert_id).toBe('sensor_readings:4:9007199254740993');
  });

  it.each([
    ['a null value', { value: null }],
    ['a value that is not JSON', { value: '{' }],
    ['a missing field', { value: JSON.stringify({ alert_id: 'x' }) }],
  ])('rejects %s', (_name, received) => {
    expect(() => decodeAlert(received)).toThrow(AlertMessageError);
  });

  const valueWith = (patch: Record<string, unknown>) =>
    JSON.stringify({ ...toAlertMessage(row, 'sensor_readings'), ...patch });

  it.each([
    ['an unknown severity', { alert_type: 'LOW' }],
    ['a millisecond timestamp', { reading_timestamp: '2026-11-26T17:41:42.123Z' }],
    ['an impossible date', { reading_timestamp: '2026-02-30T17:41:42.123456Z' }],
    ['a numeric offset', { source_offset: 5 }],
    ['a negative partition', { source_partition: -1 }],
    ['an alert id that is not the lineage', { alert_id: 'sensor_readings:4:1' }],
  ])('rejects %s', (_name, patch) => {
    expect(() => decodeAlert({ value: valueWith(patch) })).toThrow(AlertMessageError);
  });

  it.each([
    [ALERT_HEADERS.alertId, 'sensor_readings:4:1'],
    [ALERT_HEADERS.sourceTopic, 'other'],
    [ALERT_HEADERS.sourcePartition, '5'],
    [ALERT_HEADERS.sourceOffset, '1'],
  ])('rejects a %s header that disagrees with the value', (name, value) => {
    const e = encodeAlert(row, 'sensor_readings');
    expect(() => decodeAlert({ ...e, headers: { ...e.headers, [name]: value } })).toThrow(
      `header ${name}=${value}`,
    );
  });

  it('rejects a key that is not the sensor id', () => {
    const e = encodeAlert(row, 'sensor_readings');
    expect(() => decodeAlert({ ...e, key: 'sensor_8' })).toThrow('is not the sensor id');
  });
});

describe('dedupeByAlertId', () => {
  it('keeps the first of each alert id, in order', () => {
    // Prepare: a batch of three alerts delivered twice, interleaved with a fourth
    const ids = ['t:0:1', 't:0:2', 't:1:1', 't:0:1', 't:0:2', 't:0:3', 't:1:1'];
    const messages = ids.map((alert_id, i) => ({ alert_id, i }));

    // Act
    const unique = dedupeByAlertId(messages);

    // Assess
    expect(unique.map((m) => [m.alert_id, m.i])).toEqual([
      ['t:0:1', 0],
      ['t:0:2', 1],
      ['t:1:1', 2],
      ['t:0:3', 5],
    ]);
  });

  it('builds the id from the lineage', () => {
    expect(alertIdOf('sensor_readings', 0, 12n)).toBe('sensor_readings:0:12');
  });
});
