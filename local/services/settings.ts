import { localEndpoints } from '../endpoints';
import { InvalidSettingError } from './errors';
import {
  CATALOG_KINDS,
  type CatalogKind,
  DEFAULT_CATALOG,
  type LocalServiceName,
} from './versions';

/** Where a service listens; every port can be moved by an environment variable. */
export interface ServicePorts {
  kafka: number;
  kafkaController: number;
  s3: number;
  catalog: number;
  /** Nessie's management port (health checks, metrics); unused by the Iceberg REST fixture. */
  catalogManagement: number;
  /** LocalStack's gateway. */
  localstack: number;
}

export interface ServiceSettings {
  host: string;
  catalog: CatalogKind;
  ports: ServicePorts;
  s3AccessKeyId: string;
  s3SecretAccessKey: string;
  s3Region: string;
  warehouseBucket: string;
  /** Warehouse name the catalog knows the bucket by (Nessie's default warehouse). */
  catalogWarehouse: string;
  /** Path under which the catalog serves the Iceberg REST API, e.g. `/iceberg`. */
  catalogBasePath: string;
  readyTimeoutMs: number;
}

/** Env vars that move each port, named in error messages so the fix is obvious. */
export const PORT_VARIABLES: Record<keyof ServicePorts, string> = {
  kafka: 'KAFKA_PORT',
  kafkaController: 'KAFKA_CONTROLLER_PORT',
  s3: 'S3_PORT',
  catalog: 'CATALOG_PORT',
  catalogManagement: 'CATALOG_MANAGEMENT_PORT',
  localstack: 'LOCALSTACK_PORT',
};

/** The endpoint variable each port variable must agree with when both are set. */
const ENDPOINT_VARIABLES: Partial<Record<keyof ServicePorts, string>> = {
  kafka: 'KAFKA_BROKERS',
  s3: 'ICEBERG_S3_ENDPOINT',
  catalog: 'ICEBERG_CATALOG_URI',
  localstack: 'LOCALSTACK_ENDPOINT',
};

/** The ports a service listens on with these settings. */
export function portKeysOf(
  service: LocalServiceName,
  settings: ServiceSettings,
): (keyof ServicePorts)[] {
  switch (service) {
    case 'localstack':
      return ['localstack'];
    case 'kafka':
      return ['kafka', 'kafkaController'];
    case 's3':
      return ['s3'];
    case 'catalog':
      return settings.catalog === 'nessie' ? ['catalog', 'catalogManagement'] : ['catalog'];
  }
}

/** Nessie serves the Iceberg REST API under a fixed path. */
export const NESSIE_BASE_PATH = '/iceberg';

export function parseCatalogKind(value: string | undefined): CatalogKind {
  if (value === undefined || value.trim() === '') return DEFAULT_CATALOG;
  const kind = CATALOG_KINDS.find((candidate) => candidate === value.trim());
  if (!kind) {
    throw new InvalidSettingError(
      `SENSOR_ALERTS_CATALOG=${JSON.stringify(value)} is not a catalog: use ${CATALOG_KINDS.join(' or ')}.`,
    );
  }
  return kind;
}

export function parsePort(value: string, variable: string): number {
  const trimmed = value.trim();
  const port = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new InvalidSettingError(
      `${variable}=${JSON.stringify(value)} is not a TCP port: set it to a number from 1 to 65535.`,
    );
  }
  return port;
}

/** Port of the first `host:port` in a comma-separated broker list. */
export function portOfBrokers(brokers: string, variable: string): number {
  const first = brokers.split(',')[0]?.trim() ?? '';
  const colon = first.lastIndexOf(':');
  if (colon < 0) {
    throw new InvalidSettingError(
      `${variable}=${JSON.stringify(brokers)} has no port: use host:port.`,
    );
  }
  return parsePort(first.slice(colon + 1), variable);
}

/** Port of a URL, with the scheme's default when the URL names none. */
export function portOfUrl(url: string, variable: string): number {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new InvalidSettingError(`${variable}=${JSON.stringify(url)} is not a URL.`, { cause });
  }
  if (parsed.port !== '') return parsePort(parsed.port, variable);
  return parsed.protocol === 'https:' ? 443 : 80;
}

