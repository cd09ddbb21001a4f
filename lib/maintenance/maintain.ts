import {
  type Catalog,
  Deadline,
  type ExpireSnapshotsResult,
  expireSnapshots,
  type FileIO,
  type LoadedTable,
  mainSnapshot,
  type OrphanFilesResult,
  planScan,
  readManifestList,
  removeOrphanFiles,
  rewriteManifests,
  type TableIdentifier,
  tableName,
} from '../iceberg';
import { type CompactionOptions, type CompactionResult, compactDataFiles } from './compact';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface MaintenanceOptions
  extends Omit<CompactionOptions, 'deadline' | 'dryRun' | 'progress'> {
  /** Rewrite manifests when the current snapshot has more than this many (default 20). */
  maxManifests?: number;
  /** Snapshots older than this expire (default 1 day)... */
  snapshotRetentionMs?: number;
  /** ...but each branch keeps at least this many (default 5). */
  retainLastSnapshots?: number;
  /** Unreferenced files younger than this are left alone: a commit may be in flight (default 3 days). */
  orphanMinAgeMs?: number;
  /** Steps to skip. */
  skip?: ReadonlySet<'compact' | 'rewrite-manifests' | 'expire' | 'orphans'>;
  /** Never touched by orphan cleanup, even under the table location. */
  protectedPrefixes?: readonly string[];
  dryRun?: boolean;
  deadline?: Deadline;
  progress?: (message: string) => void;
}

export interface TableFigures {
  dataFiles: number;
  dataBytes: bigint;
  records: bigint;
  manifests: number;
  snapshots: number;
  /** Bytes of the current table metadata file, where the FileIO can read it. */
  metadataBytes?: number;
}

export interface MaintenanceReport {
  table: string;
  dryRun: boolean;
  before: TableFigures;
  after: TableFigures;
  compaction?: CompactionResult;
  manifests?: { before: number; after: number; snapshotId?: bigint; skipped?: string };
  expiry?: Pick<ExpireSnapshotsResult, 'status' | 'message' | 'retained'> & {
    expired: number;
    filesDeleted: number;
    failedDeletes: number;
  };
  orphans?: Pick<OrphanFilesResult, 'status' | 'message' | 'listed' | 'tooYoung'> & {
    found: number;
    bytes: number;
    deleted: number;
    failedDeletes: number;
  };
  durationMs: number;
}

export async function tableFigures(
  io: FileIO,
  table: LoadedTable,
  deadline?: Deadline,
): Promise<TableFigures> {
  const plan = await planScan(io, table, deadline ? { deadline } : {});
  const snapshot = mainSnapshot(table.metadata);
  const manifests = snapshot
    ? readManifestList(await io.read(snapshot['manifest-list'], { deadline })).manifests.length
    : 0;
  let metadataBytes: number | undefined;
  try {
    metadataBytes = (await io.read(table.metadataLocation, { deadline })).length;
  } catch {
    metadataBytes = undefined;
  }
  return {
    dataFiles: plan.tasks.length,
    dataBytes: plan.tasks.reduce((s, t) => s + t.file.fileSizeInBytes, 0n),
    records: plan.tasks.reduce((s, t) => s + t.file.recordCount, 0n),
    manifests,
    snapshots: table.metadata.snapshots?.length ?? 0,
    ...(metadataBytes !== undefined ? { metadataBytes } : {}),
  };
}

/**
 * One maintenance run over a table, in the order that leaves the least behind: compaction
 * (a replace snapshot), then a manifest rewrite when the current snapshot has too many, then
 * snapshot expiry and orphan cleanup (both only counted when the catalog collects garbage itself,
 * `gc.enabled=false`). Every commit is safe beside a live appender.
 */
