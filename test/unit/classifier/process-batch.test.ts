import { beforeEach, describe, expect, it } from 'vitest';
import type { AlertPublisher } from '../../../functions/classifier/alert-publisher';
import type { DeadLetterEntry, DeadLetterSink } from '../../../functions/classifier/dead-letter';
import { AlertPublishError, DeadLetterError } from '../../../functions/classifier/errors';
import { type BatchDeps, processBatch } from '../../../functions/classifier/process-batch';
import { DEFAULT_THRESHOLDS } from '../../../lib/alerts/severity';
import { decodeStagedBatch, MemoryStagingStore } from '../../../lib/group-commit';
import type { KafkaRecord } from '../../../lib/kafka/event';

const TOPIC = 'sensor_readings';
const GROUP = 'classifier';

function record(partition: number, offset: number, temperature: number | string): KafkaRecord {
  const value =
    typeof temperature === 'string'
      ? new TextEncoder().encode(temperature)
      : new TextEncoder().encode(
          JSON.stringify({
            sensor_id: `sensor_${offset % 3}`,
            temperature,
            timestamp: '2026-11-26T17:41:42.123456',
            location: 'zone_1',
          }),
        );
  return {
    topic: TOPIC,
    partition,
    offset: BigInt(offset),
    timestamp: 0,
    timestampType: 'CREATE_TIME',
    key: null,
    value,
    headers: [],
  };
}

/** Temperatures alternate hot/cold so that every other record is an alert. */
const batch = (partition: number, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) =>
    record(partition, from + i, (from + i) % 2 ? 70 : 91),
  );

class MemoryDeadLetter implements DeadLetterSink {
  entries: DeadLetterEntry[] = [];
  fail = false;
  async write(entries: readonly DeadLetterEntry[]) {
    if (this.fail) throw new DeadLetterError('target down');
    this.entries.push(...entries);
  }
}

let store: MemoryStagingStore;
let deadLetter: MemoryDeadLetter;
let deps: BatchDeps;

async function stagedBatches() {
  const listed = await store.list('batches/');
  return Promise.all(
    listed.map(async (o) => decodeStagedBatch((await store.get(o.key))!.bytes, o.key)),
  );
}

beforeEach(() => {
  store = new MemoryStagingStore();
  deadLetter = new MemoryDeadLetter();
  deps = {
    consumerGroupId: GROUP,
    thresholds: DEFAULT_THRESHOLDS,
    deadLetter,
    staging: () => store,
    nowMicros: () => 1_000_000n,
  };
});

