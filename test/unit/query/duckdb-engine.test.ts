import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbQueryEngine, type ViewSnapshot } from '../../../functions/query/duckdb-engine';
import { runNamedQuery } from '../../../functions/query/queries';
import { allAlertsSql } from '../../../functions/query/sql';
import { viewColumns } from '../../../functions/query/view-columns';

interface Alert {
  sensor_id: string;
  temperature: number;
  alert_type: 'CRITICAL' | 'HIGH' | 'MEDIUM';
  reading_timestamp: string;
  location: string | null;
  source_partition: number;
  source_offset: number;
}

const columns = viewColumns([
  { name: 'sensor_id', type: 'string' },
  { name: 'temperature', type: 'double' },
  { name: 'alert_type', type: 'string' },
  { name: 'reading_timestamp', type: 'timestamptz' },
  { name: 'processing_timestamp', type: 'timestamptz' },
  { name: 'location', type: 'string' },
  { name: 'source_partition', type: 'int' },
  { name: 'source_offset', type: 'long' },
]);

const thresholds = { alertThreshold: 80, criticalThreshold: 90 };
const processedAt = '2026-11-26T18:00:00.000000Z';

function alert(offset: number, temperature: number, second: number, partition = 0): Alert {
  const alertType = temperature > 90 ? 'CRITICAL' : temperature > 85 ? 'HIGH' : 'MEDIUM';
  return {
    sensor_id: `sensor_${offset % 4}`,
    temperature,
    alert_type: alertType,
    reading_timestamp: `2026-11-26T17:41:${String(second).padStart(2, '0')}.123456Z`,
    location: offset % 3 === 0 ? null : `zone_${offset % 5}`,
    source_partition: partition,
    source_offset: offset,
  };
}

// Fourteen CRITICAL alerts so that the latest-10 limit matters, spread over two files.
const firstFile: Alert[] = [
  ...Array.from({ length: 8 }, (_, i) => alert(i, 90.5 + i, i)),
  alert(8, 85.0, 20),
  alert(9, 88.25, 21),
];
const secondFile: Alert[] = [
  ...Array.from({ length: 6 }, (_, i) => alert(i, 91.25 + i, 30 + i, 1)),
  alert(6, 80.01, 40, 1),
  alert(7, 90.0, 41, 1),
];
const allAlerts = [...firstFile, ...secondFile];

let workDir: string;
let files: string[];

async function writeParquet(path: string, alerts: Alert[]): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const literal = (v: string | null) => (v === null ? 'NULL' : `'${v}'`);
  const values = alerts
    .map(
      (a) =>
        `(${literal(a.sensor_id)}, ${a.temperature}::DOUBLE, ${literal(a.alert_type)}, ` +
        `TIMESTAMPTZ ${literal(a.reading_timestamp)}, TIMESTAMPTZ ${literal(processedAt)}, ` +
        `${literal(a.location)}, ${a.source_partition}::INTEGER, ${a.source_offset}::BIGINT)`,
    )
    .join(', ');
  await connection.run(
    `COPY (SELECT * FROM (VALUES ${values}) t(sensor_id, temperature, alert_type, reading_timestamp, processing_timestamp, location, source_partition, source_offset)) TO '${path}' (FORMAT parquet)`,
  );
  connection.closeSync();
  instance.closeSync();
}

function engineOver(snapshot: ViewSnapshot): DuckDbQueryEngine {
  return new DuckDbQueryEngine({ viewName: 'sensor_alerts', snapshot: async () => snapshot });
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'query-duckdb-'));
  files = [join(workDir, 'a.parquet'), join(workDir, 'b.parquet')];
  await writeParquet(files[0]!, firstFile);
  await writeParquet(files[1]!, secondFile);
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('DuckDbQueryEngine', () => {
  it('summarises alerts by severity in CRITICAL, HIGH, MEDIUM order', async () => {
    // Prepare
    const engine = engineOver({ columns, files });
    const expected = (['CRITICAL', 'HIGH', 'MEDIUM'] as const).map((type) => {
      const temps = allAlerts.filter((a) => a.alert_type === type).map((a) => a.temperature);
      return {
        alert_type: type,
        alert_count: temps.length,
        avg_temperature: Math.round((temps.reduce((s, t) => s + t, 0) / temps.length) * 100) / 100,
        max_temperature: Math.max(...temps),
      };
    });

    // Act
    const result = await runNamedQuery(engine, 'alert-summary', thresholds);
    await engine.close();

    // Assess
    expect(result.rows).toEqual(expected);
  });

  it('returns the 10 latest CRITICAL alerts with ISO timestamps and numeric lineage', async () => {
    // Prepare
    const engine = engineOver({ columns, files });
    const expected = allAlerts
      .filter((a) => a.alert_type === 'CRITICAL')
      .sort((a, b) => b.reading_timestamp.localeCompare(a.reading_timestamp))
      .slice(0, 10)
      .map((a) => ({
        sensor_id: a.sensor_id,
        temperature: a.temperature,
        location: a.location,
        reading_timestamp: a.reading_timestamp,
        processing_timestamp: processedAt,
        source_partition: a.source_partition,
        source_offset: a.source_offset,
      }));

    // Act
    const result = await runNamedQuery(engine, 'latest-critical', thresholds);
    await engine.close();

    // Assess
    expect(result.rows).toEqual(expected);
  });

  it('passes the validations on a correct table', async () => {
    // Prepare
    const engine = engineOver({ columns, files });

    // Act
    const result = await runNamedQuery(engine, 'validations', thresholds);
    await engine.close();

    // Assess
    expect(result).toMatchObject({ query: 'validations', passed: true });
    expect(result.rows[0]).toMatchObject({ passed: true, detail: `${allAlerts.length} alerts` });
  });

  it('fails the duplicate-lineage validation when a data file is listed twice', async () => {
    // Prepare
    const engine = engineOver({ columns, files: [...files, files[1]!] });

    // Act
    const result = await runNamedQuery(engine, 'validations', thresholds);
    await engine.close();

    // Assess
    expect(result.query === 'validations' && result.passed).toBe(false);
    expect(result.rows.filter((r) => !r.passed).map((r) => r.detail)).toEqual([
      `${secondFile.length} duplicated lineages`,
    ]);
  });

  it('reads an empty table as a view with the table columns and no rows', async () => {
    // Prepare
    const engine = engineOver({ columns, files: [] });

    // Act
    const rows = await engine.run(allAlertsSql(engine.tableRef));
    const summary = await runNamedQuery(engine, 'alert-summary', thresholds);
    const validations = await runNamedQuery(engine, 'validations', thresholds);
    await engine.close();

    // Assess
    expect(rows).toEqual([]);
    expect(summary.rows).toEqual([]);
    expect(validations.rows.map((r) => r.passed)).toEqual([false, true, true, true]);
  });

  it('sees new files on the next query', async () => {
    // Prepare
    const snapshot: ViewSnapshot = { columns, files: [files[0]!] };
    const engine = new DuckDbQueryEngine({
      viewName: 'sensor_alerts',
      snapshot: async () => snapshot,
    });
    const before = await engine.run(allAlertsSql(engine.tableRef));

    // Act
    snapshot.files = files;
    const after = await engine.run(allAlertsSql(engine.tableRef));
    await engine.close();

    // Assess
    expect([before.length, after.length]).toEqual([firstFile.length, allAlerts.length]);
  });
});
