import { describe, expect, it } from 'vitest';
import type { DeadLetterEntry } from '../../functions/classifier/dead-letter';
import { localEndpoints } from '../../local/endpoints';
import {
  flushStaged,
  newClassifier,
  openTable,
  tableRows,
  uniqueNames,
} from './classifier-helpers';

const text = (s: string) => Buffer.from(s).toString('base64');

/** A Lambda Kafka event as some runtimes deliver it: header values as signed bytes. */
function event(topic: string, values: string[], headers: unknown[]) {
  return {
    eventSource: 'SelfManagedKafka',
    bootstrapServers: 'local',
    records: {
      [`${topic}-0`]: values.map((value, offset) => ({
        topic,
        partition: 0,
        offset,
        timestamp: 1_795_715_302_000,
        timestampType: 'CREATE_TIME',
        value: text(value),
        headers: [headers[offset % headers.length]],
      })),
    },
  };
}

describe('classifier input validation against the real table and dead-letter store', () => {
  it('stores years below 100 as sent, rejects year 0000 and lone surrogates with reasons, and is not failed by headers', async () => {
    // Prepare
    const names = uniqueNames('input');
    const reading = (sensor: string, timestamp: string) =>
      `{"sensor_id":"${sensor}","temperature":95.5,"timestamp":"${timestamp}","location":"zone_1"}`;
    const values = [
      reading('s_ok', '2026-11-26T17:41:42Z'),
      reading('s_year50', '0050-03-01T12:00:00Z'),
      reading('s_year0', '0000-03-01T12:00:00Z'),
      reading('s\\ud800x', '2026-11-26T17:41:42Z'),
      reading('s_pair\\ud83d\\ude00', '2026-11-26T17:41:42Z'),
    ];
    const headers = [
      { unit: [0x7a, -61, -87, 0x72, 0x6f] }, // "zéro" as Java's signed bytes
      { trace: 'not bytes' },
      { unit: [0x7a, 0xc3, 0xa9, 0x72, 0x6f] },
    ];
    const year50 = new Date(0);
    year50.setUTCFullYear(50, 2, 1);
    year50.setUTCHours(12, 0, 0, 0);

    // Act
    const result = await newClassifier(names)(event(names.topic, values, headers));
    await flushStaged(names);

    // Assess
    expect(result).toMatchObject({ records: 5, alerts: 3, rejected: 2, belowThreshold: 0 });
    const { rows } = await tableRows(names);
    const bySensor = new Map(rows.map((r) => [r.sensor_id, r]));
    expect([...bySensor.keys()].sort()).toEqual(['s_ok', 's_pair\u{1F600}', 's_year50']);
    expect(bySensor.get('s_year50')!.reading_timestamp).toBe(BigInt(year50.getTime()) * 1000n);
    const { io } = await openTable(names);
    const base = `s3://${localEndpoints().warehouseBucket}/dead-letters/${names.table}/${names.topic}/0`;
    const letters = await Promise.all(
      ['2', '3'].map(
        async (o) =>
          JSON.parse(
            new TextDecoder().decode(await io.read(`${base}/${o}.json`)),
          ) as DeadLetterEntry,
      ),
    );
    expect(letters.map((l) => [l.offset, l.reason, l.detail])).toEqual([
      ['2', 'invalid_reading', 'timestamp: year 0000 is outside 1-9999'],
      [
        '3',
        'invalid_text',
        'sensor_id: lone surrogate \\ud800 at index 1 is not valid Unicode text',
      ],
    ]);
    expect(Buffer.from(letters[1]!.value!, 'base64').toString()).toBe(values[3]);
  });
});
