import { randomUUID } from 'node:crypto';
import { classifyRecords } from '../../lib/alerts/classify';
import {
  formatOffsetsSummary,
  isCommitted,
  mergeOffsets,
  offsetsSummaries,
  offsetsSummaryKey,
  type PartitionOffsets,
  parseOffsetsSummary,
} from '../../lib/alerts/offsets';
import type { AlertThresholds } from '../../lib/alerts/severity';
import {
  type Catalog,
  type DataFile,
  type FileIO,
  findNewestSnapshotWith,
  type LoadedTable,
  mainSnapshot,
  mergeAppend,
  type TableIdentifier,
  type TableMetadata,
  writeDataFiles,
} from '../../lib/iceberg';
import type { KafkaRecord } from '../../lib/kafka/event';
import { type DeadLetterSink, deadLetterEntry } from './dead-letter';
import { ConcurrentDeliveryError } from './errors';

export interface BatchLogger {
  warn(message: string, extra: { [key: string]: string }): void;
}

export interface BatchDeps {
  catalog: Catalog;
  io: FileIO;
  table: TableIdentifier;
  consumerGroupId: string;
  thresholds: AlertThresholds;
  deadLetter: DeadLetterSink;
  maxValueBytes?: number;
  /** Restarts after another delivery committed some of this batch's records (default 5). */
  maxRestarts?: number;
  /** Microseconds since the epoch, stamped as processing_timestamp. */
  nowMicros?: () => bigint;
  logger?: BatchLogger;
}

export interface BatchOutcome {
  records: number;
  alerts: number;
  belowThreshold: number;
  rejected: number;
  /** Records already in the table (committed by an earlier delivery), dropped before writing. */
  skipped: number;
  /** Snapshots committed, at most one per topic in the batch. */
  snapshotIds: bigint[];
  /** mergeAppend attempts summed over topics and restarts. */
  commitAttempts: number;
  restarts: number;
  timingsMs: { validate: number; deadLetter: number; write: number; commit: number };
}

export function committedOffsets(metadata: TableMetadata, key: string): PartitionOffsets {
  return parseOffsetsSummary(findNewestSnapshotWith(metadata, key)?.summary[key]);
}

function highestOffsets(records: readonly KafkaRecord[]): PartitionOffsets {
  const out: PartitionOffsets = {};
  for (const r of records) {
    const prev = out[r.partition];
    if (prev === undefined || r.offset > prev) out[r.partition] = r.offset;
  }
  return out;
}

const since = (start: number) => performance.now() - start;

/**
 * Appends a batch's alerts exactly once. The snapshot that adds them also records, under
 * `offsetsSummaryKey(topic, group)`, the highest offset per partition committed so far; a
 * redelivered record at or below that offset is dropped. The offsets are re-checked against
 * every base the commit lands on: if another delivery committed any of these records in the
 * meantime, this attempt is abandoned and the batch is filtered again from the new table.
 *
 * A batch without alerts commits nothing (no empty snapshots); on redelivery it is classified
 * again, which adds nothing to the table.
 */
export async function processBatch(
  records: readonly KafkaRecord[],
  deps: BatchDeps,
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = {
    records: records.length,
    alerts: 0,
    belowThreshold: 0,
    rejected: 0,
    skipped: 0,
    snapshotIds: [],
    commitAttempts: 0,
    restarts: 0,
    timingsMs: { validate: 0, deadLetter: 0, write: 0, commit: 0 },
  };
  const byTopic = new Map<string, KafkaRecord[]>();
  for (const r of records) {
    const list = byTopic.get(r.topic) ?? [];
    list.push(r);
    byTopic.set(r.topic, list);
  }
  for (const [topic, topicRecords] of byTopic) {
    await processTopic(topic, topicRecords, deps, outcome);
  }
  return outcome;
}

