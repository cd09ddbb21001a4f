import type { Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  type DeadLetterEntry,
  fileDeadLetterSink,
  kafkaDeadLetterSink,
} from '../../../functions/classifier/dead-letter';
import { DeadLetterError } from '../../../functions/classifier/errors';
import type { FileIO } from '../../../lib/iceberg';

const entry: DeadLetterEntry = {
  reason: 'invalid_json',
  detail: 'Unexpected token',
  topic: 'sensor_readings',
  partition: 2,
  offset: '41',
  timestamp: 0,
  consumerGroup: 'classifier',
  rejectedAt: '2026-11-26T18:00:00.000Z',
  key: null,
  value: null,
};

describe('dead letter sinks', () => {
  it.each([
    [
      'a file sink',
      () => {
        const io = {
          write: async () => Promise.reject(new Error('AccessDenied: Access Denied')),
        } as unknown as FileIO;
        return fileDeadLetterSink(io, 's3://warehouse/dead-letters');
      },
      'could not write dead letter s3://warehouse/dead-letters/sensor_readings/2/41.json: AccessDenied: Access Denied',
    ],
    [
      'a Kafka sink',
      () => {
        const producer = {
          send: async () => Promise.reject(new Error('This server does not host this topic')),
        } as unknown as Producer;
        return kafkaDeadLetterSink(producer, 'dlq');
      },
      'could not send 1 dead letters to dlq: This server does not host this topic',
    ],
  ])("%s names the target and the store's reason", async (_name, sink, message) => {
    // Act
    const failure = sink().write([entry]);

    // Assess
    await expect(failure).rejects.toBeInstanceOf(DeadLetterError);
    await expect(failure).rejects.toThrow(message);
  });
});
