import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { MemoryFileIO } from '../../../lib/iceberg';
import type { LambdaKafkaEvent } from '../../../lib/kafka/event';
import { InvokeError } from '../../../local/esm/errors';
import {
  type FailedBatchRecord,
  jsonLinesFailureDestination,
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
  const failed: FailedBatchRecord = {
    condition: 'RetriesExhausted',
    timestamp: '2026-01-01T00:00:00.000Z',
    approximateInvokeCount: 4,
    error: 'boom',
    KafkaBatchInfo: { batchSize: 2, topic: 't', partition: 1, firstOffset: '5', lastOffset: '6' },
    payload: event,
  };

  it('appends JSON lines to a file', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'esm-')), 'sub', 'failed.jsonl');
    const destination = jsonLinesFailureDestination(path);
    await destination.send(failed);
    await destination.send(failed);
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([failed, failed]);
  });

  it('writes one object per batch under the prefix', async () => {
    const io = new MemoryFileIO();
    await objectStoreFailureDestination(io, 's3://bucket/failed/').send(failed);
    expect([...io.files.keys()]).toEqual(['s3://bucket/failed/t/1/5-6.json']);
  });
});
