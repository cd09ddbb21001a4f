import { ValidationError } from '../errors';

export type PrimitiveType =
  | 'boolean'
  | 'int'
  | 'long'
  | 'float'
  | 'double'
  | 'date'
  | 'timestamp'
  | 'timestamptz'
  | 'string'
  | 'binary';

export interface NestedField {
  id: number;
  name: string;
  required: boolean;
  /** One of PrimitiveType for tables this package writes; a catalog may send any Iceberg type. */
  type: PrimitiveType;
  doc?: string;
  /** v3 default values (JSON single-value form). */
  'initial-default'?: unknown;
  'write-default'?: unknown;
}

/** A table schema; only flat structs of primitives are supported by this writer. */
export interface Schema {
  type: 'struct';
  'schema-id': number;
  'identifier-field-ids'?: number[];
  fields: NestedField[];
}

/** Row values: long and timestamps are bigint (timestamps in microseconds since the epoch, UTC). */
export type Value = string | number | bigint | boolean | null;
export type Row = Record<string, Value>;

const PRIMITIVES: ReadonlySet<string> = new Set<PrimitiveType>([
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'date',
  'timestamp',
  'timestamptz',
  'string',
  'binary',
]);

export function isPrimitiveType(type: unknown): type is PrimitiveType {
  return typeof type === 'string' && PRIMITIVES.has(type);
}

export function fieldById(schema: Schema, id: number): NestedField {
  const field = schema.fields.find((f) => f.id === id);
  if (!field) throw new ValidationError(`schema ${schema['schema-id']} has no field with id ${id}`);
  return field;
}

/** An Iceberg type as the spec writes it: `decimal(9,2)`, or `struct`/`list`/`map` for nested ones. */
export function describeType(type: unknown): string {
  if (typeof type === 'string') return type;
  const nested = (type as { type?: unknown } | null)?.type;
  return typeof nested === 'string' ? nested : JSON.stringify(type);
}
