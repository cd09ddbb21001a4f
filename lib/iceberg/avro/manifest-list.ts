import { ValidationError } from '../errors';
import { ManifestContent, type ManifestFile } from '../spec/manifest-file';
import type { FormatVersion } from '../spec/table-support';
import { avroType, decodeBlock, encodeRecords } from './avro-type';
import { fromBufferOrNull, toBufferOrNull } from './bytes';
import { readContainer, writeContainer } from './container';
import { manifestFileSchema } from './manifest-schema';

export interface ManifestListContext {
  snapshotId: bigint;
  parentSnapshotId: bigint | undefined;
  sequenceNumber: bigint;
  formatVersion: FormatVersion;
  /** v3: the snapshot's first-row-id, written to the header as Java does. */
  firstRowId?: bigint;
}

/** Encodes a manifest list of the table's format version with the header keys the spec requires. */
export function writeManifestList(manifests: ManifestFile[], ctx: ManifestListContext): Uint8Array {
  const version = ctx.formatVersion;
  if (version === 1 && manifests.some((m) => m.content !== ManifestContent.Data)) {
    throw new ValidationError('format v1 tables have no delete manifests');
  }
  const schema = manifestFileSchema(version);
  const type = avroType(schema);
  const records = manifests.map((m) => ({
    manifest_path: m.manifestPath,
    manifest_length: m.manifestLength,
    partition_spec_id: m.partitionSpecId,
    ...(version >= 2
      ? {
          content: m.content,
          sequence_number: m.sequenceNumber,
          min_sequence_number: m.minSequenceNumber,
        }
      : {}),
    added_snapshot_id: m.addedSnapshotId,
    added_files_count: m.addedFilesCount,
    existing_files_count: m.existingFilesCount,
    deleted_files_count: m.deletedFilesCount,
    added_rows_count: m.addedRowsCount,
    existing_rows_count: m.existingRowsCount,
    deleted_rows_count: m.deletedRowsCount,
    partitions:
      m.partitions?.map((p) => ({
        contains_null: p.containsNull,
        contains_nan: p.containsNan ?? null,
        lower_bound: toBufferOrNull(p.lowerBound),
        upper_bound: toBufferOrNull(p.upperBound),
      })) ?? null,
    key_metadata: toBufferOrNull(m.keyMetadata),
    ...(version >= 3 ? { first_row_id: m.firstRowId ?? null } : {}),
  }));
  return writeContainer({
    schemaJson: JSON.stringify(schema),
    metadata: {
      'snapshot-id': String(ctx.snapshotId),
      'parent-snapshot-id':
        ctx.parentSnapshotId === undefined ? 'null' : String(ctx.parentSnapshotId),
      ...(version >= 2 ? { 'sequence-number': String(ctx.sequenceNumber) } : {}),
      ...(version >= 3 && ctx.firstRowId !== undefined
        ? { 'first-row-id': String(ctx.firstRowId) }
        : {}),
      'format-version': String(version),
    },
    records: encodeRecords(type, records),
  });
}

interface RawManifestFile {
  manifest_path: string;
  manifest_length: bigint;
  partition_spec_id: number;
  content?: number;
  sequence_number?: bigint;
  min_sequence_number?: bigint;
  added_snapshot_id: bigint;
  added_files_count?: number | null;
  added_data_files_count?: number | null;
  existing_files_count?: number | null;
  existing_data_files_count?: number | null;
  deleted_files_count?: number | null;
  deleted_data_files_count?: number | null;
  added_rows_count?: bigint | null;
  existing_rows_count?: bigint | null;
  deleted_rows_count?: bigint | null;
  partitions?:
    | {
        contains_null: boolean;
        contains_nan?: boolean | null;
        lower_bound?: Buffer | null;
        upper_bound?: Buffer | null;
      }[]
    | null;
  key_metadata?: Buffer | null;
  first_row_id?: bigint | null;
}

export interface ReadManifestList {
  metadata: Record<string, string>;
  manifests: ManifestFile[];
}

/** Decodes a manifest list of any format version (v1 lists read with sequence numbers 0). */
export function readManifestList(bytes: Uint8Array): ReadManifestList {
  const { metadata, schemaJson, blocks } = readContainer(bytes);
  const type = avroType(JSON.parse(schemaJson));
  const manifests: ManifestFile[] = [];
  for (const block of blocks) {
    for (const r of decodeBlock(type, block.data, block.count) as RawManifestFile[]) {
      manifests.push({
        manifestPath: r.manifest_path,
        manifestLength: r.manifest_length,
        partitionSpecId: r.partition_spec_id,
        content: (r.content ?? 0) as ManifestContent,
        sequenceNumber: r.sequence_number ?? 0n,
        minSequenceNumber: r.min_sequence_number ?? 0n,
        addedSnapshotId: r.added_snapshot_id,
        addedFilesCount: r.added_files_count ?? r.added_data_files_count ?? 0,
        existingFilesCount: r.existing_files_count ?? r.existing_data_files_count ?? 0,
        deletedFilesCount: r.deleted_files_count ?? r.deleted_data_files_count ?? 0,
        addedRowsCount: r.added_rows_count ?? 0n,
        existingRowsCount: r.existing_rows_count ?? 0n,
        deletedRowsCount: r.deleted_rows_count ?? 0n,
        partitions:
          r.partitions?.map((p) => ({
            containsNull: p.contains_null,
            containsNan: p.contains_nan ?? null,
            lowerBound: fromBufferOrNull(p.lower_bound),
            upperBound: fromBufferOrNull(p.upper_bound),
          })) ?? null,
        keyMetadata: fromBufferOrNull(r.key_metadata),
        ...(r.first_row_id === null || r.first_row_id === undefined
          ? {}
          : { firstRowId: r.first_row_id }),
      });
    }
  }
  return { metadata, manifests };
}
