import type { Producer } from 'kafkajs';
import type { RejectedRecord } from '../../lib/alerts/classify';
import type { FileIO } from '../../lib/iceberg';
import type { KafkaRecord } from '../../lib/kafka/event';
import { DeadLetterError } from './errors';

/** What the dead letter target receives for each rejected record (one JSON document). */
export interface DeadLetterEntry {
  reason: string;
  detail: string;
  topic: string;
  partition: number;
  /** Decimal string: Kafka offsets are 64-bit. */
  offset: string;
  /** Kafka record timestamp, milliseconds since the epoch. */
  timestamp: number;
  consumerGroup: string;
  rejectedAt: string;
  /** Original key and value, base64, null when the record had none. */
  key: string | null;
  value: string | null;
}

export interface DeadLetterSink {
  /** Resolves only once every entry is durably stored; rejects otherwise. */
  write(entries: readonly DeadLetterEntry[]): Promise<void>;
}

const b64 = (bytes: Uint8Array | null) =>
  bytes === null ? null : Buffer.from(bytes).toString('base64');

export function deadLetterEntry(
  rejected: RejectedRecord<KafkaRecord>,
  consumerGroup: string,
  now: Date = new Date(),
): DeadLetterEntry {
  const r = rejected.record;
  return {
    reason: rejected.reason,
    detail: rejected.detail,
    topic: r.topic,
    partition: r.partition,
    offset: r.offset.toString(),
    timestamp: r.timestamp,
    consumerGroup,
    rejectedAt: now.toISOString(),
    key: b64(r.key),
    value: b64(r.value),
  };
}

/** Stable per record, so a redelivered batch overwrites (S3) or can be de-duplicated (Kafka). */
export function deadLetterId(entry: DeadLetterEntry): string {
  return `${entry.topic}-${entry.partition}-${entry.offset}`;
}

/**
 * One object per rejected record at `<base>/<topic>/<partition>/<offset>.json`: writing the
 * same record again replaces the object, so redeliveries leave no duplicates.
 */
export function fileDeadLetterSink(io: FileIO, baseUri: string, concurrency = 8): DeadLetterSink {
  const base = baseUri.replace(/\/+$/, '');
  return {
    async write(entries) {
      const queue = [...entries];
      const worker = async () => {
        for (let entry = queue.shift(); entry; entry = queue.shift()) {
          const path = `${base}/${entry.topic}/${entry.partition}/${entry.offset}.json`;
          try {
            await io.write(path, new TextEncoder().encode(JSON.stringify(entry)));
          } catch (cause) {
            throw new DeadLetterError(`could not write dead letter ${path}: ${reasonOf(cause)}`, {
              cause,
            });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
    },
  };
}

/**
 * Sends entries to a Kafka topic keyed by `<topic>-<partition>-<offset>`. A redelivered batch
 * sends its entries again; readers de-duplicate by key (or the topic is compacted).
 */
export function kafkaDeadLetterSink(producer: Producer, topic: string): DeadLetterSink {
  return {
    async write(entries) {
      if (entries.length === 0) return;
      try {
        await producer.send({
          topic,
          acks: -1,
          messages: entries.map((e) => ({ key: deadLetterId(e), value: JSON.stringify(e) })),
        });
      } catch (cause) {
        throw new DeadLetterError(
          `could not send ${entries.length} dead letters to ${topic}: ${reasonOf(cause)}`,
          { cause },
        );
      }
    },
  };
}

// Lambda reports only the message of a failed invocation, so the cause has to be in it.
function reasonOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
