import type { PartitionSpec, Schema, TableIdentifier } from '../iceberg';

/** The `sensor_alerts` table: one row per reading above the alert threshold. */
export const SENSOR_ALERTS_SCHEMA: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'sensor_id', required: true, type: 'string' },
    { id: 2, name: 'temperature', required: true, type: 'double' },
    { id: 3, name: 'alert_type', required: true, type: 'string', doc: 'CRITICAL, HIGH or MEDIUM' },
    { id: 4, name: 'reading_timestamp', required: true, type: 'timestamptz' },
    { id: 5, name: 'processing_timestamp', required: true, type: 'timestamptz' },
    { id: 6, name: 'location', required: false, type: 'string' },
    { id: 7, name: 'source_partition', required: true, type: 'int', doc: 'Kafka partition' },
    { id: 8, name: 'source_offset', required: true, type: 'long', doc: 'Kafka offset' },
  ],
};

export const SENSOR_ALERTS_PARTITION_SPEC: PartitionSpec = {
  'spec-id': 0,
  fields: [{ 'source-id': 4, 'field-id': 1000, name: 'reading_timestamp_day', transform: 'day' }],
};

export function sensorAlertsIdentifier(
  namespace = 'demo',
  name = 'sensor_alerts',
): TableIdentifier {
  return { namespace: [namespace], name };
}
