import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { buildKafkaEvent, decodeKafkaEvent } from '../../../lib/kafka/event';
import { chunk, retryDelayMs, toKafkaRecord } from '../../../local/esm/records';

const message = (over: Partial<KafkaMessage> = {}): KafkaMessage =>
  ({
    key: Buffer.from('sensor_1'),
    value: Buffer.from('{"a":1}'),
    timestamp: '1795715302123',
    attributes: 0,
    offset: '42',
    headers: { trace: Buffer.from('x'), multi: ['a', Buffer.from('b')] },
    ...over,
  }) as KafkaMessage;

describe('toKafkaRecord', () => {
  it('converts a kafkajs message, and survives the trip through a Lambda event', () => {
    // Act
    const record = toKafkaRecord('t', 3, message());
    const roundTrip = decodeKafkaEvent(
      buildKafkaEvent([record], { eventSource: 'SelfManagedKafka', bootstrapServers: 'b:9092' }),
    );

    // Assess
    expect(record).toMatchObject({
      topic: 't',
      partition: 3,
      offset: 42n,
      timestamp: 1795715302123,
      timestampType: 'CREATE_TIME',
    });
    expect(record.headers.map((h) => [h.key, Buffer.from(h.value).toString()])).toEqual([
      ['trace', 'x'],
      ['multi', 'a'],
      ['multi', 'b'],
    ]);
    expect(roundTrip).toEqual([record]);
  });

  it.each([
    [0, 'CREATE_TIME'],
    [0x08, 'LOG_APPEND_TIME'],
  ])('reads attributes %d as %s', (attributes, expected) => {
    expect(toKafkaRecord('t', 0, message({ attributes })).timestampType).toBe(expected);
  });

  it('keeps null keys and values', () => {
    const record = toKafkaRecord('t', 0, message({ key: null, value: null }));
    expect([record.key, record.value]).toEqual([null, null]);
  });
});

describe('chunk', () => {
  it.each([
    [5, 2, [2, 2, 1]],
    [4, 4, [4]],
    [0, 3, []],
  ])('%d items in chunks of %d', (n, size, expected) => {
    const items = Array.from({ length: n }, (_, i) => i);
    const parts = chunk(items, size);
    expect(parts.map((p) => p.length)).toEqual(expected);
    expect(parts.flat()).toEqual(items);
  });
});

describe('retryDelayMs', () => {
  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [10, 1000],
  ])('attempt %d waits at most %d ms', (attempt, cap) => {
    expect(retryDelayMs(attempt, 100, 1000, () => 0.999999)).toBe(cap);
    expect(retryDelayMs(attempt, 100, 1000, () => 0)).toBe(0);
  });
});
