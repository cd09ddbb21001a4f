import type { AppConfig } from '../config';
import { assumedGeneratorRate, generatorMaxReadings } from '../generator-limits';
import { PIPELINE_METRICS_NAMESPACE } from './alarms';
import type { FunctionName } from './bundling';

export type KafkaAuth = 'none' | 'scram-sha-512' | 'msk-iam';

/** Values known only inside the stack (tokens on an environment-agnostic stack). */
export interface DeployedValues {
  region: string;
  account: string;
  urlSuffix: string;
  deadLetterBucket: string;
  /** The warehouse bucket on AWS (LocalStack's lives in the S3-compatible store). */
  warehouseBucket?: string;
  athenaWorkgroup?: string;
  /** The SNS topic of severe alerts, when the stack creates one. */
  alertsSnsTopicArn?: string;
  kafka: {
    brokers: string;
    auth: KafkaAuth;
    tls: boolean;
    saslSecretArn?: string;
  };
}

export type Env = Record<string, string>;

/** Prefix under the warehouse bucket holding the Iceberg tables; IAM grants are scoped to it. */
export const WAREHOUSE_PREFIX = 'warehouse';
/** Prefix under the dead-letter bucket the classifier writes rejected records to. */
export const DEAD_LETTER_PREFIX = 'classifier';
/**
 * Prefix under the warehouse bucket where batches wait for the group commit: beside the
 * tables, not inside a table's location, where other engines' orphan cleanup would look.
 */
export const STAGING_PREFIX = '_staging';

/** Function configuration environment, per the contract the functions validate at cold start. */
export function functionEnv(name: FunctionName, config: AppConfig, values: DeployedValues): Env {
  const common = { ...powertoolsEnv(name, config), ...icebergEnv(config, values) };
  switch (name) {
    case 'generator':
      return {
        ...common,
        ...kafkaEnv(values),
        SENSOR_TOPIC: config.topic,
        GENERATOR_MAX_READINGS: String(generatorCap(config)),
      };
    case 'classifier':
      return {
        ...common,
        ...groupCommitEnv(config, values),
        CONSUMER_GROUP_ID: config.consumerGroupId,
        DEAD_LETTER_TARGET: deadLetterTarget(config, values),
        ...alertStreamEnv(config, values),
      };
    case 'committer':
      return {
        ...common,
        ...groupCommitEnv(config, values),
        CONSUMER_GROUP_ID: config.consumerGroupId,
        SENSOR_TOPIC: config.topic,
      };
    case 'query':
      return { ...common, ...queryEnv(config, values) };
    case 'maintenance': {
      const m = config.maintenance;
      return {
        ...common,
        // the staging area, which orphan cleanup must never touch
        STAGING_URI: groupCommitEnv(config, values).STAGING_URI!,
        MAINTENANCE_MIN_SMALL_FILES: String(m.minSmallFiles),
        MAINTENANCE_MAX_MANIFESTS: String(m.maxManifests),
        MAINTENANCE_SNAPSHOT_RETENTION_HOURS: String(m.snapshotRetentionHours),
        MAINTENANCE_RETAIN_LAST: String(m.retainLastSnapshots),
        MAINTENANCE_ORPHAN_MIN_AGE_HOURS: String(m.orphanMinAgeHours),
      };
    }
  }
}

/** The alert topic (empty: none), the brokers to reach it, and the SNS topic of severe alerts. */
function alertStreamEnv(config: AppConfig, values: DeployedValues): Env {
  const { alerts } = config;
  return {
    ALERTS_TOPIC: alerts.topic,
    ...(alerts.topic ? kafkaEnv(values) : {}),
    ...(values.alertsSnsTopicArn
      ? {
          ALERTS_SNS_TOPIC_ARN: values.alertsSnsTopicArn,
          ALERTS_SNS_MIN_SEVERITY: alerts.sns.minSeverity,
        }
      : {}),
  };
}

/**
 * The classifier writes rejected records through the Iceberg FileIO. On LocalStack that client
 * talks to the S3-compatible store (ICEBERG_S3_ENDPOINT), where the stack's dead-letter bucket
 * does not exist, so rejected records go to the warehouse bucket there instead.
 */
function deadLetterTarget(config: AppConfig, values: DeployedValues): string {
  if (config.target === 'localstack') {
    return `s3://${config.localstack.warehouseBucket}/dead-letters/${DEAD_LETTER_PREFIX}`;
  }
  return `s3://${values.deadLetterBucket}/${DEAD_LETTER_PREFIX}`;
}

