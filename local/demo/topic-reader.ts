import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';

export interface RawRecord {
  partition: number;
  offset: bigint;
  /** Producer's create time, ms since the epoch. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

export interface ReadTopicOptions {
  timeoutMs?: number;
  /** Called per fetched batch instead of collecting records (for rate measurements). */
  onBatch?: (count: number) => void;
  /** Keep the records (default true). */
  collect?: boolean;
}

export interface ReadTopicResult {
  records: RawRecord[];
  count: number;
  /** From the call to the last record, group join included. */
  elapsedMs: number;
  /** From joining the group to the last record: the consume rate without the join itself. */
  consumeMs: number;
}

/**
 * Reads a topic from the beginning up to its end offsets at call time, with a throwaway consumer
 * group and plain kafkajs: the independent view of what was produced.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  options: ReadTopicOptions = {},
): Promise<ReadTopicResult> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const remaining = new Map(
    ends
      .filter((end) => BigInt(end.high) > BigInt(end.low))
      .map((end) => [end.partition, BigInt(end.high) - 1n]),
  );
  const records: RawRecord[] = [];
  let count = 0;
  const began = performance.now();
  let joinedAt: number | undefined;
  let doneAt = began;
  if (remaining.size === 0) return { records, count, elapsedMs: 0, consumeMs: 0 };

  const consumer = kafka.consumer({ groupId: `topic-reader-${randomUUID()}` });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joinedAt ??= performance.now();
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`reading ${topic} timed out with ${count} records`)),
        options.timeoutMs ?? 120_000,
      );
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            count += batch.messages.length;
            options.onBatch?.(batch.messages.length);
            if (options.collect ?? true) {
              for (const m of batch.messages) {
                records.push({
                  partition: batch.partition,
                  offset: BigInt(m.offset),
                  timestamp: Number(m.timestamp),
                  key: m.key,
                  value: m.value,
                  headers: m.headers ?? {},
                });
              }
            }
            const last = batch.messages[batch.messages.length - 1];
            const end = remaining.get(batch.partition);
            if (last && end !== undefined && BigInt(last.offset) >= end) {
              remaining.delete(batch.partition);
              if (remaining.size === 0) {
                doneAt = performance.now();
                clearTimeout(timer);
                resolve();
              }
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return {
    records,
    count,
    elapsedMs: doneAt - began,
    consumeMs: doneAt - (joinedAt ?? began),
  };
}
