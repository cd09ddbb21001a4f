import {
  type Catalog,
  type DataFile,
  Deadline,
  type FileIO,
  type FileScanTask,
  type LoadedTable,
  ManifestContent,
  ManifestEntryStatus,
  mainSnapshot,
  planScan,
  type Row,
  readManifestEntries,
  readManifestList,
  readRows,
  rewriteFiles,
  StaleRewriteError,
  type TableIdentifier,
  tableName,
  ValidationError,
  writeDataFiles,
} from '../iceberg';

/** Table property of the size data files aim at, as Iceberg names it. */
export const TARGET_FILE_SIZE_PROPERTY = 'write.target-file-size-bytes';
export const DEFAULT_TARGET_FILE_SIZE = 128n * 1024n * 1024n;

export interface CompactionOptions {
  /** Default: the table's `write.target-file-size-bytes`, else 128 MiB. */
  targetFileSizeBytes?: bigint;
  /** A file below this is small (default 75% of the target, Iceberg Java's min-file-size-bytes). */
  smallFileBytes?: bigint;
  /** A partition is compacted when it has more than this many small files (default 4). */
  minSmallFiles?: number;
  /**
   * Most input bytes one output file is made from (default the target, at most 64 MiB): the
   * rows of one output file are held in memory, so this bounds the memory a run needs.
   */
  maxInputBytesPerFile?: bigint;
  /** Column each output file is sorted by (time-range queries then prune within files). */
  sortColumn?: string;
  /** Summary entries carried into the replace snapshot from the base it commits on. */
  summary?: (base: LoadedTable) => Record<string, string>;
  /** Re-plans after another writer removed files this compaction was about to replace (default 3). */
  maxReplans?: number;
  deadline?: Deadline;
  dryRun?: boolean;
  progress?: (message: string) => void;
}

export interface CompactionResult {
  partitionsCompacted: number;
  filesRemoved: number;
  filesAdded: number;
  bytesRemoved: bigint;
  bytesAdded: bigint;
  rows: bigint;
  snapshotId?: bigint;
  commitAttempts: number;
  replans: number;
}

function targetSize(table: LoadedTable, explicit?: bigint): bigint {
  if (explicit !== undefined) return explicit;
  const raw = table.metadata.properties?.[TARGET_FILE_SIZE_PROPERTY]?.trim();
  if (raw === undefined) return DEFAULT_TARGET_FILE_SIZE;
  if (!/^\d+$/.test(raw) || BigInt(raw) <= 0n) {
    throw new ValidationError(
      `table property ${TARGET_FILE_SIZE_PROPERTY}=${raw} is no positive integer`,
    );
  }
  return BigInt(raw);
}

/** Groups of small files of one partition, each group at most `maxBytes` of input. */
export function planBins(
  tasks: readonly FileScanTask[],
  opts: { specId: number; smallFileBytes: bigint; minSmallFiles: number; maxBytes: bigint },
): FileScanTask[][] {
  const byPartition = new Map<string, FileScanTask[]>();
  for (const task of tasks) {
    if (task.file.specId !== opts.specId || task.file.fileSizeInBytes >= opts.smallFileBytes)
      continue;
    const key = JSON.stringify(task.file.partition, (_, v) =>
      typeof v === 'bigint' ? `${v}n` : v,
    );
    byPartition.set(key, [...(byPartition.get(key) ?? []), task]);
  }
  const bins: FileScanTask[][] = [];
  for (const group of byPartition.values()) {
    if (group.length <= opts.minSmallFiles) continue;
    group.sort((a, b) => a.file.filePath.localeCompare(b.file.filePath));
    let bin: FileScanTask[] = [];
    let bytes = 0n;
    for (const task of group) {
      if (bin.length > 0 && bytes + task.file.fileSizeInBytes > opts.maxBytes) {
        bins.push(bin);
        bin = [];
        bytes = 0n;
      }
      bin.push(task);
      bytes += task.file.fileSizeInBytes;
    }
    bins.push(bin);
  }
  return bins.filter((b) => b.length > 1);
}

async function liveDeleteFiles(io: FileIO, table: LoadedTable, deadline: Deadline) {
  const snapshot = mainSnapshot(table.metadata);
  const out = new Set<string>();
  if (!snapshot) return out;
  const { manifests } = readManifestList(await io.read(snapshot['manifest-list'], { deadline }));
  for (const m of manifests) {
    if (m.content === ManifestContent.Data) continue;
    for (const e of await readManifestEntries(io, m, { deadline })) {
      if (e.status !== ManifestEntryStatus.Deleted) out.add(e.dataFile.filePath);
    }
  }
  return out;
}

function compareBy(column: string) {
  return (a: Row, b: Row) => {
    const x = a[column] ?? null;
    const y = b[column] ?? null;
    if (x === y) return 0;
    if (x === null) return -1;
    if (y === null) return 1;
    return x < y ? -1 : 1;
  };
}

