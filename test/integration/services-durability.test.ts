import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SENSOR_ALERTS_PARTITION_SPEC,
  SENSOR_ALERTS_SCHEMA,
  sensorAlertsIdentifier,
} from '../../lib/alerts/table';
import {
  ensureFirstSnapshot,
  fastAppend,
  planFiles,
  RestCatalog,
  readRows,
  type TableIdentifier,
  writeDataFiles,
} from '../../lib/iceberg';
import { localEndpoints } from '../../local/endpoints';
import { localS3FileIO } from '../../local/object-store';
import { down, status, up } from '../../local/services/manager';
import { servicePaths } from '../../local/services/paths';
import { readPidRecord } from '../../local/services/processes';
import { alertBatch } from './support/alert-rows';
import { committedSnapshotCount } from './support/table-history';

/**
 * A private S3 and Nessie (own state dir, own free ports) that this file kills with SIGKILL and
 * brings back with `up`, as `npm run services:up` would: the shared services of the other test
 * files are never touched.
 */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no free port');
  return address.port;
}

const state = mkdtempSync(join(tmpdir(), 'services-durability-'));
let env: NodeJS.ProcessEnv;
let catalog: RestCatalog;
const ident: TableIdentifier = sensorAlertsIdentifier('demo', 'sensor_alerts_durable');
const report = (line: string) => console.log(`[private services] ${line}`);

async function pidOf(service: 'catalog' | 's3'): Promise<number> {
  const record = await readPidRecord(servicePaths(state, service).pidFile);
  if (!record) throw new Error(`no pid record for ${service}`);
  return record.pid;
}

async function kill9(service: 'catalog' | 's3'): Promise<void> {
  const pid = await pidOf(service);
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${service} (pid ${pid}) survived SIGKILL`);
}

async function reconnect(): Promise<RestCatalog> {
  const endpoints = localEndpoints(env);
  return RestCatalog.connect({ uri: endpoints.catalogUri, warehouse: endpoints.catalogWarehouse });
}

async function tableFacts() {
  const endpoints = localEndpoints(env);
  const io = localS3FileIO(endpoints);
  const table = await catalog.loadTable(ident);
  const files = await planFiles(io, table);
  const rows = (
    await Promise.all(files.map((file) => readRows(io, file, SENSOR_ALERTS_SCHEMA)))
  ).flat();
  return {
    snapshots: await committedSnapshotCount(catalog, ident),
    offsets: rows.map((row) => Number(row.source_offset)).sort((a, b) => a - b),
    location: table.metadata.location,
  };
}

beforeAll(async () => {
  const [s3, catalogPort] = [await freePort(), await freePort()];
  env = {
    ...process.env,
    SENSOR_ALERTS_STATE: state,
    ICEBERG_S3_ENDPOINT: `http://127.0.0.1:${s3}`,
    ICEBERG_CATALOG_URI: `http://127.0.0.1:${catalogPort}/iceberg`,
    CATALOG_MANAGEMENT_PORT: String(await freePort()),
    SENSOR_ALERTS_CATALOG: 'nessie',
  };
  for (const variable of ['S3_PORT', 'CATALOG_PORT']) delete env[variable];
  await up({ env, report, services: ['s3', 'catalog'] });
  catalog = await reconnect();
  const endpoints = localEndpoints(env);
  const io = localS3FileIO(endpoints);
  await catalog.createNamespaceIfAbsent(['demo']);
  const fresh = await catalog.createTableIfAbsent(
    ident,
    SENSOR_ALERTS_SCHEMA,
    SENSOR_ALERTS_PARTITION_SPEC,
  );
  await ensureFirstSnapshot(catalog, io, ident, fresh);
  for (const [i, rows] of [alertBatch(0, 20), alertBatch(20, 15)].entries()) {
    const table = await catalog.loadTable(ident);
    const files = await writeDataFiles(io, table, rows, { fileNamePrefix: `durable${i}` });
    const result = await fastAppend(catalog, io, ident, files);
    if (result.status !== 'committed') throw new Error(`append ${i} was not committed`);
  }
}, 600_000);

afterAll(async () => {
  await down({ env, report, services: ['s3', 'catalog'], purge: true }).catch(() => undefined);
  rmSync(state, { recursive: true, force: true });
});

describe('the local catalog after crashes', () => {
  it('restarts only S3 after S3 is killed, and the running Nessie serves the table again', async () => {
    // Prepare
    const before = await tableFacts();
    const nessiePid = await pidOf('catalog');
    await kill9('s3');

    // Act
    const result = await up({ env, report, services: ['s3', 'catalog'] });

    // Assess
    expect(result.started).toEqual(['s3']);
    expect(await pidOf('catalog')).toBe(nessiePid);
    catalog = await reconnect();
    expect(await tableFacts()).toEqual(before);
  });

  it('keeps the namespace, the table and its history when Nessie is killed and started again', async () => {
    // Prepare
    const before = await tableFacts();
    const oldPid = await pidOf('catalog');
    await kill9('catalog');

    // Act
    const result = await up({ env, report, services: ['s3', 'catalog'] });

    // Assess
    expect(result.started).toEqual(['catalog']);
    expect(await pidOf('catalog')).not.toBe(oldPid);
    catalog = await reconnect();
    const after = await tableFacts();
    expect(after).toEqual(before);
    expect(after.offsets).toEqual(Array.from({ length: 35 }, (_, i) => i));
    expect(after.snapshots).toBeGreaterThanOrEqual(2);
    const statuses = await status({ env, services: ['s3', 'catalog'] });
    expect(statuses.map((s) => s.state)).toEqual(['running', 'running']);
  });
});
