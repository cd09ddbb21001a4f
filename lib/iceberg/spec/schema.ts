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
  type: PrimitiveType;
  doc?: string;
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

/** Checks a catalog-provided schema is one this writer can handle (flat, primitive columns). */
export function assertSupportedSchema(schema: { fields: { id: number; type: unknown }[] }): void {
  for (const field of schema.fields) {
    if (!isPrimitiveType(field.type)) {
      throw new ValidationError(
        `field ${field.id} has unsupported type ${JSON.stringify(field.type)}`,
      );
    }
  }
}
