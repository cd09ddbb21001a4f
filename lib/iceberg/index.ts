export { readManifest, writeManifest } from './avro/manifest';
export { readManifestList, writeManifestList } from './avro/manifest-list';
export type { CatalogAuth } from './catalog/auth';
export {
  type CommitRecord,
  type CreateTableOptions,
  InMemoryCatalog,
  type InMemoryCatalogOptions,
} from './catalog/memory-catalog';
export { RestCatalog, type RestCatalogOptions } from './catalog/rest-catalog';
export { applyCommit, checkRequirement } from './catalog/table-changes';
export { isThrottled } from './catalog/throttling';
export type {
  Catalog,
  CatalogRequestOptions,
  CommitOptions,
  TableCommit,
  TableCreator,
  TableRequirement,
  TableUpdate,
} from './catalog/types';
export * from './errors';
export {
  manifestMayMatch,
  metricsMayMatch,
  partitionMatches,
  projectInclusive,
  rowMatches,
} from './expressions/evaluators';
export {
  alwaysFalse,
  alwaysTrue,
  and,
  type Bound,
  between,
  bind,
  type Expression,
  equal,
  greaterThan,
  greaterThanOrEqual,
  isIn,
  isNull,
  type Literal,
  lessThan,
  lessThanOrEqual,
  not,
  notEqual,
  notNull,
  or,
} from './expressions/expression';
export type { FileIO, FileIOOptions, ListedFile, ReadOptions } from './io/file-io';
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
export { DeleteFileIndex } from './read/delete-index';
export { DeleteLoader, type FileDeletes } from './read/deletes';
export { decodeDeletionVector } from './read/deletion-vector';
export {
  type FileScanTask,
  planFiles,
  planScan,
  type ScanMetrics,
  type ScanOptions,
  type ScanPlan,
} from './read/plan-scan';
export {
  deletedPositions,
  type ReadRowsOptions,
  readRows,
  type ScanRowsOptions,
  scanRows,
} from './read/read-rows';
export type { DataFile, ManifestEntry } from './spec/data-file';
export { FileContent, ManifestEntryStatus } from './spec/data-file';
export { type FieldSummary, ManifestContent, type ManifestFile } from './spec/manifest-file';
export { type MappedField, type NameMapping, parseNameMapping } from './spec/name-mapping';
export {
  bindPartitionSpec,
  type PartitionField,
  type PartitionSpec,
  partitionPath,
  partitionValues,
} from './spec/partition-spec';
export type { NestedField, PrimitiveType, Row, Schema, Value } from './spec/schema';
export { fromSingleValueBytes, toSingleValueBytes } from './spec/single-value';
export { appendSummary, MAIN_BRANCH, type Snapshot, type SnapshotRef } from './spec/snapshot';
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
  tableName,
} from './spec/table-metadata';
export {
  assertWritable,
  type FormatVersion,
  formatVersion,
  SUPPORTED_FORMAT_VERSIONS,
} from './spec/table-support';
export { applyTransform, type Transform, transformToHumanString } from './spec/transforms';
export {
  type AppendOptions,
  type AppendResult,
  COMMIT_ID_SUMMARY_KEY,
  ensureFirstSnapshot,
  fastAppend,
  mergeAppend,
  type PrepareResult,
} from './transaction/append';
export type { CleanupReport } from './transaction/cleanup';
export {
  type ExpireSnapshotsOptions,
  type ExpireSnapshotsResult,
  expireSnapshots,
  gcEnabled,
  snapshotsToRetain,
} from './transaction/expire-snapshots';
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
export {
  type OrphanFilesOptions,
  type OrphanFilesResult,
  removeOrphanFiles,
} from './transaction/orphan-files';
export {
  commitReplace,
  type ReplaceCommitOptions,
  type ReplaceResult,
  StaleRewriteError,
} from './transaction/replace-commit';
export { type RewriteFilesOptions, rewriteFiles } from './transaction/rewrite-files';
export { type RewriteManifestsOptions, rewriteManifests } from './transaction/rewrite-manifests';
export { snapshotRequirements } from './transaction/snapshot-producer';
export { type WriteDataFilesOptions, writeDataFiles } from './transaction/write-data-files';
export { type BackoffOptions, DEFAULT_BACKOFF } from './util/backoff';
export { type Clock, systemClock } from './util/clock';
export { Deadline, type DeadlineOptions } from './util/deadline';
