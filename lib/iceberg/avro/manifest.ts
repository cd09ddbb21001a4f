import { ValidationError } from '../errors';
import type { DataFile, ManifestEntry } from '../spec/data-file';
import type { BoundPartitionField, PartitionSpec } from '../spec/partition-spec';
import type { Schema, Value } from '../spec/schema';
import type { FormatVersion } from '../spec/table-support';
import { stringifyJson } from '../util/json';
import { avscName } from './avro-names';
import { avroType, decodeBlock, encodeRecords } from './avro-type';
import { fromBuffer, toBuffer } from './bytes';
import { readContainer, writeContainer } from './container';
import { manifestEntrySchema, partitionRecordSchema, V1_BLOCK_SIZE } from './manifest-schema';

interface KeyValue<V> {
  key: number;
  value: V;
}

function toPairs<V>(map: Map<number, V> | undefined): KeyValue<V>[] | null {
  return map ? [...map].map(([key, value]) => ({ key, value })) : null;
}

function fromPairs<V, T = V>(
  pairs: KeyValue<V>[] | null | undefined,
  convert: (v: V) => T = (v) => v as unknown as T,
): Map<number, T> | undefined {
  return pairs ? new Map(pairs.map((p) => [p.key, convert(p.value)])) : undefined;
}

function dataFileRecord(
  file: DataFile,
  partition: BoundPartitionField[],
  version: FormatVersion,
): Record<string, unknown> {
  // Keys as the codec names the fields of the partition record (see avscName).
  const fieldNames = (partitionRecordSchema(partition).fields as { name: string }[]).map((f) =>
    avscName(f.name),
  );
  const partitionRecord: Record<string, Value> = {};
  partition.forEach((_field, i) => {
    partitionRecord[fieldNames[i]!] = file.partition[i] ?? null;
  });
  const bounds = (map: Map<number, Uint8Array> | undefined) =>
    toPairs(map)?.map(({ key, value }) => ({ key, value: toBuffer(value) })) ?? null;
  return {
    ...(version >= 2 ? { content: file.content } : {}),
    file_path: file.filePath,
    file_format: file.fileFormat,
    partition: partitionRecord,
    record_count: file.recordCount,
    file_size_in_bytes: file.fileSizeInBytes,
    ...(version === 1 ? { block_size_in_bytes: V1_BLOCK_SIZE } : {}),
    column_sizes: toPairs(file.columnSizes),
    value_counts: toPairs(file.valueCounts),
    null_value_counts: toPairs(file.nullValueCounts),
    nan_value_counts: toPairs(file.nanValueCounts),
    lower_bounds: bounds(file.lowerBounds),
    upper_bounds: bounds(file.upperBounds),
    key_metadata: null,
    split_offsets: file.splitOffsets ?? null,
    ...(version >= 2 ? { equality_ids: file.equalityIds ?? null } : {}),
    sort_order_id: file.sortOrderId ?? null,
    ...(version >= 3
      ? {
          first_row_id: file.firstRowId ?? null,
          referenced_data_file: file.referencedDataFile ?? null,
          content_offset: file.contentOffset ?? null,
          content_size_in_bytes: file.contentSizeInBytes ?? null,
        }
      : {}),
  };
}

export interface ManifestContext {
  schema: Schema;
  spec: PartitionSpec;
  partition: BoundPartitionField[];
  formatVersion: FormatVersion;
  /** Default `data`; a delete manifest lists position or equality delete files. */
  content?: 'data' | 'deletes';
}

/** Encodes a manifest of the table's format version with the header keys the spec requires. */
export function writeManifest(entries: ManifestEntry[], ctx: ManifestContext): Uint8Array {
  const version = ctx.formatVersion;
  const content = ctx.content ?? 'data';
  if (version === 1 && content !== 'data') {
    throw new ValidationError('format v1 tables have no delete files');
  }
  const schema = manifestEntrySchema(ctx.partition, version);
  const type = avroType(schema);
  const records = entries.map((entry) => ({
    status: entry.status,
    snapshot_id: entry.snapshotId,
    ...(version >= 2
      ? { sequence_number: entry.sequenceNumber, file_sequence_number: entry.fileSequenceNumber }
      : {}),
    data_file: dataFileRecord(entry.dataFile, ctx.partition, version),
  }));
  return writeContainer({
    schemaJson: JSON.stringify(schema),
    metadata: {
      schema: stringifyJson(ctx.schema),
      'schema-id': String(ctx.schema['schema-id']),
      'partition-spec': stringifyJson(ctx.spec.fields),
      'partition-spec-id': String(ctx.spec['spec-id']),
      'format-version': String(version),
      ...(version >= 2 ? { content } : {}),
    },
    records: encodeRecords(type, records),
  });
}

