import { z } from 'zod';
import { type IcebergSettings, parseIcebergSettings } from '../shared/config';
import { ConfigError } from '../shared/errors';

type Env = Record<string, string | undefined>;

export interface MaintenanceConfig {
  iceberg: IcebergSettings;
  /** Tables to maintain, `namespace.table`; default the one ICEBERG_NAMESPACE/ICEBERG_TABLE name. */
  tables: { namespace: string[]; name: string }[];
  /** Base URI of the group commit's staging area, never touched by orphan cleanup. */
  stagingUri?: string;
  targetFileSizeBytes?: bigint;
  minSmallFiles: number;
  maxManifests: number;
  snapshotRetentionMs: number;
  retainLastSnapshots: number;
  orphanMinAgeMs: number;
  dryRun: boolean;
}

const HOUR = 3_600_000;

const whole = (name: string, fallback: number, min: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      if (!Number.isFinite(n) || n < min) {
        ctx.addIssue({
          code: 'custom',
          message: `${name} must be a number of at least ${min}, got ${v}`,
        });
        return z.NEVER;
      }
      return n;
    });

const TABLE = /^[A-Za-z0-9_]+\.[A-Za-z0-9_]+$/;

/** `demo.sensor_alerts` into its identifier. */
export function parseTableName(text: string): { namespace: string[]; name: string } {
  if (!TABLE.test(text)) throw new ConfigError(`a table is <namespace>.<table>, got ${text}`);
  const [namespace, name] = text.split('.') as [string, string];
  return { namespace: [namespace], name };
}

/**
 * The maintenance function's settings. Defaults: compact a partition with more than 4 files
 * below 75% of the target size, rewrite manifests above 20, expire snapshots older than 24 hours
 * keeping at least 5, delete orphans older than 72 hours.
 */
export function parseMaintenanceConfig(env: Env): MaintenanceConfig {
  const result = z
    .object({
      MAINTENANCE_TABLES: z.string().optional(),
      MAINTENANCE_TARGET_FILE_SIZE_BYTES: z
        .string()
        .regex(/^\d+$/, 'MAINTENANCE_TARGET_FILE_SIZE_BYTES must be a whole number of bytes')
        .optional(),
      MAINTENANCE_MIN_SMALL_FILES: whole('MAINTENANCE_MIN_SMALL_FILES', 4, 1),
      MAINTENANCE_MAX_MANIFESTS: whole('MAINTENANCE_MAX_MANIFESTS', 20, 1),
      MAINTENANCE_SNAPSHOT_RETENTION_HOURS: whole('MAINTENANCE_SNAPSHOT_RETENTION_HOURS', 24, 0),
      MAINTENANCE_RETAIN_LAST: whole('MAINTENANCE_RETAIN_LAST', 5, 1),
      MAINTENANCE_ORPHAN_MIN_AGE_HOURS: whole('MAINTENANCE_ORPHAN_MIN_AGE_HOURS', 72, 1),
      MAINTENANCE_DRY_RUN: z.enum(['true', 'false']).default('false'),
      STAGING_URI: z.string().optional(),
    })
    .safeParse(env);
  if (!result.success) {
    throw new ConfigError(`invalid maintenance configuration: ${z.prettifyError(result.error)}`, {
      cause: result.error,
    });
  }
  const e = result.data;
  const iceberg = parseIcebergSettings(env);
  const tables = e.MAINTENANCE_TABLES
    ? e.MAINTENANCE_TABLES.split(',')
        .map((t) => t.trim())
        .filter(Boolean)
        .map(parseTableName)
    : [{ namespace: iceberg.namespace, name: iceberg.tableName }];
  return {
    iceberg,
    tables,
    ...(e.STAGING_URI ? { stagingUri: e.STAGING_URI.replace(/\/+$/, '') } : {}),
    ...(e.MAINTENANCE_TARGET_FILE_SIZE_BYTES
      ? { targetFileSizeBytes: BigInt(e.MAINTENANCE_TARGET_FILE_SIZE_BYTES) }
      : {}),
    minSmallFiles: e.MAINTENANCE_MIN_SMALL_FILES,
    maxManifests: e.MAINTENANCE_MAX_MANIFESTS,
    snapshotRetentionMs: e.MAINTENANCE_SNAPSHOT_RETENTION_HOURS * HOUR,
    retainLastSnapshots: e.MAINTENANCE_RETAIN_LAST,
    orphanMinAgeMs: e.MAINTENANCE_ORPHAN_MIN_AGE_HOURS * HOUR,
    dryRun: e.MAINTENANCE_DRY_RUN === 'true',
  };
}
