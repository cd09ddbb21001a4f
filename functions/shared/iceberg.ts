import {
  SENSOR_ALERTS_PARTITION_SPEC,
  SENSOR_ALERTS_SCHEMA,
  sensorAlertsIdentifier,
} from '../../lib/alerts/table';
import {
  assertWritable,
  ensureFirstSnapshot,
  type FileIO,
  type LoadedTable,
  RestCatalog,
  S3FileIO,
  type TableIdentifier,
  tableName,
} from '../../lib/iceberg';
import type { IcebergSettings } from './config';

export interface IcebergClients {
  catalog: RestCatalog;
  io: FileIO;
  table: TableIdentifier;
}

/** Connects to the REST catalog (GET /v1/config) and builds the warehouse FileIO. */
export async function connectIceberg(settings: IcebergSettings): Promise<IcebergClients> {
  const catalog = await RestCatalog.connect({
    uri: settings.catalogUri,
    warehouse: settings.warehouse,
    auth: settings.catalogAuth,
  });
  const io = new S3FileIO({
    endpoint: settings.s3.endpoint,
    region: settings.s3.region,
    forcePathStyle: settings.s3.forcePathStyle,
    credentials: settings.s3.credentials,
  });
  const [namespace] = settings.namespace;
  return { catalog, io, table: sensorAlertsIdentifier(namespace, settings.tableName) };
}

/**
 * Creates the namespace and the sensor_alerts table when absent (safe to race), and refuses a
 * table this writer cannot append to (format version, column types) before any batch.
 */
export async function ensureAlertTable(clients: IcebergClients): Promise<LoadedTable> {
  await clients.catalog.createNamespaceIfAbsent(clients.table.namespace);
  const table = await clients.catalog.createTableIfAbsent(
    clients.table,
    SENSOR_ALERTS_SCHEMA,
    SENSOR_ALERTS_PARTITION_SPEC,
  );
  assertWritable(table.metadata, tableName(clients.table));
  return ensureFirstSnapshot(clients.catalog, clients.io, clients.table, table);
}
