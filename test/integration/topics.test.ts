import { randomBytes } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleTopicResource } from '../../functions/generator/topic-resource';
import { createKafka, parseBrokers } from '../../lib/kafka/client';
import { localEndpoints } from '../../local/endpoints';

// The deploy-time topic provisioner against the real local Kafka broker.
const kafka = createKafka({
  brokers: parseBrokers(localEndpoints().kafkaBrokers),
  clientId: 'sensor-topics-test',
  logLevel: 'NOTHING',
});
const openAdmin = async (): Promise<Admin> => {
  const admin = kafka.admin();
  await admin.connect();
  return admin;
};
const props = (topic: string, partitions: number) => ({
  ServiceToken: 'token',
  Topic: topic,
  Partitions: String(partitions),
});

let inspector: Admin;
beforeAll(async () => {
  inspector = await openAdmin();
});
afterAll(async () => {
  await inspector.disconnect();
});

async function partitionsOf(topic: string): Promise<number> {
  const { topics } = await inspector.fetchTopicMetadata({ topics: [topic] });
  return topics[0]?.partitions.length ?? 0;
}

describe('topic provisioner on Kafka', () => {
  it('creates, extends and deletes a topic through the resource lifecycle', async () => {
    // Prepare
    const topic = `topics_test_${randomBytes(4).toString('hex')}`;

    // Act: Create
    const created = await handleTopicResource(
      { RequestType: 'Create', ResourceProperties: props(topic, 2) },
      openAdmin,
    );

    // Assess
    expect(created.Data).toEqual({ Topic: topic, Partitions: 2, Created: true });
    expect(await partitionsOf(topic)).toBe(2);

    // Act: Update to more partitions
    const updated = await handleTopicResource(
      {
        RequestType: 'Update',
        PhysicalResourceId: created.PhysicalResourceId,
        ResourceProperties: props(topic, 4),
      },
      openAdmin,
    );

    // Assess
    expect(updated.PhysicalResourceId).toBe(created.PhysicalResourceId);
    expect(await partitionsOf(topic)).toBe(4);

    // Act: Delete
    await handleTopicResource(
      {
        RequestType: 'Delete',
        PhysicalResourceId: created.PhysicalResourceId,
        ResourceProperties: props(topic, 4),
      },
      openAdmin,
    );

    // Assess
    expect(await inspector.listTopics()).not.toContain(topic);
  });

  it('adopts a topic that already exists and leaves it on Delete', async () => {
    // Prepare
    const topic = `topics_test_${randomBytes(4).toString('hex')}`;
    await inspector.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });

    // Act
    const adopted = await handleTopicResource(
      { RequestType: 'Create', ResourceProperties: props(topic, 3) },
      openAdmin,
    );
    await handleTopicResource(
      {
        RequestType: 'Delete',
        PhysicalResourceId: adopted.PhysicalResourceId,
        ResourceProperties: props(topic, 3),
      },
      openAdmin,
    );

    // Assess
    expect(adopted.Data).toEqual({ Topic: topic, Partitions: 3, Created: false });
    expect(await inspector.listTopics()).toContain(topic);
    expect(await partitionsOf(topic)).toBe(3);
    await inspector.deleteTopics({ topics: [topic] });
  });
});
