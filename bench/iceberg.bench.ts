/**
 * Iceberg append benchmark: rows/s to encode sensor_alerts rows (Parquet data files, manifest,
 * manifest list) into a MemoryFileIO, rows/s of the whole append to the local S3 and REST
 * catalog when those services run, peak RSS, and DuckDB writing the same rows to Parquet as
 * the reference. Each size runs in its own process so peak RSS belongs to that size.
 *
 *   npm run bench:iceberg                 # 100,000 and 1,000,000 rows
 *   npm run bench:iceberg -- --rows 50000
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, timestampTZValue } from '@duckdb/node-api';
import {
  SENSOR_ALERTS_PARTITION_SPEC,
  SENSOR_ALERTS_SCHEMA,
  sensorAlertsIdentifier,
} from '../lib/alerts/table';
import {
  InMemoryCatalog,
  MemoryFileIO,
  mergeAppend,
  type ParquetCodec,
  RestCatalog,
  type Row,
  writeDataFiles,
} from '../lib/iceberg';
import { defaultCodec } from '../lib/iceberg/parquet/write-parquet';
import { localEndpoints } from '../local/endpoints';
import { localS3FileIO } from '../local/object-store';

const T0 = 1_795_714_902_123_456n; // 2026-11-26T17:41:42.123456Z
const SPAN = 2n * 86_400_000_000n; // readings over two days: two or three partitions

function sensorAlerts(count: number): Row[] {
  const rows: Row[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const temperature = Math.round((80 + ((i * 7919) % 1500) / 100) * 100) / 100;
    rows[i] = {
      sensor_id: `sensor_${i % 10}`,
      temperature,
      alert_type: temperature > 90 ? 'CRITICAL' : temperature > 85 ? 'HIGH' : 'MEDIUM',
      reading_timestamp: T0 + (BigInt(i) * SPAN) / BigInt(count),
      processing_timestamp: T0 + SPAN + BigInt(i),
      location: `zone_${(i % 5) + 1}`,
      source_partition: i % 6,
      source_offset: BigInt(i),
    };
  }
  return rows;
}

const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const rate = (rows: number, ms: number) => Math.round((rows / ms) * 1000);
/** CPU time of this process in ms: a per-core figure that holds on a shared, busy machine. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** The catalog kept in memory: the encoding figure measures our code, not a server. */
function memoryTable() {
  const catalog = new InMemoryCatalog({ warehouse: 's3://warehouse/bench' });
  const ident = sensorAlertsIdentifier('bench');
  void catalog.createNamespaceIfAbsent(ident.namespace);
  const table = catalog.createTable(ident, SENSOR_ALERTS_SCHEMA, SENSOR_ALERTS_PARTITION_SPEC);
  return { catalog, table };
}

async function encodeInMemory(rows: Row[], codec: ParquetCodec) {
  const { catalog, table } = memoryTable();
  const io = new MemoryFileIO();
  const start = performance.now();
  const cpuStart = cpuMs();
  const files = await writeDataFiles(io, table, rows, { codec });
  await mergeAppend(catalog, io, sensorAlertsIdentifier('bench'), files);
  const ms = performance.now() - start;
  const cpu = cpuMs() - cpuStart;
  const bytes = files.reduce((sum, f) => sum + Number(f.fileSizeInBytes), 0);
  return { ms, cpu, files: files.length, bytes };
}

async function appendToServices(rows: Row[], codec: ParquetCodec) {
  const endpoints = localEndpoints();
  let catalog: RestCatalog;
  try {
    catalog = await RestCatalog.connect({
      uri: endpoints.catalogUri,
      warehouse: endpoints.catalogWarehouse,
      timeoutMs: 3_000,
    });
  } catch {
    return undefined;
  }
  const io = localS3FileIO(endpoints);
  const ident = sensorAlertsIdentifier('bench', `sensor_alerts_${rows.length}_${Date.now()}`);
  await catalog.createNamespaceIfAbsent(ident.namespace);
  const table = await catalog.createTableIfAbsent(
    ident,
    SENSOR_ALERTS_SCHEMA,
    SENSOR_ALERTS_PARTITION_SPEC,
  );
  const start = performance.now();
  const files = await writeDataFiles(io, table, rows, { codec });
  const result = await mergeAppend(catalog, io, ident, files);
  const ms = performance.now() - start;
  await catalog.dropTable(ident).catch(() => undefined);
  return { ms, status: result.status };
}

