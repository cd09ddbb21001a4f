import { readManifest, writeManifest } from '../avro/manifest';
import { ValidationError } from '../errors';
import type { FileIO, FileIOOptions } from '../io/file-io';
import { type ManifestEntry, ManifestEntryStatus } from '../spec/data-file';
import { ManifestContent, type ManifestFile } from '../spec/manifest-file';
import { bindPartitionSpec } from '../spec/partition-spec';
import { currentSchema, type TableMetadata } from '../spec/table-metadata';
import type { FormatVersion } from '../spec/table-support';
import type { Deadline } from '../util/deadline';
import { partitionSummaries } from './partition-summary';

/** Table properties, named and defaulted as the reference implementation does. */
export const MANIFEST_MERGE_ENABLED = 'commit.manifest-merge.enabled';
export const MANIFEST_MIN_MERGE_COUNT = 'commit.manifest.min-count-to-merge';
export const MANIFEST_TARGET_SIZE_BYTES = 'commit.manifest.target-size-bytes';

export interface ManifestMergeSettings {
  enabled: boolean;
  minCountToMerge: number;
  targetSizeBytes: bigint;
}

export const DEFAULT_MANIFEST_MERGE: ManifestMergeSettings = {
  enabled: true,
  minCountToMerge: 100,
  targetSizeBytes: 8n * 1024n * 1024n,
};

function integerProperty(properties: Record<string, string>, key: string): bigint | undefined {
  const raw = properties[key]?.trim();
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw)) throw new ValidationError(`table property ${key}=${raw} is no integer`);
  return BigInt(raw);
}

export function manifestMergeSettings(
  properties: Record<string, string> = {},
): ManifestMergeSettings {
  const enabled = properties[MANIFEST_MERGE_ENABLED]?.trim().toLowerCase();
  if (enabled !== undefined && enabled !== 'true' && enabled !== 'false') {
    throw new ValidationError(`table property ${MANIFEST_MERGE_ENABLED}=${enabled} is no boolean`);
  }
  const minCount = integerProperty(properties, MANIFEST_MIN_MERGE_COUNT);
  const target = integerProperty(properties, MANIFEST_TARGET_SIZE_BYTES);
  if (target !== undefined && target <= 0n) {
    throw new ValidationError(`table property ${MANIFEST_TARGET_SIZE_BYTES} must be positive`);
  }
  return {
    enabled: enabled === undefined ? DEFAULT_MANIFEST_MERGE.enabled : enabled === 'true',
    minCountToMerge:
      minCount === undefined ? DEFAULT_MANIFEST_MERGE.minCountToMerge : Number(minCount),
    targetSizeBytes: target ?? DEFAULT_MANIFEST_MERGE.targetSizeBytes,
  };
}

/**
 * Packs manifests, in order, into bins of at most `targetSizeBytes` (a larger manifest gets a
 * bin of its own). Packing runs from the end so that the one under-filled bin is the first,
 * the one holding the newest manifest, which later commits keep merging into.
 */
export function packManifests(
  manifests: readonly ManifestFile[],
  targetSizeBytes: bigint,
): ManifestFile[][] {
  const bins: ManifestFile[][] = [];
  let bin: ManifestFile[] = [];
  let weight = 0n;
  for (let i = manifests.length - 1; i >= 0; i--) {
    const manifest = manifests[i]!;
    if (bin.length > 0 && weight + manifest.manifestLength > targetSizeBytes) {
      bins.push(bin.reverse());
      bin = [];
      weight = 0n;
    }
    bin.push(manifest);
    weight += manifest.manifestLength;
  }
  if (bin.length > 0) bins.push(bin.reverse());
  return bins.reverse();
}

/**
 * Applies the spec's inheritance to an entry read from `manifest`: a null snapshot id takes the
 * manifest's, null sequence numbers take the manifest's sequence number when the entry is
 * ADDED (or the manifest predates sequence numbers, i.e. has 0).
 */
export function inheritEntryMetadata(entry: ManifestEntry, manifest: ManifestFile): ManifestEntry {
  const inherits = entry.status === ManifestEntryStatus.Added || manifest.sequenceNumber === 0n;
  return {
    ...entry,
    snapshotId: entry.snapshotId ?? manifest.addedSnapshotId,
    sequenceNumber: entry.sequenceNumber ?? (inherits ? manifest.sequenceNumber : null),
    fileSequenceNumber: entry.fileSequenceNumber ?? (inherits ? manifest.sequenceNumber : null),
  };
}

/**
 * Entries of a manifest with inherited metadata filled in: snapshot ids and sequence numbers,
 * and (v3) each live data file's first row id, the manifest's first_row_id plus the records of
 * the files before it that inherit too. A committed manifest without a first_row_id (written
 * before a table moved to v3) assigns none, as Iceberg Java reads it.
 */
export async function readManifestEntries(
  io: FileIO,
  manifest: ManifestFile,
  options: FileIOOptions = {},
): Promise<ManifestEntry[]> {
  const { entries } = readManifest(await io.read(manifest.manifestPath, options));
  let nextRowId = manifest.content === ManifestContent.Data ? (manifest.firstRowId ?? null) : null;
  return entries.map((raw) => {
    const entry = inheritEntryMetadata(raw, manifest);
    if (nextRowId === null || entry.status === ManifestEntryStatus.Deleted) return entry;
    if (entry.dataFile.firstRowId !== null && entry.dataFile.firstRowId !== undefined) return entry;
    const firstRowId = nextRowId;
    nextRowId += entry.dataFile.recordCount;
    return { ...entry, dataFile: { ...entry.dataFile, firstRowId } };
  });
}

