import { readManifestList } from '../avro/manifest-list';
import { ValidationError } from '../errors';
import {
  manifestMayMatch,
  metricsMayMatch,
  partitionMatches,
  projectInclusive,
} from '../expressions/evaluators';
import { alwaysTrue, type Bound, bind, type Expression } from '../expressions/expression';
import type { FileIO } from '../io/file-io';
import { type DataFile, FileContent, ManifestEntryStatus } from '../spec/data-file';
import { ManifestContent, type ManifestFile } from '../spec/manifest-file';
import { type NameMapping, parseNameMapping } from '../spec/name-mapping';
import {
  type BoundPartitionField,
  bindPartitionSpec,
  type PartitionSpec,
} from '../spec/partition-spec';
import type { Schema } from '../spec/schema';
import type { Snapshot } from '../spec/snapshot';
import {
  currentSchema,
  type LoadedTable,
  mainSnapshot,
  snapshotById,
} from '../spec/table-metadata';
import { formatVersion } from '../spec/table-support';
import { readManifestEntries } from '../transaction/manifest-merge';
import type { Deadline } from '../util/deadline';
import { mapLimited } from '../util/map-limited';
import { type DeleteFileEntry, DeleteFileIndex } from './delete-index';

export interface ScanOptions {
  /** Rows to keep; files and manifests that cannot hold such rows are not opened. */
  filter?: Expression;
  /** Default: the snapshot `main` points at. */
  snapshotId?: bigint;
  deadline?: Deadline;
  /** Manifests read at once (default 8). */
  concurrency?: number;
}

/** One data file to read, with the delete files that apply to it. */
export interface FileScanTask {
  file: DataFile;
  /** The data sequence number the file was added with (inherited from its manifest). */
  dataSequenceNumber: bigint;
  deletes: DataFile[];
  spec: PartitionSpec;
}

export interface ScanMetrics {
  manifests: number;
  /** Data manifests skipped on their partition summaries. */
  manifestsSkipped: number;
  /** Live data files in the manifests read. */
  dataFiles: number;
  /** Of those, skipped on their partition tuple or column metrics. */
  dataFilesSkipped: number;
  deleteFiles: number;
}

export interface ScanPlan {
  snapshot: Snapshot | undefined;
  schema: Schema;
  /** The bound filter (`true` without one), to apply to rows as a residual. */
  filter: Bound;
  /** `schema.name-mapping.default`, for data files written without field ids. */
  nameMapping: NameMapping | undefined;
  tasks: FileScanTask[];
  metrics: ScanMetrics;
}

function boundSpec(table: LoadedTable, schema: Schema, specId: number) {
  const spec = table.metadata['partition-specs'].find((s) => s['spec-id'] === specId);
  if (!spec) throw new ValidationError(`table metadata has no partition spec ${specId}`);
  let fields: BoundPartitionField[];
  try {
    fields = bindPartitionSpec(spec, schema);
  } catch {
    // a spec over a dropped column cannot be used for pruning; its files are read
    fields = [];
  }
  return { spec, fields };
}

/**
 * Plans a scan as the spec describes: data manifests whose partition summaries rule out the
 * filter are skipped, then data files whose partition tuple or column metrics do; every delete
 * file that applies to a kept data file is attached to its task (see DeleteFileIndex). What a
 * one-day query or a source_partition/source_offset lookup opens is `tasks`.
 */
export async function planScan(
  io: FileIO,
  table: LoadedTable,
  options: ScanOptions = {},
): Promise<ScanPlan> {
  const { metadata } = table;
  const version = formatVersion(metadata);
  const schema = currentSchema(metadata);
  const filter = bind(options.filter ?? alwaysTrue(), schema);
  const nameMapping = parseNameMapping(metadata.properties?.['schema.name-mapping.default']);
  const snapshot =
    options.snapshotId === undefined
      ? mainSnapshot(metadata)
      : snapshotById(metadata, options.snapshotId);
  if (options.snapshotId !== undefined && !snapshot) {
    throw new ValidationError(`table has no snapshot ${options.snapshotId}`);
  }
  const metrics: ScanMetrics = {
    manifests: 0,
    manifestsSkipped: 0,
    dataFiles: 0,
    dataFilesSkipped: 0,
    deleteFiles: 0,
  };
  if (!snapshot) return { snapshot, schema, filter, nameMapping, tasks: [], metrics };
  const { deadline } = options;
  const { manifests } = readManifestList(await io.read(snapshot['manifest-list'], { deadline }));
  metrics.manifests = manifests.length;
  const specs = new Map<number, ReturnType<typeof boundSpec>>();
  const specOf = (id: number) => {
    let bound = specs.get(id);
    if (!bound) {
      bound = boundSpec(table, schema, id);
      specs.set(id, bound);
    }
    return bound;
  };
  const projected = new Map<number, Bound>();
  const projection = (id: number) => {
    let p = projected.get(id);
    if (!p) {
      p = projectInclusive(filter, specOf(id).fields);
      projected.set(id, p);
    }
    return p;
  };
  const wanted = manifests.filter((m: ManifestFile) => {
    if (m.content !== ManifestContent.Data) return true;
    // only deleted entries (the counts are required from v2 on; v1 lists may leave them out)
    if (version > 1 && m.addedFilesCount === 0 && m.existingFilesCount === 0) return false;
    const keep = manifestMayMatch(
      projection(m.partitionSpecId),
      specOf(m.partitionSpecId).fields,
      m.partitions,
    );
    if (!keep) metrics.manifestsSkipped++;
    return keep;
  });
  const read = await mapLimited(wanted, options.concurrency ?? 8, async (m) => ({
    manifest: m,
    entries: await readManifestEntries(io, m, { deadline }),
  }));
  const data: { file: DataFile; seq: bigint }[] = [];
  const deletes: DeleteFileEntry[] = [];
  for (const { manifest, entries } of read) {
    for (const entry of entries) {
      if (entry.status === ManifestEntryStatus.Deleted) continue;
      const file = entry.dataFile;
      const seq = entry.sequenceNumber ?? 0n;
      if (manifest.content === ManifestContent.Deletes || file.content !== FileContent.Data) {
        deletes.push({ file, sequenceNumber: seq });
        continue;
      }
      metrics.dataFiles++;
      const { fields } = specOf(file.specId);
      const keep =
        partitionMatches(projection(file.specId), fields, file.partition) &&
        metricsMayMatch(filter, file);
      if (keep) data.push({ file, seq });
      else metrics.dataFilesSkipped++;
    }
  }
  metrics.deleteFiles = deletes.length;
  const index = new DeleteFileIndex(deletes, metadata['partition-specs']);
  const tasks = data.map(({ file, seq }) => ({
    file,
    dataSequenceNumber: seq,
    deletes: index.forDataFile(file, seq),
    spec: specOf(file.specId).spec,
  }));
  return { snapshot, schema, filter, nameMapping, tasks, metrics };
}

/** The tasks of `planScan`: Iceberg Java's `planFiles()`. */
export async function planFiles(
  io: FileIO,
  table: LoadedTable,
  options: ScanOptions = {},
): Promise<FileScanTask[]> {
  return (await planScan(io, table, options)).tasks;
}
