import {
  SENSOR_ALERTS_PARTITION_SPEC,
  SENSOR_ALERTS_SCHEMA,
  sensorAlertsIdentifier,
} from '../../lib/alerts/table';
import {
  assertWritable,
  CatalogError,
  ensureFirstSnapshot,
  type FileIO,
  type LoadedTable,
  NoSuchNamespaceError,
  NoSuchTableError,
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

/** The catalog calls ensureAlertTable makes, so that tests and fakes can stand in for it. */
export type AlertTableCatalog = Pick<
  RestCatalog,
  'loadTable' | 'namespaceExists' | 'createNamespaceIfAbsent' | 'createTableIfAbsent'
> &
  Parameters<typeof ensureFirstSnapshot>[0];

/**
 * Loads the sensor_alerts table, creating it (and its namespace) only when it is missing; safe to
 * race. A table that exists costs one GET: the namespace is looked up (GET, never POSTed) only
 * when the table is missing, and created only when the lookup finds nothing. On AWS the stack
 * creates both, and the functions hold no permission to create either: a table missing there
 * fails with an error that says so.
 */
export async function ensureAlertTable(clients: {
  catalog: AlertTableCatalog;
  io: FileIO;
  table: TableIdentifier;
}): Promise<LoadedTable> {
  const { catalog, io, table } = clients;
  let loaded: LoadedTable;
  try {
    loaded = await catalog.loadTable(table);
  } catch (error) {
    if (!(error instanceof NoSuchTableError || error instanceof NoSuchNamespaceError)) throw error;
    loaded = await createAlertTable(catalog, table);
  }
  // A table this writer cannot append to correctly is refused before any batch.
  assertWritable(loaded.metadata, tableName(table));
  return ensureFirstSnapshot(catalog, io, table, loaded);
}

async function createAlertTable(
  catalog: AlertTableCatalog,
  table: TableIdentifier,
): Promise<LoadedTable> {
  const name = [...table.namespace, table.name].join('.');
  try {
    if (!(await catalog.namespaceExists(table.namespace))) {
      await catalog.createNamespaceIfAbsent(table.namespace);
    }
    return await catalog.createTableIfAbsent(
      table,
      SENSOR_ALERTS_SCHEMA,
      SENSOR_ALERTS_PARTITION_SPEC,
    );
  } catch (error) {
    if (error instanceof CatalogError && error.status === 403) {
      throw new CatalogError(
        `table ${name} does not exist and this function may not create it (on AWS the stack ` +
          `creates the database and the table; redeploy the stack): ${error.message}`,
        { cause: error, status: 403 },
      );
    }
    throw error;
  }
}
