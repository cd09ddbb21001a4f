import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import {
  type CommitAttempt,
  type CommitRoundResult,
  CommittedOffsetsMissingError,
  type Deadline,
  GroupCommitter,
  NO_DEADLINE,
  S3StagingStore,
  type StagingStore,
  stagingRoot,
  TableLostError,
} from '../../lib/group-commit';
import { parseS3Uri } from '../../lib/iceberg';
import type { GroupCommitSettings, IcebergSettings } from './config';
import type { IcebergClients } from './iceberg';

/** The staging area is on the warehouse's object store, so it shares its client settings. */
export function stagingClient(settings: IcebergSettings): S3Client {
  return new S3Client({
    region: settings.s3.region,
    ...(settings.s3.endpoint ? { endpoint: settings.s3.endpoint } : {}),
    forcePathStyle: settings.s3.forcePathStyle,
    ...(settings.s3.credentials ? { credentials: settings.s3.credentials } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export interface GroupCommitContext {
  settings: GroupCommitSettings;
  iceberg: IcebergClients;
  consumerGroupId: string;
  client: S3Client;
}

/** One staging store and one committer per topic, created on first use and kept warm. */
export class TopicCommitters {
  private readonly stores = new Map<string, StagingStore>();
  private readonly committers = new Map<string, GroupCommitter>();

  constructor(
    private readonly ctx: GroupCommitContext,
    private readonly store: (root: string) => StagingStore = (root) =>
      new S3StagingStore(ctx.client, root),
  ) {}

  staging(topic: string): StagingStore {
    let store = this.stores.get(topic);
    if (!store) {
      const root = stagingRoot(
        this.ctx.settings.stagingUri,
        this.ctx.iceberg.table,
        topic,
        this.ctx.consumerGroupId,
      );
      store = this.store(root);
      this.stores.set(topic, store);
    }
    return store;
  }

  committer(topic: string): GroupCommitter {
    let committer = this.committers.get(topic);
    if (!committer) {
      committer = new GroupCommitter({
        store: this.staging(topic),
        catalog: this.ctx.iceberg.catalog,
        io: this.ctx.iceberg.io,
        table: this.ctx.iceberg.table,
        topic,
        consumerGroup: this.ctx.consumerGroupId,
        intervalMs: this.ctx.settings.intervalMs,
      });
      this.committers.set(topic, committer);
    }
    return committer;
  }
}

/**
 * Size of the table's current metadata file (a HEAD request): what Glue caps at 20 MB, and what
 * every commit downloads. Reported as TableMetadataBytes, which the stack alarms on.
 */
export async function tableMetadataBytes(client: S3Client, metadataLocation: string) {
  const { bucket, key } = parseS3Uri(metadataLocation);
  const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  return head.ContentLength ?? 0;
}

/** Time left in the invocation; without a context (tests, scripts) there is no limit. */
export function invocationDeadline(context: Context | undefined): Deadline {
  if (!context || typeof context.getRemainingTimeInMillis !== 'function') return NO_DEADLINE;
  return { remainingMs: () => context.getRemainingTimeInMillis() };
}

/** JSON-safe summary of a round, for results and logs. */
export function describeRound(round: CommitRoundResult) {
  return {
    status: round.status,
    snapshotId: round.snapshotId?.toString(),
    rows: round.rows,
    dataFiles: round.dataFiles,
    batchesTaken: round.batchesTaken,
    batchesDiscarded: round.batchesDiscarded,
    duplicateRows: round.duplicateRows,
    batchesLeft: round.batchesLeft,
    oldestStagedMs: round.oldestStagedMs,
    commitAttempts: round.commitAttempts,
  };
}

export function recordRound(metrics: Metrics, round: CommitRoundResult, durationMs?: number) {
  metrics.addMetric('groupCommitRows', MetricUnit.Count, round.rows);
  metrics.addMetric('groupCommitBatches', MetricUnit.Count, round.batchesTaken);
  metrics.addMetric('groupCommitDiscardedBatches', MetricUnit.Count, round.batchesDiscarded);
  metrics.addMetric('groupCommitDuplicateRows', MetricUnit.Count, round.duplicateRows);
  metrics.addMetric('stagedBatchesLeft', MetricUnit.Count, round.batchesLeft);
  metrics.addMetric('stagedBatchOldestAge', MetricUnit.Milliseconds, round.oldestStagedMs);
  if (durationMs !== undefined) {
    metrics.addMetric('groupCommitTime', MetricUnit.Milliseconds, Math.round(durationMs));
  }
}

/**
 * Counts a failed round under a metric named for its cause, so an alarm can tell a lost table
 * or lost offsets (which need a person) from a passing outage (which the next round retries).
 */
export function recordRoundFailure(metrics: Metrics, logger: Logger, error: unknown) {
  const kind =
    error instanceof TableLostError
      ? 'tableLost'
      : error instanceof CommittedOffsetsMissingError
        ? 'committedOffsetsMissing'
        : 'groupCommitFailed';
  metrics.addMetric(kind, MetricUnit.Count, 1);
  logger.error('group commit failed; staged batches wait for the next round', {
    kind,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
  return kind;
}

export type { CommitAttempt };
