import { describe, expect, it } from 'vitest';
import { classifyRecords } from '../../../lib/alerts/classify';

const encode = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
const record = (offset: bigint, value: Uint8Array | null) => ({
  topic: 't',
  partition: 3,
  offset,
  value,
});
const reading = (temperature: number) =>
  encode({
    sensor_id: 'sensor_1',
    temperature,
    timestamp: '2026-01-01T00:00:00Z',
    location: 'zone_1',
  });

describe('classifyRecords', () => {
  it('accounts for every record exactly once', () => {
    // Prepare
    const records = [
      record(0n, reading(95)),
      record(1n, reading(80)),
      record(2n, null),
      record(3n, reading(85.5)),
      record(4n, encode({ temperature: 99 })),
    ];

    // Act
    const result = classifyRecords(records, { processingTimestampMicros: 42n });

    // Assess
    expect(result.alerts).toEqual([
      {
        sensor_id: 'sensor_1',
        temperature: 95,
        alert_type: 'CRITICAL',
        reading_timestamp: BigInt(Date.UTC(2026, 0, 1)) * 1000n,
        processing_timestamp: 42n,
        location: 'zone_1',
        source_partition: 3,
        source_offset: 0n,
      },
      expect.objectContaining({ alert_type: 'HIGH', source_offset: 3n }),
    ]);
    expect(result.belowThreshold).toBe(1);
    expect(result.rejected.map((r) => [r.record.offset, r.reason])).toEqual([
      [2n, 'empty_value'],
      [4n, 'invalid_reading'],
    ]);
  });

  it('uses the configured thresholds', () => {
    const result = classifyRecords([record(0n, reading(60))], {
      processingTimestampMicros: 0n,
      thresholds: { threshold: 50, high: 55, critical: 70 },
    });
    expect(result.alerts.map((a) => a.alert_type)).toEqual(['HIGH']);
  });
});