async function processTopic(
  topic: string,
  records: readonly KafkaRecord[],
  deps: BatchDeps,
  outcome: BatchOutcome,
): Promise<void> {
  const key = offsetsSummaryKey(topic, deps.consumerGroupId);
  const maxRestarts = deps.maxRestarts ?? 5;
  const nowMicros = deps.nowMicros ?? (() => BigInt(Date.now()) * 1000n);
  const deadLettered = new Set<bigint | string>();
  let table: LoadedTable = await deps.catalog.loadTable(deps.table);

  for (let restart = 0; restart <= maxRestarts; restart++) {
    let start = performance.now();
    const committed = committedOffsets(table.metadata, key);
    const fresh = records.filter((r) => !isCommitted(committed, r.partition, r.offset));
    const classified = classifyRecords(fresh, {
      thresholds: deps.thresholds,
      processingTimestampMicros: nowMicros(),
      maxValueBytes: deps.maxValueBytes,
    });
    outcome.timingsMs.validate += since(start);

    // Dead letters go out before the commit: once the offsets are committed a retry would skip
    // these records, so a failed dead-letter write must fail the batch while it can still be
    // retried whole.
    start = performance.now();
    const toDeadLetter = classified.rejected.filter(
      (r) => !deadLettered.has(`${r.record.partition}:${r.record.offset}`),
    );
    if (toDeadLetter.length > 0) {
      const now = new Date();
      await deps.deadLetter.write(
        toDeadLetter.map((r) => deadLetterEntry(r, deps.consumerGroupId, now)),
      );
      for (const r of toDeadLetter) deadLettered.add(`${r.record.partition}:${r.record.offset}`);
    }
    outcome.timingsMs.deadLetter += since(start);

    const settle = () => {
      outcome.skipped += records.length - fresh.length;
      outcome.alerts += classified.alerts.length;
      outcome.belowThreshold += classified.belowThreshold;
      outcome.rejected += classified.rejected.length;
    };
    if (classified.alerts.length === 0) {
      settle();
      return;
    }

    start = performance.now();
    const commitId = randomUUID();
    const dataFiles = await writeDataFiles(deps.io, table, classified.alerts, {
      fileNamePrefix: commitId,
    });
    outcome.timingsMs.write += since(start);

    start = performance.now();
    const batchOffsets = highestOffsets(fresh);
    const result = await mergeAppend(deps.catalog, deps.io, deps.table, dataFiles, {
      commitId,
      prepare: (base) => {
        const baseCommitted = committedOffsets(base.metadata, key);
        const covered = fresh.find((r) => isCommitted(baseCommitted, r.partition, r.offset));
        if (covered) {
          return {
            abandon: `offset ${covered.offset} of partition ${covered.partition} was committed meanwhile`,
          };
        }
        return {
          summary: {
            ...offsetsSummaries(mainSnapshot(base.metadata)?.summary),
            [key]: formatOffsetsSummary(mergeOffsets(baseCommitted, batchOffsets)),
          },
        };
      },
    });
    outcome.timingsMs.commit += since(start);
    outcome.commitAttempts += result.attempts;

    if (result.status === 'committed') {
      settle();
      outcome.snapshotIds.push(result.snapshotId);
      return;
    }
    outcome.restarts++;
    deps.logger?.warn('another delivery committed part of this batch; filtering again', {
      topic,
      reason: result.reason,
    });
    // After an unknown outcome the files may belong to a commit that landed out of sight.
    if (!result.uncertain) await deleteQuietly(deps.io, dataFiles);
    table = result.table;
  }
  throw new ConcurrentDeliveryError(
    `batch of ${records.length} records on ${topic} still overlapped other deliveries after ${maxRestarts} restarts`,
  );
}

// Files of an abandoned attempt are referenced by no snapshot; removing them is a courtesy.
async function deleteQuietly(io: FileIO, files: readonly DataFile[]): Promise<void> {
  if (!io.delete) return;
  await Promise.allSettled(files.map((f) => io.delete!(f.filePath)));
}
