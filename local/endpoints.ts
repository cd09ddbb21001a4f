/**
 * Endpoints and clearly-local credentials of the local services. The process-based services
 * (`npm run services:up`) and `localstack/docker-compose.yml` expose the same values, so one
 * set of environment variables serves both. Every value can be overridden by its variable.
 *
 * Either set of variables moves a service for everyone: an endpoint variable (`KAFKA_BROKERS`,
 * `ICEBERG_S3_ENDPOINT`, `ICEBERG_CATALOG_URI`, `LOCALSTACK_ENDPOINT`) is used as given, and
 * without it the port variable (`KAFKA_PORT`, `S3_PORT`, `CATALOG_PORT`, `LOCALSTACK_PORT`)
 * makes the endpoint on 127.0.0.1. The services read their ports back from these endpoints
 * (local/services/settings.ts), so services and clients agree by construction.
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
  /** LocalStack's gateway (AWS APIs: Lambda, CloudFormation, S3 for assets, ...). */
  localstackEndpoint: string;
}

const LOCAL_HOST = '127.0.0.1';

/** The endpoint variable when set, otherwise the default shape on the port variable's port. */
function endpoint(
  env: NodeJS.ProcessEnv,
  variable: string,
  portVariable: string,
  make: (port: string) => string,
  defaultPort: string,
): string {
  const given = env[variable];
  if (given !== undefined && given !== '') return given;
  const port = env[portVariable]?.trim();
  return make(port === undefined || port === '' ? defaultPort : port);
}

export function localEndpoints(env: NodeJS.ProcessEnv = process.env): LocalEndpoints {
  return {
    kafkaBrokers: endpoint(env, 'KAFKA_BROKERS', 'KAFKA_PORT', (p) => `${LOCAL_HOST}:${p}`, '9092'),
    s3Endpoint: endpoint(
      env,
      'ICEBERG_S3_ENDPOINT',
      'S3_PORT',
      (p) => `http://${LOCAL_HOST}:${p}`,
      '9000',
    ),
    s3Region: env.ICEBERG_S3_REGION ?? 'us-east-1',
    // Local-only defaults for the local object store; never used against AWS.
    s3AccessKeyId: env.ICEBERG_S3_ACCESS_KEY_ID ?? 'local-access-key',
    s3SecretAccessKey: env.ICEBERG_S3_SECRET_ACCESS_KEY ?? 'local-secret-key',
    warehouseBucket: env.WAREHOUSE_BUCKET ?? 'warehouse',
    catalogUri: endpoint(
      env,
      'ICEBERG_CATALOG_URI',
      'CATALOG_PORT',
      (p) => `http://${LOCAL_HOST}:${p}/iceberg`,
      '19120',
    ),
    catalogWarehouse: env.ICEBERG_WAREHOUSE ?? 'warehouse',
    localstackEndpoint: endpoint(
      env,
      'LOCALSTACK_ENDPOINT',
      'LOCALSTACK_PORT',
      (p) => `http://${LOCAL_HOST}:${p}`,
      '4566',
    ),
  };
}
