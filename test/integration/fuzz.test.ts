import { createHash } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { createClassifierHandler } from '../../functions/classifier/create-handler';
import { type DeadLetterEntry, kafkaDeadLetterSink } from '../../functions/classifier/dead-letter';
import { parseClassifierConfig } from '../../functions/shared/config';
import { createIdempotentProducer } from '../../lib/kafka/client';
import { ensureTopic } from '../../lib/kafka/topics';
import { localEndpoints } from '../../local/endpoints';
import { type InProcessHandler, inProcessInvoker } from '../../local/esm/invokers';
import { classifierEnv } from '../../local/esm/local-env';
import { EventSourceMappingRunner } from '../../local/esm/runner';
import { localS3FileIO } from '../../local/object-store';
import { readTopicToEnd } from '../../local/replay/kafka-reader';
import { flushStaged, kafka, tableRows, uniqueNames } from './classifier-helpers';
import { type FuzzRecord, fuzzRecords } from './support/malformed-readings';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.allSettled(cleanups.splice(0).map((c) => c()));
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('classifier under malformed input', () => {
  it('accounts for every one of 12,000 records (10,500 malformed) and dead-letters each bad one with its reason, lineage and bytes', async () => {
    // Prepare: records in a new topic, two of them close to the broker's 1 MB message limit.
    const names = uniqueNames('fuzz');
    const deadLetterTopic = `${names.topic}_dead`;
    const records = fuzzRecords({ malformed: 10_500, good: 1_500, seed: 99 });
    const big: FuzzRecord[] = [800_000, 1_000_000].map((n) => ({
      value: new Uint8Array(n).fill(0x7b),
      malformed: `${n}-byte value`,
    }));
    const all = [...records.slice(0, 6_000), ...big, ...records.slice(6_000)];
    const k = kafka();
    await ensureTopic(k, names.topic, { partitions: 3 });
    await ensureTopic(k, deadLetterTopic, { partitions: 2 });
    const producer: Producer = createIdempotentProducer(k);
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    const lineage = new Map<string, (typeof all)[number]>();
    for (let i = 0; i < all.length; ) {
      const partition = ((i / 100) % 3) | 0;
      const chunk =
        all[i]!.value && all[i]!.value!.byteLength > 500_000
          ? [all[i]!]
          : all.slice(i, i + 100).filter((r) => !r.value || r.value.byteLength < 500_000);
      const [meta] = await producer.send({
        topic: names.topic,
        acks: -1,
        messages: chunk.map((r) => ({
          value: r.value === null ? null : Buffer.from(r.value),
          partition,
        })),
      });
      for (const [n, r] of chunk.entries()) {
        lineage.set(`${partition}:${BigInt(meta!.baseOffset!) + BigInt(n)}`, r);
      }
      i += chunk.length;
    }
    expect(lineage.size).toBe(12_002);

    const config = parseClassifierConfig(
      classifierEnv(
        {
          ...process.env,
          ICEBERG_NAMESPACE: names.namespace,
          ICEBERG_TABLE: names.table,
          DEAD_LETTER_TARGET: `kafka://${deadLetterTopic}`,
          ALERTS_TOPIC: names.alertsTopic,
        },
        names.group,
      ),
    );
    const dlProducer = createIdempotentProducer(k);
    await dlProducer.connect();
    cleanups.push(() => dlProducer.disconnect());
    const overflow = `s3://${localEndpoints().warehouseBucket}/dead-letters/oversized/${names.table}`;
    const handler = createClassifierHandler(config, {
      deadLetter: kafkaDeadLetterSink(dlProducer, deadLetterTopic, {
        overflow: { io: localS3FileIO(), baseUri: overflow },
      }),
    });
    const counts = { records: 0, alerts: 0, belowThreshold: 0, rejected: 0 };
    const classifier = inProcessInvoker(handler as InProcessHandler);
    const esm = new EventSourceMappingRunner({
      kafka: k,
      topic: names.topic,
      groupId: names.group,
      invoke: async (event) => {
        const result = (await classifier(event)) as typeof counts;
        for (const key of Object.keys(counts) as (keyof typeof counts)[])
          counts[key] += result[key];
        return result;
      },
      batchSize: 500,
      batchWindowMs: 100,
      partitionsConcurrently: 3,
      logger: quiet,
    });
    cleanups.push(() => esm.stop());

    // Act
    await esm.start();
    const stats = await esm.runUntilIdle({ timeoutMs: 300_000 });
    await esm.stop();
    await flushStaged(names);
    const deadLetters = (await readTopicToEnd(k, deadLetterTopic)).map(
      (m) => JSON.parse(m.message.value!.toString()) as DeadLetterEntry,
    );
    const { rows } = await tableRows(names);

    // Assess: every record is exactly one of alert, below threshold, dead letter.
    console.log('[fuzz]', {
      ...counts,
      deadLetters: deadLetters.length,
      rows: rows.length,
      retries: stats.retries,
    });
    expect(counts.records).toBe(12_002);
    expect(rows.length + counts.belowThreshold + deadLetters.length).toBe(12_002);
    expect(rows.length).toBe(counts.alerts);
    expect(deadLetters.length).toBe(counts.rejected);

    const dead = new Map(deadLetters.map((d) => [`${d.partition}:${d.offset}`, d]));
    expect(dead.size).toBe(deadLetters.length);
    for (const [key, record] of lineage) {
      const letter = dead.get(key);
      if (record.malformed === undefined) {
        expect(letter, `good record ${key} was dead-lettered`).toBeUndefined();
        continue;
      }
      expect(letter, `${record.malformed} at ${key} has no dead letter`).toBeDefined();
      expect(letter!.reason).toMatch(
        /^(empty_value|oversized|not_utf8|invalid_json|invalid_text|invalid_reading)$/,
      );
      expect(letter!.detail.length).toBeGreaterThan(0);
      expect(letter!.topic).toBe(names.topic);
      if (record.value === null) {
        expect(letter!.value).toBeNull();
        continue;
      }
      expect(letter!.valueSha256).toBe(sha256(record.value));
      expect(letter!.valueBytes).toBe(record.value.byteLength);
      const kept = Buffer.from(letter!.value!, 'base64');
      if (letter!.truncated?.value) {
        expect(letter!.original).toBe(
          `${overflow}/${names.topic}/${letter!.partition}/${letter!.offset}.json`,
        );
        const whole = JSON.parse(
          new TextDecoder().decode(await localS3FileIO().read(letter!.original!)),
        ) as DeadLetterEntry;
        expect(Buffer.from(whole.value!, 'base64').equals(Buffer.from(record.value))).toBe(true);
        expect(kept.equals(Buffer.from(record.value).subarray(0, kept.byteLength))).toBe(true);
      } else {
        expect(kept.equals(Buffer.from(record.value))).toBe(true);
      }
    }
    expect(
      deadLetters
        .filter((d) => d.truncated?.value)
        .map((d) => d.valueBytes)
        .sort(),
    ).toEqual([1_000_000, 800_000].sort());

    // Every good reading above the threshold is in the table, exactly as it was sent.
    const byLineage = new Map(rows.map((r) => [`${r.source_partition}:${r.source_offset}`, r]));
    let alerts = 0;
    for (const [key, record] of lineage) {
      const alert = record.good?.alert;
      if (!alert) {
        expect(byLineage.has(key), `${key} should not be an alert`).toBe(false);
        continue;
      }
      alerts++;
      expect(byLineage.get(key)).toMatchObject({
        sensor_id: alert.sensorId,
        temperature: alert.temperature,
        alert_type: alert.alertType,
        reading_timestamp: alert.readingMicros,
        location: alert.location,
      });
    }
    expect(alerts).toBe(rows.length);
  }, 420_000);
});
