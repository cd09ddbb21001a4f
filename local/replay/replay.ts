import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { type KafkaRecord, withReplayMarker } from '../../lib/kafka/event';
import type { Invoker } from '../esm/invokers';
import { retryDelayMs, toKafkaRecord } from '../esm/records';
import { batchEvent, type DivertedBatch, type OffsetRange, rangeLabel } from './diverted-batch';
import { readOffsets } from './kafka-reader';
import type { Unreadable } from './sources';

export interface ReplayedBatch {
  source: string;
  records: number;
  result: unknown;
}

export interface UnavailableRecords {
  source: string;
  /** Offsets that could no longer be had, per topic-partition. */
  ranges: string[];
  reason: string;
}

export interface FailedReplay {
  source: string;
  error: string;
}

export interface ReplayReport {
  replayed: ReplayedBatch[];
  /** Records (or whole batches) that could not be had any more. */
  unavailable: UnavailableRecords[];
  /** Entries of the destination that were not readable on-failure records. */
  unreadable: Unreadable[];
  /** A batch the function kept failing; later batches of the run were not attempted. */
  failed: FailedReplay | undefined;
  /** Batches listed more than once in the destination, replayed once. */
  duplicates: number;
  notAttempted: number;
}

export interface ReplayLogger {
  info(message: string, extra?: object): void;
  warn(message: string, extra?: object): void;
  error(message: string, extra?: object): void;
}

