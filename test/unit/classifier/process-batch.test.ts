import { beforeEach, describe, expect, it } from 'vitest';
import type { DeadLetterEntry, DeadLetterSink } from '../../../functions/classifier/dead-letter';
import { DeadLetterError } from '../../../functions/classifier/errors';
import {
  type BatchDeps,
  committedOffsets,
  processBatch,
} from '../../../functions/classifier/process-batch';
import { offsetsSummaryKey } from '../../../lib/alerts/offsets';
import { DEFAULT_THRESHOLDS } from '../../../lib/alerts/severity';
import { SENSOR_ALERTS_SCHEMA } from '../../../lib/alerts/table';
import { MemoryFileIO, planFiles, readRows } from '../../../lib/iceberg';
import type { KafkaRecord } from '../../../lib/kafka/event';
import { catalogWithTable, type FaultyCatalog } from '../iceberg/support/faulty-catalog';

const TOPIC = 'sensor_readings';
const GROUP = 'classifier';
const KEY = offsetsSummaryKey(TOPIC, GROUP);

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

let catalog: FaultyCatalog;
let io: MemoryFileIO;
let deadLetter: MemoryDeadLetter;
let deps: BatchDeps;

async function tableRows() {
  const table = await catalog.loadTable();
  const files = await planFiles(io, table);
  const rows = (await Promise.all(files.map((f) => readRows(io, f, SENSOR_ALERTS_SCHEMA)))).flat();
  return rows
    .map((r) => `${r.source_partition}:${r.source_offset}:${r.alert_type}`)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

beforeEach(() => {
  catalog = catalogWithTable();
  io = new MemoryFileIO();
  deadLetter = new MemoryDeadLetter();
  deps = {
    catalog,
    io,
    table: { namespace: ['demo'], name: 'sensor_alerts' },
    consumerGroupId: GROUP,
    thresholds: DEFAULT_THRESHOLDS,
    deadLetter,
    nowMicros: () => 1_000_000n,
  };
});

describe('processBatch', () => {
  it('appends the alerts with lineage and records the committed offsets', async () => {
    // Act
    const outcome = await processBatch(batch(0, 0, 5), deps);

    // Assess
    expect(outcome).toMatchObject({
      records: 6,
      alerts: 3,
      belowThreshold: 3,
      rejected: 0,
      skipped: 0,
    });
    expect(outcome.snapshotIds).toHaveLength(1);
    expect(await tableRows()).toEqual(['0:0:CRITICAL', '0:2:CRITICAL', '0:4:CRITICAL']);
    expect(committedOffsets(catalog.metadata, KEY)).toEqual({ 0: 5n });
  });

  it('writes rows whose every column matches the reading', async () => {
    await processBatch([record(2, 7, 85.5)], deps);
    const table = await catalog.loadTable();
    const [file] = await planFiles(io, table);
    expect(await readRows(io, file!, SENSOR_ALERTS_SCHEMA)).toEqual([
      {
        sensor_id: 'sensor_1',
        temperature: 85.5,
        alert_type: 'HIGH',
        reading_timestamp: BigInt(Date.UTC(2026, 10, 26, 17, 41, 42)) * 1000n + 123_456n,
        processing_timestamp: 1_000_000n,
        location: 'zone_1',
        source_partition: 2,
        source_offset: 7n,
      },
    ]);
  });

  it('adds nothing when the same batch is delivered again', async () => {
    // Prepare
    await processBatch(batch(0, 0, 5), deps);

    // Act
    const again = await processBatch(batch(0, 0, 5), deps);

    // Assess
    expect(again).toMatchObject({ records: 6, alerts: 0, skipped: 6, snapshotIds: [] });
    expect(catalog.applied).toBe(1);
    expect(await tableRows()).toEqual(['0:0:CRITICAL', '0:2:CRITICAL', '0:4:CRITICAL']);
  });

  it('keeps only the new records of an overlapping redelivery', async () => {
    await processBatch(batch(0, 0, 5), deps);
    const outcome = await processBatch(batch(0, 3, 8), deps);
    expect(outcome).toMatchObject({ records: 6, skipped: 3, alerts: 2, belowThreshold: 1 });
    expect(await tableRows()).toEqual([
      '0:0:CRITICAL',
      '0:2:CRITICAL',
      '0:4:CRITICAL',
      '0:6:CRITICAL',
      '0:8:CRITICAL',
    ]);
    expect(committedOffsets(catalog.metadata, KEY)).toEqual({ 0: 8n });
  });

  it('abandons and filters again when a concurrent delivery of the same batch commits first', async () => {
    // Prepare: the other delivery commits between this one's load and its commit.
    catalog.beforeCommit = async () => {
      await processBatch(batch(0, 0, 5), deps);
    };

    // Act
    const outcome = await processBatch(batch(0, 0, 5), deps);

    // Assess
    expect(outcome).toMatchObject({ restarts: 1, skipped: 6, alerts: 0, snapshotIds: [] });
    expect(catalog.applied).toBe(1);
    expect(await tableRows()).toEqual(['0:0:CRITICAL', '0:2:CRITICAL', '0:4:CRITICAL']);
  });

  it('merges the offsets of two partitions committing concurrently', async () => {
    // Prepare
    catalog.beforeCommit = async () => {
      await processBatch(batch(1, 10, 11), deps);
    };

    // Act
    const outcome = await processBatch(batch(0, 0, 1), deps);

    // Assess
    expect(outcome).toMatchObject({ restarts: 0, alerts: 1, snapshotIds: [expect.any(BigInt)] });
    expect(catalog.conflicts).toBe(1);
    expect(await tableRows()).toEqual(['0:0:CRITICAL', '1:10:CRITICAL']);
    expect(committedOffsets(catalog.metadata, KEY)).toEqual({ 0: 1n, 1: 11n });
  });

  it('keeps the offsets of other consumer groups where the catalog serves only the current snapshot', async () => {
    // Prepare
    catalog.inner.servesCurrentSnapshotOnly = true;
    await processBatch(batch(0, 0, 5), deps);
    await processBatch(batch(0, 0, 1), { ...deps, consumerGroupId: 'other-group' });

    // Act
    const again = await processBatch(batch(0, 0, 5), deps);

    // Assess
    expect(again).toMatchObject({ skipped: 6, alerts: 0, snapshotIds: [] });
    const head = (await catalog.loadTable()).metadata.snapshots![0]!.summary;
    expect(head[KEY]).toBe('{"0":5}');
    expect(head[offsetsSummaryKey(TOPIC, 'other-group')]).toBe('{"0":1}');
  });

  it('keeps the files of a commit whose response was lost behind a later commit', async () => {
    // Prepare: the commit lands, another partition commits on top, then the response is lost.
    catalog.inner.servesCurrentSnapshotOnly = true;
    catalog.loseNextResponse = async () => {
      await processBatch(batch(1, 0, 1), deps);
    };

    // Act
    const outcome = await processBatch(batch(0, 0, 5), deps);

    // Assess
    expect(outcome).toMatchObject({ restarts: 1, skipped: 6, alerts: 0 });
    expect(await tableRows()).toEqual([
      '0:0:CRITICAL',
      '0:2:CRITICAL',
      '0:4:CRITICAL',
      '1:0:CRITICAL',
    ]);
  });

  it('sends rejected records to the dead letter target and still commits the batch', async () => {
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
    expect(committedOffsets(catalog.metadata, KEY)).toEqual({ 0: 2n });
  });

  it('fails the batch and commits nothing when the dead letter write fails', async () => {
    deadLetter.fail = true;
    await expect(processBatch([record(0, 0, 95), record(0, 1, 'x')], deps)).rejects.toThrow(
      DeadLetterError,
    );
    expect(catalog.applied).toBe(0);
  });

  it('commits nothing for a batch without alerts', async () => {
    const outcome = await processBatch(batch(0, 1, 1), deps);
    expect(outcome).toMatchObject({ records: 1, belowThreshold: 1, alerts: 0, snapshotIds: [] });
    expect(catalog.applied).toBe(0);
  });

  it.each([[[record(0, 0, 95), record(0, 1, 'bad'), record(0, 2, 10)]], [batch(3, 100, 140)]])(
    'accounts for every record',
    async (records) => {
      await processBatch(records.slice(0, 2), deps);
      const o = await processBatch(records, deps);
      expect(o.alerts + o.belowThreshold + o.rejected + o.skipped).toBe(o.records);
    },
  );
});
