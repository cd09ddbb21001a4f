import { randomUUID } from 'node:crypto';
import { writeManifest } from '../avro/manifest';
import { readManifestList, writeManifestList } from '../avro/manifest-list';
import type { TableCommit, TableRequirement } from '../catalog/types';
import { ValidationError } from '../errors';
import type { FileIO } from '../io/file-io';
import { joinLocation } from '../io/location';
import { type DataFile, ManifestEntryStatus } from '../spec/data-file';
import { ManifestContent, type ManifestFile } from '../spec/manifest-file';
import { bindPartitionSpec, partitionKey } from '../spec/partition-spec';
import { appendSummary, MAIN_BRANCH, NO_PARENT, type Snapshot } from '../spec/snapshot';
import {
  currentSchema,
  defaultSpec,
  type LoadedTable,
  mainSnapshot,
  mainSnapshotId,
  snapshotById,
} from '../spec/table-metadata';
import { type FormatVersion, formatVersion } from '../spec/table-support';
import type { Deadline } from '../util/deadline';
import { manifestMergeSettings, mergeManifests } from './manifest-merge';
import { partitionSummaries } from './partition-summary';

/** A new file under the table's metadata directory (`write.metadata.path` when set). */
export function metadataPath(table: LoadedTable, name: string): string {
  const dir =
    table.metadata.properties?.['write.metadata.path'] ??
    joinLocation(table.metadata.location, 'metadata');
  return joinLocation(dir, name);
}

/** The manifest of appended files, written once per logical commit and reused by retries. */
export interface WrittenManifest {
  manifest: ManifestFile;
  specId: number;
  formatVersion: FormatVersion;
}

export async function writeAppendManifest(
  io: FileIO,
  table: LoadedTable,
  snapshotId: bigint,
  dataFiles: readonly DataFile[],
  deadline?: Deadline,
): Promise<WrittenManifest> {
  const version = formatVersion(table.metadata);
  const schema = currentSchema(table.metadata);
  const spec = defaultSpec(table.metadata);
  for (const file of dataFiles) {
    if (file.specId !== spec['spec-id']) {
      throw new ValidationError(
        `data file ${file.filePath} has spec ${file.specId}, table default is ${spec['spec-id']}`,
      );
    }
    if (file.content !== 0) {
      throw new ValidationError(`an append adds data files only, got ${file.filePath}`);
    }
  }
  const partition = bindPartitionSpec(spec, schema);
  // Sequence numbers and first row ids stay null so the entries inherit whatever the
  // committing list assigns.
  const bytes = writeManifest(
    dataFiles.map((dataFile) => ({
      status: ManifestEntryStatus.Added,
      snapshotId,
      sequenceNumber: null,
      fileSequenceNumber: null,
      dataFile: { ...dataFile, firstRowId: null },
    })),
    { schema, spec, partition, formatVersion: version },
  );
  const path = metadataPath(table, `${randomUUID()}-m0.avro`);
  await io.write(path, bytes, { deadline });
  return {
    specId: spec['spec-id'],
    formatVersion: version,
    manifest: {
      manifestPath: path,
      manifestLength: BigInt(bytes.length),
      partitionSpecId: spec['spec-id'],
      content: ManifestContent.Data,
      sequenceNumber: 0n,
      minSequenceNumber: 0n,
      addedSnapshotId: snapshotId,
      addedFilesCount: dataFiles.length,
      existingFilesCount: 0,
      deletedFilesCount: 0,
      addedRowsCount: dataFiles.reduce((sum, f) => sum + f.recordCount, 0n),
      existingRowsCount: 0n,
      deletedRowsCount: 0n,
      partitions: partitionSummaries(partition, dataFiles),
      firstRowId: null,
    },
  };
}

export interface AppendAttempt {
  snapshot: Snapshot;
  commit: TableCommit;
  /** Files this attempt wrote: its manifest list and any merged manifests. */
  manifestList: string;
  mergedManifests: string[];
  /** Paths of every manifest the attempt's list references. */
  referenced: string[];
}

/**
 * The requirements of a snapshot commit, as Iceberg Java and iceberg-rust send them: the table
 * is still the one loaded (its UUID; a dropped and re-created table has another) and `main`
 * still points at `parentId`.
 */
