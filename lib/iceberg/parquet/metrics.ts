import type { ParquetWriter } from 'hyparquet-writer';
import type { NestedField, Schema, Value } from '../spec/schema';
import { toSingleValueBytes, truncateLowerBound, truncateUpperBound } from '../spec/single-value';

/** Iceberg column metrics of one data file, keyed by field id. */
export interface ColumnMetrics {
  columnSizes: Map<number, bigint>;
  valueCounts: Map<number, bigint>;
  nullValueCounts: Map<number, bigint>;
  nanValueCounts: Map<number, bigint>;
  lowerBounds: Map<number, Uint8Array>;
  upperBounds: Map<number, Uint8Array>;
  splitOffsets: bigint[];
}

type Bound = Value | undefined;
type RowGroup = ParquetWriter['row_groups'][number];

function less(a: Value, b: Value): boolean {
  // strings compare by code point here, as UTF-8 bytes do; JS `<` compares UTF-16 units
  if (typeof a === 'string' && typeof b === 'string') {
    const ca = Array.from(a);
    const cb = Array.from(b);
    for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
      const d = ca[i]!.codePointAt(0)! - cb[i]!.codePointAt(0)!;
      if (d !== 0) return d < 0;
    }
    return ca.length < cb.length;
  }
  return (a as number | bigint) < (b as number | bigint);
}

function boundBytes(field: NestedField, value: Bound, upper: boolean): Uint8Array | undefined {
  if (value === undefined || value === null) return undefined;
  if (field.type === 'string') {
    const text = upper ? truncateUpperBound(value as string) : truncateLowerBound(value as string);
    return text === undefined ? undefined : toSingleValueBytes('string', text);
  }
  if (field.type === 'binary') return undefined;
  if (typeof value === 'number' && Number.isNaN(value)) return undefined;
  // Iceberg wants -0.0 as the lower and +0.0 as the upper bound of a zero, like Parquet
  if (field.type === 'double' || field.type === 'float') {
    if (value === 0) return toSingleValueBytes(field.type, upper ? 0 : -0);
  }
  return toSingleValueBytes(field.type, value);
}

/**
 * Folds the writer's per-row-group column chunk statistics into Iceberg file metrics.
 * Column order in each row group follows the schema's field order.
 */
export function metricsFromRowGroups(schema: Schema, rowGroups: RowGroup[]): ColumnMetrics {
  const metrics: ColumnMetrics = {
    columnSizes: new Map(),
    valueCounts: new Map(),
    nullValueCounts: new Map(),
    nanValueCounts: new Map(),
    lowerBounds: new Map(),
    upperBounds: new Map(),
    splitOffsets: [],
  };
  schema.fields.forEach((field, index) => {
    let size = 0n;
    let values = 0n;
    let nulls = 0n;
    let nans = 0n;
    let min: Bound;
    let max: Bound;
    for (const group of rowGroups) {
      const meta = group.columns[index]?.meta_data;
      if (!meta) continue;
      size += meta.total_compressed_size;
      values += meta.num_values;
      const stats = meta.statistics as
        | { min_value?: Value; max_value?: Value; null_count?: bigint; nan_count?: bigint }
        | undefined;
      nulls += stats?.null_count ?? 0n;
      nans += stats?.nan_count ?? 0n;
      const lo = stats?.min_value;
      const hi = stats?.max_value;
      if (lo !== undefined && lo !== null && (min === undefined || less(lo, min as Value)))
        min = lo;
      if (hi !== undefined && hi !== null && (max === undefined || less(max as Value, hi)))
        max = hi;
    }
    const id = field.id;
    metrics.columnSizes.set(id, size);
    metrics.valueCounts.set(id, values);
    metrics.nullValueCounts.set(id, nulls);
    if (field.type === 'double' || field.type === 'float') metrics.nanValueCounts.set(id, nans);
    const lower = boundBytes(field, min, false);
    const upper = boundBytes(field, max, true);
    if (lower) metrics.lowerBounds.set(id, lower);
    if (upper) metrics.upperBounds.set(id, upper);
  });
  for (const group of rowGroups) {
    const first = group.columns[0];
    const offset = first?.meta_data?.dictionary_page_offset ?? first?.meta_data?.data_page_offset;
    if (offset !== undefined) metrics.splitOffsets.push(offset);
  }
  return metrics;
}
