import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalQueryEngine } from '../../functions/query/local-engine';
import {
  SENSOR_ALERTS_PARTITION_SPEC,
  SENSOR_ALERTS_SCHEMA,
  sensorAlertsIdentifier,
} from '../../lib/alerts/table';
import {
  ensureFirstSnapshot,
  FileContent,
  mergeAppend,
  planScan,
  RestCatalog,
  type S3FileIO,
  scanRows,
  type TableIdentifier,
  writeDataFiles,
} from '../../lib/iceberg';
import { localEndpoints } from '../../local/endpoints';
import { localS3FileIO } from '../../local/object-store';
import { alertBatch } from './support/alert-rows';
import { icebergJava, type JavaToolArgs } from './support/iceberg-java';

const endpoints = localEndpoints();
const runId = randomUUID().slice(0, 8);

const offsetsOf = (rows: Record<string, unknown>[]) =>
  rows.map((r) => Number(r.source_offset)).sort((a, b) => a - b);

describe('a table whose merge-on-read deletes Iceberg Java wrote', () => {
  let catalog: RestCatalog;
  let io: S3FileIO;
  let ident: TableIdentifier;
  let args: JavaToolArgs;

  beforeAll(async () => {
    catalog = await RestCatalog.connect({
      uri: endpoints.catalogUri,
      warehouse: endpoints.catalogWarehouse,
    });
    io = localS3FileIO(endpoints);
    await catalog.createNamespaceIfAbsent(['demo']);
    ident = sensorAlertsIdentifier('demo', `sensor_alerts_deletes_${runId}`);
    const created = await catalog.createTableIfAbsent(
      ident,
      SENSOR_ALERTS_SCHEMA,
      SENSOR_ALERTS_PARTITION_SPEC,
    );
    await ensureFirstSnapshot(catalog, io, ident, created);
    args = {
      uri: endpoints.catalogUri,
      warehouse: endpoints.catalogWarehouse,
      namespace: 'demo',
      table: ident.name,
      s3_endpoint: endpoints.s3Endpoint,
      s3_region: endpoints.s3Region,
      s3_access_key_id: endpoints.s3AccessKeyId,
      s3_secret_access_key: endpoints.s3SecretAccessKey,
    };
  });

  afterAll(async () => {
    await catalog?.dropTable(ident).catch(() => undefined);
  });

  it('reads what Java reads: position and equality deletes applied, in readRows and the local engine', async () => {
    // Prepare: our appends over three days, then Java's row-level deletes
    const batches = [alertBatch(0, 30), alertBatch(30, 30)];
    for (const rows of batches) {
      const table = await catalog.loadTable(ident);
      await mergeAppend(catalog, io, ident, await writeDataFiles(io, table, rows));
    }
    const byPosition = [1, 2, 17, 33, 58];
    const byEquality = batches
      .flat()
      .filter((r) => [5, 6, 40, 41].includes(Number(r.source_offset)))
      .map((r) => [r.source_partition, Number(r.source_offset)]);
    const written = await icebergJava<{ positionDeleteFiles: number; equalityDeleteFiles: number }>(
      'delete',
      { ...args, positionOffsets: byPosition, equalityOffsets: byEquality },
    );
    const deleted = new Set([...byPosition, 5, 6, 40, 41]);
    const expected = Array.from({ length: 60 }, (_, i) => i).filter((o) => !deleted.has(o));

    // Act
    const table = await catalog.loadTable(ident);
    const plan = await planScan(io, table);
    const ours = await scanRows(io, table);
    const java = await icebergJava<{ offsets: number[] }>('scan', args);
    const engine = new LocalQueryEngine({ catalog, io, ident });
    const local = await engine.run(`SELECT source_offset FROM ${engine.tableRef}`);
    await engine.close();

    // Assess
    expect(written.positionDeleteFiles).toBeGreaterThan(0);
    expect(written.equalityDeleteFiles).toBeGreaterThan(0);
    const kinds = new Set(plan.tasks.flatMap((t) => t.deletes.map((d) => d.content)));
    expect(kinds).toEqual(new Set([FileContent.PositionDeletes, FileContent.EqualityDeletes]));
    expect([...java.offsets].sort((a, b) => a - b)).toEqual(expected);
    expect(offsetsOf(ours)).toEqual(expected);
    expect(offsetsOf(local)).toEqual(expected);
  });

  it('keeps the deletes when appending on top, and Java still reads the same rows', async () => {
    // Prepare
    const before = offsetsOf(await scanRows(io, await catalog.loadTable(ident)));
    const more = alertBatch(100, 10);

    // Act
    await mergeAppend(
      catalog,
      io,
      ident,
      await writeDataFiles(io, await catalog.loadTable(ident), more),
    );
    const java = await icebergJava<{ offsets: number[] }>('scan', args);
    const ours = offsetsOf(await scanRows(io, await catalog.loadTable(ident)));

    // Assess
    const expected = [...before, ...more.map((r) => Number(r.source_offset))].sort((a, b) => a - b);
    expect(ours).toEqual(expected);
    expect([...java.offsets].sort((a, b) => a - b)).toEqual(expected);
  });
});
