import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkaTopicError } from '../../../lib/kafka/errors';
import { ensureTopic } from '../../../lib/kafka/topics';

const retriable = (type: string) => Object.assign(new Error(type), { retriable: true, type });

/** A broker that knows the new topic only after `unknownFor` metadata requests. */
function fakeKafka(unknownFor: number) {
  const calls = { created: 0, metadata: 0 };
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    listTopics: async () => [],
    createTopics: async () => {
      calls.created++;
      return true;
    },
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => {
      calls.metadata++;
      if (calls.metadata <= unknownFor) throw retriable('UNKNOWN_TOPIC_OR_PARTITION');
      return {
        topics: topics.map((name) => ({ name, partitions: [{ partitionId: 0, leader: 1 }] })),
      };
    },
  };
  return { kafka: { admin: () => admin } as unknown as Kafka, calls };
}

describe('ensureTopic', () => {
  it('waits until the broker knows the new topic and its partitions have leaders', async () => {
    // Prepare
    const { kafka, calls } = fakeKafka(3);

    // Act
    const created = await ensureTopic(kafka, 'readings');

    // Assess
    expect(created).toBe(true);
    expect(calls).toEqual({ created: 1, metadata: 4 });
  });

  it('fails with the last cause when the leaders do not come in time', async () => {
    // Prepare
    const { kafka } = fakeKafka(Number.POSITIVE_INFINITY);

    // Act
    const failure = ensureTopic(kafka, 'readings', { leaderWaitMs: 250 });

    // Assess
    await expect(failure).rejects.toBeInstanceOf(KafkaTopicError);
    await expect(failure).rejects.toThrow(/no leader .* after 250 ms: UNKNOWN_TOPIC_OR_PARTITION/);
  });
});
