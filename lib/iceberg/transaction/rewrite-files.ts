import { randomUUID } from 'node:crypto';
import { writeManifest } from '../avro/manifest';
import type { Catalog } from '../catalog/types';
import { ValidationError } from '../errors';
import type { FileIO } from '../io/file-io';
import {
  type DataFile,
  FileContent,
  type ManifestEntry,
  ManifestEntryStatus,
} from '../spec/data-file';
import { ManifestContent, type ManifestFile } from '../spec/manifest-file';
import { bindPartitionSpec, partitionKey } from '../spec/partition-spec';
import { currentSchema, type TableIdentifier, type TableMetadata } from '../spec/table-metadata';
import type { FormatVersion } from '../spec/table-support';
import type { Deadline } from '../util/deadline';
import { partitionSummaries } from './partition-summary';
import {
  commitReplace,
  type ReplaceCommitOptions,
  type ReplaceContext,
  type ReplaceResult,
  StaleRewriteError,
  snapshotManifests,
} from './replace-commit';
import { metadataPath, type WrittenManifest, writeAppendManifest } from './snapshot-producer';

export interface RewriteFilesOptions extends ReplaceCommitOptions {
  /**
   * The delete files live when the rewrite was planned. Any other live delete file on the base a
   * rewrite commits on may delete rows of a removed file that the new files still hold, so the
   * rewrite stops with StaleRewriteError (Iceberg Java's validateNoNewDeletesForDataFiles, made
   * coarser). Default: the delete files of the first base.
   */
  deleteFilesAtPlan?: ReadonlySet<string>;
}

const rows = (entries: readonly ManifestEntry[]) =>
  entries.reduce((sum, e) => sum + e.dataFile.recordCount, 0n);
const bytes = (files: readonly DataFile[]) => files.reduce((sum, f) => sum + f.fileSizeInBytes, 0n);

/**
 * Writes `entries` (this snapshot's DELETED and the carried EXISTING ones) as one manifest of
 * `specId`, with the manifest-file counters and partition summaries they give.
 */
export async function writeRewrittenManifest(
  io: FileIO,
  metadata: TableMetadata,
  entries: ManifestEntry[],
  specId: number,
  ctx: { snapshotId: bigint; sequenceNumber: bigint; formatVersion: FormatVersion; path: string },
  deadline?: Deadline,
): Promise<ManifestFile> {
  const schema = currentSchema(metadata);
  const spec = metadata['partition-specs'].find((s) => s['spec-id'] === specId);
  if (!spec) throw new ValidationError(`table metadata has no partition spec ${specId}`);
  const partition = bindPartitionSpec(spec, schema);
  for (const entry of entries) {
    if (entry.sequenceNumber === null || entry.fileSequenceNumber === null) {
      if (ctx.formatVersion === 1) continue;
      throw new ValidationError(
        `entry for ${entry.dataFile.filePath} has no sequence number to carry forward`,
      );
    }
  }
  const encoded = writeManifest(entries, {
    schema,
    spec,
    partition,
    formatVersion: ctx.formatVersion,
  });
  await io.write(ctx.path, encoded, { deadline });
  const existing = entries.filter((e) => e.status === ManifestEntryStatus.Existing);
  const deleted = entries.filter((e) => e.status === ManifestEntryStatus.Deleted);
  let minSequenceNumber = ctx.sequenceNumber;
  for (const entry of entries) {
    if (entry.sequenceNumber !== null && entry.sequenceNumber < minSequenceNumber) {
      minSequenceNumber = entry.sequenceNumber;
    }
  }
  return {
    manifestPath: ctx.path,
    manifestLength: BigInt(encoded.length),
    partitionSpecId: specId,
    content: ManifestContent.Data,
    sequenceNumber: ctx.sequenceNumber,
    minSequenceNumber,
    addedSnapshotId: ctx.snapshotId,
    addedFilesCount: 0,
    existingFilesCount: existing.length,
    deletedFilesCount: deleted.length,
    addedRowsCount: 0n,
    existingRowsCount: rows(existing),
    deletedRowsCount: rows(deleted),
    partitions: partitionSummaries(
      partition,
      entries.map((e) => e.dataFile),
    ),
  };
}

/**
 * Iceberg's RewriteFiles: one `replace` snapshot in which the entries of `remove` become DELETED
 * and `add` are ADDED, so the table's rows stay what they were (compaction). Every attempt
 * re-validates on its base that each removed file is still live and that no new delete file
 * appeared (else StaleRewriteError: plan again); concurrent appends are kept, since only the
 * manifests holding removed files are rewritten and every other manifest is carried as it is.
 */
