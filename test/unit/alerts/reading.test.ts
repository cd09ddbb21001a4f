import { describe, expect, it } from 'vitest';
import { parseReading } from '../../../lib/alerts/reading';

const bytes = (text: string) => new TextEncoder().encode(text);
const good = {
  sensor_id: 'sensor_7',
  temperature: 91.37,
  timestamp: '2026-11-26T17:41:42.123456',
  location: 'zone_3',
};

describe('parseReading', () => {
  it('accepts a reading and resolves its timestamp as UTC', () => {
    // Act
    const parsed = parseReading(bytes(JSON.stringify(good)));

    // Assess
    expect(parsed).toEqual({
      ok: true,
      reading: {
        sensorId: 'sensor_7',
        temperature: 91.37,
        readingTimestampMicros: BigInt(Date.UTC(2026, 10, 26, 17, 41, 42)) * 1000n + 123_456n,
        location: 'zone_3',
      },
    });
  });

  it('accepts a reading without location and with unknown extra fields', () => {
    const { location: _, ...rest } = good;
    const parsed = parseReading(bytes(JSON.stringify({ ...rest, firmware: '1.2' })));
    expect(parsed.ok && parsed.reading.location).toBeNull();
  });

  it.each([
    ['no value', null, 'empty_value'],
    ['empty value', new Uint8Array(0), 'empty_value'],
    ['invalid UTF-8', Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]), 'not_utf8'],
    ['bad JSON', bytes('{"sensor_id": '), 'invalid_json'],
    ['JSON array', bytes('[1,2]'), 'invalid_reading'],
    ['empty sensor_id', bytes(JSON.stringify({ ...good, sensor_id: '' })), 'invalid_reading'],
    [
      'sensor_id of 257 chars',
      bytes(JSON.stringify({ ...good, sensor_id: 's'.repeat(257) })),
      'invalid_reading',
    ],
    ['numeric sensor_id', bytes(JSON.stringify({ ...good, sensor_id: 7 })), 'invalid_reading'],
    [
      'temperature as string',
      bytes(JSON.stringify({ ...good, temperature: '91.3' })),
      'invalid_reading',
    ],
    [
      'temperature 1e999 (Infinity)',
      bytes(JSON.stringify(good).replace('91.37', '1e999')),
      'invalid_reading',
    ],
    [
      'missing temperature',
      bytes(JSON.stringify({ ...good, temperature: undefined })),
      'invalid_reading',
    ],
    [
      'bad timestamp',
      bytes(JSON.stringify({ ...good, timestamp: 'yesterday' })),
      'invalid_reading',
    ],
    [
      'impossible date',
      bytes(JSON.stringify({ ...good, timestamp: '2026-02-30T00:00:00' })),
      'invalid_reading',
    ],
    [
      'location too long',
      bytes(JSON.stringify({ ...good, location: 'z'.repeat(257) })),
      'invalid_reading',
    ],
    ['oversized value', bytes(JSON.stringify({ ...good, pad: 'x'.repeat(70_000) })), 'oversized'],
  ])('rejects %s as %s', (_name, value, reason) => {
    // Act
    const parsed = parseReading(value);

    // Assess
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toBe(reason);
  });

  it('stores a year below 100 as that year, not 1900 years later', () => {
    // Act
    const parsed = parseReading(
      bytes(JSON.stringify({ ...good, timestamp: '0050-03-01T00:00:00Z' })),
    );

    // Assess
    const d = new Date(0);
    d.setUTCFullYear(50, 2, 1);
    expect(parsed.ok && parsed.reading.readingTimestampMicros).toBe(BigInt(d.getTime()) * 1000n);
  });

  it.each([
    ['year 0000', '0000-03-01T00:00:00Z', 'timestamp: year 0000 is outside 1-9999'],
    ['29 February 0100', '0100-02-29T00:00:00Z', 'timestamp: day 29 does not exist in 0100-02'],
  ])('rejects %s with the reason', (_name, timestamp, detail) => {
    const parsed = parseReading(bytes(JSON.stringify({ ...good, timestamp })));
    expect(parsed).toEqual({ ok: false, reason: 'invalid_reading', detail });
  });

  it.each([
    [
      'sensor_id',
      '{"sensor_id":"s\\ud800x","temperature":91,"timestamp":"2026-11-26T00:00:00"}',
      'sensor_id: lone surrogate \\ud800 at index 1',
    ],
    [
      'location',
      '{"sensor_id":"s","temperature":91,"timestamp":"2026-11-26T00:00:00","location":"\\udfff"}',
      'location: lone surrogate \\udfff at index 0',
    ],
    [
      'an unknown field',
      '{"sensor_id":"s","temperature":91,"timestamp":"2026-11-26T00:00:00","x":["ok","a\\udbff"]}',
      'x[1]: lone surrogate \\udbff at index 1',
    ],
    [
      'a key',
      '{"sensor_id":"s","temperature":91,"timestamp":"2026-11-26T00:00:00","\\ud83d":1}',
      '(root) key: lone surrogate \\ud83d at index 0',
    ],
    [
      'a reversed pair',
      '{"sensor_id":"\\ude00\\ud83d","temperature":91,"timestamp":"2026-11-26T00:00:00"}',
      'sensor_id: lone surrogate \\ude00 at index 0',
    ],
  ])('rejects a JSON-escaped lone surrogate in %s as invalid text', (_name, json, detail) => {
    // Act
    const parsed = parseReading(bytes(json));

    // Assess
    expect(parsed).toEqual({
      ok: false,
      reason: 'invalid_text',
      detail: `${detail} is not valid Unicode text`,
    });
  });

  it('accepts an escaped surrogate pair (a valid character) and keeps it', () => {
    const json =
      '{"sensor_id":"s\\ud83d\\ude00","temperature":91,"timestamp":"2026-11-26T00:00:00"}';
    const parsed = parseReading(bytes(json));
    expect(parsed.ok && parsed.reading.sensorId).toBe('s\u{1F600}');
  });

  it('honours a smaller size limit', () => {
    const parsed = parseReading(bytes(JSON.stringify(good)), 50);
    expect(!parsed.ok && parsed.reason).toBe('oversized');
  });
});
