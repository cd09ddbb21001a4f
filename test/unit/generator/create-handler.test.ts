import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { Producer, ProducerRecord } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createGeneratorHandler } from '../../../functions/generator/create-handler';
import { GeneratorRequestError, ProduceError } from '../../../functions/generator/errors';

function fakeProducer() {
  const sends: ProducerRecord[] = [];
  const producer = {
    send: async (record: ProducerRecord) => {
      sends.push(record);
      return [];
    },
  } as unknown as Producer;
  return { producer, sends };
}

const context = (remaining: () => number) =>
  ({
    awsRequestId: 'r',
    functionName: 'f',
    getRemainingTimeInMillis: remaining,
  }) as unknown as Context;

const logger = new Logger({ serviceName: 'sensor-generator', logLevel: 'SILENT' });

describe('createGeneratorHandler', () => {
  it('refuses a request over the cap without connecting to Kafka', async () => {
    // Prepare
    let connects = 0;
    const handler = createGeneratorHandler({
      topic: 't',
      limits: { maxReadings: 1000, stopBeforeTimeoutMs: 5000 },
      logger,
      producer: async () => {
        connects++;
        return fakeProducer().producer;
      },
    });

    // Act
    const run = handler(
      { numReadings: 1001 },
      context(() => 60_000),
    );

    // Assess
    await expect(run).rejects.toThrow(GeneratorRequestError);
    expect(connects).toBe(0);
  });

  it('sends an accepted request and reports it', async () => {
    // Prepare
    const { producer, sends } = fakeProducer();
    const handler = createGeneratorHandler({
      topic: 't',
      limits: { maxReadings: 1000, stopBeforeTimeoutMs: 5000 },
      logger,
      batchSize: 100,
      producer: async () => producer,
    });

    // Act
    const result = await handler(
      { numReadings: 250, seed: 1 },
      context(() => 60_000),
    );

    // Assess
    expect(result).toMatchObject({ sent: 250, topic: 't' });
    expect(sends.map((s) => s.messages.length)).toEqual([100, 100, 50]);
  });

  it("stops with the count sent when the invocation's time runs out", async () => {
    // Prepare: each send takes 4 s of a 20 s invocation.
    let now = 0;
    const producer = {
      send: async () => {
        now += 4000;
        return [];
      },
    } as unknown as Producer;
    const handler = createGeneratorHandler({
      topic: 't',
      limits: { maxReadings: 1000, stopBeforeTimeoutMs: 5000 },
      logger,
      batchSize: 100,
      producer: async () => producer,
    });

    // Act
    const run = handler(
      { numReadings: 1000 },
      context(() => 20_000 - now),
    );

    // Assess: 20, 16, 12 and 8 s left before the first four sends, 4 s before the fifth.
    await expect(run).rejects.toThrow(ProduceError);
    await expect(run).rejects.toMatchObject({ sent: 400 });
  });
});
