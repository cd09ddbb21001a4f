import { describe, expect, it } from 'vitest';
import {
  daysFromCivil,
  formatTimestampMicros,
  parseTimestampMicros,
  readTimestampMicros,
} from '../../../lib/alerts/timestamp';

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

  // Date.UTC reads years 0-99 as 1900-1999, so the expectations are built with setUTCFullYear.
  const utc = (year: number, month: number, day: number, h = 0, mi = 0, s = 0) => {
    const d = new Date(0);
    d.setUTCFullYear(year, month - 1, day);
    d.setUTCHours(h, mi, s, 0);
    return BigInt(d.getTime()) * 1000n;
  };

  it.each([
    ['0001-01-01T00:00:00Z', utc(1, 1, 1)],
    ['0050-06-15T12:30:45.25', utc(50, 6, 15, 12, 30, 45) + 250_000n],
    ['0099-12-31T23:59:59Z', utc(99, 12, 31, 23, 59, 59)],
    ['0004-02-29T00:00:00Z', utc(4, 2, 29)],
    ['0100-01-01T00:00:00+01:00', utc(99, 12, 31, 23)],
    ['1600-02-29T00:00:00Z', utc(1600, 2, 29)],
    ['1969-12-31T23:59:59.999999Z', -1n],
    ['9999-12-31T23:59:59.999999Z', utc(9999, 12, 31, 23, 59, 59) + 999_999n],
  ])('reads the year of %s exactly', (text, expected) => {
    expect(parseTimestampMicros(text)).toBe(expected);
  });

  it.each([
    ['0000-06-15T12:00:00Z', 'year 0000 is outside 1-9999'],
    ['0100-02-29T00:00:00Z', 'day 29 does not exist in 0100-02'],
    ['2026-02-30T00:00:00', 'day 30 does not exist in 2026-02'],
    ['2026-13-01T00:00:00', 'month 13 does not exist'],
    ['2026-11-26T24:00:00', 'time 24:00:00 does not exist'],
    ['2026-11-26T17:41:42+25:00', 'zone +25:00 does not exist'],
    ['yesterday', 'is not an ISO-8601 timestamp (YYYY-MM-DDTHH:MM:SS)'],
  ])('gives the reason %s is refused', (text, reason) => {
    expect(readTimestampMicros(text)).toEqual({ ok: false, reason });
  });

  it('counts days like the proleptic Gregorian calendar around the epoch and far from it', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 3, 1)).toBe(11_017);
    expect(daysFromCivil(1, 1, 1)).toBe(-719_162);
  });

  it('round-trips a year below 100 through formatTimestampMicros', () => {
    const micros = parseTimestampMicros('0050-01-02T03:04:05.000006Z')!;
    expect(formatTimestampMicros(micros)).toBe('0050-01-02T03:04:05.000006Z');
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
