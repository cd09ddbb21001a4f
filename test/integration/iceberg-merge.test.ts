import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SENSOR_ALERTS_PARTITION_SPEC,
  SENSOR_ALERTS_SCHEMA,
  sensorAlertsIdentifier,
} from '../../lib/alerts/table';
import {
  MANIFEST_MIN_MERGE_COUNT,
  ManifestEntryStatus,
  mainSnapshot,
  mergeAppend,
  RestCatalog,
  readManifestEntries,
  readManifestList,
  type S3FileIO,
  type TableIdentifier,
  writeDataFiles,
} from '../../lib/iceberg';
import { localEndpoints } from '../../local/endpoints';
import { localS3FileIO } from '../../local/object-store';
import { alertBatch, asPrinted, byOffset } from './support/alert-rows';
import { scanWithPyIceberg } from './support/pyiceberg';

const endpoints = localEndpoints();
const runId = randomUUID().slice(0, 8);

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
    const batches = Array.from({ length: 6 }, (_, i) => alertBatch(i * 100, 5 + i, 2));

    // Act
    const results = [];
    for (const [i, rows] of batches.entries()) {
      const table = await catalog.loadTable(ident);
      const files = await writeDataFiles(io, table, rows, { fileNamePrefix: `merge${i}` });
      results.push(await mergeAppend(catalog, io, ident, files));
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
