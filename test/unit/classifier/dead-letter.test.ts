import { createHash } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  type DeadLetterEntry,
  deadLetterEntry,
  fileDeadLetterSink,
  fitDeadLetter,
  kafkaDeadLetterSink,
} from '../../../functions/classifier/dead-letter';
import { DeadLetterError } from '../../../functions/classifier/errors';
import { type FileIO, MemoryFileIO } from '../../../lib/iceberg';
import type { KafkaRecord } from '../../../lib/kafka/event';

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
  valueBytes: null,
  valueSha256: null,
  keyBytes: null,
  keySha256: null,
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

/** A producer that keeps what it is sent and refuses, like a broker, batches over a limit. */
function brokerLike(limitBytes: number) {
  const sent: { key: string; value: string }[][] = [];
  const producer = {
    send: async (request: { messages: { key: string; value: string }[] }) => {
      const bytes = request.messages.reduce((n, m) => n + Buffer.byteLength(m.value) + 100, 0);
      if (bytes > limitBytes) {
        throw new Error(
          'The request included a message larger than the max message size the server will accept',
        );
      }
      sent.push(request.messages);
      return [];
    },
  } as unknown as Producer;
  return { producer, sent };
}

const BROKER_LIMIT = 1_048_588;

function rejectedRecord(offset: bigint, value: Uint8Array): DeadLetterEntry {
  const record: KafkaRecord = {
    topic: 'sensor_readings',
    partition: 3,
    offset,
    timestamp: 1_795_715_302_123,
    timestampType: 'CREATE_TIME',
    key: new TextEncoder().encode('sensor_1'),
    value,
    headers: [],
  };
  return deadLetterEntry(
    { record, reason: 'oversized', detail: `value is ${value.byteLength} bytes, limit 65536` },
    'classifier',
  );
}

const hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('dead letters too large for their target', () => {
  it.each([[800_000], [1_000_000]])(
    'sends a %d-byte record to Kafka cut to fit, with its digest and offsets',
    async (size) => {
      // Prepare
      const value = new Uint8Array(size).map((_, i) => i % 251);
      const { producer, sent } = brokerLike(BROKER_LIMIT);

      // Act
      await kafkaDeadLetterSink(producer, 'dlq').write([rejectedRecord(17n, value)]);

      // Assess
      const message = JSON.parse(sent[0]![0]!.value) as DeadLetterEntry;
      expect(message).toMatchObject({
        reason: 'oversized',
        partition: 3,
        offset: '17',
        valueBytes: size,
        valueSha256: hex(value),
        truncated: { value: true, key: false },
      });
      const prefix = Buffer.from(message.value!, 'base64');
      expect(prefix.byteLength).toBeGreaterThan(500_000);
      expect(Buffer.compare(prefix, value.subarray(0, prefix.byteLength))).toBe(0);
      expect(Buffer.byteLength(sent[0]![0]!.value)).toBeLessThanOrEqual(1_000_000);
    },
  );

  it('stores the whole entry beside the message when an object store is given', async () => {
    // Prepare
    const value = new Uint8Array(1_000_000).fill(7);
    const io = new MemoryFileIO();
    const { producer, sent } = brokerLike(BROKER_LIMIT);
    const sink = kafkaDeadLetterSink(producer, 'dlq', {
      overflow: { io, baseUri: 's3://warehouse/dead-letters/oversized/dlq/' },
    });

    // Act
    await sink.write([rejectedRecord(9n, value)]);

    // Assess
    const message = JSON.parse(sent[0]![0]!.value) as DeadLetterEntry;
    const path = 's3://warehouse/dead-letters/oversized/dlq/sensor_readings/3/9.json';
    expect(message.original).toBe(path);
    const whole = JSON.parse(new TextDecoder().decode(await io.read(path))) as DeadLetterEntry;
    expect(Buffer.from(whole.value!, 'base64').equals(Buffer.from(value))).toBe(true);
    expect(whole.truncated).toBeUndefined();
  });

  it('splits many dead letters over several sends so that no batch passes the limit', async () => {
    // Prepare: 40 records of 60 KB are 3.2 MB of base64, three times what one batch may hold.
    const entries = Array.from({ length: 40 }, (_, i) =>
      rejectedRecord(BigInt(i), new Uint8Array(60_000).fill(i)),
    );
    const { producer, sent } = brokerLike(BROKER_LIMIT);

    // Act
    await kafkaDeadLetterSink(producer, 'dlq').write(entries);

    // Assess
    expect(sent.length).toBeGreaterThan(3);
    expect(sent.flat().map((m) => m.key)).toEqual(
      entries.map((e) => `sensor_readings-3-${e.offset}`),
    );
    expect(sent.flat().every((m) => !(JSON.parse(m.value) as DeadLetterEntry).truncated)).toBe(
      true,
    );
  });

  it('keeps an entry that fits unchanged, and cuts key and value of one that does not', () => {
    // Prepare
    const small = rejectedRecord(1n, new TextEncoder().encode('{"x":1}'));
    const big = {
      ...small,
      key: 'k'.repeat(40_000),
      value: 'v'.repeat(40_000),
      detail: 'd'.repeat(9_000),
    };

    // Act
    const fitted = fitDeadLetter(big, 20_000);

    // Assess
    expect(fitDeadLetter(small, 20_000)).toBe(small);
    expect(Buffer.byteLength(JSON.stringify(fitted))).toBeLessThanOrEqual(20_000);
    expect(fitted.truncated).toEqual({ key: true, value: true, limitBytes: 20_000 });
    expect(fitted.value!.length % 4).toBe(0);
    expect(fitted.valueSha256).toBe(small.valueSha256);
  });

  it('cuts an entry to the file sink limit too', async () => {
    const io = new MemoryFileIO();
    await fileDeadLetterSink(io, 's3://b/dl', { maxEntryBytes: 10_000 }).write([
      rejectedRecord(4n, new Uint8Array(50_000)),
    ]);
    const stored = JSON.parse(
      new TextDecoder().decode(await io.read('s3://b/dl/sensor_readings/3/4.json')),
    );
    expect(stored).toMatchObject({ offset: '4', valueBytes: 50_000, truncated: { value: true } });
  });
});