export async function maintainTable(
  catalog: Catalog,
  io: FileIO,
  ident: TableIdentifier,
  opts: MaintenanceOptions = {},
): Promise<MaintenanceReport> {
  const started = Date.now();
  const deadline = opts.deadline ?? Deadline.none();
  const say = opts.progress ?? (() => {});
  const dryRun = opts.dryRun ?? false;
  const skip = opts.skip ?? new Set();
  const name = tableName(ident);
  let table = await catalog.loadTable(ident, { deadline });
  const before = await tableFigures(io, table, deadline);
  say(
    `${name}: ${before.dataFiles} data files, ${before.dataBytes} bytes, ${before.manifests} manifests, ${before.snapshots} snapshots`,
  );
  const report: MaintenanceReport = { table: name, dryRun, before, after: before, durationMs: 0 };

  if (!skip.has('compact')) {
    report.compaction = await compactDataFiles(catalog, io, ident, {
      ...opts,
      deadline,
      dryRun,
      progress: say,
    });
    table = await catalog.loadTable(ident, { deadline });
  }

  if (!skip.has('rewrite-manifests')) {
    const snapshot = mainSnapshot(table.metadata);
    const count = snapshot
      ? readManifestList(await io.read(snapshot['manifest-list'], { deadline })).manifests.length
      : 0;
    const limit = opts.maxManifests ?? 20;
    if (count <= limit) {
      report.manifests = {
        before: count,
        after: count,
        skipped: `${count} manifests, at most ${limit}`,
      };
    } else if (dryRun) {
      report.manifests = { before: count, after: count, skipped: 'dry run' };
    } else {
      say(`${name}: rewriting ${count} manifests`);
      const rewritten = await rewriteManifests(catalog, io, ident, {
        deadline,
        ...(opts.summary ? { summary: opts.summary } : {}),
      });
      report.manifests = {
        before: rewritten.manifestsBefore,
        after: rewritten.manifestsAfter,
        snapshotId: rewritten.snapshotId,
      };
      say(`  ${rewritten.manifestsBefore} -> ${rewritten.manifestsAfter} manifests`);
      table = await catalog.loadTable(ident, { deadline });
    }
  }

  if (!skip.has('expire')) {
    const expired = await expireSnapshots(catalog, io, ident, {
      olderThanMs: Date.now() - (opts.snapshotRetentionMs ?? DAY),
      retainLast: opts.retainLastSnapshots ?? 5,
      dryRun,
      deadline,
    });
    report.expiry = {
      status: expired.status,
      ...(expired.message ? { message: expired.message } : {}),
      retained: expired.retained,
      expired: expired.expired.length,
      filesDeleted: expired.deletedFiles.length,
      failedDeletes: expired.failedDeletes.length,
    };
    say(
      expired.message ??
        `${name}: ${expired.expired.length} snapshots ${dryRun ? 'would expire' : 'expired'}, ${expired.deletedFiles.length} files deleted`,
    );
    table = await catalog.loadTable(ident, { deadline });
  }

  if (!skip.has('orphans')) {
    const orphans = await removeOrphanFiles(io, table, {
      olderThanMs: Date.now() - (opts.orphanMinAgeMs ?? 3 * DAY),
      dryRun,
      ...(opts.protectedPrefixes ? { exclude: opts.protectedPrefixes } : {}),
      deadline,
    });
    report.orphans = {
      status: orphans.status,
      ...(orphans.message ? { message: orphans.message } : {}),
      listed: orphans.listed,
      tooYoung: orphans.tooYoung,
      found: orphans.orphans.length,
      bytes: orphans.orphans.reduce((s, f) => s + f.size, 0),
      deleted: orphans.deleted.length,
      failedDeletes: orphans.failedDeletes.length,
    };
    say(
      `${name}: ${orphans.listed} files listed, ${orphans.orphans.length} orphans, ${orphans.deleted.length} deleted` +
        (orphans.message ? ` (${orphans.message})` : ''),
    );
  }

  report.after = await tableFigures(io, await catalog.loadTable(ident, { deadline }), deadline);
  report.durationMs = Date.now() - started;
  say(
    `${name}: ${report.after.dataFiles} data files, ${report.after.dataBytes} bytes, ${report.after.manifests} manifests, ${report.after.snapshots} snapshots after; ${report.durationMs} ms`,
  );
  return report;
}
