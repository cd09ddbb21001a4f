import pLimit from 'p-limit';
import {
  formatOffsetsSummary,
  mergeOffsets,
  offsetsSummaries,
  offsetsSummaryKey,
  type PartitionOffsets,
  readCommittedOffsets,
} from '../alerts/offsets';
import {
  type Catalog,
  type DataFile,
  type FileIO,
  type LoadedTable,
  mainAncestry,
  mainSnapshot,
  mergeAppend,
  NoSuchTableError,
  readManifestList,
  type TableIdentifier,
  writeDataFiles,
} from '../iceberg';
import {
  type CommitPlan,
  compareBatches,
  lineageQueries,
  type PlannedBatch,
  planCommit,
} from './commit-plan';
import type { TableIdentity } from './committer-state';
import { type Deadline, ensureTimeFor, NO_DEADLINE } from './deadline';
import { CommitContentionError, CommittedOffsetsMissingError, TableLostError } from './errors';
import { BATCHES_PREFIX, type BatchKey, parseBatchKey } from './layout';
import { lineageInTable } from './lineage';
import { decodeStagedBatch } from './staged-batch';
import type { ListedObject, StagingStore } from './staging-store';

export interface CommitRoundDeps {
  store: StagingStore;
  catalog: Catalog;
  io: FileIO;
  table: TableIdentifier;
  topic: string;
  consumerGroup: string;
  /** The table the previous commits went to; a different or missing table is an error. */
  expectedTable?: TableIdentity;
  /** Most bytes of staged objects one round reads (default 64 MiB; at least one batch). */
  maxRoundBytes?: number;
  /** Restarts after another committer moved the committed offsets (default 3). */
  maxRestarts?: number;
  deadline?: Deadline;
  /** Fault injection for tests: runs after the commit, before the staged batches are removed. */
  afterCommit?: () => void | Promise<void>;
}

export interface CommitRoundResult {
  status: 'nothing-staged' | 'committed' | 'settled';
  snapshotId?: bigint;
  rows: number;
  dataFiles: number;
  batchesTaken: number;
  batchesDiscarded: number;
  duplicateRows: number;
  /** Staged batches left for a later round (over the byte budget, or listed too late). */
  batchesLeft: number;
  /** Age of the oldest staged batch this round saw, ms. */
  oldestStagedMs: number;
  commitAttempts: number;
  table?: TableIdentity & { metadataLocation: string };
  offsets?: PartitionOffsets;
}

const READ_CONCURRENCY = 16;
const DEFAULT_MAX_ROUND_BYTES = 64 * 1024 * 1024;

/**
 * One group commit: every staged batch of the root that is ready goes into one snapshot, with
 * the committed offsets in the same atomic commit (the table property and the summary entry).
 *
 * Which batches are ready. Listing twice closes a race of strongly consistent listings (S3's):
 * a batch acknowledged before another was delivered finished its write before that one started,
 * so it is in every listing that begins after a listing which saw the later one. The round
 * therefore takes, per partition, the batches of the second listing whose first offset is at
 * most the largest first offset the first listing saw; batches staged in between wait for the
 * next round. Correctness does not rest on this (a batch found late is settled by lineage, rule
 * 2 of commit-plan.ts); it keeps such late batches, and the table reads they cost, rare.
 */