export function snapshotRequirements(
  base: LoadedTable,
  parentId: bigint | null,
): TableRequirement[] {
  const uuid = base.metadata['table-uuid'];
  return [
    // format v1 tables may have no UUID
    ...(uuid ? [{ type: 'assert-table-uuid' as const, uuid: String(uuid) }] : []),
    { type: 'assert-ref-snapshot-id', ref: MAIN_BRANCH, 'snapshot-id': parentId },
  ];
}

/** Adds `snapshot` and moves `main` to it, provided the table and `main` are as loaded. */
export function snapshotCommit(
  base: LoadedTable,
  snapshot: Snapshot,
  parentId: bigint | null,
  properties: Record<string, string> = {},
): TableCommit {
  const setProperties: TableCommit['updates'] =
    Object.keys(properties).length > 0 ? [{ action: 'set-properties', updates: properties }] : [];
  return {
    requirements: snapshotRequirements(base, parentId),
    updates: [
      ...setProperties,
      { action: 'add-snapshot', snapshot },
      {
        action: 'set-snapshot-ref',
        'ref-name': MAIN_BRANCH,
        type: 'branch',
        'snapshot-id': snapshot['snapshot-id'],
      },
    ],
  };
}

/** The manifest counters the reference implementation puts in every summary. */
export function manifestSummary(
  manifests: readonly ManifestFile[],
  snapshotId: bigint,
  replaced: number,
): Record<string, string> {
  const created = manifests.filter((m) => m.addedSnapshotId === snapshotId).length;
  return {
    'manifests-created': String(created),
    'manifests-kept': String(manifests.length - created),
    'manifests-replaced': String(replaced),
  };
}

/**
 * v3 row lineage: every data manifest without a first_row_id gets one, counting on from the
 * snapshot's first-row-id by its added and existing rows (the spec's recommended estimate, as
 * Java's ManifestListWriter does). Returns the rows so assigned: the snapshot's added-rows.
 */
function assignFirstRowIds(
  manifests: readonly ManifestFile[],
  firstRowId: bigint,
): { manifests: ManifestFile[]; addedRows: bigint } {
  let next = firstRowId;
  const out = manifests.map((m) => {
    if (
      m.content !== ManifestContent.Data ||
      (m.firstRowId !== null && m.firstRowId !== undefined)
    ) {
      return m;
    }
    const assigned = { ...m, firstRowId: next };
    next += m.addedRowsCount + m.existingRowsCount;
    return assigned;
  });
  return { manifests: out, addedRows: next - firstRowId };
}

/** The parent's summary for the totals, or NO_PARENT for a table's first snapshot. */
function parentSummary(base: LoadedTable) {
  const parentId = mainSnapshotId(base.metadata);
  if (parentId === undefined) return NO_PARENT;
  // A parent the catalog does not serve has unknown totals: they are left out.
  return snapshotById(base.metadata, parentId)?.summary;
}

export interface ProduceOptions {
  written: WrittenManifest;
  snapshotId: bigint;
  dataFiles: readonly DataFile[];
  summary: Record<string, string>;
  properties?: Record<string, string>;
  attempt: number;
  /** Merge manifests as the table properties ask (merge append) or never (fast append). */
  merge: boolean;
  deadline?: Deadline;
}

/**
 * Builds one append attempt on top of `base`: a new manifest list holding the new manifest
 * and every manifest of the parent snapshot (merged into fewer manifests for a merge append
 * once the table properties ask for it), and the add-snapshot commit.
 */
