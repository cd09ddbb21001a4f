import { offsetsSummaries } from '../../lib/alerts/offsets';
import {
  type Catalog,
  Deadline,
  type FileIO,
  type LoadedTable,
  mainSnapshot,
  type TableIdentifier,
} from '../../lib/iceberg';
import { type MaintenanceReport, maintainTable } from '../../lib/maintenance/maintain';
import type { MaintenanceConfig } from './config';

/**
 * Every `sensor-alerts.offsets.*` entry of the base snapshot goes into each replace snapshot, so
 * the pipeline's exactly-once state stays in the newest summary as well as in the table property
 * (which a commit keeps anyway).
 */
export const carryOffsets = (base: LoadedTable) =>
  offsetsSummaries(mainSnapshot(base.metadata)?.summary);

/** Maintains each configured table in turn (the Lambda handler and `npm run maintain` both). */
export async function runMaintenance(
  config: MaintenanceConfig,
  clients: { catalog: Catalog; io: FileIO },
  options: {
    deadline?: Deadline;
    progress?: (message: string) => void;
    tables?: TableIdentifier[];
  } = {},
): Promise<MaintenanceReport[]> {
  const reports: MaintenanceReport[] = [];
  for (const table of options.tables ?? config.tables) {
    reports.push(
      await maintainTable(clients.catalog, clients.io, table, {
        sortColumn: 'reading_timestamp',
        summary: carryOffsets,
        minSmallFiles: config.minSmallFiles,
        maxManifests: config.maxManifests,
        snapshotRetentionMs: config.snapshotRetentionMs,
        retainLastSnapshots: config.retainLastSnapshots,
        orphanMinAgeMs: config.orphanMinAgeMs,
        dryRun: config.dryRun,
        ...(config.targetFileSizeBytes ? { targetFileSizeBytes: config.targetFileSizeBytes } : {}),
        ...(config.stagingUri ? { protectedPrefixes: [`${config.stagingUri}/`] } : {}),
        deadline: options.deadline ?? Deadline.none(),
        ...(options.progress ? { progress: options.progress } : {}),
      }),
    );
  }
  return reports;
}

/** A report with bigints as strings, for logs and JSON results. */
export function describeReport(report: MaintenanceReport) {
  return JSON.parse(
    JSON.stringify(report, (_, v) => (typeof v === 'bigint' ? v.toString() : v)),
  ) as Record<string, unknown>;
}
