/**
 * Endpoints and clearly-local credentials of the local services. The process-based services
 * (`npm run services:up`) and `localstack/docker-compose.yml` expose the same values, so one
 * set of environment variables serves both. Every value can be overridden by its variable.
 */
export interface LocalEndpoints {
  /** Kafka bootstrap servers, comma separated. */
  kafkaBrokers: string;
  /** S3-compatible object store endpoint (path-style). */
  s3Endpoint: string;
  s3Region: string;
  s3AccessKeyId: string;
  s3SecretAccessKey: string;
  /** Bucket holding the Iceberg warehouse. */
  warehouseBucket: string;
  /** Iceberg REST catalog base URI (Nessie's Iceberg endpoint). */
  catalogUri: string;
  /** Warehouse name the catalog knows the bucket by. */
  catalogWarehouse: string;
}

export function localEndpoints(env: NodeJS.ProcessEnv = process.env): LocalEndpoints {
  return {
    kafkaBrokers: env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    s3Endpoint: env.ICEBERG_S3_ENDPOINT ?? 'http://127.0.0.1:9000',
    s3Region: env.ICEBERG_S3_REGION ?? 'us-east-1',
    // Local-only defaults for the local object store; never used against AWS.
    s3AccessKeyId: env.ICEBERG_S3_ACCESS_KEY_ID ?? 'local-access-key',
    s3SecretAccessKey: env.ICEBERG_S3_SECRET_ACCESS_KEY ?? 'local-secret-key',
    warehouseBucket: env.WAREHOUSE_BUCKET ?? 'warehouse',
    catalogUri: env.ICEBERG_CATALOG_URI ?? 'http://127.0.0.1:19120/iceberg',
    catalogWarehouse: env.ICEBERG_WAREHOUSE ?? 'warehouse',
  };
}
