import { describe, expect, it } from 'vitest';
import { formatTimestampMicros, parseTimestampMicros } from '../../../lib/alerts/timestamp';

const base = BigInt(Date.UTC(2026, 10, 26, 17, 41, 42)) * 1000n;

describe('parseTimestampMicros', () => {
  it.each([
    ['2026-11-26T17:41:42.123456', base + 123_456n],
    ['2026-11-26T17:41:42.123456Z', base + 123_456n],
    ['2026-11-26 17:41:42.5', base + 500_000n],
    ['2026-11-26T17:41:42', base],
    ['2026-11-26T17:41:42.123456789Z', base + 123_456n],
    ['2026-11-26T19:41:42.000001+02:00', base + 1n],
    ['2026-11-26T16:41:42-0100', base],
  ])('%s', (text, expected) => {
    expect(parseTimestampMicros(text)).toBe(expected);
  });

  it.each([
    ['not a time'],
    ['2026-02-30T00:00:00'],
    ['2026-13-01T00:00:00'],
    ['2026-11-26T24:00:00'],
    ['2026-11-26'],
    ['2026-11-26T17:41:42+25:00'],
    [''],
  ])('rejects %j', (text) => {
    expect(parseTimestampMicros(text)).toBeUndefined();
  });

  it('round-trips through formatTimestampMicros', () => {
    // Prepare
    const micros = base + 123_456n;

    // Act
    const text = formatTimestampMicros(micros);

    // Assess
    expect(text).toBe('2026-11-26T17:41:42.123456Z');
    expect(parseTimestampMicros(text)).toBe(micros);
  });
});
