import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { ReplayError } from './errors';

export interface ReadMessage {
  partition: number;
  message: KafkaMessage;
}

// Math.max and Math.min take no bigint.
const larger = (a: bigint, b: bigint) => (a > b ? a : b);
const smaller = (a: bigint, b: bigint) => (a < b ? a : b);

/** Offsets wanted per partition, both ends included. */
export type WantedOffsets = Map<number, { from: bigint; to: bigint }>;

export interface ReadOutcome {
  messages: ReadMessage[];
  /** Per partition, the first offset still in the log (records below it are past retention). */
  logStart: Map<number, bigint>;
  /** Per partition, the offset the next record will get. */
  logEnd: Map<number, bigint>;
}

/**
 * Reads the wanted offsets of a topic's partitions with a throwaway consumer group that commits
 * nothing, and deletes the group afterwards. Offsets below the log start (deleted by
 * retention) or at or past the log end are not waited for.
 */
export async function readOffsets(
  kafka: Kafka,
  topic: string,
  wanted: WantedOffsets,
  idleTimeoutMs = 30_000,
): Promise<ReadOutcome> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `sensor-alerts-replay-${randomUUID()}`;
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const logStart = new Map(ends.map((e) => [e.partition, BigInt(e.low)]));
    const logEnd = new Map(ends.map((e) => [e.partition, BigInt(e.high)]));
    const todo = new Map<number, { from: bigint; to: bigint }>();
    for (const [partition, range] of wanted) {
      const low = logStart.get(partition);
      const high = logEnd.get(partition);
      if (low === undefined || high === undefined) continue;
      const from = larger(range.from, low);
      const to = smaller(range.to, high - 1n);
      if (from <= to) todo.set(partition, { from, to });
    }
    const messages: ReadMessage[] = [];
    if (todo.size === 0) return { messages, logStart, logEnd };
    await consume(kafka, groupId, topic, todo, messages, idleTimeoutMs);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    return { messages, logStart, logEnd };
  } finally {
    await admin.disconnect();
  }
}

async function consume(
  kafka: Kafka,
  groupId: string,
  topic: string,
  todo: Map<number, { from: bigint; to: bigint }>,
  out: ReadMessage[],
  idleTimeoutMs: number,
): Promise<void> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250 });
  await consumer.connect();
  const pending = new Set(todo.keys());
  let progressAt = Date.now();
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const range = todo.get(partition);
        if (!range || !pending.has(partition)) return;
        progressAt = Date.now();
        const offset = BigInt(message.offset);
        if (offset >= range.from && offset <= range.to) out.push({ partition, message });
        if (offset >= range.to) {
          pending.delete(partition);
          consumer.pause([{ topic, partitions: [partition] }]);
          if (pending.size === 0) finish();
        }
      },
    });
    for (const [partition, range] of todo) {
      consumer.seek({ topic, partition, offset: range.from.toString() });
    }
    const timer = setInterval(() => {
      if (Date.now() - progressAt > idleTimeoutMs) finish();
    }, 500);
    await finished;
    clearInterval(timer);
    if (pending.size > 0) {
      throw new ReplayError(
        `reading ${topic} stalled: partitions ${[...pending].join(', ')} did not reach their offsets in ${idleTimeoutMs} ms`,
      );
    }
  } finally {
    await consumer.disconnect();
  }
  // A message of a partition can be delivered twice around the seek; keep each offset once.
  const seen = new Set<string>();
  const unique = out.filter((m) => {
    const key = `${m.partition}:${m.message.offset}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  out.splice(0, out.length, ...unique);
}

/** Every message of a topic from its log start to its end as it is now. */
export async function readTopicToEnd(kafka: Kafka, topic: string): Promise<ReadMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  let partitions: number[];
  try {
    partitions = (await admin.fetchTopicOffsets(topic)).map((e) => e.partition);
  } finally {
    await admin.disconnect();
  }
  const wanted: WantedOffsets = new Map(
    partitions.map((p) => [p, { from: 0n, to: BigInt(Number.MAX_SAFE_INTEGER) }]),
  );
  return (await readOffsets(kafka, topic, wanted)).messages;
}