/**
 * Bin-packing compaction (Iceberg's rewrite_data_files): per partition of the default spec with
 * more than `minSmallFiles` small files, the small files are read (deletes applied), sorted and
 * written again as files near the target size, then swapped in by one `replace` snapshot. The
 * commit re-validates on every base that each replaced file is still live; when another writer
 * removed one, the new files are deleted and the compaction planned again.
 */
export async function compactDataFiles(
  catalog: Catalog,
  io: FileIO,
  ident: TableIdentifier,
  opts: CompactionOptions = {},
): Promise<CompactionResult> {
  const deadline = opts.deadline ?? Deadline.none();
  const say = opts.progress ?? (() => {});
  const result: CompactionResult = {
    partitionsCompacted: 0,
    filesRemoved: 0,
    filesAdded: 0,
    bytesRemoved: 0n,
    bytesAdded: 0n,
    rows: 0n,
    commitAttempts: 0,
    replans: 0,
  };
  const maxReplans = opts.maxReplans ?? 3;
  for (let round = 0; ; round++) {
    const table = await catalog.loadTable(ident, { deadline });
    const target = targetSize(table, opts.targetFileSizeBytes);
    const small = opts.smallFileBytes ?? (target * 3n) / 4n;
    const cap = 64n * 1024n * 1024n;
    const maxBytes = opts.maxInputBytesPerFile ?? (target < cap ? target : cap);
    const plan = await planScan(io, table, { deadline });
    const bins = planBins(plan.tasks, {
      specId: table.metadata['default-spec-id'],
      smallFileBytes: small,
      minSmallFiles: opts.minSmallFiles ?? 4,
      maxBytes,
    });
    const partitions = new Set(bins.map((b) => JSON.stringify(b[0]!.file.partition.map(String))));
    result.partitionsCompacted = partitions.size;
    const inputs = bins.flat();
    say(
      `${tableName(ident)}: ${plan.tasks.length} data files; ${inputs.length} small files in ${partitions.size} partitions to compact into ${bins.length} files`,
    );
    if (bins.length === 0 || opts.dryRun) {
      result.filesRemoved = inputs.length;
      result.bytesRemoved = inputs.reduce((s, t) => s + t.file.fileSizeInBytes, 0n);
      return result;
    }
    const deletesAtPlan = await liveDeleteFiles(io, table, deadline);
    const added: DataFile[] = [];
    let rows = 0n;
    for (const [i, bin] of bins.entries()) {
      deadline.check(`compacting bin ${i + 1} of ${bins.length}`, 10_000);
      const read: Row[] = [];
      for (const task of bin) {
        for (const row of await readRows(io, task, plan.schema, {
          ...(plan.nameMapping ? { nameMapping: plan.nameMapping } : {}),
          deadline,
        })) {
          read.push(row);
        }
      }
      if (opts.sortColumn) read.sort(compareBy(opts.sortColumn));
      const files =
        read.length === 0
          ? []
          : await writeDataFiles(io, table, read, {
              fileNamePrefix: 'compacted',
              deadline,
            });
      const written = files.reduce((s, f) => s + f.recordCount, 0n);
      if (written !== BigInt(read.length)) {
        throw new ValidationError(`compaction wrote ${written} rows of ${read.length} read`);
      }
      rows += written;
      added.push(...files);
      if ((i + 1) % 10 === 0 || i + 1 === bins.length) say(`  wrote ${i + 1}/${bins.length} files`);
    }
    try {
      const committed = await rewriteFiles(
        catalog,
        io,
        ident,
        inputs.map((t) => t.file),
        added,
        {
          deleteFilesAtPlan: deletesAtPlan,
          deadline,
          ...(opts.summary ? { summary: opts.summary } : {}),
        },
      );
      Object.assign(result, {
        filesRemoved: inputs.length,
        filesAdded: added.length,
        bytesRemoved: inputs.reduce((s, t) => s + t.file.fileSizeInBytes, 0n),
        bytesAdded: added.reduce((s, f) => s + f.fileSizeInBytes, 0n),
        rows,
        snapshotId: committed.snapshotId,
      });
      result.commitAttempts += committed.attempts;
      say(
        `  committed replace snapshot ${committed.snapshotId} after ${committed.attempts} attempt(s)`,
      );
      return result;
    } catch (error) {
      if (!(error instanceof StaleRewriteError)) throw error;
      if (!error.outcomeUncertain && io.delete) {
        await Promise.all(added.map((f) => io.delete!(f.filePath, { deadline }).catch(() => {})));
      }
      if (round >= maxReplans) throw error;
      result.replans++;
      say(`  ${error.message}: planning again`);
    }
  }
}
