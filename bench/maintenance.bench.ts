/**
 * Table maintenance benchmark against the local services (Nessie + S3): builds a table of many
 * small files over four days of readings with direct fast appends (as a streaming writer leaves
 * it), then measures, in the same run, the table (data files, manifests, metadata size) and the
 * local query engine's alert summary and one-day query before and after one maintenance run, and
 * the run's own time and peak RSS (in a child process of its own, so the figure is the run's).
 *
 *   npm run bench:maintenance                      # 2,000 small files
 *   npm run bench:maintenance -- --files 400
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseMaintenanceConfig } from '../functions/maintenance/config';
import { runMaintenance } from '../functions/maintenance/run';
import { LocalQueryEngine } from '../functions/query/local-engine';
import { alertSummarySql } from '../functions/query/sql';
import { connectIceberg } from '../functions/shared/iceberg';
import { SENSOR_ALERTS_PARTITION_SPEC, SENSOR_ALERTS_SCHEMA } from '../lib/alerts/table';
import {
  between,
  type DataFile,
  fastAppend,
  type Row,
  type TableIdentifier,
  writeDataFiles,
} from '../lib/iceberg';
import { tableFigures } from '../lib/maintenance/maintain';
import { classifierEnv } from '../local/esm/local-env';

const DAY = 86_400_000_000n;
const T0 = 1_795_305_600_000_000n; // 2026-11-22T00:00:00Z
const DAYS = 4;

function config(ident: TableIdentifier) {
  return parseMaintenanceConfig(
    classifierEnv(
      {
        ...process.env,
        ICEBERG_NAMESPACE: ident.namespace[0],
        ICEBERG_TABLE: ident.name,
        MAINTENANCE_SNAPSHOT_RETENTION_HOURS: '0',
        MAINTENANCE_RETAIN_LAST: '1',
      },
      'bench',
    ),
  );
}

/** One small batch: `rows` alerts spread over the four days, offsets from `offset`. */
function batch(offset: number, rows: number): Row[] {
  return Array.from({ length: rows }, (_, j) => {
    const i = offset + j;
    const temperature = Math.round((80 + ((i * 7919) % 1500) / 100) * 100) / 100;
    return {
      sensor_id: `sensor_${i % 10}`,
      temperature,
      alert_type: temperature > 90 ? 'CRITICAL' : temperature > 85 ? 'HIGH' : 'MEDIUM',
      reading_timestamp: T0 + BigInt(j % DAYS) * DAY + BigInt(i) * 2_000_000n,
      processing_timestamp: T0 + BigInt(DAYS) * DAY + BigInt(i),
      location: `zone_${(i % 5) + 1}`,
      source_partition: i % 3,
      source_offset: BigInt(i),
    };
  });
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { ms: Math.round(performance.now() - start), value };
}

async function queries(ident: TableIdentifier) {
  const iceberg = await connectIceberg(config(ident).iceberg);
  const base = { catalog: iceberg.catalog, io: iceberg.io, ident };
  const all = new LocalQueryEngine(base);
  const summary = await timed(() => all.run(alertSummarySql(all.tableRef)));
  await all.close();
  const dayStart = T0 + DAY;
  const oneDay = new LocalQueryEngine({
    ...base,
    filter: between('reading_timestamp', dayStart, dayStart + DAY - 1n),
  });
  const day = await timed(() =>
    oneDay.run(
      `SELECT count(*) AS n, max(temperature) AS max_t FROM ${oneDay.tableRef} WHERE reading_timestamp >= TIMESTAMPTZ '2026-11-23 00:00:00+00' AND reading_timestamp < TIMESTAMPTZ '2026-11-24 00:00:00+00'`,
    ),
  );
  await oneDay.close();
  // every row, for an exact comparison (the summary's rounded averages can flip in the last
  // digit with the order DuckDB sums the files in)
  const rowsEngine = new LocalQueryEngine(base);
  const rows = await rowsEngine.run(
    `SELECT source_partition, source_offset, sensor_id, temperature, alert_type, reading_timestamp, location FROM ${rowsEngine.tableRef} ORDER BY source_partition, source_offset`,
  );
  await rowsEngine.close();
  return { summary, day, rows };
}

