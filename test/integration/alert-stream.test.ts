import { describe, expect, it } from 'vitest';
import {
  ALERT_HEADERS,
  type AlertMessage,
  alertRowOf,
  decodeAlert,
  dedupeByAlertId,
} from '../../lib/alerts/alert-message';
import { buildKafkaEvent } from '../../lib/kafka/event';
import { ensureTopic } from '../../lib/kafka/topics';
import { readTopic } from '../../local/demo/topic-reader';
import {
  expectedRows,
  flushStaged,
  kafka,
  kafkaRecord,
  type Names,
  newClassifier,
  type Produced,
  rowKey,
  syntheticReadings,
  tableRows,
  uniqueNames,
} from './classifier-helpers';

const event = (names: Names, readings: readonly Produced[]) =>
  buildKafkaEvent(
    readings.map((r) => kafkaRecord(names.topic, r)),
    { eventSource: 'SelfManagedKafka', bootstrapServers: '127.0.0.1:9092' },
  );

/** Every message on the alert topic, decoded (which checks key, headers and value agree). */
async function alertStream(names: Names): Promise<AlertMessage[]> {
  const { records } = await readTopic(kafka(), names.alertsTopic);
  return records.map((r) => {
    const message = decodeAlert(r);
    expect(String(r.headers[ALERT_HEADERS.alertId])).toBe(message.alert_id);
    expect(String(r.headers[ALERT_HEADERS.sourceOffset])).toBe(message.source_offset);
    expect(String(r.key)).toBe(message.sensor_id);
    return message;
  });
}

const idsOf = (readings: readonly Produced[], topic: string) =>
  readings
    .filter((p) => p.reading.temperature > 80)
    .map((p) => `${topic}:${p.partition}:${p.offset}`)
    .sort();

/** A row key without the processing time, which differs between deliveries. */
const messageKey = (m: AlertMessage) => rowKey(alertRowOf(m));

describe('alert stream on Kafka, beside the table', () => {
  it('publishes a batch delivered twice twice, the table holds it once, and the alert id dedupes', async () => {
    // Prepare: two partitions of readings, an alert topic of three partitions
    const names = uniqueNames('stream');
    await ensureTopic(kafka(), names.alertsTopic, { partitions: 3 });
    const readings = [...syntheticReadings(80, 0, 11), ...syntheticReadings(50, 1, 12)];
    const alertIds = idsOf(readings, names.topic);

    // Act: the batch, then the same batch again in a new environment (after a timeout, say)
    const first = await newClassifier(names, { intervalMs: 0 })(event(names, readings));
    const again = await newClassifier(names, { intervalMs: 0 })(event(names, readings));
    await flushStaged(names);
    const stream = await alertStream(names);
    const table = await tableRows(names);

    // Assess: each delivery published every alert; the topic holds each id exactly twice
    expect(alertIds.length).toBeGreaterThan(20);
    expect(first.published).toEqual({ kafka: alertIds.length, sns: 0 });
    expect(again.published).toEqual({ kafka: alertIds.length, sns: 0 });
    expect(stream).toHaveLength(2 * alertIds.length);
    const perId = new Map<string, number>();
    for (const m of stream) perId.set(m.alert_id, (perId.get(m.alert_id) ?? 0) + 1);
    expect([...perId.keys()].sort()).toEqual(alertIds);
    expect([...perId.values()].every((n) => n === 2)).toBe(true);

    // the table holds each alert once
    expect(table.keys).toEqual(expectedRows(readings));

    // deduplicated by alert id, the stream is exactly the table's rows
    const unique = dedupeByAlertId(stream);
    expect(unique.map(messageKey).sort()).toEqual(table.keys);

    // the two copies of an alert differ only in processing_timestamp
    const copies = stream.filter((m) => m.alert_id === alertIds[0]);
    expect({ ...copies[0], processing_timestamp: '' }).toEqual({
      ...copies[1],
      processing_timestamp: '',
    });
  });

  it('keeps one sensor on one partition of the alert topic, in offset order', async () => {
    // Prepare
    const names = uniqueNames('order');
    await ensureTopic(kafka(), names.alertsTopic, { partitions: 3 });
    const readings = syntheticReadings(120, 0, 21);

    // Act
    await newClassifier(names, { intervalMs: 900_000 })(event(names, readings.slice(0, 60)));
    await newClassifier(names, { intervalMs: 900_000 })(event(names, readings.slice(60)));
    const { records } = await readTopic(kafka(), names.alertsTopic);

    // Assess
    const partitionsOf = new Map<string, Set<number>>();
    const offsetsOf = new Map<string, bigint[]>();
    for (const r of records) {
      const m = decodeAlert(r);
      partitionsOf.set(m.sensor_id, (partitionsOf.get(m.sensor_id) ?? new Set()).add(r.partition));
      offsetsOf.set(m.sensor_id, [...(offsetsOf.get(m.sensor_id) ?? []), BigInt(m.source_offset)]);
    }
    expect(records).toHaveLength(idsOf(readings, names.topic).length);
    for (const parts of partitionsOf.values()) expect(parts.size).toBe(1);
    for (const offsets of offsetsOf.values()) {
      expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
  });

  it('fails the batch and writes nothing when the alert topic cannot be reached', async () => {
    // Prepare: a classifier whose brokers do not answer
    const names = uniqueNames('unreachable');
    const readings = syntheticReadings(40, 0, 31);
    const broken = newClassifier(names, {
      intervalMs: 0,
      extra: { KAFKA_BROKERS: '127.0.0.1:1' },
    });

    // Act
    const failed = broken(event(names, readings));

    // Assess: the batch fails; the retry on working brokers lands it once
    await expect(failed).rejects.toThrow();
    await expect(tableRows(names)).rejects.toThrow('no table');
    await ensureTopic(kafka(), names.alertsTopic, { partitions: 1 });
    const retried = await newClassifier(names, { intervalMs: 0 })(event(names, readings));
    await flushStaged(names);
    expect(retried.published.kafka).toBe(idsOf(readings, names.topic).length);
    expect((await tableRows(names)).keys).toEqual(expectedRows(readings));
    expect(
      dedupeByAlertId(await alertStream(names))
        .map((m) => m.alert_id)
        .sort(),
    ).toEqual(idsOf(readings, names.topic));
  });
});
