import { describe, expect, it } from 'vitest';
import { parseMaintenanceConfig } from '../../functions/maintenance/config';
import { runMaintenance } from '../../functions/maintenance/run';
import { LocalQueryEngine } from '../../functions/query/local-engine';
import { runNamedQuery } from '../../functions/query/queries';
import { offsetsSummaryKey } from '../../lib/alerts/offsets';
import { mainSnapshot, planFiles } from '../../lib/iceberg';
import { buildKafkaEvent } from '../../lib/kafka/event';
import type { MaintenanceReport } from '../../lib/maintenance/maintain';
import { classifierEnv } from '../../local/esm/local-env';
import {
  expectedRows,
  flushStaged,
  kafkaRecord,
  type Names,
  newClassifier,
  openTable,
  type Produced,
  pyIcebergArgs,
  rowKey,
  syntheticReadings,
  tableRows,
  uniqueNames,
} from './classifier-helpers';
import { scanWithPyIceberg } from './support/pyiceberg';

const event = (names: Names, readings: readonly Produced[]) =>
  buildKafkaEvent(
    readings.map((r) => kafkaRecord(names.topic, r)),
    { eventSource: 'SelfManagedKafka', bootstrapServers: '127.0.0.1:9092' },
  );

function maintenanceConfig(names: Names) {
  return parseMaintenanceConfig(
    classifierEnv(
      {
        ...process.env,
        ICEBERG_NAMESPACE: names.namespace,
        ICEBERG_TABLE: names.table,
        // compact any partition with two small files, rewrite beyond 3 manifests
        MAINTENANCE_MIN_SMALL_FILES: '1',
        MAINTENANCE_MAX_MANIFESTS: '3',
        MAINTENANCE_SNAPSHOT_RETENTION_HOURS: '0',
        MAINTENANCE_RETAIN_LAST: '1',
        MAINTENANCE_ORPHAN_MIN_AGE_HOURS: '1',
      },
      names.group,
    ),
  );
}

/** Live data files per partition (one partition is one day of readings). */
async function filesPerDay(names: Names): Promise<Map<string, number>> {
  const iceberg = await openTable(names);
  const table = await iceberg.catalog.loadTable(iceberg.table);
  const counts = new Map<string, number>();
  for (const task of await planFiles(iceberg.io, table)) {
    const day = String(task.file.partition[0]);
    counts.set(day, (counts.get(day) ?? 0) + 1);
  }
  return counts;
}

const THRESHOLDS = { alertThreshold: 80, criticalThreshold: 90 };

function sortedJson(rows: unknown[]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}