export interface ReadManifest {
  metadata: Record<string, string>;
  /** `data` or `deletes`, from the header (v1 manifests are data manifests). */
  content: 'data' | 'deletes';
  entries: ManifestEntry[];
}

interface RawEntry {
  status: number;
  snapshot_id?: bigint | null;
  sequence_number?: bigint | null;
  file_sequence_number?: bigint | null;
  data_file: {
    content?: number;
    file_path: string;
    file_format: string;
    partition: Record<string, Value>;
    record_count: bigint;
    file_size_in_bytes: bigint;
    column_sizes?: KeyValue<bigint>[] | null;
    value_counts?: KeyValue<bigint>[] | null;
    null_value_counts?: KeyValue<bigint>[] | null;
    nan_value_counts?: KeyValue<bigint>[] | null;
    lower_bounds?: KeyValue<Buffer>[] | null;
    upper_bounds?: KeyValue<Buffer>[] | null;
    split_offsets?: bigint[] | null;
    equality_ids?: number[] | null;
    sort_order_id?: number | null;
    first_row_id?: bigint | null;
    referenced_data_file?: string | null;
    content_offset?: bigint | null;
    content_size_in_bytes?: bigint | null;
  };
}

interface AvroRecordSchema {
  fields?: { name: string; type: unknown; 'field-id'?: number }[];
}

/**
 * For each partition field of the spec in the header, the key its value has in decoded records.
 * Fields are matched by field id, so names a writer had to make Avro-compatible (Java writes
 * `_x2D` for `-`, say) still find their value; by name where a writer left the ids out.
 */
function partitionKeys(schemaJson: string, specFields: { name: string; 'field-id'?: number }[]) {
  const entry = JSON.parse(schemaJson) as AvroRecordSchema;
  const dataFile = entry.fields?.find((f) => f.name === 'data_file')?.type as AvroRecordSchema;
  const partition = dataFile?.fields?.find((f) => f.name === 'partition')?.type as
    | AvroRecordSchema
    | undefined;
  const avroFields = partition?.fields ?? [];
  return specFields.map((specField, i) => {
    const byId = avroFields.find((f) => f['field-id'] === specField['field-id']);
    const field = byId ?? avroFields[i];
    return avscName(field?.name ?? specField.name);
  });
}

/** `{ [key]: value }` when the field was written, `{}` for null or absent. */
function optional<K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } {
  return (value === null || value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Decodes a manifest of any format version; partition tuples follow the spec in its header. */
export function readManifest(bytes: Uint8Array): ReadManifest {
  const { metadata, schemaJson, blocks } = readContainer(bytes);
  const type = avroType(JSON.parse(schemaJson));
  const specFields = JSON.parse(metadata['partition-spec'] ?? '[]') as {
    name: string;
    'field-id'?: number;
  }[];
  const keys = partitionKeys(schemaJson, specFields);
  const specId = Number(metadata['partition-spec-id'] ?? 0);
  const entries: ManifestEntry[] = [];
  for (const block of blocks) {
    for (const raw of decodeBlock(type, block.data, block.count) as RawEntry[]) {
      const df = raw.data_file;
      if (!df) throw new ValidationError('manifest entry has no data_file');
      entries.push({
        status: raw.status,
        snapshotId: raw.snapshot_id ?? null,
        sequenceNumber: raw.sequence_number ?? null,
        fileSequenceNumber: raw.file_sequence_number ?? null,
        dataFile: {
          content: (df.content ?? 0) as DataFile['content'],
          filePath: df.file_path,
          fileFormat: df.file_format.toUpperCase() as DataFile['fileFormat'],
          partition: keys.map((key) => df.partition[key] ?? null),
          specId,
          recordCount: df.record_count,
          fileSizeInBytes: df.file_size_in_bytes,
          columnSizes: fromPairs(df.column_sizes),
          valueCounts: fromPairs(df.value_counts),
          nullValueCounts: fromPairs(df.null_value_counts),
          nanValueCounts: fromPairs(df.nan_value_counts),
          lowerBounds: fromPairs(df.lower_bounds, fromBuffer),
          upperBounds: fromPairs(df.upper_bounds, fromBuffer),
          splitOffsets: df.split_offsets ?? undefined,
          ...optional('equalityIds', df.equality_ids),
          sortOrderId: df.sort_order_id ?? undefined,
          ...optional('firstRowId', df.first_row_id),
          ...optional('referencedDataFile', df.referenced_data_file),
          ...optional('contentOffset', df.content_offset),
          ...optional('contentSizeInBytes', df.content_size_in_bytes),
        },
      });
    }
  }
  return { metadata, content: metadata.content === 'deletes' ? 'deletes' : 'data', entries };
}
