import { ValidationError } from '../errors';
import type { DataFile, ManifestEntry } from '../spec/data-file';
import type { BoundPartitionField, PartitionSpec } from '../spec/partition-spec';
import type { Schema, Value } from '../spec/schema';
import { avroType, decodeBlock, encodeRecords } from './avro-type';
import { fromBuffer, toBuffer } from './bytes';
import { readContainer, writeContainer } from './container';
import { stringifyJson } from './json';
import { manifestEntrySchema } from './manifest-schema';

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

function dataFileRecord(file: DataFile, partition: BoundPartitionField[]): Record<string, unknown> {
  const partitionRecord: Record<string, Value> = {};
  partition.forEach((field, i) => {
    partitionRecord[field.name] = file.partition[i] ?? null;
  });
  const bounds = (map: Map<number, Uint8Array> | undefined) =>
    toPairs(map)?.map(({ key, value }) => ({ key, value: toBuffer(value) })) ?? null;
  return {
    content: file.content,
    file_path: file.filePath,
    file_format: file.fileFormat,
    partition: partitionRecord,
    record_count: file.recordCount,
    file_size_in_bytes: file.fileSizeInBytes,
    column_sizes: toPairs(file.columnSizes),
    value_counts: toPairs(file.valueCounts),
    null_value_counts: toPairs(file.nullValueCounts),
    nan_value_counts: toPairs(file.nanValueCounts),
    lower_bounds: bounds(file.lowerBounds),
    upper_bounds: bounds(file.upperBounds),
    key_metadata: null,
    split_offsets: file.splitOffsets ?? null,
    equality_ids: null,
    sort_order_id: file.sortOrderId ?? null,
  };
}

export interface ManifestContext {
  schema: Schema;
  spec: PartitionSpec;
  partition: BoundPartitionField[];
}

/** Encodes a data manifest (format v2) with the header keys the spec requires. */
export function writeManifest(entries: ManifestEntry[], ctx: ManifestContext): Uint8Array {
  const schema = manifestEntrySchema(ctx.partition);
  const type = avroType(schema);
  const records = entries.map((entry) => ({
    status: entry.status,
    snapshot_id: entry.snapshotId,
    sequence_number: entry.sequenceNumber,
    file_sequence_number: entry.fileSequenceNumber,
    data_file: dataFileRecord(entry.dataFile, ctx.partition),
  }));
  return writeContainer({
    schemaJson: JSON.stringify(schema),
    metadata: {
      schema: stringifyJson(ctx.schema),
      'schema-id': String(ctx.schema['schema-id']),
      'partition-spec': stringifyJson(ctx.spec.fields),
      'partition-spec-id': String(ctx.spec['spec-id']),
      'format-version': '2',
      content: 'data',
    },
    records: encodeRecords(type, records),
  });
}

export interface ReadManifest {
  metadata: Record<string, string>;
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
    sort_order_id?: number | null;
  };
}

/** Decodes a manifest; partition tuples follow the spec in the manifest's header. */
export function readManifest(bytes: Uint8Array): ReadManifest {
  const { metadata, schemaJson, blocks } = readContainer(bytes);
  const type = avroType(JSON.parse(schemaJson));
  const specFields = JSON.parse(metadata['partition-spec'] ?? '[]') as { name: string }[];
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
          partition: specFields.map((f) => df.partition[f.name] ?? null),
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
          sortOrderId: df.sort_order_id ?? undefined,
        },
      });
    }
  }
  return { metadata, entries };
}
