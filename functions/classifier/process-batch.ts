import { classifyRecords } from '../../lib/alerts/classify';
import type { AlertThresholds } from '../../lib/alerts/severity';
import { type StagedBatch, type StagingStore, stageBatch } from '../../lib/group-commit';
import type { Deadline } from '../../lib/iceberg';
import type { KafkaRecord } from '../../lib/kafka/event';
import { type AlertPublisher, publishAlerts } from './alert-publisher';
import { type DeadLetterSink, deadLetterEntry } from './dead-letter';

export interface BatchDeps {
  consumerGroupId: string;
  thresholds: AlertThresholds;
  deadLetter: DeadLetterSink;
  /** Where each alert is published before anything is written; none when the stream is off. */
  publishers?: { kafka?: AlertPublisher; sns?: AlertPublisher };
  /** The staging store of a topic (one root per table, topic and consumer group). */
  staging: (topic: string) => StagingStore;
  maxValueBytes?: number;
  /** Set when the replay tool put a diverted batch back. */
  replay?: { source: string };
  /** Microseconds since the epoch, stamped as processing_timestamp. */
  nowMicros?: () => bigint;
  /** Nothing durable is started with less time left than its margin: the batch fails instead. */
  deadline?: Deadline;
}

export interface StagedPart {
  topic: string;
  partition: number;
  firstOffset: bigint;
  lastOffset: bigint;
  alerts: number;
  /** The staged object's key; null when the part had no alerts (nothing to commit). */
  key: string | null;
}

export interface BatchOutcome {
  records: number;
  alerts: number;
  belowThreshold: number;
  rejected: number;
  /** Alerts published to the alert topic and to SNS. */
  published: { kafka: number; sns: number };
  parts: StagedPart[];
  timingsMs: { validate: number; publish: number; deadLetter: number; stage: number };
}

const since = (start: number) => performance.now() - start;

/** Records of one event per topic-partition, in offset order (an event may carry several). */
function byTopicPartition(records: readonly KafkaRecord[]): KafkaRecord[][] {
  const groups = new Map<string, KafkaRecord[]>();
  for (const r of records) {
    const key = `${r.topic}\u0000${r.partition}`;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  return [...groups.values()].map((list) =>
    list.sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0)),
  );
}

/**
 * Classifies a delivered batch and stages it for the group commit: each record becomes an
 * alert, a reading below the threshold or a dead letter. The alerts are published to the alert
 * stream (and SNS) first; a redelivered batch publishes them again. Dead letters are written first and
 * must be durable before the batch is acknowledged: once staged, a batch is not delivered
 * again. The alerts of each topic-partition are staged as one object, with the first and last
 * offset of all its records; the table itself is neither read nor written here (see
 * lib/group-commit for the commit and its exactly-once rules).
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
    published: { kafka: 0, sns: 0 },
    parts: [],
    timingsMs: { validate: 0, publish: 0, deadLetter: 0, stage: 0 },
  };
  const nowMicros = deps.nowMicros ?? (() => BigInt(Date.now()) * 1000n);
  const parts = byTopicPartition(records).map((part) => {
    const start = performance.now();
    const classified = classifyRecords(part, {
      thresholds: deps.thresholds,
      processingTimestampMicros: nowMicros(),
      maxValueBytes: deps.maxValueBytes,
    });
    outcome.timingsMs.validate += since(start);
    return { part, classified };
  });

  // Alerts go out first, as soon as they are known. A failed publish fails the batch before
  // anything durable is written, so the delivery is retried whole; the table stays the record.
  let start = performance.now();
  if (deps.publishers) {
    const ofParts = parts.map(({ part, classified }) => ({
      topic: part[0]!.topic,
      alerts: classified.alerts,
    }));
    outcome.published = await publishAlerts(deps.publishers, ofParts, deps.deadline);
  }
  outcome.timingsMs.publish += since(start);

  start = performance.now();
  deps.deadline?.check('write the dead letters and stage the batch');
  const rejected = parts.flatMap((p) => p.classified.rejected);
  if (rejected.length > 0) {
    const now = new Date();
    await deps.deadLetter.write(rejected.map((r) => deadLetterEntry(r, deps.consumerGroupId, now)));
  }
  outcome.timingsMs.deadLetter += since(start);

  start = performance.now();
  outcome.parts = await Promise.all(
    parts.map(async ({ part, classified }) => {
      const head = part[0]!;
      const tail = part[part.length - 1]!;
      const staged: StagedBatch = {
        topic: head.topic,
        partition: head.partition,
        firstOffset: head.offset,
        lastOffset: tail.offset,
        consumerGroup: deps.consumerGroupId,
        stagedAtMs: Date.now(),
        counts: {
          records: part.length,
          alerts: classified.alerts.length,
          belowThreshold: classified.belowThreshold,
          rejected: classified.rejected.length,
        },
        ...(deps.replay ? { replay: deps.replay } : {}),
        rows: classified.alerts,
      };
      // A part without alerts adds nothing to the table, so nothing is staged for it.
      const key =
        classified.alerts.length > 0 ? await stageBatch(deps.staging(head.topic), staged) : null;
      return {
        topic: head.topic,
        partition: head.partition,
        firstOffset: head.offset,
        lastOffset: tail.offset,
        alerts: classified.alerts.length,
        key,
      };
    }),
  );
  outcome.timingsMs.stage += since(start);

  for (const { classified } of parts) {
    outcome.alerts += classified.alerts.length;
    outcome.belowThreshold += classified.belowThreshold;
    outcome.rejected += classified.rejected.length;
  }
  return outcome;
}