async function duckdbParquet(rows: Row[], codec: ParquetCodec) {
  const dir = mkdtempSync(join(tmpdir(), 'iceberg-bench-'));
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    await connection.run(`CREATE TABLE alerts (sensor_id VARCHAR NOT NULL, temperature DOUBLE NOT NULL,
      alert_type VARCHAR NOT NULL, reading_timestamp TIMESTAMPTZ NOT NULL,
      processing_timestamp TIMESTAMPTZ NOT NULL, location VARCHAR, source_partition INTEGER NOT NULL,
      source_offset BIGINT NOT NULL)`);
    const start = performance.now();
    const cpuStart = cpuMs();
    const appender = await connection.createAppender('alerts');
    for (const row of rows) {
      appender.appendVarchar(row.sensor_id as string);
      appender.appendDouble(row.temperature as number);
      appender.appendVarchar(row.alert_type as string);
      appender.appendTimestampTZ(timestampTZValue(row.reading_timestamp as bigint));
      appender.appendTimestampTZ(timestampTZValue(row.processing_timestamp as bigint));
      if (row.location === null) appender.appendNull();
      else appender.appendVarchar(row.location as string);
      appender.appendInteger(row.source_partition as number);
      appender.appendBigInt(row.source_offset as bigint);
      appender.endRow();
    }
    appender.closeSync();
    const loaded = performance.now();
    const file = join(dir, 'alerts.parquet');
    await connection.run(
      `COPY alerts TO '${file}' (FORMAT parquet, COMPRESSION ${codec === 'uncompressed' ? 'uncompressed' : codec})`,
    );
    const end = performance.now();
    const cpu = cpuMs() - cpuStart;
    return { totalMs: end - start, cpu, copyMs: end - loaded, bytes: statSync(file).size };
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function child(count: number): Promise<void> {
  const codec = defaultCodec();
  const rows = sensorAlerts(count);
  // Warm the JIT on a small batch so the figures describe steady state.
  await encodeInMemory(sensorAlerts(20_000), codec);
  const encoded = await encodeInMemory(rows, codec);
  const snappy = await encodeInMemory(rows, 'snappy');
  const whole = await appendToServices(rows, codec);
  const rssOurs = peakRssMb();
  const duck = await duckdbParquet(rows, codec);
  console.log(
    JSON.stringify({
      count,
      codec,
      encodeRate: rate(count, encoded.ms),
      encodeCpuRate: rate(count, encoded.cpu),
      encodeFiles: encoded.files,
      encodeBytes: encoded.bytes,
      snappyRate: rate(count, snappy.ms),
      snappyBytes: snappy.bytes,
      wholeRate: whole ? rate(count, whole.ms) : null,
      wholeStatus: whole?.status ?? null,
      rssOurs,
      duckTotalRate: rate(count, duck.totalMs),
      duckCpuRate: rate(count, duck.cpu),
      duckCopyRate: rate(count, duck.copyMs),
      duckBytes: duck.bytes,
      rssAll: peakRssMb(),
    }),
  );
}

function parent(sizes: number[]): void {
  const self = fileURLToPath(import.meta.url);
  console.log(`Iceberg append benchmark (Node ${process.version}, one process per size)`);
  console.log('encode = Parquet data files + manifest + manifest list into a MemoryFileIO');
  console.log('append = the same to the local S3 + REST catalog commit (services must run)\n');
  for (const count of sizes) {
    const out = execFileSync(
      process.execPath,
      [...process.execArgv, self, '--child', String(count)],
      {
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      },
    );
    const r = JSON.parse(out.trim().split('\n').at(-1)!);
    const fmt = (n: number) => n.toLocaleString('en-US');
    console.log(`${fmt(r.count)} rows`);
    console.log(
      `  encode (${r.codec}):       ${fmt(r.encodeRate)} rows/s wall, ${fmt(r.encodeCpuRate)} rows/CPU-s, ${r.encodeFiles} files, ${fmt(r.encodeBytes)} bytes`,
    );
    console.log(`  encode (snappy):     ${fmt(r.snappyRate)} rows/s, ${fmt(r.snappyBytes)} bytes`);
    console.log(
      r.wholeRate === null
        ? '  whole append:        skipped (catalog not reachable; run npm run services:up)'
        : `  whole append:        ${fmt(r.wholeRate)} rows/s (S3 + catalog commit, ${r.wholeStatus})`,
    );
    console.log(`  peak RSS (ours):     ${r.rssOurs} MB`);
    console.log(
      `  DuckDB Parquet:      ${fmt(r.duckTotalRate)} rows/s wall, ${fmt(r.duckCpuRate)} rows/CPU-s appender + COPY (COPY alone ${fmt(r.duckCopyRate)} rows/s), ${fmt(r.duckBytes)} bytes`,
    );
    console.log(
      `  ratio encode/DuckDB: ${(r.encodeRate / r.duckTotalRate).toFixed(2)} wall, ${(r.encodeCpuRate / r.duckCpuRate).toFixed(2)} CPU`,
    );
    console.log(`  peak RSS (with DuckDB): ${r.rssAll} MB\n`);
  }
}

const args = process.argv.slice(2);
const childIndex = args.indexOf('--child');
if (childIndex >= 0) {
  await child(Number(args[childIndex + 1]));
} else {
  const rowsIndex = args.indexOf('--rows');
  const rows = rowsIndex >= 0 ? Number(args[rowsIndex + 1]) : undefined;
  if (rows !== undefined && !(Number.isSafeInteger(rows) && rows > 0)) {
    console.error(`bench: --rows must be a positive integer, got "${args[rowsIndex + 1] ?? ''}"`);
    process.exit(2);
  }
  parent(rows === undefined ? [100_000, 1_000_000] : [rows]);
}
