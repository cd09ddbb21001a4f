import type { BoundPartitionField } from '../spec/partition-spec';
import { avroMap, avroPrimitive, optional } from './iceberg-avro-schema';

/** The manifest_entry Avro schema (format v2) for a partition type, with the spec's field ids. */
export function manifestEntrySchema(partition: BoundPartitionField[]): Record<string, unknown> {
  const partitionRecord = {
    type: 'record',
    name: 'r102',
    fields: partition.map((f) => ({
      name: f.name,
      type: optional(avroPrimitive(f.resultType)),
      default: null,
      'field-id': f['field-id'],
    })),
  };
  const longMap = (field: number, keyId: number, valueId: number, name: string) => ({
    name,
    type: optional(avroMap(keyId, valueId, 'int', 'long')),
    default: null,
    'field-id': field,
  });
  const bytesMap = (field: number, keyId: number, valueId: number, name: string) => ({
    name,
    type: optional(avroMap(keyId, valueId, 'int', 'bytes')),
    default: null,
    'field-id': field,
  });
  const dataFile = {
    type: 'record',
    name: 'r2',
    fields: [
      { name: 'content', type: 'int', 'field-id': 134 },
      { name: 'file_path', type: 'string', 'field-id': 100 },
      { name: 'file_format', type: 'string', 'field-id': 101 },
      { name: 'partition', type: partitionRecord, 'field-id': 102 },
      { name: 'record_count', type: 'long', 'field-id': 103 },
      { name: 'file_size_in_bytes', type: 'long', 'field-id': 104 },
      longMap(108, 117, 118, 'column_sizes'),
      longMap(109, 119, 120, 'value_counts'),
      longMap(110, 121, 122, 'null_value_counts'),
      longMap(137, 138, 139, 'nan_value_counts'),
      bytesMap(125, 126, 127, 'lower_bounds'),
      bytesMap(128, 129, 130, 'upper_bounds'),
      { name: 'key_metadata', type: optional('bytes'), default: null, 'field-id': 131 },
      {
        name: 'split_offsets',
        type: optional({ type: 'array', items: 'long', 'element-id': 133 }),
        default: null,
        'field-id': 132,
      },
      {
        name: 'equality_ids',
        type: optional({ type: 'array', items: 'int', 'element-id': 136 }),
        default: null,
        'field-id': 135,
      },
      { name: 'sort_order_id', type: optional('int'), default: null, 'field-id': 140 },
    ],
  };
  return {
    type: 'record',
    name: 'manifest_entry',
    fields: [
      { name: 'status', type: 'int', 'field-id': 0 },
      { name: 'snapshot_id', type: optional('long'), default: null, 'field-id': 1 },
      { name: 'sequence_number', type: optional('long'), default: null, 'field-id': 3 },
      { name: 'file_sequence_number', type: optional('long'), default: null, 'field-id': 4 },
      { name: 'data_file', type: dataFile, 'field-id': 2 },
    ],
  };
}

/** The manifest_file Avro schema (format v2) of manifest lists. */
export function manifestFileSchema(): Record<string, unknown> {
  const fieldSummary = {
    type: 'record',
    name: 'r508',
    fields: [
      { name: 'contains_null', type: 'boolean', 'field-id': 509 },
      { name: 'contains_nan', type: optional('boolean'), default: null, 'field-id': 518 },
      { name: 'lower_bound', type: optional('bytes'), default: null, 'field-id': 510 },
      { name: 'upper_bound', type: optional('bytes'), default: null, 'field-id': 511 },
    ],
  };
  return {
    type: 'record',
    name: 'manifest_file',
    fields: [
      { name: 'manifest_path', type: 'string', 'field-id': 500 },
      { name: 'manifest_length', type: 'long', 'field-id': 501 },
      { name: 'partition_spec_id', type: 'int', 'field-id': 502 },
      { name: 'content', type: 'int', 'field-id': 517 },
      { name: 'sequence_number', type: 'long', 'field-id': 515 },
      { name: 'min_sequence_number', type: 'long', 'field-id': 516 },
      { name: 'added_snapshot_id', type: 'long', 'field-id': 503 },
      { name: 'added_files_count', type: 'int', 'field-id': 504 },
      { name: 'existing_files_count', type: 'int', 'field-id': 505 },
      { name: 'deleted_files_count', type: 'int', 'field-id': 506 },
      { name: 'added_rows_count', type: 'long', 'field-id': 512 },
      { name: 'existing_rows_count', type: 'long', 'field-id': 513 },
      { name: 'deleted_rows_count', type: 'long', 'field-id': 514 },
      {
        name: 'partitions',
        type: optional({ type: 'array', items: fieldSummary, 'element-id': 508 }),
        default: null,
        'field-id': 507,
      },
      { name: 'key_metadata', type: optional('bytes'), default: null, 'field-id': 519 },
    ],
  };
}