function groupCommitEnv(config: AppConfig, values: DeployedValues): Env {
  if (config.target === 'localstack') {
    return {
      STAGING_URI: `s3://${config.localstack.warehouseBucket}/${STAGING_PREFIX}`,
      COMMIT_INTERVAL_MS: '1000',
    };
  }
  if (!values.warehouseBucket) throw new Error('the group commit needs the warehouse bucket');
  return {
    STAGING_URI: `s3://${values.warehouseBucket}/${STAGING_PREFIX}`,
    COMMIT_INTERVAL_MS: String(config.groupCommit.intervalSeconds * 1000),
  };
}

/**
 * The generator's per-invocation cap: what it sends within its timeout at the configured rate,
 * or at the rate assumed for its memory size.
 */
export function generatorCap(config: AppConfig): number {
  const fns = config.functions;
  const rate = fns.generatorReadingsPerSecond ?? assumedGeneratorRate(fns.generatorMemoryMb);
  return generatorMaxReadings(fns.generatorTimeoutSeconds, rate);
}

/** POWERTOOLS_SERVICE_NAME of a function: also the `service` dimension of its metrics. */
export const serviceName = (name: string): string => `sensor-alerts-${name}`;

function powertoolsEnv(name: FunctionName, config: AppConfig): Env {
  return {
    POWERTOOLS_SERVICE_NAME: serviceName(name),
    POWERTOOLS_METRICS_NAMESPACE: PIPELINE_METRICS_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: 'INFO',
    // The bundles ship source maps; this makes stack traces point at the TypeScript sources.
    NODE_OPTIONS: '--enable-source-maps',
    // LocalStack has no X-Ray: the tracer would send segments nobody receives.
    ...(config.target === 'localstack' || !config.functions.tracing
      ? { POWERTOOLS_TRACE_ENABLED: 'false' }
      : {}),
  };
}

function icebergEnv(config: AppConfig, values: DeployedValues): Env {
  const table = {
    ICEBERG_NAMESPACE: config.namespace,
    ICEBERG_TABLE: config.table,
    ALERT_THRESHOLD: String(config.alertThreshold),
    SEVERITY_HIGH: String(config.severityHigh),
    SEVERITY_CRITICAL: String(config.severityCritical),
  };
  if (config.target === 'localstack') {
    const local = config.localstack;
    // LocalStack injects AWS_ENDPOINT_URL into functions; the Iceberg writer must reach the
    // S3-compatible store and the catalog through their own explicit endpoints instead.
    return {
      ...table,
      ICEBERG_CATALOG_URI: local.catalogUri,
      ICEBERG_WAREHOUSE: local.warehouse,
      ICEBERG_CATALOG_AUTH: 'none',
      ICEBERG_S3_ENDPOINT: local.s3Endpoint,
      ICEBERG_S3_PATH_STYLE: String(local.s3PathStyle),
      ICEBERG_S3_REGION: local.s3Region,
      ICEBERG_S3_ACCESS_KEY_ID: local.s3AccessKeyId,
      ICEBERG_S3_SECRET_ACCESS_KEY: local.s3SecretAccessKey,
    };
  }
  return {
    ...table,
    ICEBERG_CATALOG_URI: `https://glue.${values.region}.${values.urlSuffix}/iceberg`,
    // The Glue Iceberg REST catalog names the default catalog by the account id.
    ICEBERG_WAREHOUSE: values.account,
    ICEBERG_CATALOG_AUTH: 'sigv4',
    ICEBERG_CATALOG_SIGV4_SERVICE: 'glue',
    ICEBERG_S3_PATH_STYLE: 'false',
    ICEBERG_S3_REGION: values.region,
    // No table location: the classifier creates its table under the Glue database's locationUri.
  };
}

/** The Kafka client environment of the functions that reach the brokers themselves. */
export function kafkaEnv(values: DeployedValues): Env {
  const { kafka } = values;
  return {
    KAFKA_BROKERS: kafka.brokers,
    KAFKA_AUTH: kafka.auth,
    KAFKA_TLS: String(kafka.tls),
    ...(kafka.saslSecretArn ? { KAFKA_SASL_SECRET_ARN: kafka.saslSecretArn } : {}),
  };
}

function queryEnv(config: AppConfig, values: DeployedValues): Env {
  // LocalStack has no Athena: its bundle carries the local engine (DuckDB over the table's data
  // files, through the catalog and S3 store of the ICEBERG_* settings) and nothing else.
  if (config.target === 'localstack') return { QUERY_ENGINE: 'local' };
  // On AWS the bundle carries the Athena engine only.
  if (!values.athenaWorkgroup) throw new Error('the query function needs an Athena workgroup');
  return {
    QUERY_ENGINE: 'athena',
    ATHENA_WORKGROUP: values.athenaWorkgroup,
    ATHENA_DATABASE: config.namespace,
    ATHENA_CATALOG: 'AwsDataCatalog',
  };
}
