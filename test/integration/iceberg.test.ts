import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SENSOR_ALERTS_PARTITION_SPEC,
  SENSOR_ALERTS_SCHEMA,
  sensorAlertsIdentifier,
} from '../../lib/alerts/table';
import {
  ensureFirstSnapshot,
  mergeAppend,
  planFiles,
  RestCatalog,
  readRows,
  type S3FileIO,
  type TableIdentifier,
  writeDataFiles,
} from '../../lib/iceberg';
import { localEndpoints } from '../../local/endpoints';
import { localS3FileIO } from '../../local/object-store';
import { alertBatch, asPrinted, byOffset } from './support/alert-rows';
import { ensurePyIceberg, type PyIcebergScan, scanWithPyIceberg } from './support/pyiceberg';
import { committedSnapshotCount } from './support/table-history';

const endpoints = localEndpoints();
const runId = randomUUID().slice(0, 8);

describe('Iceberg table on the local REST catalog and S3', () => {
  let catalog: RestCatalog;
  let io: S3FileIO;

  beforeAll(async () => {
    await ensurePyIceberg();
    catalog = await RestCatalog.connect({
      uri: endpoints.catalogUri,
      warehouse: endpoints.catalogWarehouse,
    });
    io = localS3FileIO(endpoints);
    await catalog.createNamespaceIfAbsent(['demo']);
  });

  const created: TableIdentifier[] = [];
  afterAll(async () => {
    // Tables are uniquely named per run; dropping keeps a long-running catalog tidy.
    for (const ident of created) await catalog?.dropTable(ident).catch(() => undefined);
  });

  async function createTable(suffix: string) {
    const ident = sensorAlertsIdentifier('demo', `sensor_alerts_${suffix}_${runId}`);
    created.push(ident);
    const fresh = await catalog.createTableIfAbsent(
      ident,
      SENSOR_ALERTS_SCHEMA,
      SENSOR_ALERTS_PARTITION_SPEC,
    );
    // As ensureAlertTable does: the empty first snapshot (where needed) before writers race.
    const table = await ensureFirstSnapshot(catalog, io, ident, fresh);
    return { ident, table };
  }

  /** 1 where the catalog makes mergeAppend start an empty table with an empty snapshot. */
  const emptyStart = () => (catalog.enforcesEmptyRefRequirement ? 0n : 1n);

  function scan(ident: TableIdentifier): Promise<PyIcebergScan> {
    return scanWithPyIceberg({
      uri: endpoints.catalogUri,
      warehouse: endpoints.catalogWarehouse,
      namespace: ident.namespace.join('.'),
      table: ident.name,
      s3_endpoint: endpoints.s3Endpoint,
      s3_region: endpoints.s3Region,
      s3_access_key_id: endpoints.s3AccessKeyId,
      s3_secret_access_key: endpoints.s3SecretAccessKey,
    });
  }

  it('appends three batches that PyIceberg reads back exactly', async () => {
    // Prepare
    const { ident } = await createTable('three');
    const batches = [alertBatch(0, 25), alertBatch(25, 40), alertBatch(65, 10)];

    // Act
    const results = [];
    for (const [i, rows] of batches.entries()) {
      const table = await catalog.loadTable(ident);
      const files = await writeDataFiles(io, table, rows, { fileNamePrefix: `batch${i}` });
      results.push(
        await mergeAppend(catalog, io, ident, files, {
          prepare: () => ({ summary: { 'test.batch': String(i) } }),
        }),
      );
    }
    const scanned = await scan(ident);

    // Assess
    expect(results.map((r) => r.status)).toEqual(['committed', 'committed', 'committed']);
    const first = emptyStart(); // an empty snapshot precedes the data on some catalogs
    expect(results.map((r) => (r.status === 'committed' ? r.sequenceNumber : -1n))).toEqual([
      1n + first,
      2n + first,
      3n + first,
    ]);
    expect(await committedSnapshotCount(catalog, ident)).toBe(3 + Number(first));
    expect(scanned.last_sequence_number).toBe(3 + Number(first));
    const last = results[2]!;
    expect(scanned.current_snapshot_id).toBe(
      last.status === 'committed' ? String(last.snapshotId) : '',
    );
    expect(scanned.rows.sort(byOffset)).toEqual(batches.flat().map(asPrinted).sort(byOffset));
    expect(scanned.arrow_schema).toMatchObject({
      sensor_id: expect.stringMatching(/^(large_)?string$/),
      temperature: 'double',
      reading_timestamp: expect.stringMatching(/^timestamp\[us, tz=(UTC|\+00:00)\]$/),
      processing_timestamp: expect.stringMatching(/^timestamp\[us, tz=(UTC|\+00:00)\]$/),
      source_partition: 'int32',
      source_offset: 'int64',
    });
    expect(Object.values(scanned.field_ids)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('keeps every row when two writers append at the same time', async () => {
    // Prepare
    const { ident, table } = await createTable('concurrent');
    const [a, b] = [alertBatch(1000, 30), alertBatch(2000, 45)];
    const [filesA, filesB] = await Promise.all([
      writeDataFiles(io, table, a, { fileNamePrefix: 'writer-a' }),
      writeDataFiles(io, table, b, { fileNamePrefix: 'writer-b' }),
    ]);

    // Both first attempts wait until both writers hold the same base, so one must conflict.
    let release: () => void = () => undefined;
    const bothLoaded = new Promise<void>((resolve) => {
      release = resolve;
    });
    let waiting = 0;
    const prepare = async () => {
      waiting++;
      if (waiting === 2) release();
      if (waiting <= 2) await bothLoaded;
      return { summary: {} };
    };

    // Act
    const results = await Promise.all([
      mergeAppend(catalog, io, ident, filesA, { commitId: `a-${runId}`, prepare }),
      mergeAppend(catalog, io, ident, filesB, { commitId: `b-${runId}`, prepare }),
    ]);
    const reloaded = await catalog.loadTable(ident);
    const ours = (
      await Promise.all(
        (await planFiles(io, reloaded)).map((f) => readRows(io, f, SENSOR_ALERTS_SCHEMA)),
      )
    ).flat();
    const scanned = await scan(ident);

    // Assess
    expect(results.map((r) => r.status)).toEqual(['committed', 'committed']);
    expect(results.map((r) => r.attempts).sort()).toEqual([1, 2]);
    expect(await committedSnapshotCount(catalog, ident)).toBe(2 + Number(emptyStart()));
    expect(scanned.last_sequence_number).toBe(2 + Number(emptyStart()));
    expect(scanned.snapshot_count).toBe(reloaded.metadata.snapshots?.length);
    const expected = [...a, ...b].map(asPrinted).sort(byOffset);
    expect(scanned.rows.length).toBe(a.length + b.length);
    expect(scanned.rows.sort(byOffset)).toEqual(expected);
    expect(ours.map(asPrinted).sort(byOffset)).toEqual(expected);
    const head = reloaded.metadata.snapshots!.find(
      (s) => s['snapshot-id'] === reloaded.metadata['current-snapshot-id'],
    )!;
    expect(head.summary['total-records']).toBe(String(a.length + b.length));
  });
});
