import type { ViewColumn } from './duckdb-engine';

/** The fields of an Iceberg schema as the local engine needs them (structural, spec JSON shape). */
export interface SchemaFieldLike {
  name: string;
  type: unknown;
}

const PRIMITIVES: Record<string, string> = {
  boolean: 'BOOLEAN',
  int: 'INTEGER',
  long: 'BIGINT',
  float: 'REAL',
  double: 'DOUBLE',
  date: 'DATE',
  time: 'TIME',
  timestamp: 'TIMESTAMP',
  timestamptz: 'TIMESTAMPTZ',
  string: 'VARCHAR',
  uuid: 'UUID',
  binary: 'BLOB',
};

/** Iceberg primitive type to the DuckDB type the view casts the column to. */
export function duckDbType(icebergType: unknown): string {
  if (typeof icebergType === 'string') {
    const primitive = PRIMITIVES[icebergType];
    if (primitive) {
      return primitive;
    }
    const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(icebergType);
    if (decimal) {
      return `DECIMAL(${decimal[1]}, ${decimal[2]})`;
    }
  }
  throw new TypeError(`The local engine does not read Iceberg type ${JSON.stringify(icebergType)}`);
}

export function viewColumns(fields: readonly SchemaFieldLike[]): ViewColumn[] {
  return fields.map((field) => ({ name: field.name, sqlType: duckDbType(field.type) }));
}
