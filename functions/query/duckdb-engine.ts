import type { DuckDBConnection, DuckDBInstance, DuckDBType, DuckDBValue } from '@duckdb/node-api';

type DuckDbModule = typeof import('@duckdb/node-api');
interface Session {
  duckdb: DuckDbModule;
  instance: DuckDBInstance;
  connection: DuckDBConnection;
}

import type { JsonRow, JsonValue, QueryEngine } from './engine';
import { LocalEngineError, QueryResultError } from './errors';
import { bigintToNumber, microsToIso } from './values';

/** A column of the view, typed in DuckDB's SQL (e.g. `VARCHAR`, `TIMESTAMPTZ`). */
export interface ViewColumn {
  name: string;
  sqlType: string;
}

/** What the view over the table is made of at the moment of a query. */
export interface ViewSnapshot {
  columns: ViewColumn[];
  /** Local Parquet files holding the table's current rows. */
  files: string[];
  /** Rows deleted by the table's delete files: positions (from 0) within one of `files`. */
  deleted?: { file: string; positions: readonly number[] }[];
}

const DELETED_TABLE = '__iceberg_deleted_rows';

export interface DuckDbEngineOptions {
  /** View name the SQL refers to, e.g. `sensor_alerts`. */
  viewName: string;
  /** Called before every query, so each query sees the table's current data. */
  snapshot: () => Promise<ViewSnapshot>;
}

/**
 * Runs SQL with DuckDB over a view of Parquet files. The native module is loaded on first use, so a
 * Lambda bundle that only uses Athena can leave it out.
 */
export class DuckDbQueryEngine implements QueryEngine {
  readonly tableRef: string;
  private session: Promise<Session> | undefined;

  constructor(private readonly options: DuckDbEngineOptions) {
    this.tableRef = quoteIdentifier(options.viewName);
  }

  async run(sql: string): Promise<JsonRow[]> {
    const { duckdb, connection } = await this.connect();
    const snapshot = await this.options.snapshot();
    await loadDeletedRows(connection, snapshot);
    await connection.run(createViewSql(this.tableRef, snapshot));
    const reader = await connection.runAndReadAll(sql);
    const names = reader.columnNames();
    const types = reader.columnTypes();
    return reader.getRows().map((values) => {
      const row: JsonRow = {};
      names.forEach((name, index) => {
        row[name] = toJson(duckdb, values[index] ?? null, types[index], name);
      });
      return row;
    });
  }

  async close(): Promise<void> {
    const opened = this.session;
    this.session = undefined;
    if (opened) {
      const { instance, connection } = await opened;
      connection.closeSync();
      instance.closeSync();
    }
  }

  private connect(): Promise<Session> {
    this.session ??= (async () => {
      try {
        const duckdb = await import('@duckdb/node-api');
        const instance = await duckdb.DuckDBInstance.create(':memory:');
        const connection = await instance.connect();
        // Timestamps with time zone are rendered in UTC whatever the machine's zone.
        await connection.run(`SET TimeZone = 'UTC'`);
        return { duckdb, instance, connection };
      } catch (error) {
        this.session = undefined;
        throw new LocalEngineError('Cannot start DuckDB (@duckdb/node-api)', { cause: error });
      }
    })();
    return this.session;
  }
}

/** The view casts every column to the table's type, so an empty table has the same columns. */
export function createViewSql(viewRef: string, snapshot: ViewSnapshot): string {
  const projection = snapshot.columns
    .map(
      (column) =>
        `CAST(${quoteIdentifier(column.name)} AS ${column.sqlType}) AS ${quoteIdentifier(column.name)}`,
    )
    .join(', ');
  if (snapshot.files.length === 0) {
    const nulls = snapshot.columns
      .map((column) => `CAST(NULL AS ${column.sqlType}) AS ${quoteIdentifier(column.name)}`)
      .join(', ');
    return `CREATE OR REPLACE VIEW ${viewRef} AS SELECT ${nulls} WHERE false`;
  }
  const files = snapshot.files.map((file) => `'${file.replaceAll("'", "''")}'`).join(', ');
  if (!snapshot.deleted?.some((d) => d.positions.length > 0)) {
    return `CREATE OR REPLACE VIEW ${viewRef} AS SELECT ${projection} FROM read_parquet([${files}])`;
  }
  // Position and equality deletes arrive resolved to row positions: an anti-join drops them.
  return `CREATE OR REPLACE VIEW ${viewRef} AS SELECT ${projection} FROM read_parquet([${files}], filename = true, file_row_number = true) AS data
WHERE NOT EXISTS (SELECT 1 FROM ${DELETED_TABLE} AS deleted
  WHERE deleted.filename = data.filename AND deleted.pos = data.file_row_number)`;
}

/** Fills the temporary table of deleted rows the view anti-joins against. */
async function loadDeletedRows(connection: DuckDBConnection, snapshot: ViewSnapshot) {
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE ${DELETED_TABLE} (filename VARCHAR NOT NULL, pos BIGINT NOT NULL)`,
  );
  const deleted = snapshot.deleted?.filter((d) => d.positions.length > 0) ?? [];
  if (deleted.length === 0) return;
  const appender = await connection.createAppender(DELETED_TABLE);
  for (const { file, positions } of deleted) {
    for (const pos of positions) {
      appender.appendVarchar(file);
      appender.appendBigInt(BigInt(pos));
      appender.endRow();
    }
  }
  appender.closeSync();
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function toJson(
  duckdb: DuckDbModule,
  value: DuckDBValue,
  type: DuckDBType | undefined,
  column: string,
): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'number') {
    return value;
  }
  if (typeof value === 'bigint') {
    return bigintToNumber(value, column);
  }
  if (
    value instanceof duckdb.DuckDBTimestampTZValue ||
    value instanceof duckdb.DuckDBTimestampValue
  ) {
    return microsToIso(value.micros);
  }
  if (value instanceof duckdb.DuckDBDecimalValue) {
    return value.toDouble();
  }
  if (value instanceof duckdb.DuckDBDateValue) {
    return value.toString();
  }
  throw new QueryResultError(
    `Column ${column}: values of type ${type?.toString() ?? 'unknown'} are not supported`,
  );
}
