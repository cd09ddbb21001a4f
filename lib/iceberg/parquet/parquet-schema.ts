import type { SchemaElement } from 'hyparquet-writer';
import type { NestedField, Schema } from '../spec/schema';

/** Parquet schema element of one Iceberg column, carrying its field id as readers require. */
function parquetElement(field: NestedField): SchemaElement {
  const base: SchemaElement = {
    name: field.name,
    repetition_type: field.required ? 'REQUIRED' : 'OPTIONAL',
    field_id: field.id,
  };
  switch (field.type) {
    case 'boolean':
      return { ...base, type: 'BOOLEAN' };
    case 'int':
      return { ...base, type: 'INT32' };
    case 'long':
      return { ...base, type: 'INT64' };
    case 'float':
      return { ...base, type: 'FLOAT' };
    case 'double':
      return { ...base, type: 'DOUBLE' };
    case 'date':
      return { ...base, type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } };
    case 'timestamptz':
      return {
        ...base,
        type: 'INT64',
        converted_type: 'TIMESTAMP_MICROS',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
      };
    case 'timestamp':
      // The converted type would claim UTC adjustment, so only the logical type is written.
      return {
        ...base,
        type: 'INT64',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' },
      };
    case 'string':
      return {
        ...base,
        type: 'BYTE_ARRAY',
        converted_type: 'UTF8',
        logical_type: { type: 'STRING' },
      };
    case 'binary':
      return { ...base, type: 'BYTE_ARRAY' };
  }
}

export function parquetSchema(schema: Schema): SchemaElement[] {
  return [
    { name: 'table', num_children: schema.fields.length },
    ...schema.fields.map(parquetElement),
  ];
}