export interface MergeContext {
  io: FileIO;
  metadata: TableMetadata;
  snapshotId: bigint;
  /** Sequence number the new snapshot commits with. */
  sequenceNumber: bigint;
  /** Where a merged manifest goes (one fresh location per call). */
  newManifestPath: () => string;
  settings: ManifestMergeSettings;
  formatVersion: FormatVersion;
  deadline?: Deadline;
}

interface BinContext extends MergeContext {
  written: string[];
}

export interface MergeResult {
  manifests: ManifestFile[];
  /** Manifests rewritten into merged ones, the new manifest included when it was merged. */
  replaced: number;
  /** Paths of the merged manifests this call wrote (to clean up if the attempt fails). */
  written: string[];
}

/**
 * Rewrites one bin as a single manifest: this snapshot's additions stay ADDED with inherited
 * sequence numbers; everything else carried forward becomes EXISTING with its original
 * snapshot id and sequence numbers written out, so that they do not change by being moved.
 */
async function mergeBin(
  bin: readonly ManifestFile[],
  specId: number,
  ctx: BinContext,
): Promise<ManifestFile> {
  const schema = currentSchema(ctx.metadata);
  const spec = ctx.metadata['partition-specs'].find((s) => s['spec-id'] === specId);
  if (!spec) throw new ValidationError(`table metadata has no partition spec ${specId}`);
  const partition = bindPartitionSpec(spec, schema);
  const read = await Promise.all(
    bin.map((m) => readManifestEntries(ctx.io, m, { deadline: ctx.deadline })),
  );
  const entries: ManifestEntry[] = [];
  for (const entry of read.flat()) {
    if (entry.status === ManifestEntryStatus.Deleted) continue;
    if (entry.status === ManifestEntryStatus.Added && entry.snapshotId === ctx.snapshotId) {
      entries.push({ ...entry, sequenceNumber: null, fileSequenceNumber: null });
      continue;
    }
    if (entry.sequenceNumber === null || entry.fileSequenceNumber === null) {
      throw new ValidationError(
        `existing entry for ${entry.dataFile.filePath} has no sequence number to carry forward`,
      );
    }
    entries.push({ ...entry, status: ManifestEntryStatus.Existing });
  }
  const bytes = writeManifest(entries, {
    schema,
    spec,
    partition,
    formatVersion: ctx.formatVersion,
  });
  const path = ctx.newManifestPath();
  ctx.written.push(path);
  await ctx.io.write(path, bytes, { deadline: ctx.deadline });

  const added = entries.filter((e) => e.status === ManifestEntryStatus.Added);
  const existing = entries.filter((e) => e.status === ManifestEntryStatus.Existing);
  const rows = (list: ManifestEntry[]) => list.reduce((sum, e) => sum + e.dataFile.recordCount, 0n);
  // Math.min takes no bigint; ADDED entries inherit this snapshot's sequence number.
  let minSequenceNumber = ctx.sequenceNumber;
  for (const entry of existing) {
    if (entry.sequenceNumber !== null && entry.sequenceNumber < minSequenceNumber) {
      minSequenceNumber = entry.sequenceNumber;
    }
  }
  return {
    manifestPath: path,
    manifestLength: BigInt(bytes.length),
    partitionSpecId: specId,
    content: ManifestContent.Data,
    sequenceNumber: ctx.sequenceNumber,
    minSequenceNumber,
    addedSnapshotId: ctx.snapshotId,
    addedFilesCount: added.length,
    existingFilesCount: existing.length,
    deletedFilesCount: 0,
    addedRowsCount: rows(added),
    existingRowsCount: rows(existing),
    deletedRowsCount: 0n,
    partitions: partitionSummaries(
      partition,
      entries.map((e) => e.dataFile),
    ),
  };
}

/**
 * The merge step of a merging append. `manifests` is the new snapshot's list, the new
 * manifest first. Data manifests are grouped by partition spec; a group of at least
 * `minCountToMerge` manifests is packed into bins of about `targetSizeBytes`, and every bin
 * of two or more becomes one merged manifest. Delete manifests are left as they are, after
 * the data manifests. Without any merge the list comes back unchanged.
 */
export async function mergeManifests(
  manifests: readonly ManifestFile[],
  ctx: MergeContext,
): Promise<MergeResult> {
  const unchanged = { manifests: [...manifests], replaced: 0, written: [] };
  if (!ctx.settings.enabled) return unchanged;
  const groups = new Map<number, ManifestFile[]>();
  const deletes: ManifestFile[] = [];
  for (const manifest of manifests) {
    if (manifest.content !== ManifestContent.Data) {
      deletes.push(manifest);
      continue;
    }
    const group = groups.get(manifest.partitionSpecId) ?? [];
    group.push(manifest);
    groups.set(manifest.partitionSpecId, group);
  }
  const due = [...groups.values()].some(
    (group) => group.length >= ctx.settings.minCountToMerge && group.length > 1,
  );
  if (!due) return unchanged;

  const merged: ManifestFile[] = [];
  const binContext: BinContext = { ...ctx, written: [] };
  let replaced = 0;
  for (const [specId, group] of groups) {
    if (group.length < ctx.settings.minCountToMerge) {
      merged.push(...group);
      continue;
    }
    // Bins are written one after another to keep memory to one bin's entries at a time.
    for (const bin of packManifests(group, ctx.settings.targetSizeBytes)) {
      if (bin.length === 1) {
        merged.push(bin[0]!);
        continue;
      }
      merged.push(await mergeBin(bin, specId, binContext));
      replaced += bin.length;
    }
  }
  return { manifests: [...merged, ...deletes], replaced, written: binContext.written };
}
