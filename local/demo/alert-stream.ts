import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { type AlertMessage, decodeAlert } from '../../lib/alerts/alert-message';

/** Where each partition of a topic ends now: read from here to see only what comes next. */
export async function topicEnds(kafka: Kafka, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    return new Map(ends.map((e) => [e.partition, BigInt(e.high)]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * The alert messages of a topic from `from` (per partition; 0 where absent) up to its end at
 * call time, decoded and validated, with a throwaway consumer group: what a consumer of the
 * stream sees.
 */
export async function readAlertStream(
  kafka: Kafka,
  topic: string,
  from: ReadonlyMap<number, bigint> = new Map(),
  timeoutMs = 120_000,
): Promise<AlertMessage[]> {
  const ends = await topicEnds(kafka, topic);
  const remaining = new Map(
    [...ends].filter(([p, end]) => end > (from.get(p) ?? 0n)).map(([p, end]) => [p, end - 1n]),
  );
  const messages: AlertMessage[] = [];
  if (remaining.size === 0) return messages;
  const consumer = kafka.consumer({ groupId: `alert-reader-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`reading ${topic} timed out with ${messages.length} alerts`)),
        timeoutMs,
      );
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const start = from.get(batch.partition) ?? 0n;
            for (const m of batch.messages) {
              if (BigInt(m.offset) >= start) messages.push(decodeAlert(m));
            }
            const last = batch.messages[batch.messages.length - 1];
            const end = remaining.get(batch.partition);
            if (last && end !== undefined && BigInt(last.offset) >= end) {
              remaining.delete(batch.partition);
              if (remaining.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            }
          },
        })
        .catch(reject);
      for (const [partition, offset] of from) {
        if (remaining.has(partition))
          consumer.seek({ topic, partition, offset: offset.toString() });
      }
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}
