import { UnsupportedTableError } from '../errors';
import { describeType, isPrimitiveType } from './schema';
import { currentSchema, defaultSpec, type TableMetadata } from './table-metadata';
import { transformProblem } from './transforms';

/** Table format versions this package reads and appends to. */
export const SUPPORTED_FORMAT_VERSIONS: readonly number[] = [1, 2, 3];

export type FormatVersion = 1 | 2 | 3;

/** The table's format version, refused when it is one this package does not know. */
export function formatVersion(metadata: TableMetadata, name = 'the table'): FormatVersion {
  const version = Number(metadata['format-version']);
  if (!SUPPORTED_FORMAT_VERSIONS.includes(version)) {
    throw new UnsupportedTableError(
      `${name} has format version ${metadata['format-version']}; this writer and reader support ${SUPPORTED_FORMAT_VERSIONS.join(', ')}`,
    );
  }
  return version as FormatVersion;
}

/**
 * Refuses a table this package cannot append to correctly, naming what is in the way: an unknown
 * format version, a column type the Parquet writer cannot encode (nested, decimal, uuid, time,
 * nanosecond timestamps, v3 types), a column with a write default it would not apply, or a
 * partition transform it cannot compute. Call it when the table is loaded, before any batch.
 */
export function assertWritable(metadata: TableMetadata, name = 'the table'): void {
  formatVersion(metadata, name);
  const schema = currentSchema(metadata);
  for (const field of schema.fields) {
    if (!isPrimitiveType(field.type)) {
      throw new UnsupportedTableError(
        `${name}: column ${field.name} (id ${field.id}) has type ${describeType(field.type)}, which this writer cannot encode`,
      );
    }
    const writeDefault = field['write-default'];
    if (writeDefault !== undefined && writeDefault !== null) {
      throw new UnsupportedTableError(
        `${name}: column ${field.name} has a write default, which this writer does not apply`,
      );
    }
  }
  const spec = defaultSpec(metadata);
  for (const field of spec.fields) {
    if ((field as { 'source-ids'?: unknown })['source-ids'] !== undefined) {
      throw new UnsupportedTableError(
        `${name}: partition field ${field.name} has several source columns, which this writer cannot compute`,
      );
    }
    const source = schema.fields.find((f) => f.id === field['source-id']);
    if (!source) {
      throw new UnsupportedTableError(
        `${name}: partition field ${field.name} refers to column id ${field['source-id']}, which the schema lacks`,
      );
    }
    const problem = transformProblem(String(field.transform), source.type);
    if (problem) {
      throw new UnsupportedTableError(
        `${name}: partition field ${field.name} (${field.transform} of ${source.name}): ${problem}`,
      );
    }
  }
}
