import type { RowGroup } from 'hyparquet';
import { compareValues } from '../spec/compare';
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

// Strings compare by code point, as their UTF-8 bytes do.
const less = (a: Value, b: Value) => compareValues(a, b) < 0;

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
 * Folds the per-row-group column chunk statistics of a written file's footer (read back with
 * hyparquet, timestamps as bigint micros and dates as day numbers) into Iceberg file metrics.
 * Column order in each row group follows the schema's field order.
 */
export function metricsFromRowGroups(
  schema: Schema,
  rowGroups: RowGroup[],
  nans: ReadonlyMap<number, bigint>,
): ColumnMetrics {
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
    let min: Bound;
    let max: Bound;
    for (const group of rowGroups) {
      const meta = group.columns[index]?.meta_data;
      if (!meta) continue;
      size += meta.total_compressed_size;
      values += meta.num_values;
      const stats = meta.statistics as
        | { min_value?: Value; max_value?: Value; null_count?: bigint }
        | undefined;
      nulls += stats?.null_count ?? 0n;
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
    if (field.type === 'double' || field.type === 'float') {
      metrics.nanValueCounts.set(id, nans.get(id) ?? 0n);
    }
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
