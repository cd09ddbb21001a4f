import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SENSOR_ALERTS_PARTITION_SPEC,
  SENSOR_ALERTS_SCHEMA,
  sensorAlertsIdentifier,
} from '../../lib/alerts/table';
import {
  fastAppend,
  MANIFEST_MIN_MERGE_COUNT,
  ManifestEntryStatus,
  mainSnapshot,
  RestCatalog,
  type Row,
  readManifestEntries,
  readManifestList,
  type S3FileIO,
  type TableIdentifier,
  writeDataFiles,
} from '../../lib/iceberg';
import { localEndpoints } from '../../local/endpoints';
import { localS3FileIO } from '../../local/object-store';
import { scanWithPyIceberg } from './support/pyiceberg';

const endpoints = localEndpoints();
const runId = randomUUID().slice(0, 8);
const DAY = 86_400_000_000n;
// 2026-11-26T17:41:42.123456Z
const T0 = 1_795_714_902_123_456n;

function batch(offsetStart: number, count: number): Row[] {
  return Array.from({ length: count }, (_, i) => {
    const offset = offsetStart + i;
    return {
      sensor_id: `sensor_${offset % 10}`,
      temperature: Math.round((80.01 + ((offset * 37) % 1500) / 100) * 100) / 100,
      alert_type: ['CRITICAL', 'HIGH', 'MEDIUM'][offset % 3]!,
      reading_timestamp: T0 + BigInt(offset % 2) * DAY + BigInt(offset * 7),
      processing_timestamp: T0 + 2n * DAY + BigInt(offset),
      location: offset % 6 === 0 ? null : `zone_${(offset % 5) + 1}`,
      source_partition: offset % 3,
      source_offset: BigInt(offset),
    };
  });
}

type Printed = Record<string, string | number | boolean | null>;

function asPrinted(row: Row): Printed {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v]),
  );
}

const byOffset = (a: Printed, b: Printed) =>
  Number(BigInt(a.source_offset as string) - BigInt(b.source_offset as string));

describe('manifest merging on the local REST catalog and S3', () => {
  let catalog: RestCatalog;
  let io: S3FileIO;
  let ident: TableIdentifier;

  beforeAll(async () => {
    catalog = await RestCatalog.connect({
      uri: endpoints.catalogUri,
      warehouse: endpoints.catalogWarehouse,
    });
    io = localS3FileIO(endpoints);
    await catalog.createNamespaceIfAbsent(['demo']);
    ident = sensorAlertsIdentifier('demo', `sensor_alerts_merge_${runId}`);
  });

  afterAll(async () => {
    await catalog?.dropTable(ident).catch(() => undefined);
  });

  it('merges manifests every third append and PyIceberg still reads every row once', async () => {
    // Prepare
    await catalog.createTableIfAbsent(ident, SENSOR_ALERTS_SCHEMA, SENSOR_ALERTS_PARTITION_SPEC, {
      [MANIFEST_MIN_MERGE_COUNT]: '3',
    });
    const batches = Array.from({ length: 6 }, (_, i) => batch(i * 100, 5 + i));

    // Act
    const results = [];
    for (const [i, rows] of batches.entries()) {
      const table = await catalog.loadTable(ident);
      const files = await writeDataFiles(io, table, rows, { fileNamePrefix: `merge${i}` });
      results.push(await fastAppend(catalog, io, ident, files));
    }
    const scanned = await scanWithPyIceberg({
      uri: endpoints.catalogUri,
      warehouse: endpoints.catalogWarehouse,
      namespace: ident.namespace.join('.'),
      table: ident.name,
      s3_endpoint: endpoints.s3Endpoint,
      s3_region: endpoints.s3Region,
      s3_access_key_id: endpoints.s3AccessKeyId,
      s3_secret_access_key: endpoints.s3SecretAccessKey,
    });

    // Assess
    const table = await catalog.loadTable(ident);
    expect(table.metadata.properties?.[MANIFEST_MIN_MERGE_COUNT]).toBe('3');
    const committed = results.map((r) => {
      if (r.status !== 'committed') throw new Error(`append ${r.status}`);
      return r;
    });
    expect(scanned.rows.length).toBe(batches.flat().length);
    expect(scanned.rows.sort(byOffset)).toEqual(batches.flat().map(asPrinted).sort(byOffset));

    // appends 3 and 5 reach three manifests and merge them; append 6 adds one beside the merge
    const head = mainSnapshot(table.metadata)!;
    expect(head['snapshot-id']).toBe(committed[5]!.snapshotId);
    expect(head.summary).toMatchObject({ 'manifests-created': '1', 'manifests-kept': '1' });
    const manifests = readManifestList(await io.read(head['manifest-list'])).manifests;
    expect(manifests).toHaveLength(2);
    const [newest, merged] = manifests;
    expect(newest).toMatchObject({
      addedSnapshotId: committed[5]!.snapshotId,
      existingFilesCount: 0,
    });
    expect(merged).toMatchObject({
      addedSnapshotId: committed[4]!.snapshotId,
      sequenceNumber: committed[4]!.sequenceNumber,
      minSequenceNumber: committed[0]!.sequenceNumber,
    });
    const entries = await readManifestEntries(io, merged!);
    const firstAppend = entries.filter((e) => e.snapshotId === committed[0]!.snapshotId);
    expect(firstAppend.length).toBeGreaterThan(0);
    for (const entry of firstAppend) {
      expect(entry).toMatchObject({
        status: ManifestEntryStatus.Existing,
        sequenceNumber: committed[0]!.sequenceNumber,
        fileSequenceNumber: committed[0]!.sequenceNumber,
      });
    }
  });
});
