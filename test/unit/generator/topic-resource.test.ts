import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { TopicProvisioningError } from '../../../functions/generator/errors';
import { handleTopicResource, physicalId } from '../../../functions/generator/topic-resource';

/** An admin client over an in-memory set of topics (name -> partitions). */
function fakeAdmin(topics: Map<string, number>) {
  const calls: string[] = [];
  const admin = {
    listTopics: async () => [...topics.keys()],
    createTopics: async ({
      topics: specs,
    }: {
      topics: { topic: string; numPartitions: number }[];
    }) => {
      calls.push('createTopics');
      for (const t of specs) topics.set(t.topic, t.numPartitions);
      return true;
    },
    fetchTopicMetadata: async ({ topics: names }: { topics: string[] }) => ({
      topics: names.map((name) => ({
        name,
        partitions: Array.from({ length: topics.get(name) ?? 0 }, (_, i) => ({ partitionId: i })),
      })),
    }),
    createPartitions: async ({
      topicPartitions,
    }: {
      topicPartitions: { topic: string; count: number }[];
    }) => {
      calls.push('createPartitions');
      for (const t of topicPartitions) topics.set(t.topic, t.count);
      return true;
    },
    deleteTopics: async ({ topics: names }: { topics: string[] }) => {
      calls.push('deleteTopics');
      for (const n of names) topics.delete(n);
    },
    disconnect: async () => {
      calls.push('disconnect');
    },
  } as unknown as Admin;
  return { admin: async () => admin, calls };
}

const props = (topic: string, partitions: number | string) => ({
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:x',
  Topic: topic,
  Partitions: String(partitions),
});

describe('handleTopicResource', () => {
  it('creates a missing topic with its partitions and owns it', async () => {
    // Prepare
    const topics = new Map<string, number>();
    const { admin, calls } = fakeAdmin(topics);

    // Act
    const result = await handleTopicResource(
      { RequestType: 'Create', ResourceProperties: props('sensor_readings', 3) },
      admin,
    );

    // Assess
    expect(result).toEqual({
      PhysicalResourceId: 'kafka-topic/sensor_readings',
      Data: { Topic: 'sensor_readings', Partitions: 3, Created: true },
    });
    expect(topics.get('sensor_readings')).toBe(3);
    expect(calls).toContain('disconnect');
  });

  it('adopts an existing topic without owning it, raising its partitions', async () => {
    // Prepare
    const topics = new Map([['sensor_readings', 2]]);
    const { admin, calls } = fakeAdmin(topics);

    // Act
    const result = await handleTopicResource(
      { RequestType: 'Create', ResourceProperties: props('sensor_readings', 6) },
      admin,
    );

    // Assess
    expect(result.PhysicalResourceId).toBe('kafka-topic/sensor_readings/adopted');
    expect(result.Data).toEqual({ Topic: 'sensor_readings', Partitions: 6, Created: false });
    expect(calls).toEqual(['createPartitions', 'disconnect']);
  });

  it('never lowers the partitions of a topic, reporting the count it has', async () => {
    // Prepare
    const topics = new Map([['sensor_readings', 12]]);
    const { admin, calls } = fakeAdmin(topics);

    // Act
    const result = await handleTopicResource(
      {
        RequestType: 'Update',
        PhysicalResourceId: 'kafka-topic/sensor_readings',
        ResourceProperties: props('sensor_readings', 3),
      },
      admin,
    );

    // Assess
    expect(result.PhysicalResourceId).toBe('kafka-topic/sensor_readings');
    expect(result.Data.Partitions).toBe(12);
    expect(calls).toEqual(['disconnect']);
  });

  it('deletes on Delete only the topic it created', async () => {
    // Prepare
    const topics = new Map([
      ['owned', 3],
      ['adopted', 3],
    ]);
    const { admin } = fakeAdmin(topics);

    // Act
    await handleTopicResource(
      {
        RequestType: 'Delete',
        PhysicalResourceId: physicalId('owned', true),
        ResourceProperties: props('owned', 3),
      },
      admin,
    );
    await handleTopicResource(
      {
        RequestType: 'Delete',
        PhysicalResourceId: physicalId('adopted', false),
        ResourceProperties: props('adopted', 3),
      },
      admin,
    );

    // Assess
    expect([...topics.keys()]).toEqual(['adopted']);
  });

  it('gives a renamed topic a new id, so CloudFormation deletes the old resource', async () => {
    // Prepare
    const { admin } = fakeAdmin(new Map([['old', 3]]));

    // Act
    const result = await handleTopicResource(
      {
        RequestType: 'Update',
        PhysicalResourceId: 'kafka-topic/old',
        ResourceProperties: props('new', 3),
      },
      admin,
    );

    // Assess
    expect(result.PhysicalResourceId).toBe('kafka-topic/new');
  });

  it.each([
    ['a bad topic name', props('has space', 3), 'Topic'],
    ['zero partitions', props('t', 0), 'Partitions'],
    ['no partitions', { Topic: 't' }, 'Partitions'],
  ])('refuses %s with a message naming it', async (_name, properties, mention) => {
    // Prepare
    const { admin } = fakeAdmin(new Map());

    // Act
    const run = handleTopicResource(
      { RequestType: 'Create', ResourceProperties: properties },
      admin,
    );

    // Assess
    await expect(run).rejects.toThrow(TopicProvisioningError);
    await expect(run).rejects.toThrow(mention);
  });

  it('names the topic and the broker reason when creating fails', async () => {
    // Prepare
    const failing = {
      listTopics: async () => [],
      createTopics: async () => {
        throw new Error('TOPIC_AUTHORIZATION_FAILED');
      },
      disconnect: async () => undefined,
    } as unknown as Admin;

    // Act
    const run = handleTopicResource(
      { RequestType: 'Create', ResourceProperties: props('sensor_readings', 3) },
      async () => failing,
    );

    // Assess
    await expect(run).rejects.toThrow(
      'could not provision topic sensor_readings with 3 partitions: TOPIC_AUTHORIZATION_FAILED',
    );
  });
});
