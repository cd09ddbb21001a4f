import { describe, expect, it } from 'vitest';
import { SENSOR_ALERTS_PARTITION_SPEC, SENSOR_ALERTS_SCHEMA } from '../../../lib/alerts/table';
import {
  applyTransform,
  bindPartitionSpec,
  type PrimitiveType,
  partitionPath,
  type Transform,
  transformToHumanString,
  type Value,
} from '../../../lib/iceberg';
import { murmur3x86_32 } from '../../../lib/iceberg/spec/murmur3';
import { toSingleValueBytes } from '../../../lib/iceberg/spec/single-value';

// 2017-11-16T22:31:08Z, the instant the spec's hash examples use
const TS = 1_510_871_468_000_000n;

describe('bucket hash (spec appendix B examples)', () => {
  it.each<[string, Uint8Array, number]>([
    ['int 34 (hashed as long)', toSingleValueBytes('long', 34n), 2017239379],
    ['date 2017-11-16', toSingleValueBytes('long', 17486n), -653330422],
    ['timestamp 2017-11-16T22:31:08', toSingleValueBytes('long', TS), -2047944441],
    ['string iceberg', toSingleValueBytes('string', 'iceberg'), 1210000089],
  ])('hashes %s', (_name, bytes, expected) => {
    // Act / Assess
    expect(murmur3x86_32(bytes)).toBe(expected);
  });
});

describe('partition transforms', () => {
  it.each<[Transform, PrimitiveType, Value, Value]>([
    ['identity', 'string', 'zone_1', 'zone_1'],
    ['day', 'timestamptz', TS, 17486],
    ['day', 'timestamptz', -1n, -1],
    ['day', 'date', 17486, 17486],
    ['hour', 'timestamptz', TS, 17486 * 24 + 22],
    ['hour', 'timestamptz', -1n, -1],
    ['month', 'timestamptz', TS, 47 * 12 + 10],
    ['month', 'date', -1, -1],
    ['year', 'timestamptz', TS, 47],
    ['year', 'date', -1, -1],
    ['bucket[16]', 'int', 34, 2017239379 % 16],
    ['bucket[100]', 'string', 'iceberg', 1210000089 % 100],
    ['truncate[10]', 'int', -1, -10],
    ['truncate[10]', 'long', 25n, 20n],
    ['truncate[3]', 'string', 'iceberg', 'ice'],
    ['void', 'string', 'x', null],
    ['day', 'timestamptz', null, null],
  ])('%s of %s %s is %s', (transform, type, value, expected) => {
    // Act / Assess
    expect(applyTransform(transform, type, value)).toBe(expected);
  });

  it.each<[Transform, Value, string]>([
    ['day', 17486, '2017-11-16'],
    ['day', -1, '1969-12-31'],
    ['hour', 17486 * 24 + 22, '2017-11-16-22'],
    ['month', 47 * 12 + 10, '2017-11'],
    ['year', 47, '2017'],
    ['identity', 'a b', 'a b'],
    ['day', null, 'null'],
  ])('renders %s value %s as %s', (transform, value, expected) => {
    // Act / Assess
    expect(transformToHumanString(transform, value)).toBe(expected);
  });

  it('builds the sensor_alerts partition path from the reading day', () => {
    // Prepare
    const bound = bindPartitionSpec(SENSOR_ALERTS_PARTITION_SPEC, SENSOR_ALERTS_SCHEMA);

    // Act
    const path = partitionPath(bound, [17486]);

    // Assess
    expect(path).toBe('reading_timestamp_day=2017-11-16');
    expect(bound[0]!.resultType).toBe('date');
  });
});
