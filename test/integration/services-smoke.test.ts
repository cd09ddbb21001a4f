import { randomUUID } from 'node:crypto';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { localEndpoints } from '../../local/endpoints';
import { localS3Options } from '../../local/object-store';

const endpoints = localEndpoints();
const runId = randomUUID().slice(0, 8);

describe('local services', () => {
  const s3 = new S3Client(localS3Options(endpoints));
  afterAll(() => s3.destroy());

  it('Kafka delivers a produced message to a consumer', async () => {
    // Prepare
    const kafka = new Kafka({
      clientId: 'services-smoke',
      brokers: endpoints.kafkaBrokers.split(','),
      logLevel: logLevel.NOTHING,
    });
    const topic = `smoke_${runId}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: `smoke-${runId}` });
    const value = JSON.stringify({ sensor_id: 'sensor_1', temperature: 91.5, runId });

    // Act
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'sensor_1', value }] });
    await producer.disconnect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<{ key?: string; value?: string; offset: string }>(
      (resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            resolve({
              key: message.key?.toString(),
              value: message.value?.toString(),
              offset: message.offset,
            });
          },
        });
      },
    );
    await consumer.disconnect();

    // Assess
    expect(received).toEqual({ key: 'sensor_1', value, offset: '0' });
  });

  it('S3 stores, lists and returns an object uploaded with the SDK default checksums', async () => {
    // Prepare
    const prefix = `smoke/${runId}/`;
    const body = 'x'.repeat(70_000);

    // Act
    await s3.send(
      new PutObjectCommand({
        Bucket: endpoints.warehouseBucket,
        Key: `${prefix}a.txt`,
        Body: body,
      }),
    );
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: endpoints.warehouseBucket, Prefix: prefix }),
    );
    const fetched = await s3.send(
      new GetObjectCommand({ Bucket: endpoints.warehouseBucket, Key: `${prefix}a.txt` }),
    );

    // Assess
    expect(listed.Contents?.map((entry) => [entry.Key, entry.Size])).toEqual([
      [`${prefix}a.txt`, body.length],
    ]);
    expect(await fetched.Body?.transformToString()).toBe(body);
  });

  it('the Iceberg REST catalog creates a namespace and a table and loads it back', async () => {
    // Prepare
    const base = endpoints.catalogUri.replace(/\/+$/, '');
    const warehouse = encodeURIComponent(endpoints.catalogWarehouse);
    const config = (await (await fetch(`${base}/v1/config?warehouse=${warehouse}`)).json()) as {
      overrides?: Record<string, string>;
      defaults?: Record<string, string>;
    };
    const prefix = config.overrides?.prefix ?? config.defaults?.prefix;
    // The prefix comes in path form already (Nessie: `main%7Cwarehouse`): used verbatim.
    const root = prefix ? `${base}/v1/${prefix}` : `${base}/v1`;
    const namespace = `smoke_${runId}`;
    const schema = {
      type: 'struct',
      'schema-id': 0,
      fields: [
        { id: 1, name: 'sensor_id', required: false, type: 'string' },
        { id: 2, name: 'temperature', required: false, type: 'double' },
        { id: 3, name: 'reading_timestamp', required: false, type: 'timestamptz' },
      ],
    };
    const post = (path: string, body: unknown) =>
      fetch(`${root}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    // Act
    const createdNamespace = await post('/namespaces', { namespace: [namespace], properties: {} });
    const createdTable = await post(`/namespaces/${namespace}/tables`, {
      name: 'readings',
      schema,
      // Optional in the spec, required by Nessie 0.99.
      'stage-create': false,
      'partition-spec': {
        'spec-id': 0,
        fields: [{ 'source-id': 3, 'field-id': 1000, name: 'day', transform: 'day' }],
      },
    });
    const loaded = await fetch(`${root}/namespaces/${namespace}/tables/readings`);
    const table = (await loaded.json()) as {
      'metadata-location': string;
      metadata: {
        'current-schema-id': number;
        schemas: { 'schema-id': number; fields: unknown[] }[];
      };
    };

    // Assess
    expect([createdNamespace.status, createdTable.status, loaded.status]).toEqual([200, 200, 200]);
    expect(table['metadata-location']).toMatch(
      // Nessie appends a uuid to the table folder (`readings_<uuid>`); other catalogs may not.
      new RegExp(`^s3://${endpoints.warehouseBucket}/${namespace}/readings[^/]*/metadata/`),
    );
    const current = table.metadata.schemas.find(
      (candidate) => candidate['schema-id'] === table.metadata['current-schema-id'],
    );
    expect(current?.fields).toEqual(schema.fields);
  });
});
