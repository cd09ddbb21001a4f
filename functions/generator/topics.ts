import type { Admin } from 'kafkajs';
import { TopicProvisioningError } from './errors';

export interface TopicSpec {
  name: string;
  partitions: number;
}

export interface ProvisionedTopic {
  /** True when this call created the topic, false when it existed already. */
  created: boolean;
  /** Partitions the topic has now. */
  partitions: number;
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Makes the topic exist with at least `partitions` partitions: creates it (the broker's default
 * replication factor, 3 on MSK) or adds partitions to an existing one. Kafka cannot remove
 * partitions, so a topic with more is left as it is and reported with its own count.
 */
export async function provisionTopic(admin: Admin, spec: TopicSpec): Promise<ProvisionedTopic> {
  try {
    // Listing does not create a topic, whatever the broker's auto-create setting.
    if (!(await admin.listTopics()).includes(spec.name)) {
      const created = await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic: spec.name, numPartitions: spec.partitions, replicationFactor: -1 }],
      });
      // false: another client created it between the listing and this call.
      if (created) return { created: true, partitions: spec.partitions };
    }
    const current = await partitionCount(admin, spec.name);
    if (current >= spec.partitions) return { created: false, partitions: current };
    await admin.createPartitions({
      topicPartitions: [{ topic: spec.name, count: spec.partitions }],
    });
    return { created: false, partitions: spec.partitions };
  } catch (cause) {
    if (cause instanceof TopicProvisioningError) throw cause;
    throw new TopicProvisioningError(
      `could not provision topic ${spec.name} with ${spec.partitions} partitions: ${reason(cause)}`,
      { cause },
    );
  }
}

/** Deletes the topic when it exists; returns whether it did. */
export async function deleteTopic(admin: Admin, name: string): Promise<boolean> {
  try {
    if (!(await admin.listTopics()).includes(name)) return false;
    await admin.deleteTopics({ topics: [name] });
    return true;
  } catch (cause) {
    throw new TopicProvisioningError(`could not delete topic ${name}: ${reason(cause)}`, { cause });
  }
}

async function partitionCount(admin: Admin, name: string): Promise<number> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [name] });
  const topic = topics.find((t) => t.name === name);
  if (!topic) throw new TopicProvisioningError(`topic ${name} is listed but has no metadata`);
  return topic.partitions.length;
}
