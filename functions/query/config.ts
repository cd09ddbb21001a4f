import { z } from 'zod';
import type { AlertThresholds } from '../../lib/alerts/severity';
import { type IcebergSettings, parseIcebergSettings, parseThresholds } from '../shared/config';
import { QueryConfigError } from './errors';

const envSchema = z
  .object({
    QUERY_ENGINE: z.enum(['athena', 'local']).default('athena'),
    ATHENA_WORKGROUP: z.string().min(1).optional(),
    ATHENA_DATABASE: z.string().min(1).optional(),
    ATHENA_CATALOG: z.string().min(1).default('AwsDataCatalog'),
    ICEBERG_NAMESPACE: z.string().min(1).default('demo'),
    ICEBERG_TABLE: z.string().min(1).default('sensor_alerts'),
  })
  .superRefine((env, ctx) => {
    if (env.QUERY_ENGINE === 'athena' && !env.ATHENA_WORKGROUP) {
      ctx.addIssue({ code: 'custom', path: ['ATHENA_WORKGROUP'], message: 'required for athena' });
    }
  });

export interface QueryConfig {
  engine: 'athena' | 'local';
  athena: { workgroup: string; database: string; catalog: string };
  namespace: string;
  table: string;
  thresholds: { alertThreshold: number; criticalThreshold: number };
  /** Catalog and object store of the local engine (QUERY_ENGINE=local only). */
  iceberg?: IcebergSettings;
}

/** Reads the query function's settings once, at cold start. */
export function loadQueryConfig(env: NodeJS.ProcessEnv = process.env): QueryConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new QueryConfigError(`Invalid query configuration: ${problems.join('; ')}`, {
      cause: parsed.error,
    });
  }
  const e = parsed.data;
  let iceberg: IcebergSettings | undefined;
  let thresholds: AlertThresholds;
  // The validations must judge the table by the classifier's rules, so the thresholds are read
  // and checked exactly as the classifier reads them.
  try {
    thresholds = parseThresholds(env);
    if (e.QUERY_ENGINE === 'local') iceberg = parseIcebergSettings(env);
  } catch (error) {
    throw new QueryConfigError((error as Error).message, { cause: error });
  }
  return {
    iceberg,
    engine: e.QUERY_ENGINE,
    athena: {
      workgroup: e.ATHENA_WORKGROUP ?? '',
      // Athena sees the Iceberg namespace as a Glue database.
      database: e.ATHENA_DATABASE ?? e.ICEBERG_NAMESPACE,
      catalog: e.ATHENA_CATALOG,
    },
    namespace: e.ICEBERG_NAMESPACE,
    table: e.ICEBERG_TABLE,
    thresholds: { alertThreshold: thresholds.threshold, criticalThreshold: thresholds.critical },
  };
}
