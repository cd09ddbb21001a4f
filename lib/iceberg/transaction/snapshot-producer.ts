import { randomUUID } from 'node:crypto';
import { writeManifest } from '../avro/manifest';
import { readManifestList, writeManifestList } from '../avro/manifest-list';
import type { TableCommit } from '../catalog/types';
import { ValidationError } from '../errors';
import type { FileIO } from '../io/file-io';
import { joinLocation } from '../io/location';
import { type DataFile, ManifestEntryStatus } from '../spec/data-file';
import { ManifestContent, type ManifestFile } from '../spec/manifest-file';
import { bindPartitionSpec, partitionKey } from '../spec/partition-spec';
import { appendSummary, MAIN_BRANCH, type Snapshot } from '../spec/snapshot';
import { currentSchema, defaultSpec, type LoadedTable, mainSnapshot } from '../spec/table-metadata';
import { manifestMergeSettings, mergeManifests } from './manifest-merge';
import { partitionSummaries } from './partition-summary';

function metadataPath(table: LoadedTable, name: string): string {
  const dir =
    table.metadata.properties?.['write.metadata.path'] ??
    joinLocation(table.metadata.location, 'metadata');
  return joinLocation(dir, name);
}

/** The manifest of appended files, written once per logical commit and reused by retries. */
export interface WrittenManifest {
  manifest: ManifestFile;
  specId: number;
}

export async function writeAppendManifest(
  io: FileIO,
  table: LoadedTable,
  snapshotId: bigint,
  dataFiles: readonly DataFile[],
): Promise<WrittenManifest> {
  const schema = currentSchema(table.metadata);
  const spec = defaultSpec(table.metadata);
  for (const file of dataFiles) {
    if (file.specId !== spec['spec-id']) {
      throw new ValidationError(
        `data file ${file.filePath} has spec ${file.specId}, table default is ${spec['spec-id']}`,
      );
    }
  }
  const partition = bindPartitionSpec(spec, schema);
  // Sequence numbers stay null so the entries inherit whatever the committing list assigns.
  const bytes = writeManifest(
    dataFiles.map((dataFile) => ({
      status: ManifestEntryStatus.Added,
      snapshotId,
      sequenceNumber: null,
      fileSequenceNumber: null,
      dataFile,
    })),
    { schema, spec, partition },
  );
  const path = metadataPath(table, `${randomUUID()}-m0.avro`);
  await io.write(path, bytes);
  return {
    specId: spec['spec-id'],
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
    },
  };
}

export interface AppendAttempt {
  snapshot: Snapshot;
  commit: TableCommit;
}

/** Adds `snapshot` and moves `main` to it, provided `main` still points at `parentId`. */
function snapshotCommit(
  snapshot: Snapshot,
  parentId: bigint | null,
  properties: Record<string, string> = {},
): TableCommit {
  const setProperties: TableCommit['updates'] =
    Object.keys(properties).length > 0 ? [{ action: 'set-properties', updates: properties }] : [];
  return {
    requirements: [{ type: 'assert-ref-snapshot-id', ref: MAIN_BRANCH, 'snapshot-id': parentId }],
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
function manifestSummary(
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
 * Builds one append attempt on top of `base`: a new manifest list holding the new manifest
 * and every manifest of the parent snapshot, merged into fewer manifests once the table
 * properties ask for it (see manifest-merge), and the add-snapshot commit.
 */
export async function produceAppend(
  io: FileIO,
  base: LoadedTable,
  written: WrittenManifest,
  snapshotId: bigint,
  dataFiles: readonly DataFile[],
  extraSummary: Record<string, string>,
  attempt: number,
  properties: Record<string, string> = {},
): Promise<AppendAttempt> {
  const { metadata } = base;
  if (defaultSpec(metadata)['spec-id'] !== written.specId) {
    throw new ValidationError('the table partition spec changed since the data files were written');
  }
  const parent = mainSnapshot(metadata);
  const sequenceNumber = metadata['last-sequence-number'] + 1n;
  const parentManifests = parent
    ? readManifestList(await io.read(parent['manifest-list'])).manifests
    : [];
  const { manifests, replaced } = await mergeManifests(
    [
      { ...written.manifest, sequenceNumber, minSequenceNumber: sequenceNumber },
      ...parentManifests,
    ],
    {
      io,
      metadata,
      snapshotId,
      sequenceNumber,
      newManifestPath: () => metadataPath(base, `${randomUUID()}-m${attempt}.avro`),
      settings: manifestMergeSettings(metadata.properties),
    },
  );
  const listPath = metadataPath(base, `snap-${snapshotId}-${attempt}-${randomUUID()}.avro`);
  await io.write(
    listPath,
    writeManifestList(manifests, {
      snapshotId,
      parentSnapshotId: parent?.['snapshot-id'],
      sequenceNumber,
    }),
  );
  const partitions = new Set(dataFiles.map((f) => partitionKey(f.partition)));
  const snapshot: Snapshot = {
    'snapshot-id': snapshotId,
    ...(parent ? { 'parent-snapshot-id': parent['snapshot-id'] } : {}),
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
      parent?.summary,
      { ...extraSummary, ...manifestSummary(manifests, snapshotId, replaced) },
    ),
    'schema-id': metadata['current-schema-id'],
  };
  return {
    snapshot,
    commit: snapshotCommit(snapshot, parent ? parent['snapshot-id'] : null, properties),
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
): Promise<AppendAttempt> {
  const { metadata } = base;
  const sequenceNumber = metadata['last-sequence-number'] + 1n;
  const listPath = metadataPath(base, `snap-${snapshotId}-0-${randomUUID()}.avro`);
  await io.write(
    listPath,
    writeManifestList([], { snapshotId, parentSnapshotId: undefined, sequenceNumber }),
  );
  const snapshot: Snapshot = {
    'snapshot-id': snapshotId,
    'sequence-number': sequenceNumber,
    'timestamp-ms': Math.max(Date.now(), metadata['last-updated-ms'] ?? 0),
    'manifest-list': listPath,
    summary: appendSummary(
      { addedDataFiles: 0, addedRecords: 0n, addedFilesSize: 0n, changedPartitionCount: 0 },
      undefined,
    ),
    'schema-id': metadata['current-schema-id'],
  };
  return { snapshot, commit: snapshotCommit(snapshot, null) };
}