export async function produceAppend(
  io: FileIO,
  base: LoadedTable,
  options: ProduceOptions,
): Promise<AppendAttempt> {
  const { metadata } = base;
  const { written, snapshotId, dataFiles, deadline } = options;
  const version = formatVersion(metadata);
  if (version !== written.formatVersion) {
    throw new ValidationError('the table format version changed since the manifest was written');
  }
  if (defaultSpec(metadata)['spec-id'] !== written.specId) {
    throw new ValidationError('the table partition spec changed since the data files were written');
  }
  const parentId = mainSnapshotId(metadata);
  const parent = mainSnapshot(metadata);
  if (parentId !== undefined && !parent) {
    throw new ValidationError(`the catalog did not serve main's snapshot ${parentId}`);
  }
  // format v1 has no sequence numbers: every snapshot is 0
  const sequenceNumber = version === 1 ? 0n : metadata['last-sequence-number'] + 1n;
  const parentManifests = parent
    ? readManifestList(await io.read(parent['manifest-list'], { deadline })).manifests
    : [];
  const candidates = [
    { ...written.manifest, sequenceNumber, minSequenceNumber: sequenceNumber },
    ...parentManifests,
  ];
  const settings = manifestMergeSettings(metadata.properties);
  const merged = await mergeManifests(candidates, {
    io,
    metadata,
    snapshotId,
    sequenceNumber,
    newManifestPath: () => metadataPath(base, `${randomUUID()}-m${options.attempt}.avro`),
    settings: options.merge ? settings : { ...settings, enabled: false },
    formatVersion: version,
    ...(deadline ? { deadline } : {}),
  });
  let manifests = merged.manifests;
  let rowLineage: Pick<Snapshot, 'first-row-id' | 'added-rows'> = {};
  if (version >= 3) {
    const firstRowId = metadata['next-row-id'] ?? 0n;
    const assigned = assignFirstRowIds(manifests, firstRowId);
    manifests = assigned.manifests;
    rowLineage = { 'first-row-id': firstRowId, 'added-rows': assigned.addedRows };
  }
  const listPath = metadataPath(base, `snap-${snapshotId}-${options.attempt}-${randomUUID()}.avro`);
  const bytes = writeManifestList(manifests, {
    snapshotId,
    parentSnapshotId: parentId,
    sequenceNumber,
    formatVersion: version,
    ...(rowLineage['first-row-id'] !== undefined ? { firstRowId: rowLineage['first-row-id'] } : {}),
  });
  await io.write(listPath, bytes, { deadline });
  const partitions = new Set(dataFiles.map((f) => partitionKey(f.partition)));
  const snapshot: Snapshot = {
    'snapshot-id': snapshotId,
    ...(parentId !== undefined ? { 'parent-snapshot-id': parentId } : {}),
    'sequence-number': sequenceNumber,
    'timestamp-ms': Math.max(Date.now(), metadata['last-updated-ms'] ?? 0),
    'manifest-list': listPath,
    summary: appendSummary(
      {
        addedDataFiles: dataFiles.length,
        addedRecords: dataFiles.reduce((sum, f) => sum + f.recordCount, 0n),
        addedFilesSize: dataFiles.reduce((sum, f) => sum + f.fileSizeInBytes, 0n),
        changedPartitionCount: partitions.size,
      },
      parentSummary(base),
      { ...options.summary, ...manifestSummary(manifests, snapshotId, merged.replaced) },
    ),
    'schema-id': metadata['current-schema-id'],
    ...rowLineage,
  };
  return {
    snapshot,
    commit: snapshotCommit(base, snapshot, parentId ?? null, options.properties),
    manifestList: listPath,
    mergedManifests: merged.written,
    referenced: manifests.map((m) => m.manifestPath),
  };
}

/**
 * An empty snapshot as the first one of a table: a manifest list with no manifests, committed
 * while asserting that `main` has no snapshot yet.
 */
export async function produceEmptySnapshot(
  io: FileIO,
  base: LoadedTable,
  snapshotId: bigint,
  deadline?: Deadline,
): Promise<AppendAttempt> {
  const { metadata } = base;
  const version = formatVersion(metadata);
  const sequenceNumber = version === 1 ? 0n : metadata['last-sequence-number'] + 1n;
  const firstRowId = version >= 3 ? (metadata['next-row-id'] ?? 0n) : undefined;
  const listPath = metadataPath(base, `snap-${snapshotId}-0-${randomUUID()}.avro`);
  await io.write(
    listPath,
    writeManifestList([], {
      snapshotId,
      parentSnapshotId: undefined,
      sequenceNumber,
      formatVersion: version,
      ...(firstRowId !== undefined ? { firstRowId } : {}),
    }),
    { deadline },
  );
  const snapshot: Snapshot = {
    'snapshot-id': snapshotId,
    'sequence-number': sequenceNumber,
    'timestamp-ms': Math.max(Date.now(), metadata['last-updated-ms'] ?? 0),
    'manifest-list': listPath,
    summary: appendSummary(
      { addedDataFiles: 0, addedRecords: 0n, addedFilesSize: 0n, changedPartitionCount: 0 },
      NO_PARENT,
    ),
    'schema-id': metadata['current-schema-id'],
    ...(firstRowId !== undefined ? { 'first-row-id': firstRowId, 'added-rows': 0n } : {}),
  };
  return {
    snapshot,
    commit: snapshotCommit(base, snapshot, null),
    manifestList: listPath,
    mergedManifests: [],
    referenced: [],
  };
}
