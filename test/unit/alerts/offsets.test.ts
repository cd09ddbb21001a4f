import { describe, expect, it } from 'vitest';
import { OffsetsSummaryError } from '../../../lib/alerts/errors';
import {
  formatOffsetsSummary,
  isCommitted,
  mergeOffsets,
  offsetsSummaryKey,
  parseOffsetsSummary,
} from '../../../lib/alerts/offsets';

describe('committed offsets summary', () => {
  it('names the key after topic and group', () => {
    expect(offsetsSummaryKey('sensor_readings', 'classifier')).toBe(
      'sensor-alerts.offsets.sensor_readings.classifier',
    );
  });

  it('round-trips a map, sorted by partition', () => {
    // Prepare
    const offsets = { 2: 10n, 0: 41n, 1: 9_007_199_254_740_993n };

    // Act
    const text = formatOffsetsSummary(offsets);

    // Assess
    expect(text).toBe('{"0":41,"1":"9007199254740993","2":10}');
    expect(parseOffsetsSummary(text)).toEqual(offsets);
  });

  it('reads a missing property as no commits', () => {
    expect(parseOffsetsSummary(undefined)).toEqual({});
  });

  it.each([['not json'], ['[1]'], ['{"a":1}'], ['{"0":1.5}'], ['{"0":true}']])(
    'rejects %s',
    (text) => {
      expect(() => parseOffsetsSummary(text)).toThrow(OffsetsSummaryError);
    },
  );

  it('merges by keeping the larger offset per partition', () => {
    expect(mergeOffsets({ 0: 5n, 1: 9n }, { 1: 7n, 2: 3n })).toEqual({ 0: 5n, 1: 9n, 2: 3n });
  });

  it.each([
    [0, 4n, true],
    [0, 5n, true],
    [0, 6n, false],
    [1, 0n, false],
  ])('partition %d offset %d committed: %s', (partition, offset, expected) => {
    expect(isCommitted({ 0: 5n }, partition, offset)).toBe(expected);
  });
});
