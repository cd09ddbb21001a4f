import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { MemoryFileIO } from '../../../lib/iceberg';
import { buildKafkaEvent, type KafkaRecord, type LambdaKafkaEvent } from '../../../lib/kafka/event';
import { InvokeError } from '../../../local/esm/errors';
import {
  type DivertedBatch,
  jsonLinesFailureDestination,
  kafkaFailureDestination,
  objectStoreFailureDestination,
} from '../../../local/esm/failure-destination';
import { inProcessInvoker, lambdaInvoker } from '../../../local/esm/invokers';

const event: LambdaKafkaEvent = {
  eventSource: 'SelfManagedKafka',
  bootstrapServers: 'b',
  records: {},
};

function fakeLambda(response: { FunctionError?: string; Payload?: string }) {
  const sent: { FunctionName?: string; Payload?: Uint8Array }[] = [];
  const client = {
    send: async (command: { input: { FunctionName?: string; Payload?: Uint8Array } }) => {
      sent.push(command.input);
      return {
        FunctionError: response.FunctionError,
        Payload: response.Payload ? new TextEncoder().encode(response.Payload) : undefined,
      };
    },
  } as unknown as LambdaClient;
  return { client, sent };
}

describe('lambdaInvoker', () => {
  it('sends the event as the payload and returns the parsed response', async () => {
    // Prepare
    const { client, sent } = fakeLambda({ Payload: '{"alerts":3}' });

    // Act
    const result = await lambdaInvoker({ functionName: 'classifier', client })(event);

    // Assess
    expect(result).toEqual({ alerts: 3 });
    expect(sent[0]?.FunctionName).toBe('classifier');
    expect(JSON.parse(new TextDecoder().decode(sent[0]?.Payload))).toEqual(event);
  });

  it('turns a function error into a rejection', async () => {
    const { client } = fakeLambda({
      FunctionError: 'Unhandled',
      Payload: '{"errorMessage":"boom"}',
    });
    await expect(lambdaInvoker({ functionName: 'f', client })(event)).rejects.toThrow(InvokeError);
  });
});

describe('inProcessInvoker', () => {
  it('passes a Lambda-like context', async () => {
    const invoke = inProcessInvoker(async (_e, context) => context.getRemainingTimeInMillis() > 0);
    expect(await invoke(event)).toBe(true);
  });
});

describe('failure destinations', () => {
  const records: KafkaRecord[] = [5n, 6n].map((offset) => ({
    topic: 't',
    partition: 1,
    offset,
    timestamp: 1_795_715_302_000 + Number(offset),
    timestampType: 'CREATE_TIME',
    key: new TextEncoder().encode('k'),
    value: new TextEncoder().encode(`{"n":${offset}}`),
    headers: [],
  }));
  const shape = { eventSource: 'SelfManagedKafka', bootstrapServers: 'b:9092' } as const;
  const batch: DivertedBatch = {
    event: buildKafkaEvent(records, shape),
    records,
    shape,
    details: {
      functionName: 'classifier',
      attempts: 4,
      error: 'boom',
      now: new Date('2026-01-01T00:00:00.000Z'),
      requestId: 'r-1',
    },
  };
  // Lambda's S3 on-failure record for a Kafka mapping, with the whole event as a JSON string.
  const expected = {
    requestContext: {
      requestId: 'r-1',
      functionArn: 'arn:aws:lambda:local:000000000000:function:classifier',
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 4,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: '2026-01-01T00:00:00.000Z',
    errorMessage: 'boom',
    KafkaBatchInfo: {
      batchSize: 2,
      bootstrapServers: 'b:9092',
      payloadSize: Buffer.byteLength(JSON.stringify(batch.event)),
      recordsInfo: {
        't-1': {
          firstRecordOffset: '5',
          lastRecordOffset: '6',
          firstRecordTimestamp: '2026-11-26T17:48:22.005Z',
          lastRecordTimestamp: '2026-11-26T17:48:22.006Z',
        },
      },
    },
    payload: JSON.stringify(batch.event),
  };

  it('appends JSON lines to a file', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'esm-')), 'sub', 'failed.jsonl');
    const destination = jsonLinesFailureDestination(path);
    await destination.send(batch);
    await destination.send(batch);
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([expected, expected]);
  });

  it('writes one object per batch under the prefix', async () => {
    const io = new MemoryFileIO();
    await objectStoreFailureDestination(io, 's3://bucket/failed/').send(batch);
    expect([...io.files.keys()]).toEqual(['s3://bucket/failed/t/1/5-6.json']);
  });

  it('sends one message per record to a Kafka destination, keyed like the original', async () => {
    // Prepare
    const sent: { topic: string; messages: { key: Buffer | null; value: string }[] }[] = [];
    const producer = { send: async (r: (typeof sent)[number]) => void sent.push(r) };

    // Act
    await kafkaFailureDestination(producer as unknown as Producer, 'failed').send(batch);

    // Assess
    expect(sent).toHaveLength(1);
    expect(sent[0]!.topic).toBe('failed');
    const messages = sent[0]!.messages.map((m) => ({
      key: m.key?.toString(),
      value: JSON.parse(m.value),
    }));
    expect(messages.map((m) => m.key)).toEqual(['k', 'k']);
    expect(messages.map((m) => m.value.KafkaBatchInfo.recordInfo.offset)).toEqual(['5', '6']);
    expect(messages[1]!.value.payload).toEqual(buildKafkaEvent([records[1]!], shape));
    expect(messages[0]!.value.requestContext.requestId).toBe('r-1');
  });
});