export interface ReplayOptions {
  invoke: Invoker;
  /** Reads records back by their offsets when the destination kept only the metadata. */
  kafka: () => Kafka;
  logger: ReplayLogger;
  /** Attempts per batch before the replay stops (default 4). */
  attempts?: number;
  retryBaseMs?: number;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const firstOf = (b: DivertedBatch) => b.ranges[0]!;

function inOffsetOrder(a: DivertedBatch, b: DivertedBatch): number {
  const x = firstOf(a);
  const y = firstOf(b);
  if (x.topic !== y.topic) return x.topic < y.topic ? -1 : 1;
  if (x.partition !== y.partition) return x.partition - y.partition;
  return x.first < y.first ? -1 : x.first > y.first ? 1 : 0;
}

/** One batch per distinct set of ranges: a batch diverted twice is replayed once. */
function distinct(batches: readonly DivertedBatch[]): {
  unique: DivertedBatch[];
  duplicates: number;
} {
  const byId = new Map<string, DivertedBatch>();
  for (const b of batches) {
    const id = b.ranges.map(rangeLabel).join(',');
    const known = byId.get(id);
    if (!known || (!known.records && b.records)) byId.set(id, b);
  }
  return { unique: [...byId.values()], duplicates: batches.length - byId.size };
}

/** Reads back from Kafka the records of batches whose destination kept only their offsets. */
async function fetchRecords(
  batches: readonly DivertedBatch[],
  kafka: Kafka,
): Promise<Map<DivertedBatch, { records: KafkaRecord[]; gone: string[] }>> {
  const out = new Map<DivertedBatch, { records: KafkaRecord[]; gone: string[] }>();
  const byTopic = new Map<string, OffsetRange[]>();
  for (const b of batches) {
    for (const r of b.ranges) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
  }
  const read = new Map<string, KafkaRecord>();
  const logStarts = new Map<string, bigint>();
  for (const [topic, ranges] of byTopic) {
    const wanted = new Map<number, { from: bigint; to: bigint }>();
    for (const r of ranges) {
      const w = wanted.get(r.partition);
      wanted.set(r.partition, {
        from: w && w.from < r.first ? w.from : r.first,
        to: w && w.to > r.last ? w.to : r.last,
      });
    }
    const outcome = await readOffsets(kafka, topic, wanted);
    for (const [p, low] of outcome.logStart) logStarts.set(`${topic}-${p}`, low);
    for (const { partition, message } of outcome.messages) {
      const record = toKafkaRecord(topic, partition, message);
      read.set(`${topic}-${partition}@${record.offset}`, record);
    }
  }
  for (const b of batches) {
    const records: KafkaRecord[] = [];
    const gone: string[] = [];
    for (const r of b.ranges) {
      const low = logStarts.get(`${r.topic}-${r.partition}`);
      for (let o = r.first; o <= r.last; o++) {
        const record = read.get(`${r.topic}-${r.partition}@${o}`);
        if (record) records.push(record);
      }
      if (low === undefined) gone.push(`${rangeLabel(r)} (the partition does not exist)`);
      else if (low > r.first) {
        const until = low > r.last ? r.last : low - 1n;
        gone.push(`${r.topic}-${r.partition}@${r.first}-${until}`);
      }
    }
    out.set(b, { records, gone });
  }
  return out;
}

async function invokeWithRetries(
  event: unknown,
  options: ReplayOptions,
  source: string,
): Promise<unknown> {
  const attempts = options.attempts ?? 4;
  for (let attempt = 1; ; attempt++) {
    try {
      return await options.invoke(event as Parameters<Invoker>[0]);
    } catch (error) {
      if (attempt >= attempts) throw error;
      const delayMs = retryDelayMs(attempt, options.retryBaseMs ?? 1_000, 30_000);
      options.logger.warn('replay invocation failed; retrying', {
        source,
        attempt,
        retryInMs: delayMs,
        error: messageOf(error),
      });
      await sleep(delayMs);
    }
  }
}

/**
 * Invokes the function once per diverted batch, in offset order, with the batch's records
 * (from the destination, or read back from Kafka by their offsets) and a replay marker naming
 * where the batch came from. Stops at the first batch the function keeps failing, so that a
 * rerun carries on from there; a replay is safe to run again (the classifier de-duplicates
 * replayed records by lineage).
 */
export async function replay(
  read: { batches: DivertedBatch[]; unreadable: Unreadable[] },
  options: ReplayOptions,
): Promise<ReplayReport> {
  const { unique, duplicates } = distinct(read.batches);
  const batches = unique.sort(inOffsetOrder);
  const report: ReplayReport = {
    replayed: [],
    unavailable: [],
    unreadable: read.unreadable,
    failed: undefined,
    duplicates,
    notAttempted: 0,
  };
  const needKafka = batches.filter((b) => !b.records);
  const fetched = needKafka.length > 0 ? await fetchRecords(needKafka, options.kafka()) : new Map();
  for (const [index, batch] of batches.entries()) {
    const back = fetched.get(batch);
    const records = batch.records ?? back?.records ?? [];
    if (back && back.gone.length > 0) {
      report.unavailable.push({
        source: batch.source,
        ranges: back.gone,
        reason: 'past the topic retention: deleted from Kafka before the replay',
      });
    }
    if (records.length === 0) {
      if (!back) {
        report.unavailable.push({
          source: batch.source,
          ranges: batch.ranges.map(rangeLabel),
          reason: 'the destination holds no records for this batch',
        });
      }
      continue;
    }
    const event = withReplayMarker(batchEvent(batch, records), batch.source);
    try {
      const result = await invokeWithRetries(event, options, batch.source);
      report.replayed.push({ source: batch.source, records: records.length, result });
      options.logger.info('replayed', { source: batch.source, records: records.length, result });
    } catch (error) {
      report.failed = { source: batch.source, error: messageOf(error) };
      report.notAttempted = batches.length - index - 1;
      options.logger.error('replay stopped: the function kept failing this batch', {
        source: batch.source,
        error: messageOf(error),
        notAttempted: report.notAttempted,
      });
      break;
    }
  }
  return report;
}

/** True when everything in the destination was put back. */
export const replayComplete = (r: ReplayReport) =>
  r.unavailable.length === 0 && r.unreadable.length === 0 && r.failed === undefined;
