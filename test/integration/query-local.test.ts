import { randomBytes } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadQueryConfig } from '../../functions/query/config';
import { createEngine } from '../../functions/query/create-engine';
import { createQueryHandler } from '../../functions/query/create-handler';
import type { QueryEngine } from '../../functions/query/engine';
import type { QueryResult } from '../../functions/query/queries';
import { microsToIso } from '../../functions/query/values';
import {
  connectIceberg,
  ensureAlertTable,
  type IcebergClients,
} from '../../functions/shared/iceberg';
import type { SensorAlertRow } from '../../lib/alerts/classify';
import { mergeAppend, type Row, writeDataFiles } from '../../lib/iceberg';
import { localEndpoints } from '../../local/endpoints';

const context = {} as Context;
const DAY_MICROS = 86_400_000_000n;
const start = 1_795_000_000_000_000n; // 2026-11-18, micros

function alert(offset: number, temperature: number, dayOffset = 0n): SensorAlertRow {
  return {
    sensor_id: `sensor_${offset % 3}`,
    temperature,
    alert_type: temperature > 90 ? 'CRITICAL' : temperature > 85 ? 'HIGH' : 'MEDIUM',
    reading_timestamp: start + dayOffset * DAY_MICROS + BigInt(offset) * 1_000n,
    processing_timestamp: start + DAY_MICROS * 3n,
    location: offset % 2 === 0 ? `zone_${offset % 5}` : null,
    source_partition: offset % 2,
    source_offset: BigInt(offset),
  };
}

/** A handler wired exactly as the deployed one, configured through environment variables. */
function localHandler(table: string) {
  const endpoints = localEndpoints();
  const config = loadQueryConfig({
    QUERY_ENGINE: 'local',
    ICEBERG_CATALOG_URI: endpoints.catalogUri,
    ICEBERG_WAREHOUSE: endpoints.catalogWarehouse,
    ICEBERG_S3_ENDPOINT: endpoints.s3Endpoint,
    ICEBERG_S3_PATH_STYLE: 'true',
    ICEBERG_S3_REGION: endpoints.s3Region,
    ICEBERG_S3_ACCESS_KEY_ID: endpoints.s3AccessKeyId,
    ICEBERG_S3_SECRET_ACCESS_KEY: endpoints.s3SecretAccessKey,
    ICEBERG_NAMESPACE: 'it_query',
    ICEBERG_TABLE: table,
  });
  let engine: QueryEngine | undefined;
  const handler = createQueryHandler({
    engine: async () => {
      engine = await createEngine(config);
      return engine;
    },
    thresholds: config.thresholds,
  });
  return {
    config,
    invoke: (query: string) => handler({ query }, context) as Promise<QueryResult>,
    // The engine keeps downloaded data files in a temp dir until closed.
    close: async () => engine?.close?.(),
  };
}

async function append(clients: IcebergClients, rows: SensorAlertRow[]): Promise<void> {
  const table = await clients.catalog.loadTable(clients.table);
  const files = await writeDataFiles(clients.io, table, rows as unknown as Row[]);
  const result = await mergeAppend(clients.catalog, clients.io, clients.table, files);
  expect(result.status).toBe('committed');
}

describe('query function with the local engine', () => {
  const tableName = `alerts_${randomBytes(4).toString('hex')}`;
  let clients: IcebergClients;
  let fn: ReturnType<typeof localHandler>;
  const firstCommit = [alert(0, 91.5), alert(1, 86.25), alert(2, 80.5), alert(3, 95.0, 1n)];
  const secondCommit = [alert(4, 93.75, 2n), alert(5, 84.0, 2n), alert(6, 90.01, 2n)];

  beforeAll(async () => {
    fn = localHandler(tableName);
    clients = await connectIceberg(fn.config.iceberg!);
    await ensureAlertTable(clients);
  });

  afterAll(async () => {
    await fn?.close();
  });

  it('answers an empty table with no rows and a failing "at least one alert"', async () => {
    // Act
    const summary = await fn.invoke('alert-summary');
    const latest = await fn.invoke('latest-critical');
    const validations = await fn.invoke('validations');

    // Assess
    expect(summary.rows).toEqual([]);
    expect(latest.rows).toEqual([]);
    expect(validations.rows.map((v) => v.passed)).toEqual([false, true, true, true]);
  });

  it('sees every committed snapshot across partitions on the next invocation', async () => {
    // Prepare
    await append(clients, firstCommit);
    await append(clients, secondCommit);
    const all = [...firstCommit, ...secondCommit];
    const expected = (['CRITICAL', 'HIGH', 'MEDIUM'] as const).map((type) => {
      const temps = all.filter((a) => a.alert_type === type).map((a) => a.temperature);
      return {
        alert_type: type,
        alert_count: temps.length,
        avg_temperature: Math.round((temps.reduce((s, t) => s + t, 0) / temps.length) * 100) / 100,
        max_temperature: Math.max(...temps),
      };
    });

    // Act
    const summary = await fn.invoke('alert-summary');

    // Assess
    expect(summary.rows).toEqual(expected);
  });

  it('lists CRITICAL alerts newest first with ISO timestamps and numeric lineage', async () => {
    // Prepare
    const expected = [...firstCommit, ...secondCommit]
      .filter((a) => a.alert_type === 'CRITICAL')
      .sort((a, b) => Number(b.reading_timestamp - a.reading_timestamp))
      .map((a) => ({
        sensor_id: a.sensor_id,
        temperature: a.temperature,
        location: a.location,
        reading_timestamp: microsToIso(a.reading_timestamp),
        processing_timestamp: microsToIso(a.processing_timestamp),
        source_partition: a.source_partition,
        source_offset: Number(a.source_offset),
      }));

    // Act
    const latest = await fn.invoke('latest-critical');

    // Assess
    expect(latest.rows).toEqual(expected);
  });

  it('flags a duplicated lineage and a CRITICAL alert that is not above 90', async () => {
    // Prepare: rows no correct classifier writes, appended directly.
    const wrong = { ...alert(7, 90.0), alert_type: 'CRITICAL' as const };
    await append(clients, [wrong, alert(4, 93.75, 2n)]);

    // Act
    const validations = await fn.invoke('validations');

    // Assess
    expect(validations).toMatchObject({ passed: false });
    expect(validations.rows.filter((v) => !v.passed).map((v) => [v.name, v.detail])).toEqual([
      ['every CRITICAL above 90', '1 at or below; minimum CRITICAL temperature 90'],
      ['no (source_partition, source_offset) twice', '1 duplicated lineages'],
    ]);
  });
});
