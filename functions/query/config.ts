import { z } from 'zod';
import { type IcebergSettings, parseIcebergSettings } from '../shared/config';
import { QueryConfigError } from './errors';

const number = (fallback: number) => z.coerce.number().refine(Number.isFinite).default(fallback);

const envSchema = z
  .object({
    QUERY_ENGINE: z.enum(['athena', 'local']).default('athena'),
    ATHENA_WORKGROUP: z.string().min(1).optional(),
    ATHENA_DATABASE: z.string().min(1).optional(),
    ATHENA_CATALOG: z.string().min(1).default('AwsDataCatalog'),
    ICEBERG_NAMESPACE: z.string().min(1).default('demo'),
    ICEBERG_TABLE: z.string().min(1).default('sensor_alerts'),
    ALERT_THRESHOLD: number(80),
    SEVERITY_CRITICAL: number(90),
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
  if (e.QUERY_ENGINE === 'local') {
    try {
      iceberg = parseIcebergSettings(env);
    } catch (error) {
      throw new QueryConfigError((error as Error).message, { cause: error });
    }
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
    thresholds: { alertThreshold: e.ALERT_THRESHOLD, criticalThreshold: e.SEVERITY_CRITICAL },
  };
}
