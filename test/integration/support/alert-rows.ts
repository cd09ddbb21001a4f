import type { Row } from '../../../lib/iceberg';

const DAY = 86_400_000_000n;
/** 2026-11-26T17:41:42.123456Z in microseconds. */
const T0 = 1_795_714_902_123_456n;

/** `count` sensor_alerts rows with offsets from `offsetStart`, spread over `days` day partitions. */
export function alertBatch(offsetStart: number, count: number, days = 3): Row[] {
  return Array.from({ length: count }, (_, i) => {
    const offset = offsetStart + i;
    return {
      sensor_id: `sensor_${offset % 10}`,
      temperature: Math.round((80.01 + ((offset * 37) % 1500) / 100) * 100) / 100,
      alert_type: ['CRITICAL', 'HIGH', 'MEDIUM'][offset % 3]!,
      reading_timestamp: T0 + BigInt(offset % days) * DAY + BigInt(offset * 7),
      processing_timestamp: T0 + 2n * DAY + BigInt(offset),
      location: offset % 6 === 0 ? null : `zone_${(offset % 5) + 1}`,
      source_partition: offset % 3,
      source_offset: BigInt(offset),
    };
  });
}

export type Printed = Record<string, string | number | boolean | null>;

/** A row as the PyIceberg helper prints it: 64-bit values and timestamps as decimal strings. */
export function asPrinted(row: Row): Printed {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v]),
  );
}

export const byOffset = (a: Printed, b: Printed) =>
  Number(BigInt(a.source_offset as string) - BigInt(b.source_offset as string));
