import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KafkaEventError } from '../../../lib/kafka/errors';
import {
  buildKafkaEvent,
  decodeKafkaEvent,
  type LambdaKafkaEvent,
  replayMarkerOf,
  withReplayMarker,
} from '../../../lib/kafka/event';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8'));
const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

describe('decodeKafkaEvent', () => {
  it('flattens an MSK event grouped by topic-partition', () => {
    // Act
    const records = decodeKafkaEvent(fixture('kafka-event-msk.json'));

    // Assess
    expect(records.map((r) => [r.topic, r.partition, r.offset, text(r.key)])).toEqual([
      ['sensor_readings', 0, 41n, 'sensor_7'],
      ['sensor_readings', 0, 42n, 'sensor_7'],
      ['sensor_readings', 1, 7n, 'sensor_2'],
    ]);
    expect(JSON.parse(text(records[0]!.value)!)).toEqual({
      sensor_id: 'sensor_7',
      temperature: 91.37,
      timestamp: '2026-11-26T17:41:42.123456',
      location: 'zone_3',
    });
    expect(records[0]!.headers.map((h) => [h.key, text(h.value)])).toEqual([
      ['content-type', 'application/json'],
    ]);
  });

  it('decodes a self-managed event, including a record without key and value', () => {
    // Act
    const records = decodeKafkaEvent(fixture('kafka-event-self-managed.json'));

    // Assess
    expect(records).toHaveLength(2);
    expect(records[1]).toEqual({
      topic: 'sensor_readings',
      partition: 2,
      offset: 1n,
      timestamp: 1795715302124,
      timestampType: 'LOG_APPEND_TIME',
      key: null,
      value: null,
      headers: [],
    });
  });

  it.each([
    ['null', null],
    ['an SQS event', { Records: [{ body: 'x' }] }],
    ['a wrong event source', { eventSource: 'aws:sqs', records: {} }],
    [
      'a negative offset',
      {
        eventSource: 'SelfManagedKafka',
        records: {
          't-0': [
            {
              topic: 't',
              partition: 0,
              offset: -1,
              timestamp: 0,
              timestampType: 'CREATE_TIME',
              headers: [],
            },
          ],
        },
      },
    ],
    [
      'a record under the wrong key',
      {
        eventSource: 'SelfManagedKafka',
        records: {
          't-1': [
            {
              topic: 't',
              partition: 0,
              offset: 1,
              timestamp: 0,
              timestampType: 'CREATE_TIME',
              headers: [],
            },
          ],
        },
      },
    ],
  ])('rejects %s', (_name, event) => {
    expect(() => decodeKafkaEvent(event)).toThrow(KafkaEventError);
  });
});

describe('buildKafkaEvent', () => {
  it.each([['kafka-event-msk.json'], ['kafka-event-self-managed.json']])(
    'rebuilds %s exactly from its decoded records',
    (name) => {
      // Prepare
      const original = fixture(name) as {
        eventSource: string;
        bootstrapServers: string;
        eventSourceArn: string;
      };
      const records = decodeKafkaEvent(original);

      // Act
      const rebuilt =
        original.eventSource === 'aws:kafka'
          ? buildKafkaEvent(records, {
              eventSource: 'aws:kafka',
              bootstrapServers: original.bootstrapServers,
              eventSourceArn: original.eventSourceArn,
            })
          : buildKafkaEvent(records, {
              eventSource: 'SelfManagedKafka',
              bootstrapServers: original.bootstrapServers,
            });

      // Assess
      expect(rebuilt).toEqual(original);
    },
  );
});

const withHeaders = (headers: unknown) => ({
  eventSource: 'SelfManagedKafka',
  bootstrapServers: 'b:9092',
  records: {
    't-0': [
      {
        topic: 't',
        partition: 0,
        offset: 5,
        timestamp: 0,
        timestampType: 'CREATE_TIME',
        value: Buffer.from('{}').toString('base64'),
        headers,
      },
    ],
  },
});

describe('decodeKafkaEvent headers', () => {
  it.each([
    ['unsigned bytes (0..255)', [0x7a, 0xc3, 0xa9, 0x72, 0x6f]],
    ['signed bytes (-128..127), as some runtimes send them', [0x7a, -61, -87, 0x72, 0x6f]],
  ])('reads a non-ASCII header value given as %s', (_name, bytes) => {
    // Act
    const [record] = decodeKafkaEvent(withHeaders([{ unit: bytes }]));

    // Assess
    expect(record!.headers.map((h) => [h.key, text(h.value)])).toEqual([['unit', 'zéro']]);
    expect(record!.undecodableHeaders).toBeUndefined();
  });

  it.each([
    ['a string value', [{ trace: 'abc' }, { ok: [104, 105] }], ['trace']],
    ['a null value', [{ trace: null }, { ok: [104, 105] }], ['trace']],
    ['a byte out of range', [{ trace: [256] }, { ok: [104, 105] }], ['trace']],
    ['a fraction', [{ trace: [1.5] }, { ok: [104, 105] }], ['trace']],
    ['an entry that is not an object', [7, { ok: [104, 105] }], ['(malformed header entry)']],
    ['headers that are not a list', { ok: [104, 105], bad: 'x' }, ['bad']],
  ])(
    'leaves out a header with %s and keeps the record and the other headers',
    (_n, headers, bad) => {
      // Act
      const records = decodeKafkaEvent(withHeaders(headers));

      // Assess
      expect(records).toHaveLength(1);
      expect(records[0]!.offset).toBe(5n);
      expect(records[0]!.headers.map((h) => [h.key, text(h.value)])).toEqual([['ok', 'hi']]);
      expect(records[0]!.undecodableHeaders).toEqual(bad);
    },
  );

  it('reads a record without headers at all', () => {
    expect(decodeKafkaEvent(withHeaders(undefined))[0]!.headers).toEqual([]);
  });
});

describe('replayMarkerOf', () => {
  const event = fixture('kafka-event-self-managed.json') as LambdaKafkaEvent;

  it('finds no marker on a normal delivery', () => {
    expect(replayMarkerOf(event)).toBeUndefined();
  });

  it('reads the marker withReplayMarker adds, and the event still decodes as before', () => {
    // Act
    const marked = withReplayMarker(event, 'failed.jsonl#sensor_readings-2@0-1');

    // Assess
    expect(replayMarkerOf(marked)).toEqual({ source: 'failed.jsonl#sensor_readings-2@0-1' });
    expect(decodeKafkaEvent(marked)).toEqual(decodeKafkaEvent(event));
  });

  it.each([
    ['a string', 'yes'],
    ['no source', {}],
    ['an empty source', { source: '' }],
  ])('refuses a marker that is %s', (_name, replay) => {
    expect(() => replayMarkerOf({ ...event, replay })).toThrow(KafkaEventError);
  });
});
