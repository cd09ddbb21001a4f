/**
 * Local query engine benchmark: this project's hand-written scan planning (lib/iceberg planScan,
 * files copied through the FileIO, DuckDB 1.5 `read_parquet`) against DuckDB 1.4.4's `iceberg`
 * extension from PyPI (`duckdb-ext-iceberg==1.4.4.20260205`, attached to the same REST catalog,
 * reading S3 through `httpfs`), on one table on the local services. Prints the time to the first
 * answer (cold) and to later ones (warm) per query, the files each plan opens, and whether the
 * engines agree.
 *
 *   npm run services:up && npm run bench:query-engines -- --commits 40 --rows 2500 --days 10
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { LocalQueryEngine } from '../functions/query/local-engine';
import { alertSummarySql } from '../functions/query/sql';
import {
  SENSOR_ALERTS_PARTITION_SPEC,
  SENSOR_ALERTS_SCHEMA,
  sensorAlertsIdentifier,
} from '../lib/alerts/table';
import {
  and,
  ensureFirstSnapshot,
  greaterThanOrEqual,
  lessThan,
  mergeAppend,
  planScan,
  RestCatalog,
  type Row,
  writeDataFiles,
} from '../lib/iceberg';
import { localEndpoints } from '../local/endpoints';
import { localS3FileIO } from '../local/object-store';

const run = promisify(execFile);
const DAY = 86_400_000_000n;
const T0 = 1_795_651_200_000_000n; // 2026-11-26T00:00:00Z
const VENV = join(homedir(), '.cache', 'sensor-alerts', 'duckdb-iceberg-1.4.4-venv');
const PACKAGES = [
  'duckdb==1.4.4',
  'duckdb-ext-iceberg==1.4.4.20260205',
  'duckdb-ext-httpfs==1.4.4.20260205',
  'duckdb-ext-avro==1.4.4.20260205',
];
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'support', 'duckdb_iceberg_scan.py');

function options() {
  const { values } = parseArgs({
    options: {
      commits: { type: 'string', default: '40' },
      rows: { type: 'string', default: '2500' },
      days: { type: 'string', default: '10' },
      repeats: { type: 'string', default: '3' },
    },
  });
  const n = (key: keyof typeof values) => {
    const v = Number(values[key]);
    if (!Number.isInteger(v) || v < 1) {
      console.error(`--${key} must be a positive integer`);
      process.exit(2);
    }
    return v;
  };
  return { commits: n('commits'), rows: n('rows'), days: n('days'), repeats: n('repeats') };
}

function batch(commit: number, rows: number, days: number): Row[] {
  return Array.from({ length: rows }, (_, i) => {
    const offset = commit * rows + i;
    const temperature = Math.round((80 + ((offset * 7919) % 1500) / 100) * 100) / 100;
    return {
      sensor_id: `sensor_${offset % 10}`,
      temperature,
      alert_type: temperature > 90 ? 'CRITICAL' : temperature > 85 ? 'HIGH' : 'MEDIUM',
      reading_timestamp: T0 + BigInt(offset % days) * DAY + BigInt(offset),
      processing_timestamp: T0 + BigInt(days) * DAY,
      location: `zone_${(offset % 5) + 1}`,
      source_partition: offset % 3,
      source_offset: BigInt(offset),
    };
  });
}

async function extensionDir(): Promise<string> {
  const python = join(VENV, 'bin', 'python');
  if (!existsSync(python)) {
    await run('python3', ['-m', 'venv', VENV]);
    await run(python, ['-m', 'pip', 'install', '--quiet', ...PACKAGES], { timeout: 900_000 });
  }
  const { stdout } = await run(python, [
    '-c',
    'import duckdb_ext; print(list(duckdb_ext.__path__)[0])',
  ]);
  return join(stdout.trim(), 'extensions', 'v1.4.4', 'linux_amd64');
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (n: number) => `${Math.round(n).toLocaleString('en-US')} ms`;

async function main() {
  const opts = options();
  const endpoints = localEndpoints();
  const catalog = await RestCatalog.connect({
    uri: endpoints.catalogUri,
    warehouse: endpoints.catalogWarehouse,
  });
  const io = localS3FileIO(endpoints);
  const ident = sensorAlertsIdentifier('bench', `read_${Date.now()}`);
  await catalog.createNamespaceIfAbsent(ident.namespace);
  const created = await catalog.createTableIfAbsent(
    ident,
    SENSOR_ALERTS_SCHEMA,
    SENSOR_ALERTS_PARTITION_SPEC,
  );
  await ensureFirstSnapshot(catalog, io, ident, created);
  console.log(
    `Local query engines over ${opts.commits} commits of ${opts.rows} rows over ${opts.days} days (Node ${process.version})`,
  );
  for (let c = 0; c < opts.commits; c++) {
    const table = await catalog.loadTable(ident);
    await mergeAppend(
      catalog,
      io,
      ident,
      await writeDataFiles(io, table, batch(c, opts.rows, opts.days)),
    );
  }
  const dayStart = T0 + BigInt(Math.min(3, opts.days - 1)) * DAY;
  const oneDay = and(
    greaterThanOrEqual('reading_timestamp', dayStart),
    lessThan('reading_timestamp', dayStart + DAY),
  );
  const iso = (micros: bigint) => new Date(Number(micros / 1000n)).toISOString();
  const dayWhere = `reading_timestamp >= TIMESTAMPTZ '${iso(dayStart)}' AND reading_timestamp < TIMESTAMPTZ '${iso(dayStart + DAY)}'`;
  const queries: Record<string, string> = {
    count: 'SELECT COUNT(*) AS n FROM {table}',
    summary: alertSummarySql('{table}'),
    one_day: `SELECT COUNT(*) AS n, MAX(temperature) AS t FROM {table} WHERE ${dayWhere}`,
  };

  const table = await catalog.loadTable(ident);
  let start = performance.now();
  const full = await planScan(io, table);
  const planFullMs = performance.now() - start;
  start = performance.now();
  const day = await planScan(io, table, { filter: oneDay });
  const planDayMs = performance.now() - start;

  const ours: Record<string, { ms: number[]; rows: string[][] }> = {};
  for (const [name, sql] of Object.entries(queries)) {
    const engine = new LocalQueryEngine({
      catalog,
      io,
      ident,
      ...(name === 'one_day' ? { filter: oneDay } : {}),
    });
    const times: number[] = [];
    let rows: string[][] = [];
    for (let r = 0; r < opts.repeats; r++) {
      start = performance.now();
      const result = await engine.run(sql.replaceAll('{table}', engine.tableRef));
      times.push(performance.now() - start);
      rows = result.map((row) => Object.values(row).map(String));
    }
    await engine.close();
    ours[name] = { ms: times, rows };
  }

  const dir = await extensionDir();
  const python = join(VENV, 'bin', 'python');
  const child = execFile(python, [SCRIPT], { maxBuffer: 64 * 1024 * 1024 });
  child.stdin?.end(
    JSON.stringify({
      extension_dir: dir,
      uri: endpoints.catalogUri,
      warehouse: endpoints.catalogWarehouse,
      namespace: ident.namespace[0],
      table: ident.name,
      s3_endpoint: endpoints.s3Endpoint,
      s3_region: endpoints.s3Region,
      s3_access_key_id: endpoints.s3AccessKeyId,
      s3_secret_access_key: endpoints.s3SecretAccessKey,
      queries,
      repeats: opts.repeats,
    }),
  );
  const output = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (c) => {
      out += c;
    });
    child.stderr?.on('data', (c) => {
      err += c;
    });
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`duckdb iceberg: ${err}`)),
    );
  });
  const ext = JSON.parse(output) as { attach_ms: number; queries: typeof ours };

  console.log(`data files: ${full.tasks.length}; manifests: ${full.metrics.manifests}`);
  console.log(
    `planScan (lib/iceberg): whole table ${ms(planFullMs)}, one day ${ms(planDayMs)} opening ${day.tasks.length} of ${day.metrics.dataFiles} files (${day.metrics.manifestsSkipped} of ${day.metrics.manifests} manifests skipped)`,
  );
  console.log(`iceberg extension ATTACH: ${ms(ext.attach_ms)}`);
  console.log(
    'query        hand-written cold / warm       iceberg extension cold / warm   same rows',
  );
  for (const name of Object.keys(queries)) {
    const a = ours[name]!;
    const b = ext.queries[name]!;
    // Python prints None and full floats where the JSON engine prints null and numbers
    const value = (v: string) =>
      v === 'None' || v === 'null' ? 'null' : Number.isNaN(Number(v)) ? v : String(Number(v));
    const normalize = (rows: string[][]) => JSON.stringify(rows.map((r) => r.map(value)));
    const same = normalize(a.rows) === normalize(b.rows);
    console.log(
      `${name.padEnd(12)} ${ms(a.ms[0]!).padStart(10)} / ${ms(median(a.ms.slice(1).length ? a.ms.slice(1) : a.ms)).padEnd(14)} ${ms(b.ms[0]!).padStart(10)} / ${ms(median(b.ms.slice(1).length ? b.ms.slice(1) : b.ms)).padEnd(16)} ${same ? 'yes' : `NO (${JSON.stringify(a.rows)} vs ${JSON.stringify(b.rows)})`}`,
    );
  }
  await catalog.dropTable(ident).catch(() => undefined);
}

await main();