describe('processBatch', () => {
  it('stages the alerts of a partition with the offsets of the whole batch', async () => {
    // Act
    const outcome = await processBatch(batch(0, 10, 15), deps);

    // Assess
    expect(outcome).toMatchObject({ records: 6, alerts: 3, belowThreshold: 3, rejected: 0 });
    const [staged, ...more] = await stagedBatches();
    expect(more).toEqual([]);
    expect(staged).toMatchObject({
      topic: TOPIC,
      partition: 0,
      firstOffset: 10n,
      lastOffset: 15n,
      consumerGroup: GROUP,
      counts: { records: 6, alerts: 3, belowThreshold: 3, rejected: 0 },
    });
    expect(
      staged!.rows.map((r) => [r.source_offset, r.alert_type, r.processing_timestamp]),
    ).toEqual([
      [10n, 'CRITICAL', 1_000_000n],
      [12n, 'CRITICAL', 1_000_000n],
      [14n, 'CRITICAL', 1_000_000n],
    ]);
    expect(outcome.parts).toEqual([
      expect.objectContaining({ partition: 0, firstOffset: 10n, lastOffset: 15n, alerts: 3 }),
    ]);
  });

  it('writes one staged batch per topic-partition of the event, offsets in order', async () => {
    // Act
    await processBatch([...batch(1, 4, 5), ...batch(0, 2, 3).reverse()], deps);

    // Assess
    const staged = await stagedBatches();
    expect(staged.map((s) => [s.partition, s.firstOffset, s.lastOffset])).toEqual([
      [0, 2n, 3n],
      [1, 4n, 5n],
    ]);
  });

  it('sends rejected records to the dead letter target before staging', async () => {
    // Prepare
    const records = [record(0, 0, 95), record(0, 1, '{oops'), record(0, 2, 60)];

    // Act
    const outcome = await processBatch(records, deps);

    // Assess
    expect(outcome).toMatchObject({ records: 3, alerts: 1, belowThreshold: 1, rejected: 1 });
    expect(deadLetter.entries).toEqual([
      expect.objectContaining({
        reason: 'invalid_json',
        topic: TOPIC,
        partition: 0,
        offset: '1',
        consumerGroup: GROUP,
        value: Buffer.from('{oops').toString('base64'),
      }),
    ]);
    expect((await stagedBatches())[0]?.counts.rejected).toBe(1);
  });

  it('fails the batch and stages nothing when the dead letter write fails', async () => {
    deadLetter.fail = true;
    await expect(processBatch([record(0, 0, 95), record(0, 1, 'x')], deps)).rejects.toThrow(
      DeadLetterError,
    );
    expect(await store.list('batches/')).toEqual([]);
  });

  it('stages nothing for a batch without alerts', async () => {
    const outcome = await processBatch(batch(0, 1, 1), deps);
    expect(outcome).toMatchObject({ records: 1, belowThreshold: 1, alerts: 0 });
    expect(outcome.parts[0]?.key).toBeNull();
    expect(await store.list('batches/')).toEqual([]);
  });

  it('marks the staged batch of a replay', async () => {
    await processBatch(batch(0, 0, 1), { ...deps, replay: { source: 'failed-batches.jsonl#3' } });
    expect((await stagedBatches())[0]?.replay).toEqual({ source: 'failed-batches.jsonl#3' });
  });

  it.each([[[record(0, 0, 95), record(0, 1, 'bad'), record(0, 2, 10)]], [batch(3, 100, 140)]])(
    'accounts for every record',
    async (records) => {
      const o = await processBatch(records, deps);
      expect(o.alerts + o.belowThreshold + o.rejected).toBe(o.records);
    },
  );
});

describe('processBatch with an alert stream', () => {
  const published: { topic: string; ids: string[] }[] = [];
  const recorder = (fail = false): AlertPublisher => ({
    async publish(parts) {
      if (fail) throw new AlertPublishError('broker down');
      const ids = parts.flatMap((p) =>
        p.alerts.map((a) => `${p.topic}:${a.source_partition}:${a.source_offset}`),
      );
      published.push({ topic: 'alerts', ids });
      return ids.length;
    },
  });

  beforeEach(() => {
    published.length = 0;
  });

  it('publishes every alert of every partition once per delivery, before staging', async () => {
    // Act
    const outcome = await processBatch([...batch(0, 10, 13), ...batch(1, 0, 1)], {
      ...deps,
      publishers: { kafka: recorder() },
    });

    // Assess
    expect(outcome.published).toEqual({ kafka: 3, sns: 0 });
    expect(published).toEqual([
      {
        topic: 'alerts',
        ids: ['sensor_readings:0:10', 'sensor_readings:0:12', 'sensor_readings:1:0'],
      },
    ]);
    expect(await stagedBatches()).toHaveLength(2);
  });

  it('fails the batch and writes nothing when publishing fails', async () => {
    // Prepare: a batch with a rejected record, so a dead letter would be written too
    const records = [record(0, 0, 95), record(0, 1, 'not json')];

    // Act
    const run = processBatch(records, { ...deps, publishers: { kafka: recorder(true) } });

    // Assess
    await expect(run).rejects.toThrow(AlertPublishError);
    expect(deadLetter.entries).toEqual([]);
    expect(await store.list('batches/')).toEqual([]);
  });

  it('fails the batch when only SNS fails', async () => {
    const run = processBatch(batch(0, 0, 3), {
      ...deps,
      publishers: { kafka: recorder(), sns: recorder(true) },
    });
    await expect(run).rejects.toThrow('broker down');
    expect(await store.list('batches/')).toEqual([]);
  });
});
