import { ValidationError } from '../errors';
import { fieldById, type PrimitiveType, type Row, type Schema, type Value } from './schema';
import {
  applyTransform,
  type Transform,
  transformResultType,
  transformToHumanString,
} from './transforms';

export interface PartitionField {
  'source-id': number;
  'field-id': number;
  name: string;
  transform: Transform;
}

export interface PartitionSpec {
  'spec-id': number;
  fields: PartitionField[];
}

/** A partition field resolved against a schema: its source column and result type. */
export interface BoundPartitionField extends PartitionField {
  sourceName: string;
  sourceType: PrimitiveType;
  resultType: PrimitiveType;
}

/** Partition tuple, in spec field order; values are transform results. */
export type PartitionValues = Value[];

export function bindPartitionSpec(spec: PartitionSpec, schema: Schema): BoundPartitionField[] {
  return spec.fields.map((field) => {
    const source = fieldById(schema, field['source-id']);
    return {
      ...field,
      sourceName: source.name,
      sourceType: source.type,
      resultType: transformResultType(field.transform, source.type),
    };
  });
}

export function partitionValues(fields: BoundPartitionField[], row: Row): PartitionValues {
  return fields.map((field) =>
    applyTransform(field.transform, field.sourceType, row[field.sourceName] ?? null),
  );
}

/** The Hive-style path the reference implementation uses, e.g. `reading_timestamp_day=2026-11-26`. */
export function partitionPath(fields: BoundPartitionField[], values: PartitionValues): string {
  if (fields.length !== values.length) {
    throw new ValidationError('partition tuple does not match the partition spec');
  }
  return fields
    .map(
      (field, i) =>
        `${encodeURIComponent(field.name)}=${encodeURIComponent(transformToHumanString(field.transform, values[i] ?? null))}`,
    )
    .join('/');
}

/** A stable key for grouping rows by partition tuple. */
export function partitionKey(values: PartitionValues): string {
  return values.map((v) => (v === null ? '\u0000' : `${typeof v}:${String(v)}`)).join('\u0001');
}
