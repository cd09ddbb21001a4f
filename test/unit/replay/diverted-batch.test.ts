import { describe, expect, it } from 'vitest';
import { parseFailure, parsePartitionKey } from '../../../local/replay/diverted-batch';

const event = {
  eventSource: 'aws:kafka',
  eventSourceArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/c/abc',
  bootstrapServers: 'b-1:9098',
  records: {
    'my-topic-0': [
      {
        topic: 'my-topic',
        partition: 0,
        offset: 100,
        timestamp: 1749116692330,
        timestampType: 'CREATE_TIME',
        key: 'dGVzdC1rZXk=',
        value: 'dGVzdC12YWx1ZQ==',
        headers: [],
      },
    ],
  },
};

// The metadata Lambda writes for a failed Kafka batch (S3, SQS and SNS destinations).
const metadata = {
  requestContext: {
    requestId: '316aa6d0',
    functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
    condition: 'RetryAttemptsExhausted',
    approximateInvokeCount: 1,
  },
  responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
  version: '1.0',
  timestamp: '2019-11-14T00:38:06.021Z',
  KafkaBatchInfo: {
    batchSize: 1,
    eventSourceArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/c/abc',
    bootstrapServers: 'b-1:9098',
    payloadSize: 2039,
    recordsInfo: {
      'my-topic-0': {
        firstRecordOffset: '100',
        lastRecordOffset: '100',
        firstRecordTimestamp: '2019-11-14T00:38:04.835Z',
        lastRecordTimestamp: '2019-11-14T00:38:04.835Z',
      },
    },
  },
};

const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

describe('parseFailure', () => {
  it('reads an S3 destination record: the metadata plus the whole event as a JSON string', () => {
    const parsed = parseFailure({ ...metadata, payload: JSON.stringify(event) });
    expect(parsed.kind).toBe('batch');
    if (parsed.kind !== 'batch') return;
    expect(parsed.batch.ranges).toEqual([
      { topic: 'my-topic', partition: 0, first: 100n, last: 100n },
    ]);
    expect(parsed.batch.records?.map((r) => [r.offset, text(r.value)])).toEqual([
      [100n, 'test-value'],
    ]);
    expect(parsed.batch.shape).toEqual({
      eventSource: 'aws:kafka',
      eventSourceArn: event.eventSourceArn,
      bootstrapServers: 'b-1:9098',
    });
  });

  it('reads an SQS or SNS record (metadata only): offsets to read back from Kafka', () => {
    const parsed = parseFailure(metadata);
    expect(parsed.kind === 'batch' && parsed.batch.records).toBeUndefined();
    expect(parsed.kind === 'batch' && parsed.batch.batchSize).toBe(1);
  });

  it('reads a Kafka destination message: one failed record with its own event', () => {
    const { recordsInfo: _, ...info } = metadata.KafkaBatchInfo;
    const parsed = parseFailure({
      ...metadata,
      KafkaBatchInfo: {
        ...info,
        recordInfo: { offset: '100', timestamp: '2019-11-14T18:16:04.835Z' },
      },
      payload: event,
    });
    expect(parsed.kind).toBe('record');
    if (parsed.kind !== 'record') return;
    expect(parsed.requestId).toBe('316aa6d0');
    expect([parsed.record.topic, parsed.record.offset, text(parsed.record.key)]).toEqual([
      'my-topic',
      100n,
      'test-key',
    ]);
  });

  it("reads the local runner's earlier records", () => {
    const parsed = parseFailure({
      condition: 'RetriesExhausted',
      timestamp: '2026-01-01T00:00:00.000Z',
      approximateInvokeCount: 4,
      error: 'boom',
      KafkaBatchInfo: {
        batchSize: 1,
        topic: 'my-topic',
        partition: 0,
        firstOffset: '100',
        lastOffset: '100',
      },
      payload: { ...event, eventSource: 'SelfManagedKafka', eventSourceArn: undefined },
    });
    expect(parsed.kind === 'batch' && parsed.batch.records?.length).toBe(1);
    expect(parsed.kind === 'batch' && parsed.batch.shape.eventSource).toBe('SelfManagedKafka');
  });

  it.each([
    ['not an object', 'x'],
    ['no batch info', { requestContext: {} }],
    [
      'a bad partition key',
      {
        ...metadata,
        KafkaBatchInfo: {
          ...metadata.KafkaBatchInfo,
          recordsInfo: { nopartition: { firstRecordOffset: '1', lastRecordOffset: '2' } },
        },
      },
    ],
  ])('refuses %s', (_name, document) => {
    expect(() => parseFailure(document)).toThrow();
  });
});

describe('parsePartitionKey', () => {
  it.each([
    ['sensor_readings-0', { topic: 'sensor_readings', partition: 0 }],
    ['my-topic-12', { topic: 'my-topic', partition: 12 }],
    ['-3', undefined],
    ['topic-x', undefined],
  ])('%s', (key, expected) => {
    expect(parsePartitionKey(key)).toEqual(expected);
  });
});
