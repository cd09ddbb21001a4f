import type { Producer, ProducerRecord } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ProduceError } from '../../../functions/generator/errors';
import { produceReadings } from '../../../functions/generator/produce';
import { generateReadings } from '../../../functions/generator/readings';

function fakeProducer(failOnCall?: number) {
  const sends: ProducerRecord[] = [];
  const producer = {
    send: async (record: ProducerRecord) => {
      if (sends.length + 1 === failOnCall) throw new Error('broker gone');
      sends.push(record);
      return [];
    },
  } as unknown as Producer;
  return { producer, sends };
}

describe('produceReadings', () => {
  it('sends every reading once, in batches, keyed by sensor, with acks from all replicas', async () => {
    // Prepare
    const { producer, sends } = fakeProducer();
    const progress: number[] = [];

    // Act
    const result = await produceReadings(
      producer,
      generateReadings({ numReadings: 2500, numSensors: 3, seed: 1 }),
      {
        topic: 't',
        batchSize: 1000,
        progressEvery: 1000,
        onProgress: (p) => progress.push(p.sent),
      },
    );

    // Assess
    expect(result).toMatchObject({ sent: 2500, topic: 't' });
    expect(sends.map((s) => s.messages.length)).toEqual([1000, 1000, 500]);
    expect(sends.every((s) => s.acks === -1 && s.topic === 't')).toBe(true);
    const first = sends[0]!.messages[0]!;
    expect(JSON.parse(String(first.value)).sensor_id).toBe(first.key);
    expect(progress).toEqual([1000, 2000]);
  });

  it('reports how many readings were acknowledged before a failure', async () => {
    const { producer } = fakeProducer(3);
    const run = produceReadings(producer, generateReadings({ numReadings: 50, numSensors: 1 }), {
      topic: 't',
      batchSize: 10,
    });
    await expect(run).rejects.toThrow(ProduceError);
    await expect(run).rejects.toMatchObject({ sent: 20 });
    await expect(run).rejects.toThrow('sending to t failed after 20 readings: broker gone');
  });

  it('stops before a batch when the invocation runs short of time, saying what was sent', async () => {
    // Prepare
    const { producer, sends } = fakeProducer();
    let remaining = 60_000;
    const clock = () => {
      remaining -= 20_000;
      return remaining;
    };

    // Act
    const run = produceReadings(producer, generateReadings({ numReadings: 50, numSensors: 1 }), {
      topic: 't',
      batchSize: 10,
      remainingMs: clock,
      stopBeforeMs: 5_000,
    });

    // Assess
    await expect(run).rejects.toThrow(ProduceError);
    await expect(run).rejects.toMatchObject({ sent: 20 });
    await expect(run).rejects.toThrow(
      'stopped sending to t after 20 readings with 0 ms left before the function times out',
    );
    expect(sends).toHaveLength(2);
  });
});
