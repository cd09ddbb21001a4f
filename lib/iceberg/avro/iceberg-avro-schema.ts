import type { PrimitiveType } from '../spec/schema';

/** Avro type for an Iceberg primitive, with the logical types the spec lists. */
export function avroPrimitive(type: PrimitiveType): string | Record<string, unknown> {
  switch (type) {
    case 'boolean':
    case 'int':
    case 'long':
    case 'float':
    case 'double':
    case 'string':
      return type;
    case 'binary':
      return 'bytes';
    case 'date':
      return { type: 'int', logicalType: 'date' };
    case 'timestamp':
      return { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': false };
    case 'timestamptz':
      return { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': true };
  }
}

export function optional(type: unknown): unknown[] {
  return ['null', type];
}

/** Iceberg maps with non-string keys are Avro arrays of key/value records. */
export function avroMap(
  keyId: number,
  valueId: number,
  key: unknown,
  value: unknown,
): Record<string, unknown> {
  return {
    type: 'array',
    logicalType: 'map',
    items: {
      type: 'record',
      name: `k${keyId}_v${valueId}`,
      fields: [
        { name: 'key', type: key, 'field-id': keyId },
        { name: 'value', type: value, 'field-id': valueId },
      ],
    },
  };
}
