import { parseArgs } from 'node:util';
import { loadQueryConfig, type QueryConfig } from '../../functions/query/config';
import {
  type IcebergSettings,
  type KafkaSettings,
  parseIcebergSettings,
  parseKafkaSettings,
  parseThresholds,
} from '../../functions/shared/config';
import type { AlertThresholds } from '../../lib/alerts/severity';
import { localEndpoints } from '../endpoints';
import { localServicesEnv } from '../esm/local-env';

type Env = Record<string, string | undefined>;

export class DashboardUsageError extends Error {
  override readonly name = 'DashboardUsageError';
}

export interface DashboardConfig {
  port: number;
  kafka: KafkaSettings;
  alertsTopic: string;
  readingsTopic: string;
  /** The classifier's consumer group on the readings topic (its lag is the pipeline's). */
  groupId: string;
  query: QueryConfig;
  /** The catalog the table's freshness is read from; absent when no catalog is configured. */
  iceberg: IcebergSettings | undefined;
  thresholds: AlertThresholds;
  backlog: number;
  tableRefreshMs: number;
  healthRefreshMs: number;
}

export const DASHBOARD_USAGE = `Usage: npm run dashboard -- [options]
  --port N             port on 127.0.0.1 (default 8090; 0 = any free port)
  --alerts-topic T     alert topic (default ALERTS_TOPIC or sensor_alerts)
  --readings-topic T   readings topic whose lag is shown (default SENSOR_TOPIC or sensor_readings)
  --group G            the classifier's consumer group (default CONSUMER_GROUP_ID or sensor-classifier)
  --table T            Iceberg table in ICEBERG_NAMESPACE (default ICEBERG_TABLE or sensor_alerts)
  --backlog N          alerts per partition read from before the start (default 500)
  --table-refresh-ms N how often the table panels are queried (default 5000; 30000 on Athena)
The rest comes from the environment the functions use: KAFKA_BROKERS, KAFKA_AUTH (msk-iam on
AWS), QUERY_ENGINE (local or athena), ATHENA_WORKGROUP, ICEBERG_CATALOG_URI, ICEBERG_CATALOG_AUTH,
ALERT_THRESHOLD, SEVERITY_HIGH, SEVERITY_CRITICAL, ... Without QUERY_ENGINE the local services are
used (DuckDB over the table, Kafka and the catalog on their local endpoints).`;

/**
 * The environment the dashboard reads its settings from: a deployment's (QUERY_ENGINE=athena)
 * as given, otherwise the local services' endpoints fill whatever is not set, as for the local
 * classifier.
 */
export function dashboardEnv(env: Env): Env {
  if (env.QUERY_ENGINE === 'athena') return env;
  return {
    QUERY_ENGINE: 'local',
    ...localServicesEnv(localEndpoints(env)),
    ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)),
  };
}

function integer(text: string | undefined, flag: string, min: number, max: number, dflt: number) {
  if (text === undefined) return dflt;
  const n = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new DashboardUsageError(
      `--${flag} must be an integer from ${min} to ${max}, got "${text}"`,
    );
  }
  return n;
}

/** Flags over the environment; every bad value is a DashboardUsageError naming it. */
export function loadDashboardConfig(argv: readonly string[], rawEnv: Env): DashboardConfig {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new DashboardUsageError(`${(error as Error).message}\n${DASHBOARD_USAGE}`);
  }
  const env = dashboardEnv({
    ...rawEnv,
    ...(values.table !== undefined ? { ICEBERG_TABLE: values.table } : {}),
  });
  let query: QueryConfig;
  let kafka: KafkaSettings;
  let thresholds: AlertThresholds;
  let iceberg: IcebergSettings | undefined;
  try {
    query = loadQueryConfig(env);
    kafka = parseKafkaSettings(env);
    thresholds = parseThresholds(env);
    iceberg = env.ICEBERG_CATALOG_URI ? parseIcebergSettings(env) : undefined;
  } catch (error) {
    throw new DashboardUsageError((error as Error).message);
  }
  const topicName = (text: string, flag: string) => {
    if (!/^[A-Za-z0-9._-]{1,249}$/.test(text)) {
      throw new DashboardUsageError(`--${flag} must be a Kafka topic name, got "${text}"`);
    }
    return text;
  };
  return {
    port: integer(values.port, 'port', 0, 65_535, 8090),
    kafka,
    alertsTopic: topicName(
      values['alerts-topic'] ?? env.ALERTS_TOPIC ?? 'sensor_alerts',
      'alerts-topic',
    ),
    readingsTopic: topicName(
      values['readings-topic'] ?? env.SENSOR_TOPIC?.split(',')[0]?.trim() ?? 'sensor_readings',
      'readings-topic',
    ),
    groupId: values.group ?? env.CONSUMER_GROUP_ID ?? 'sensor-classifier',
    query,
    iceberg,
    thresholds,
    backlog: integer(values.backlog, 'backlog', 0, 100_000, 500),
    tableRefreshMs: integer(
      values['table-refresh-ms'],
      'table-refresh-ms',
      500,
      3_600_000,
      query.engine === 'athena' ? 30_000 : 5_000,
    ),
    healthRefreshMs: 2_000,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      'alerts-topic': { type: 'string' },
      'readings-topic': { type: 'string' },
      group: { type: 'string' },
      table: { type: 'string' },
      backlog: { type: 'string' },
      'table-refresh-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
