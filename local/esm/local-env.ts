import { localEndpoints } from '../endpoints';

type Env = Record<string, string | undefined>;

/** The functions' catalog, S3 and Kafka variables pointing at the local services. */
export function localServicesEnv(e: ReturnType<typeof localEndpoints>): Env {
  return {
    ICEBERG_CATALOG_URI: e.catalogUri,
    ICEBERG_WAREHOUSE: e.catalogWarehouse,
    ICEBERG_S3_ENDPOINT: e.s3Endpoint,
    ICEBERG_S3_PATH_STYLE: 'true',
    ICEBERG_S3_REGION: e.s3Region,
    ICEBERG_S3_ACCESS_KEY_ID: e.s3AccessKeyId,
    ICEBERG_S3_SECRET_ACCESS_KEY: e.s3SecretAccessKey,
    KAFKA_BROKERS: e.kafkaBrokers,
  };
}

/**
 * The classifier's environment for local runs: whatever is set wins, the local services'
 * endpoints fill the rest. Dead letters default to the warehouse bucket's `dead-letters/`, staged
 * batches to its `_staging/`.
 */
export function classifierEnv(env: Env, groupId: string): Env {
  const e = localEndpoints(env);
  return {
    ...localServicesEnv(e),
    DEAD_LETTER_TARGET: `s3://${e.warehouseBucket}/dead-letters`,
    STAGING_URI: `s3://${e.warehouseBucket}/_staging`,
    ...env,
    CONSUMER_GROUP_ID: env.CONSUMER_GROUP_ID ?? groupId,
  };
}
