import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Kafka } from 'kafkajs';
import { KafkaTopicError } from './errors';

export interface EnsureTopicOptions {
  partitions?: number;
  replicationFactor?: number;
  /** How long to wait for every partition of the topic to have a leader (default 30 s). */
  leaderWaitMs?: number;
}

const DEFAULT_LEADER_WAIT_MS = 30_000;
const LEADER_POLL_MS = 100;

/**
 * Waits until the metadata shows a leader for every partition of the topic. A broker serves a
 * topic's metadata only once its metadata image holds the topic: right after the creation,
 * and for longer on a broker with many partitions, it answers "unknown topic" or "leader not
 * available" (both retriable), which kafkajs's own wait for leaders gives up on within a second.
 */
async function waitForLeaders(admin: Admin, topic: string, waitMs: number): Promise<void> {
  const until = Date.now() + waitMs;
  let last: unknown;
  for (;;) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const partitions = topics.find((t) => t.name === topic)?.partitions ?? [];
      if (partitions.length > 0 && partitions.every((p) => p.leader >= 0)) return;
      last = new Error(`${partitions.length} partitions, not all with a leader yet`);
    } catch (error) {
      if (!(error as { retriable?: boolean }).retriable) throw error;
      last = error;
    }
    if (Date.now() >= until) {
      throw new KafkaTopicError(
        `topic ${topic} has no leader for every partition after ${waitMs} ms: ${(last as Error).message}`,
        { cause: last },
      );
    }
    await sleep(LEADER_POLL_MS);
  }
}

/**
 * Creates the topic when it does not exist. Returns true when this call created it.
 * An existing topic is left as it is (its partition count is not changed).
 */
export async function ensureTopic(
  kafka: Kafka,
  topic: string,
  options: EnsureTopicOptions = {},
): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (existing.includes(topic)) return false;
    const created = await admin.createTopics({
      waitForLeaders: false,
      topics: [
        {
          topic,
          numPartitions: options.partitions ?? 1,
          replicationFactor: options.replicationFactor ?? 1,
        },
      ],
    });
    await waitForLeaders(admin, topic, options.leaderWaitMs ?? DEFAULT_LEADER_WAIT_MS);
    return created;
  } catch (cause) {
    if (cause instanceof KafkaTopicError) throw cause;
    throw new KafkaTopicError(`could not ensure topic ${topic}`, { cause });
  } finally {
    await admin.disconnect();
  }
}