export async function rewriteFiles(
  catalog: Catalog,
  io: FileIO,
  ident: TableIdentifier,
  remove: readonly DataFile[],
  add: readonly DataFile[],
  opts: RewriteFilesOptions = {},
): Promise<ReplaceResult> {
  if (remove.length === 0) throw new ValidationError('a rewrite removes at least one data file');
  const removing = new Set(remove.map((f) => f.filePath));
  if (removing.size !== remove.length) throw new ValidationError('a file is removed twice');
  for (const file of remove) {
    if (file.content !== FileContent.Data) {
      throw new ValidationError(`a rewrite removes data files only, got ${file.filePath}`);
    }
  }
  let deleteFilesAtPlan = opts.deleteFilesAtPlan;
  let written: WrittenManifest | undefined;

  const build = async (ctx: ReplaceContext) => {
    const { base, snapshotId, sequenceNumber, deadline } = ctx;
    const parentManifests = await snapshotManifests(io, ctx.parent, deadline);
    const found = new Set<string>();
    const kept: ManifestFile[] = [];
    const writtenNow: string[] = [];
    const liveDeletes = new Set<string>();
    const changedPartitions = new Set<string>();
    const removedFiles: DataFile[] = [];
    for (const manifest of parentManifests) {
      // A data manifest left with only DELETED entries by an earlier snapshot lists no live
      // file: it is dropped, as Iceberg Java's manifest filter does (v1 lists may lack counts).
      if (
        manifest.content === ManifestContent.Data &&
        ctx.formatVersion >= 2 &&
        manifest.addedFilesCount === 0 &&
        manifest.existingFilesCount === 0
      ) {
        continue;
      }
      const entries = await ctx.entries(manifest);
      if (manifest.content !== ManifestContent.Data) {
        for (const e of entries) {
          if (e.status !== ManifestEntryStatus.Deleted) liveDeletes.add(e.dataFile.filePath);
        }
        kept.push(manifest);
        continue;
      }
      const hit = entries.some(
        (e) => e.status !== ManifestEntryStatus.Deleted && removing.has(e.dataFile.filePath),
      );
      if (!hit) {
        kept.push(manifest);
        continue;
      }
      const rewritten: ManifestEntry[] = [];
      for (const e of entries) {
        if (e.status === ManifestEntryStatus.Deleted) continue;
        if (removing.has(e.dataFile.filePath)) {
          if (found.has(e.dataFile.filePath)) {
            throw new ValidationError(`${e.dataFile.filePath} is live twice in the table`);
          }
          found.add(e.dataFile.filePath);
          removedFiles.push(e.dataFile);
          changedPartitions.add(`${e.dataFile.specId}:${partitionKey(e.dataFile.partition)}`);
          rewritten.push({ ...e, status: ManifestEntryStatus.Deleted, snapshotId });
        } else {
          rewritten.push({ ...e, status: ManifestEntryStatus.Existing });
        }
      }
      const path = metadataPath(base, `${randomUUID()}-m${ctx.attempt}.avro`);
      writtenNow.push(path);
      kept.push(
        await writeRewrittenManifest(
          io,
          base.metadata,
          rewritten,
          manifest.partitionSpecId,
          { snapshotId, sequenceNumber, formatVersion: ctx.formatVersion, path },
          deadline,
        ),
      );
    }
    const missing = [...removing].filter((p) => !found.has(p));
    if (missing.length > 0) {
      throw new StaleRewriteError(
        `${missing.length} of the ${removing.size} files to rewrite are no longer live (first: ${missing[0]}); another writer removed them`,
      );
    }
    deleteFilesAtPlan ??= liveDeletes;
    const newDelete = [...liveDeletes].find((p) => !deleteFilesAtPlan!.has(p));
    if (newDelete) {
      throw new StaleRewriteError(
        `delete file ${newDelete} was added after the rewrite was planned and may apply to the files it removes`,
      );
    }
    const manifests: ManifestFile[] = [];
    if (add.length > 0) {
      written ??= await writeAppendManifest(io, base, snapshotId, add, deadline);
      manifests.push({
        ...written.manifest,
        sequenceNumber,
        minSequenceNumber: sequenceNumber,
      });
    }
    for (const file of add) changedPartitions.add(`${file.specId}:${partitionKey(file.partition)}`);
    manifests.push(...kept);
    return {
      manifests,
      written: writtenNow,
      summary: {
        'added-data-files': String(add.length),
        'deleted-data-files': String(removedFiles.length),
        'added-records': String(add.reduce((sum, f) => sum + f.recordCount, 0n)),
        'deleted-records': String(removedFiles.reduce((sum, f) => sum + f.recordCount, 0n)),
        'added-files-size': String(bytes(add)),
        'removed-files-size': String(bytes(removedFiles)),
        'changed-partition-count': String(changedPartitions.size),
        'manifests-created': String(writtenNow.length + (add.length > 0 ? 1 : 0)),
        'manifests-kept': String(kept.length - writtenNow.length),
        'manifests-replaced': String(writtenNow.length),
      },
    };
  };
  return commitReplace(catalog, io, ident, build, opts);
}
