import { parseArgs } from 'node:util';
import { parseMaintenanceConfig, parseTableName } from '../../functions/maintenance/config';
import { runMaintenance } from '../../functions/maintenance/run';
import { connectIceberg } from '../../functions/shared/iceberg';
import type { MaintenanceReport } from '../../lib/maintenance/maintain';
import { classifierEnv } from '../esm/local-env';

const USAGE = `npm run maintain -- [--table demo.sensor_alerts] [--dry-run]
  [--min-small-files 4] [--max-manifests 20] [--target-file-size BYTES]
  [--retention-hours 24] [--retain-last 5] [--orphan-age-hours 72]

Compacts small data files, rewrites manifests, expires snapshots and removes orphan files of
a table, as the maintenance function does on its schedule. Endpoints default to the local
services (the same variables as the other local tools).`;

function env(
  values: Record<string, string | boolean | string[] | undefined>,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = classifierEnv(process.env, 'maintenance');
  const set = (key: string, v: string | boolean | string[] | undefined) => {
    if (v !== undefined) out[key] = String(v);
  };
  set('MAINTENANCE_MIN_SMALL_FILES', values['min-small-files']);
  set('MAINTENANCE_MAX_MANIFESTS', values['max-manifests']);
  set('MAINTENANCE_TARGET_FILE_SIZE_BYTES', values['target-file-size']);
  set('MAINTENANCE_SNAPSHOT_RETENTION_HOURS', values['retention-hours']);
  set('MAINTENANCE_RETAIN_LAST', values['retain-last']);
  set('MAINTENANCE_ORPHAN_MIN_AGE_HOURS', values['orphan-age-hours']);
  if (values['dry-run']) out.MAINTENANCE_DRY_RUN = 'true';
  return out;
}

function print(report: MaintenanceReport): void {
  const { before, after } = report;
  const mb = (b: bigint) => `${(Number(b) / 1024 / 1024).toFixed(2)} MB`;
  console.log(
    `\n${report.table}${report.dryRun ? ' (dry run: nothing committed or deleted)' : ''}`,
  );
  console.log(`  data files   ${before.dataFiles} -> ${after.dataFiles}`);
  console.log(`  data bytes   ${mb(before.dataBytes)} -> ${mb(after.dataBytes)}`);
  console.log(`  records      ${before.records} -> ${after.records}`);
  console.log(`  manifests    ${before.manifests} -> ${after.manifests}`);
  console.log(`  snapshots    ${before.snapshots} -> ${after.snapshots}`);
  if (before.metadataBytes !== undefined && after.metadataBytes !== undefined) {
    console.log(`  metadata     ${before.metadataBytes} -> ${after.metadataBytes} bytes`);
  }
  if (report.expiry) {
    console.log(
      `  expiry       ${report.expiry.message ?? `${report.expiry.expired} snapshots expired, ${report.expiry.filesDeleted} files deleted`}`,
    );
  }
  if (report.orphans) {
    console.log(
      `  orphans      ${report.orphans.found} found (${report.orphans.bytes} bytes), ${report.orphans.deleted} deleted, ${report.orphans.tooYoung} too young` +
        (report.orphans.message ? `; ${report.orphans.message}` : ''),
    );
  }
  console.log(`  time         ${report.durationMs} ms`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      table: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean' },
      'min-small-files': { type: 'string' },
      'max-manifests': { type: 'string' },
      'target-file-size': { type: 'string' },
      'retention-hours': { type: 'string' },
      'retain-last': { type: 'string' },
      'orphan-age-hours': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const config = parseMaintenanceConfig(env(values));
  const tables = values.table?.map(parseTableName);
  const iceberg = await connectIceberg(config.iceberg);
  const reports = await runMaintenance(config, iceberg, {
    progress: (message) => console.log(message),
    ...(tables ? { tables } : {}),
  });
  for (const report of reports) print(report);
}

main().catch((error: unknown) => {
  console.error(`maintenance failed: ${(error as Error)?.message ?? error}`);
  process.exitCode = 1;
});