function basePathOf(url: string): string {
  const path = new URL(url).pathname.replace(/\/+$/, '');
  return path === '' ? '/iceberg' : path;
}

/**
 * Reads the settings once. Explicit `*_PORT` variables win; otherwise the port comes from the
 * endpoint variables of `local/endpoints.ts`, so clients and services agree by construction.
 */
export function readSettings(env: NodeJS.ProcessEnv = process.env): ServiceSettings {
  const endpoints = localEndpoints(env);
  const pick = (variable: string, fallback: () => number): number => {
    const value = env[variable];
    return value === undefined || value === '' ? fallback() : parsePort(value, variable);
  };
  // A port given twice (port variable and endpoint variable) must say the same thing: a service
  // started on one port while its clients connect to another is what this rules out.
  const agreed = (key: keyof ServicePorts, fromEndpoint: () => number): number => {
    const variable = PORT_VARIABLES[key];
    const endpointPort = fromEndpoint();
    const port = pick(variable, () => endpointPort);
    if (port !== endpointPort) {
      const endpointVariable = ENDPOINT_VARIABLES[key] as string;
      throw new InvalidSettingError(
        `${variable}=${port} disagrees with ${endpointVariable}=${JSON.stringify(env[endpointVariable])}: ` +
          `set one of them (the other follows), or make both name the same port.`,
      );
    }
    return port;
  };
  const kafka = agreed('kafka', () => portOfBrokers(endpoints.kafkaBrokers, 'KAFKA_BROKERS'));
  const catalogPort = agreed('catalog', () =>
    portOfUrl(endpoints.catalogUri, 'ICEBERG_CATALOG_URI'),
  );
  const catalog = parseCatalogKind(env.SENSOR_ALERTS_CATALOG);
  const catalogBasePath = basePathOf(endpoints.catalogUri);
  if (catalog === 'nessie' && catalogBasePath !== NESSIE_BASE_PATH) {
    throw new InvalidSettingError(
      `ICEBERG_CATALOG_URI=${JSON.stringify(endpoints.catalogUri)}: Nessie serves the Iceberg ` +
        `REST API under ${NESSIE_BASE_PATH} only; use that path, or SENSOR_ALERTS_CATALOG=iceberg-rest.`,
    );
  }
  const timeoutSeconds = env.SERVICES_READY_TIMEOUT_SECONDS;
  return {
    host: '127.0.0.1',
    catalog,
    ports: {
      kafka,
      kafkaController: pick('KAFKA_CONTROLLER_PORT', () => kafka + 1),
      s3: agreed('s3', () => portOfUrl(endpoints.s3Endpoint, 'ICEBERG_S3_ENDPOINT')),
      catalog: catalogPort,
      catalogManagement: pick('CATALOG_MANAGEMENT_PORT', () => catalogPort + 1),
      localstack: agreed('localstack', () =>
        portOfUrl(endpoints.localstackEndpoint, 'LOCALSTACK_ENDPOINT'),
      ),
    },
    s3AccessKeyId: endpoints.s3AccessKeyId,
    s3SecretAccessKey: endpoints.s3SecretAccessKey,
    s3Region: endpoints.s3Region,
    warehouseBucket: endpoints.warehouseBucket,
    catalogWarehouse: endpoints.catalogWarehouse,
    catalogBasePath,
    readyTimeoutMs:
      timeoutSeconds === undefined || timeoutSeconds === ''
        ? 120_000
        : parsePositiveSeconds(timeoutSeconds) * 1000,
  };
}

function parsePositiveSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new InvalidSettingError(
      `SERVICES_READY_TIMEOUT_SECONDS=${JSON.stringify(value)} must be a positive number of seconds.`,
    );
  }
  return seconds;
}

export function endpointOf(service: LocalServiceName, settings: ServiceSettings): string {
  const { host, ports } = settings;
  switch (service) {
    case 'localstack':
      return `http://${host}:${ports.localstack}`;
    case 'kafka':
      return `${host}:${ports.kafka}`;
    case 's3':
      return `http://${host}:${ports.s3}`;
    case 'catalog':
      return `http://${host}:${ports.catalog}${settings.catalogBasePath}`;
  }
}