export async function runCommitRound(deps: CommitRoundDeps): Promise<CommitRoundResult> {
  const deadline = deps.deadline ?? NO_DEADLINE;
  const result: CommitRoundResult = {
    status: 'nothing-staged',
    rows: 0,
    dataFiles: 0,
    batchesTaken: 0,
    batchesDiscarded: 0,
    duplicateRows: 0,
    batchesLeft: 0,
    oldestStagedMs: 0,
    commitAttempts: 0,
  };
  ensureTimeFor(deadline, 2_000, 'list the staged batches');
  const first = await deps.store.list(BATCHES_PREFIX);
  if (first.length === 0) return result;
  const second = await deps.store.list(BATCHES_PREFIX);
  const { chosen, left } = chooseBatches(first, second, deps.maxRoundBytes);
  result.batchesLeft = left;
  if (chosen.length === 0) return result;

  ensureTimeFor(deadline, 3_000, 'read the staged batches');
  const limit = pLimit(READ_CONCURRENCY);
  const batches: PlannedBatch[] = (
    await Promise.all(
      chosen.map((k) =>
        limit(async () => {
          const found = await deps.store.get(k.key);
          // Settled and removed by another committer since the listing.
          if (!found) return undefined;
          return { key: k.key, batch: decodeStagedBatch(found.bytes, deps.store.location + k.key) };
        }),
      ),
    )
  ).filter((b): b is PlannedBatch => b !== undefined);
  const now = Date.now();
  result.oldestStagedMs = Math.max(0, ...batches.map((b) => now - b.batch.stagedAtMs));

  const key = offsetsSummaryKey(deps.topic, deps.consumerGroup);
  const maxRestarts = deps.maxRestarts ?? 3;
  for (let restart = 0; restart <= maxRestarts; restart++) {
    ensureTimeFor(deadline, 5_000, 'commit the staged batches');
    const table = await loadExpectedTable(deps);
    result.table = {
      uuid: table.metadata['table-uuid'],
      location: table.metadata.location,
      metadataLocation: table.metadataLocation,
    };
    const committed = await committedOffsetsOf(deps.io, table, key, deps);
    const inTable = await lineageInTable(deps.io, table, lineageQueries(committed, batches));
    const plan = planCommit(committed, batches, inTable);
    result.batchesTaken = plan.batchesTaken;
    result.batchesDiscarded = plan.batchesDiscarded;
    result.duplicateRows = plan.duplicateRows;
    if (plan.rows.length === 0) {
      // Nothing new: only redeliveries of committed records, or batches without new alerts.
      await deps.store.delete(plan.settledKeys);
      result.status = 'settled';
      result.offsets = committed;
      return result;
    }

    const dataFiles = await writeSorted(deps.io, table, plan);
    const appended = await mergeAppend(deps.catalog, deps.io, deps.table, dataFiles, {
      prepare: (base) => {
        const baseCommitted = readCommittedOffsets(
          { properties: base.metadata.properties, summaries: summariesOf(base) },
          key,
        ).offsets;
        if (!sameOffsets(baseCommitted, committed)) {
          return { abandon: 'another committer moved the committed offsets' };
        }
        const offsets = formatOffsetsSummary(mergeOffsets(baseCommitted, plan.offsets));
        return {
          summary: { ...offsetsSummaries(mainSnapshot(base.metadata)?.summary), [key]: offsets },
          properties: { [key]: offsets },
        };
      },
    });
    result.commitAttempts += appended.attempts;
    if (appended.status === 'committed') {
      await deps.afterCommit?.();
      // A failure here leaves settled batches behind; the next round discards them (rule 1).
      await deps.store.delete(plan.settledKeys);
      Object.assign(result, {
        status: 'committed',
        snapshotId: appended.snapshotId,
        rows: plan.rows.length,
        dataFiles: dataFiles.length,
        offsets: mergeOffsets(committed, plan.offsets),
      });
      return result;
    }
    // The abandoned attempt's files are referenced by nothing; orphan cleanup removes them, so
    // the writer needs no delete permission on the table.
  }
  throw new CommitContentionError(
    `the committed offsets of ${deps.topic}/${deps.consumerGroup} kept moving under this commit after ${maxRestarts} restarts`,
  );
}

/** The race rule above, then a byte budget that keeps each partition's batches in order. */
export function chooseBatches(
  first: readonly ListedObject[],
  second: readonly ListedObject[],
  maxBytes = DEFAULT_MAX_ROUND_BYTES,
): { chosen: BatchKey[]; left: number } {
  const seenUpTo = new Map<number, bigint>();
  for (const o of first) {
    const k = parseBatchKey(o.key);
    const prev = seenUpTo.get(k.partition);
    if (prev === undefined || k.firstOffset > prev) seenUpTo.set(k.partition, k.firstOffset);
  }
  const size = new Map(second.map((o) => [o.key, o.size]));
  const ready = second
    .map((o) => parseBatchKey(o.key))
    .filter((k) => {
      const upTo = seenUpTo.get(k.partition);
      return upTo !== undefined && k.firstOffset <= upTo;
    })
    .sort(compareBatches);
  // Round-robin over partitions, so one busy partition cannot starve the others.
  const queues = new Map<number, BatchKey[]>();
  for (const k of ready) queues.set(k.partition, [...(queues.get(k.partition) ?? []), k]);
  const chosen: BatchKey[] = [];
  let bytes = 0;
  let progress = true;
  while (progress) {
    progress = false;
    for (const queue of queues.values()) {
      const next = queue[0];
      if (!next) continue;
      const s = size.get(next.key) ?? 0;
      if (chosen.length > 0 && bytes + s > maxBytes) continue;
      queue.shift();
      chosen.push(next);
      bytes += s;
      progress = true;
    }
  }
  return { chosen, left: second.length - chosen.length };
}

