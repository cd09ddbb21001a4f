import type { SensorAlertRow } from '../../../lib/alerts/classify';
import type { PlannedBatch } from '../../../lib/group-commit';
import type { StagedBatch } from '../../../lib/group-commit/staged-batch';

export const TOPIC = 'sensor_readings';
export const GROUP = 'classifier';

/** An alert row at a partition and offset; every other offset is CRITICAL. */
export function alertRow(partition: number, offset: number): SensorAlertRow {
  return {
    sensor_id: `sensor_${offset % 3}`,
    temperature: 90 + (offset % 5),
    alert_type: offset % 2 ? 'HIGH' : 'CRITICAL',
    reading_timestamp: 1_764_179_000_000_000n + BigInt(offset) * 1_000_000n,
    processing_timestamp: 1_764_179_100_000_000n,
    location: 'zone_1',
    source_partition: partition,
    source_offset: BigInt(offset),
  };
}

/**
 * A staged batch of `first..last` whose alerts are the offsets listed (default: every offset).
 */
export function staged(
  partition: number,
  first: number,
  last: number,
  alerts?: number[],
  replay = false,
): StagedBatch {
  const offsets = alerts ?? Array.from({ length: last - first + 1 }, (_, i) => first + i);
  return {
    topic: TOPIC,
    partition,
    firstOffset: BigInt(first),
    lastOffset: BigInt(last),
    consumerGroup: GROUP,
    stagedAtMs: 1_000,
    counts: {
      records: last - first + 1,
      alerts: offsets.length,
      belowThreshold: last - first + 1 - offsets.length,
      rejected: 0,
    },
    ...(replay ? { replay: { source: 'test' } } : {}),
    rows: offsets.map((o) => alertRow(partition, o)),
  };
}

let n = 0;
export function planned(batch: StagedBatch): PlannedBatch {
  return { key: `k${n++}`, batch };
}
