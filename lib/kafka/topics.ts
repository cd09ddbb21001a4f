import type { Kafka } from 'kafkajs';
import { KafkaTopicError } from './errors';

export interface EnsureTopicOptions {
  partitions?: number;
  replicationFactor?: number;
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
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: options.partitions ?? 1,
          replicationFactor: options.replicationFactor ?? 1,
        },
      ],
    });
    return created;
  } catch (cause) {
    throw new KafkaTopicError(`could not ensure topic ${topic}`, { cause });
  } finally {
    await admin.disconnect();
  }
}
