import { describe, expect, it } from 'vitest';
import { buildKafkaEvent } from '../../lib/kafka/event';
import { localEndpoints } from '../../local/endpoints';
import {
  expectedRows,
  kafkaRecord,
  newClassifier,
  openTable,
  syntheticReadings,
  tableOffsets,
  tableRows,
  uniqueNames,
} from './classifier-helpers';

const event = (records: ReturnType<typeof kafkaRecord>[]) =>
  buildKafkaEvent(records, { eventSource: 'SelfManagedKafka', bootstrapServers: '127.0.0.1:9092' });

describe('classifier against the REST catalog and the object store', () => {
  it('leaves the table unchanged when the same batch is delivered twice', async () => {
    // Prepare
    const names = uniqueNames('twice');
    const readings = syntheticReadings(120, 0, 5);
    const batch = event(readings.map((r) => kafkaRecord(names.topic, r)));
    const classifier = newClassifier(names);

    // Act
    const first = await classifier(batch);
    const afterFirst = await tableRows(names);
    const second = await classifier(batch);
    const afterSecond = await tableRows(names);

    // Assess
    expect(afterFirst.keys).toEqual(expectedRows(readings));
    expect(afterSecond.keys).toEqual(afterFirst.keys);
    expect(first).toMatchObject({ records: 120, skipped: 0, alerts: afterFirst.keys.length });
    expect(second).toMatchObject({ records: 120, skipped: 120, alerts: 0, snapshotIds: [] });
    expect(await tableOffsets(names)).toEqual({ 0: 119n });
  });

  it('keeps both partitions when two deliveries commit concurrently', async () => {
    // Prepare: two execution environments, one partition each.
    const names = uniqueNames('concurrent');
    const p0 = syntheticReadings(80, 0, 21);
    const p1 = syntheticReadings(80, 1, 22);
    const [a, b] = [newClassifier(names), newClassifier(names)];

    // Act
    const results = await Promise.all([
      a(event(p0.map((r) => kafkaRecord(names.topic, r)))),
      b(event(p1.map((r) => kafkaRecord(names.topic, r)))),
    ]);

    // Assess
    const { keys } = await tableRows(names);
    expect(keys).toEqual(expectedRows([...p0, ...p1]));
    expect(results.every((r) => r.snapshotIds.length === 1 && r.skipped === 0)).toBe(true);
    expect(await tableOffsets(names)).toEqual({ 0: 79n, 1: 79n });
  });

  it('sends malformed records to the dead letter target and accounts for every record', async () => {
    // Prepare
    const names = uniqueNames('rejects');
    const readings = syntheticReadings(10, 0, 9);
    const records = readings.map((r) => kafkaRecord(names.topic, r));
    records.push({ ...records[0]!, offset: 10n, value: Uint8Array.from([0xff, 0xfe]) });
    records.push({
      ...records[0]!,
      offset: 11n,
      value: new TextEncoder().encode('{"sensor_id":""}'),
    });

    // Act
    const result = await newClassifier(names)(event(records));

    // Assess
    expect(result.rejected).toBe(2);
    expect(result.alerts + result.belowThreshold + result.rejected + result.skipped).toBe(12);
    expect((await tableRows(names)).keys).toEqual(expectedRows(readings));
    const { io } = await openTable(names);
    const base = `s3://${localEndpoints().warehouseBucket}/dead-letters/${names.table}/${names.topic}/0`;
    const letters = await Promise.all(
      ['10', '11'].map(async (o) =>
        JSON.parse(new TextDecoder().decode(await io.read(`${base}/${o}.json`))),
      ),
    );
    expect(letters.map((l) => [l.offset, l.reason])).toEqual([
      ['10', 'not_utf8'],
      ['11', 'invalid_reading'],
    ]);
    expect(letters[0].value).toBe(Buffer.from([0xff, 0xfe]).toString('base64'));
  });
});