/** Child process: one maintenance run, its report and peak RSS on stdout. */
async function maintainChild(name: string): Promise<void> {
  const ident = { namespace: ['bench'], name };
  const cfg = config(ident);
  const iceberg = await connectIceberg(cfg.iceberg);
  const started = performance.now();
  const [report] = await runMaintenance(cfg, iceberg);
  const ms = Math.round(performance.now() - started);
  const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(
    JSON.stringify({ ms, rssMb, report }, (_, v) => (typeof v === 'bigint' ? String(v) : v)),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { files: { type: 'string', default: '2000' }, child: { type: 'string' } },
  });
  if (values.child) return maintainChild(values.child);
  const files = Number(values.files);
  const perAppend = 40; // small files per fast append: 10 batches of 4 day-files
  const name = `maint_${files}_${Date.now().toString(36)}`;
  const ident = { namespace: ['bench'], name };
  const iceberg = await connectIceberg(config(ident).iceberg);
  await iceberg.catalog.createNamespaceIfAbsent(ident.namespace);
  await iceberg.catalog.createTableIfAbsent(
    ident,
    SENSOR_ALERTS_SCHEMA,
    SENSOR_ALERTS_PARTITION_SPEC,
  );
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (start)`,
  );

  const buildStart = performance.now();
  let offset = 0;
  for (let made = 0; made < files; made += perAppend) {
    const table = await iceberg.catalog.loadTable(ident);
    const dataFiles: DataFile[] = [];
    for (let b = 0; b < perAppend / DAYS; b++) {
      dataFiles.push(...(await writeDataFiles(iceberg.io, table, batch(offset, 24))));
      offset += 24;
    }
    await fastAppend(iceberg.catalog, iceberg.io, ident, dataFiles);
  }
  console.log(
    `built ${ident.namespace[0]}.${name}: ${files} small files, ${offset} rows in ${Math.round(performance.now() - buildStart)} ms`,
  );

  const before = await tableFigures(iceberg.io, await iceberg.catalog.loadTable(ident));
  const q1 = await queries(ident);
  const out = execFileSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--child', name],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const run = JSON.parse(out.slice(out.indexOf('{'))) as {
    ms: number;
    rssMb: number;
    report: { compaction?: { filesRemoved: number; filesAdded: number } };
  };
  const after = await tableFigures(iceberg.io, await iceberg.catalog.loadTable(ident));
  const q2 = await queries(ident);

  const counts = (rows: Record<string, unknown>[]) =>
    JSON.stringify(rows.map((r) => [r.alert_type, r.alert_count, r.max_temperature]));
  const averagesClose = q1.summary.value.every(
    (r, i) =>
      Math.abs(Number(r.avg_temperature) - Number(q2.summary.value[i]?.avg_temperature)) <=
      0.0100001,
  );
  const same =
    JSON.stringify(q1.rows) === JSON.stringify(q2.rows) &&
    counts(q1.summary.value) === counts(q2.summary.value) &&
    averagesClose &&
    JSON.stringify(q1.day.value) === JSON.stringify(q2.day.value);
  const row = (label: string, a: string | number, b: string | number) =>
    console.log(`  ${label.padEnd(28)} ${String(a).padStart(12)} ${String(b).padStart(12)}`);
  console.log(`\n  ${''.padEnd(28)} ${'before'.padStart(12)} ${'after'.padStart(12)}`);
  row('data files', before.dataFiles, after.dataFiles);
  row('data bytes', String(before.dataBytes), String(after.dataBytes));
  row('records', String(before.records), String(after.records));
  row('manifests', before.manifests, after.manifests);
  row('snapshots (served)', before.snapshots, after.snapshots);
  row('metadata file bytes', before.metadataBytes ?? '?', after.metadataBytes ?? '?');
  row('alert summary (ms, cold)', q1.summary.ms, q2.summary.ms);
  row('one-day query (ms, cold)', q1.day.ms, q2.day.ms);
  console.log(
    `\n  rows identical before and after: ${JSON.stringify(q1.rows) === JSON.stringify(q2.rows)} (${q1.rows.length} rows); summary and one-day answers equal (averages to their 2-decimal rounding): ${same}`,
  );
  console.log(
    `  maintenance run: ${run.ms} ms, peak RSS ${run.rssMb} MB (compaction ${run.report.compaction?.filesRemoved} -> ${run.report.compaction?.filesAdded} files)`,
  );
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (end)`,
  );
  if (!same) {
    console.log('  before:', JSON.stringify([q1.summary.value, q1.day.value]));
    console.log('  after: ', JSON.stringify([q2.summary.value, q2.day.value]));
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
