export { readManifest, writeManifest } from './avro/manifest';
export { readManifestList, writeManifestList } from './avro/manifest-list';
export type { CatalogAuth } from './catalog/auth';
export { RestCatalog, type RestCatalogOptions } from './catalog/rest-catalog';
export type {
  Catalog,
  CommitOptions,
  TableCommit,
  TableRequirement,
  TableUpdate,
} from './catalog/types';
export * from './errors';
export type { FileIO } from './io/file-io';
export { joinLocation, parseS3Uri } from './io/location';
export { MemoryFileIO } from './io/memory-file-io';
export { S3FileIO, type S3FileIOOptions } from './io/s3-file-io';
export { type ParquetCodec, zstdAvailable } from './parquet/codecs';
export {
  defaultCodec,
  type EncodedParquet,
  encodeParquet,
  type ParquetWriteOptions,
} from './parquet/write-parquet';
export { planFiles } from './read/plan-files';
export { readRows } from './read/read-rows';
export type { DataFile, ManifestEntry } from './spec/data-file';
export { ManifestEntryStatus } from './spec/data-file';
export { type FieldSummary, ManifestContent, type ManifestFile } from './spec/manifest-file';
export {
  bindPartitionSpec,
  type PartitionField,
  type PartitionSpec,
  partitionPath,
  partitionValues,
  UNPARTITIONED,
} from './spec/partition-spec';
export type { NestedField, PrimitiveType, Row, Schema, Value } from './spec/schema';
export { fromSingleValueBytes, toSingleValueBytes } from './spec/single-value';
export { MAIN_BRANCH, type Snapshot, type SnapshotRef } from './spec/snapshot';
export {
  currentSchema,
  defaultSpec,
  findNewestSnapshotWith,
  type LoadedTable,
  mainAncestry,
  mainSnapshot,
  mainSnapshotId,
  type TableIdentifier,
  type TableMetadata,
} from './spec/table-metadata';
export { applyTransform, type Transform, transformToHumanString } from './spec/transforms';
export {
  type AppendOptions,
  type AppendResult,
  COMMIT_ID_SUMMARY_KEY,
  ensureFirstSnapshot,
  fastAppend,
  type PrepareResult,
} from './transaction/fast-append';
export { newSnapshotId, uuidV7 } from './transaction/ids';
export {
  DEFAULT_MANIFEST_MERGE,
  inheritEntryMetadata,
  MANIFEST_MERGE_ENABLED,
  MANIFEST_MIN_MERGE_COUNT,
  MANIFEST_TARGET_SIZE_BYTES,
  type ManifestMergeSettings,
  manifestMergeSettings,
  packManifests,
  readManifestEntries,
} from './transaction/manifest-merge';
export { type WriteDataFilesOptions, writeDataFiles } from './transaction/write-data-files';