describe('table maintenance beside the live classifier (Nessie + S3)', () => {
  it('compacts and rewrites manifests while small batches append; rows exact, redelivery adds nothing', async () => {
    // Prepare: three Kafka partitions of readings spread over several days, in small batches
    const names = uniqueNames('maint');
    const readings = [0, 1, 2].flatMap((p) =>
      syntheticReadings(240, p, 7 + p).map((r, i) => ({
        ...r,
        reading: {
          ...r.reading,
          // four days of readings, interleaved so that every batch touches several days
          timestamp: new Date(Date.parse('2026-11-20T00:00:00Z') + (i % 4) * 86_400_000 + i * 1000)
            .toISOString()
            .replace('Z', ''),
        },
      })),
    );
    const batches: Produced[][] = [];
    for (let i = 0; i < 240; i += 12) {
      for (const p of [0, 1, 2]) {
        batches.push(readings.filter((r) => r.partition === p).slice(i, i + 12));
      }
    }
    const config = maintenanceConfig(names);
    const iceberg = await openTable(names);
    await newClassifier(names, { intervalMs: 0 })(event(names, batches[0]!));
    await flushStaged(names);

    // Act: the classifier appends batch after batch while maintenance runs again and again
    let appending = true;
    const duringAppends: MaintenanceReport[] = [];
    const compactions = () => duringAppends.filter((r) => r.compaction?.snapshotId).length;
    // On a fast machine the appends can all land before a maintenance run finds two small files
    // in a partition; at a third and at two thirds of the batches the appender waits (up to a
    // minute) for a compaction to land, so compactions interleave with appends on any machine.
    const pauses = new Set([20, 40]);
    const appender = (async () => {
      try {
        const classifier = newClassifier(names, { intervalMs: 0 });
        for (const [i, batch] of batches.slice(1).entries()) {
          if (pauses.has(i)) {
            const seen = compactions();
            const until = Date.now() + 60_000;
            while (compactions() === seen && Date.now() < until) {
              await new Promise((resolve) => setTimeout(resolve, 50));
            }
          }
          await classifier(event(names, batch));
        }
        await flushStaged(names);
      } finally {
        appending = false;
      }
    })();
    const maintainer = (async () => {
      while (appending) {
        const [report] = await runMaintenance(config, iceberg);
        if (appending) duringAppends.push(report!);
      }
    })();
    await Promise.all([appender, maintainer]);
    const engine = new LocalQueryEngine({
      catalog: iceberg.catalog,
      io: iceberg.io,
      ident: iceberg.table,
    });
    const summaryBefore = await runNamedQuery(engine, 'alert-summary', THRESHOLDS);
    const [final] = await runMaintenance(config, iceberg);
    const summaryAfter = await runNamedQuery(engine, 'alert-summary', THRESHOLDS);
    const afterMaintenance = await tableRows(names);
    const headBefore = mainSnapshot((await iceberg.catalog.loadTable(iceberg.table)).metadata);
    const redelivered = await newClassifier(names, { intervalMs: 0 })(event(names, readings));
    await flushStaged(names);
    const headAfter = mainSnapshot((await iceberg.catalog.loadTable(iceberg.table)).metadata);
    const afterRedelivery = await tableRows(names);
    const scanned = await scanWithPyIceberg(pyIcebergArgs(names));

    // Assess: compactions landed while the classifier was appending, one in each pause at least
    expect(compactions()).toBeGreaterThanOrEqual(2);
    // every alert exactly once, before and after the redelivery
    const expected = expectedRows(readings);
    expect(afterMaintenance.keys).toEqual(expected);
    expect(afterRedelivery.keys).toEqual(expected);
    // the redelivery was classified again, and the commit settled it without a snapshot
    expect(redelivered.alerts).toBe(expected.length);
    expect(headAfter!['snapshot-id']).toBe(headBefore!['snapshot-id']);
    // PyIceberg reads the same rows
    expect(
      scanned.rows
        .map((r) =>
          rowKey({
            ...r,
            temperature: Number(r.temperature),
            source_offset: BigInt(r.source_offset as string),
            reading_timestamp: BigInt(r.reading_timestamp as string),
          }),
        )
        .sort(),
    ).toEqual(expected);
    // one file per partition-day after the final run, fewer manifests, the offsets carried
    const removed = [...duringAppends, final!].reduce(
      (sum, r) => sum + (r.compaction?.snapshotId ? r.compaction.filesRemoved : 0),
      0,
    );
    expect(removed).toBeGreaterThan(50);
    const perDay = await filesPerDay(names);
    expect(perDay.size).toBe(4);
    for (const count of perDay.values()) expect(count).toBe(1);
    expect(final!.after.manifests).toBeLessThanOrEqual(3);
    const table = await iceberg.catalog.loadTable(iceberg.table);
    const key = offsetsSummaryKey(names.topic, names.group);
    expect(table.metadata.properties?.[key]).toBe('{"0":239,"1":239,"2":239}');
    const head = mainSnapshot(table.metadata)!;
    expect(head.summary[key]).toBe('{"0":239,"1":239,"2":239}');
    // the query engine's answer did not change
    expect(sortedJson(summaryAfter.rows)).toEqual(sortedJson(summaryBefore.rows));
    // Nessie collects garbage itself: expiry and orphan deletion say so instead of failing
    expect(table.metadata.properties?.['gc.enabled']).toBe('false');
    expect(final!.expiry).toMatchObject({ status: 'gc-disabled', expired: 0 });
    expect(final!.orphans).toMatchObject({ status: 'gc-disabled', deleted: 0 });
    expect(final!.orphans!.message).toMatch(/gc\.enabled=false/);
    // the listing through S3 saw the table's files (data and metadata)
    expect(final!.orphans!.listed).toBeGreaterThan(final!.after.dataFiles + final!.after.manifests);
  }, 300_000);
});
