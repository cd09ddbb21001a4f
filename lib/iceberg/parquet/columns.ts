import type { ColumnSource } from 'hyparquet-writer';
import { ValidationError } from '../errors';
import type { NestedField, Row, Schema } from '../spec/schema';

type DecodedArray = ColumnSource['data'];

/**
 * Transposes rows into one array per column. Required numeric columns become typed arrays,
 * which the encoder handles without boxing each value.
 */
export function rowsToColumns(schema: Schema, rows: readonly Row[]): DecodedArray[] {
  return schema.fields.map((field) => column(field, rows));
}

function column(field: NestedField, rows: readonly Row[]): DecodedArray {
  const n = rows.length;
  const name = field.name;
  if (field.required) {
    switch (field.type) {
      case 'double': {
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) out[i] = checkNumber(rows[i]![name], field);
        return out;
      }
      case 'float': {
        const out = new Float32Array(n);
        for (let i = 0; i < n; i++) out[i] = checkNumber(rows[i]![name], field);
        return out;
      }
      case 'int':
      case 'date': {
        const out = new Int32Array(n);
        for (let i = 0; i < n; i++) out[i] = checkInt32(rows[i]![name], field);
        return out;
      }
      case 'long':
      case 'timestamp':
      case 'timestamptz': {
        const out = new BigInt64Array(n);
        for (let i = 0; i < n; i++) out[i] = checkBigInt(rows[i]![name], field);
        return out;
      }
    }
  }
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const value = rows[i]![name];
    if (value === null || value === undefined) {
      if (field.required) throw new ValidationError(`required field ${name} is null`);
      out[i] = null;
    } else {
      out[i] = value;
    }
  }
  return out;
}

function checkNumber(value: unknown, field: NestedField): number {
  if (typeof value !== 'number') {
    throw new ValidationError(
      `field ${field.name} (${field.type}) needs a number, got ${typeof value}`,
    );
  }
  return value;
}

// An Int32Array silently wraps 2^31 and truncates 1.5; either would store a wrong value.
function checkInt32(value: unknown, field: NestedField): number {
  const n = checkNumber(value, field);
  if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) {
    throw new ValidationError(
      `field ${field.name} (${field.type}) needs a 32-bit integer, got ${n}`,
    );
  }
  return n;
}

function checkBigInt(value: unknown, field: NestedField): bigint {
  if (typeof value !== 'bigint') {
    throw new ValidationError(
      `field ${field.name} (${field.type}) needs a bigint, got ${typeof value}`,
    );
  }
  return value;
}

/** NaN values per float and double column (field id), counted from the encoded columns. */
export function nanCounts(schema: Schema, columns: readonly DecodedArray[]): Map<number, bigint> {
  const out = new Map<number, bigint>();
  schema.fields.forEach((field, i) => {
    if (field.type !== 'double' && field.type !== 'float') return;
    const values = columns[i]!;
    let count = 0;
    for (let j = 0; j < values.length; j++) {
      const value = values[j];
      if (typeof value === 'number' && Number.isNaN(value)) count++;
    }
    out.set(field.id, BigInt(count));
  });
  return out;
}
