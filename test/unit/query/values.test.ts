import { describe, expect, it } from 'vitest';
import { QueryResultError } from '../../../functions/query/errors';
import { athenaTimestampToIso, bigintToNumber, microsToIso } from '../../../functions/query/values';

describe('microsToIso', () => {
  it.each([
    [0n, '1970-01-01T00:00:00.000000Z'],
    [1_704_103_200_123_456n, '2024-01-01T10:00:00.123456Z'],
    [-1n, '1969-12-31T23:59:59.999999Z'],
  ])('renders %s micros as %s', (micros, expected) => {
    // Act
    const iso = microsToIso(micros);

    // Assess
    expect(iso).toBe(expected);
  });
});

describe('athenaTimestampToIso', () => {
  it.each([
    ['2026-11-26 17:41:42.123456 UTC', '2026-11-26T17:41:42.123456Z'],
    ['2026-11-26 17:41:42.123', '2026-11-26T17:41:42.123000Z'],
    ['2026-11-26 17:41:42', '2026-11-26T17:41:42.000000Z'],
    ['2026-11-26 19:41:42.5 +02:00', '2026-11-26T17:41:42.500000Z'],
  ])('reads %s as %s', (text, expected) => {
    // Act
    const iso = athenaTimestampToIso(text, 'ts');

    // Assess
    expect(iso).toBe(expected);
  });

  it('rejects text that is no timestamp', () => {
    // Act / Assess
    expect(() => athenaTimestampToIso('yesterday', 'ts')).toThrow(QueryResultError);
  });
});

describe('bigintToNumber', () => {
  it('keeps safe integers exact', () => {
    // Act / Assess
    expect(bigintToNumber(9_007_199_254_740_991n, 'n')).toBe(9_007_199_254_740_991);
  });

  it('refuses integers a JSON number cannot hold exactly', () => {
    // Act / Assess
    expect(() => bigintToNumber(9_007_199_254_740_993n, 'n')).toThrow(/does not fit/);
  });
});