async function loadExpectedTable(deps: CommitRoundDeps): Promise<LoadedTable> {
  let table: LoadedTable;
  try {
    table = await deps.catalog.loadTable(deps.table);
  } catch (error) {
    if (error instanceof NoSuchTableError && deps.expectedTable) {
      throw new TableLostError(
        `table ${tableName(deps.table)} (uuid ${deps.expectedTable.uuid}, at ${deps.expectedTable.location}) ` +
          'that earlier commits went to is gone from the catalog; its data files may still be in the ' +
          'object store. Restore the catalog (or register the table again from its last metadata file); ' +
          'nothing is committed until then.',
        { cause: error },
      );
    }
    throw error;
  }
  const uuid = table.metadata['table-uuid'];
  if (deps.expectedTable && uuid !== deps.expectedTable.uuid) {
    throw new TableLostError(
      `table ${tableName(deps.table)} is now ${uuid} at ${table.metadata.location}, but earlier ` +
        `commits went to ${deps.expectedTable.uuid} at ${deps.expectedTable.location}: the catalog ` +
        'lost the table it had. Restore it, or if the new table is meant, remove ' +
        'the committer state object of the staging root to start over.',
    );
  }
  return table;
}

function summariesOf(table: LoadedTable): Iterable<Record<string, string>> {
  return [...mainAncestry(table.metadata)].map((s) => s.summary);
}

/** The committed offsets, failing closed when a table with rows has none for this group. */
async function committedOffsetsOf(
  io: FileIO,
  table: LoadedTable,
  key: string,
  deps: CommitRoundDeps,
): Promise<PartitionOffsets> {
  const found = readCommittedOffsets(
    { properties: table.metadata.properties, summaries: summariesOf(table) },
    key,
  );
  if (found.source !== 'none') return found.offsets;
  const rows = await rowCount(io, table);
  if (rows === 0n) return {};
  throw new CommittedOffsetsMissingError(
    `table ${tableName(deps.table)} holds ${rows} rows but no committed offsets for topic ` +
      `${deps.topic} and consumer group ${deps.consumerGroup} (table property ${key} and the ` +
      'snapshot summaries): committing could append records a second time. If the rows are this ' +
      `group's, set the property to the last offset per partition already in the table, e.g. ` +
      `ALTER TABLE ... SET TBLPROPERTIES ('${key}'='{"0":1234}'). If they are not (another ` +
      `pipeline's, or a topic deleted and created again, whose offsets start at 0 anew), set it to ` +
      `'{}' to start this group from scratch.`,
  );
}

async function rowCount(io: FileIO, table: LoadedTable): Promise<bigint> {
  const snapshot = mainSnapshot(table.metadata);
  if (!snapshot) return 0n;
  const total = snapshot.summary['total-records'];
  if (total !== undefined && /^\d+$/.test(total)) return BigInt(total);
  const { manifests } = readManifestList(await io.read(snapshot['manifest-list']));
  return manifests
    .filter((m) => m.content === 0)
    .reduce((sum, m) => sum + m.addedRowsCount + m.existingRowsCount, 0n);
}

function sameOffsets(a: PartitionOffsets, b: PartitionOffsets): boolean {
  return formatOffsetsSummary(a) === formatOffsetsSummary(b);
}

/** One file per table partition, rows in reading-time order so time-range scans prune well. */
async function writeSorted(io: FileIO, table: LoadedTable, plan: CommitPlan): Promise<DataFile[]> {
  const rows = [...plan.rows].sort((a, b) =>
    a.reading_timestamp < b.reading_timestamp
      ? -1
      : a.reading_timestamp > b.reading_timestamp
        ? 1
        : 0,
  );
  return writeDataFiles(io, table, rows, { fileNamePrefix: 'group-commit' });
}

const tableName = (t: TableIdentifier) => `${t.namespace.join('.')}.${t.name}`;
