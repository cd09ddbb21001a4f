import { SENSOR_ALERTS_PARTITION_SPEC, SENSOR_ALERTS_SCHEMA } from '../../../../lib/alerts/table';
import type {
  DataFile,
  FileScanTask,
  LoadedTable,
  Row,
  TableMetadata,
} from '../../../../lib/iceberg';

export const LOCATION = 's3://warehouse/demo/sensor_alerts';

export function emptyTable(): LoadedTable {
  const metadata: TableMetadata = {
    'format-version': 2,
    'table-uuid': '6d6c4a2b-1f43-4f3e-9a55-3b0e3c7d2a11',
    location: LOCATION,
    'last-sequence-number': 0n,
    'last-updated-ms': 1_764_000_000_000,
    'last-column-id': 8,
    schemas: [SENSOR_ALERTS_SCHEMA],
    'current-schema-id': 0,
    'partition-specs': [SENSOR_ALERTS_PARTITION_SPEC],
    'default-spec-id': 0,
    'last-partition-id': 1000,
    properties: {},
    'current-snapshot-id': null,
    snapshots: [],
    refs: {},
  };
  return { metadataLocation: `${LOCATION}/metadata/00000.metadata.json`, metadata };
}

/** 2026-11-26T17:41:42.123456Z in microseconds. */
export const T0 = 1_795_714_902_123_456n;
const DAY = 86_400_000_000n;

export function alertRows(count: number, offsetStart = 0, dayShift = 0n): Row[] {
  return Array.from({ length: count }, (_, i) => ({
    sensor_id: `sensor_${i % 10}`,
    temperature: 80.5 + (i % 15),
    alert_type: ['CRITICAL', 'HIGH', 'MEDIUM'][i % 3]!,
    reading_timestamp: T0 + BigInt(i % 2) * DAY + dayShift * DAY + BigInt(i),
    processing_timestamp: T0 + 1_000_000n + BigInt(i),
    location: i % 4 === 0 ? null : `zone_${(i % 5) + 1}`,
    source_partition: i % 3,
    source_offset: BigInt(offsetStart + i),
  }));
}

/** A scan task for one data file with no deletes, as planScan makes for an append-only table. */
export function taskOf(file: DataFile): FileScanTask {
  return { file, dataSequenceNumber: 1n, deletes: [], spec: SENSOR_ALERTS_PARTITION_SPEC };
}
