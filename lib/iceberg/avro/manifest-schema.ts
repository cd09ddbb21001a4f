import type { BoundPartitionField } from '../spec/partition-spec';
import type { FormatVersion } from '../spec/table-support';
import { avroField } from './avro-names';
import { avroMap, avroPrimitive, optional } from './iceberg-avro-schema';

type Field = Record<string, unknown>;

const opt = (id: number, name: string, type: unknown): Field => ({
  name,
  type: optional(type),
  default: null,
  'field-id': id,
});

const longMap = (id: number, keyId: number, valueId: number, name: string) =>
  opt(id, name, avroMap(keyId, valueId, 'int', 'long'));
const bytesMap = (id: number, keyId: number, valueId: number, name: string) =>
  opt(id, name, avroMap(keyId, valueId, 'int', 'bytes'));

/** The partition tuple's record: spec field names made Avro-compatible, the original kept. */
export function partitionRecordSchema(partition: BoundPartitionField[]): Field {
  return {
    type: 'record',
    name: 'r102',
    fields: partition.map((f) => ({
      ...avroField(f.name),
      type: optional(avroPrimitive(f.resultType)),
      default: null,
      'field-id': f['field-id'],
    })),
  };
}

/** Java writes v1's deprecated block size as this constant; v1 readers require the field. */
export const V1_BLOCK_SIZE = 64n * 1024n * 1024n;

/**
 * The manifest_entry Avro schema of a format version for a partition type, with the spec's
 * field ids and in Iceberg Java's field order (V1Metadata, V2Metadata, V3Metadata).
 */
export function manifestEntrySchema(
  partition: BoundPartitionField[],
  version: FormatVersion,
): Field {
  const fields: Field[] = [
    ...(version >= 2 ? [{ name: 'content', type: 'int', 'field-id': 134 }] : []),
    { name: 'file_path', type: 'string', 'field-id': 100 },
    { name: 'file_format', type: 'string', 'field-id': 101 },
    { name: 'partition', type: partitionRecordSchema(partition), 'field-id': 102 },
    { name: 'record_count', type: 'long', 'field-id': 103 },
    { name: 'file_size_in_bytes', type: 'long', 'field-id': 104 },
    ...(version === 1 ? [{ name: 'block_size_in_bytes', type: 'long', 'field-id': 105 }] : []),
    longMap(108, 117, 118, 'column_sizes'),
    longMap(109, 119, 120, 'value_counts'),
    longMap(110, 121, 122, 'null_value_counts'),
    longMap(137, 138, 139, 'nan_value_counts'),
    bytesMap(125, 126, 127, 'lower_bounds'),
    bytesMap(128, 129, 130, 'upper_bounds'),
    opt(131, 'key_metadata', 'bytes'),
    opt(132, 'split_offsets', { type: 'array', items: 'long', 'element-id': 133 }),
    ...(version >= 2
      ? [opt(135, 'equality_ids', { type: 'array', items: 'int', 'element-id': 136 })]
      : []),
    opt(140, 'sort_order_id', 'int'),
    ...(version >= 3
      ? [
          opt(142, 'first_row_id', 'long'),
          opt(143, 'referenced_data_file', 'string'),
          opt(144, 'content_offset', 'long'),
          opt(145, 'content_size_in_bytes', 'long'),
        ]
      : []),
  ];
  return {
    type: 'record',
    name: 'manifest_entry',
    fields: [
      { name: 'status', type: 'int', 'field-id': 0 },
      opt(1, 'snapshot_id', 'long'),
      ...(version >= 2
        ? [opt(3, 'sequence_number', 'long'), opt(4, 'file_sequence_number', 'long')]
        : []),
      { name: 'data_file', type: { type: 'record', name: 'r2', fields }, 'field-id': 2 },
    ],
  };
}

/** The manifest_file Avro schema of manifest lists for a format version. */
export function manifestFileSchema(version: FormatVersion): Field {
  const fieldSummary = {
    type: 'record',
    name: 'r508',
    fields: [
      { name: 'contains_null', type: 'boolean', 'field-id': 509 },
      opt(518, 'contains_nan', 'boolean'),
      opt(510, 'lower_bound', 'bytes'),
      opt(511, 'upper_bound', 'bytes'),
    ],
  };
  const partitions = opt(507, 'partitions', {
    type: 'array',
    items: fieldSummary,
    'element-id': 508,
  });
  const head = [
    { name: 'manifest_path', type: 'string', 'field-id': 500 },
    { name: 'manifest_length', type: 'long', 'field-id': 501 },
    { name: 'partition_spec_id', type: 'int', 'field-id': 502 },
  ];
  if (version === 1) {
    return {
      type: 'record',
      name: 'manifest_file',
      fields: [
        ...head,
        { name: 'added_snapshot_id', type: 'long', 'field-id': 503 },
        opt(504, 'added_files_count', 'int'),
        opt(505, 'existing_files_count', 'int'),
        opt(506, 'deleted_files_count', 'int'),
        partitions,
        opt(512, 'added_rows_count', 'long'),
        opt(513, 'existing_rows_count', 'long'),
        opt(514, 'deleted_rows_count', 'long'),
        opt(519, 'key_metadata', 'bytes'),
      ],
    };
  }
  return {
    type: 'record',
    name: 'manifest_file',
    fields: [
      ...head,
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
      partitions,
      opt(519, 'key_metadata', 'bytes'),
      ...(version >= 3 ? [opt(520, 'first_row_id', 'long')] : []),
    ],
  };
}
