import { compareValues } from '../spec/compare';
import type { DataFile } from '../spec/data-file';
import type { FieldSummary } from '../spec/manifest-file';
import type { BoundPartitionField } from '../spec/partition-spec';
import type { Value } from '../spec/schema';
import { toSingleValueBytes } from '../spec/single-value';

// Code-point order for strings, as the column metrics use: UTF-16 order can invert the bounds.
const less = (a: Value, b: Value) => compareValues(a, b) < 0;

/** Per partition field: null/NaN presence and value bounds over the manifest's files. */
export function partitionSummaries(
  fields: BoundPartitionField[],
  files: readonly DataFile[],
): FieldSummary[] {
  return fields.map((field, i) => {
    let containsNull = false;
    let containsNan = false;
    let min: Value | undefined;
    let max: Value | undefined;
    for (const file of files) {
      const value = file.partition[i] ?? null;
      if (value === null) {
        containsNull = true;
      } else if (typeof value === 'number' && Number.isNaN(value)) {
        containsNan = true;
      } else {
        if (min === undefined || less(value, min)) min = value;
        if (max === undefined || less(max, value)) max = value;
      }
    }
    const isFloat = field.resultType === 'double' || field.resultType === 'float';
    return {
      containsNull,
      containsNan: isFloat ? containsNan : false,
      lowerBound: min === undefined ? null : toSingleValueBytes(field.resultType, min),
      upperBound: max === undefined ? null : toSingleValueBytes(field.resultType, max),
    };
  });
}
