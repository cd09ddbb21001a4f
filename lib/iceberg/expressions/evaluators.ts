import { compareValues } from '../spec/compare';
import type { DataFile } from '../spec/data-file';
import type { FieldSummary } from '../spec/manifest-file';
import type { BoundPartitionField } from '../spec/partition-spec';
import type { Value } from '../spec/schema';
import { fromSingleValueBytes } from '../spec/single-value';
import { applyTransform } from '../spec/transforms';
import type { Bound, BoundRef } from './expression';

const cmp = compareValues;

/** Exact evaluation against one row (SQL semantics: a comparison with null is false). */
export function rowMatches(expr: Bound, valueFor: (ref: BoundRef) => Value): boolean {
  switch (expr.op) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'and':
      return expr.args.every((a) => rowMatches(a, valueFor));
    case 'or':
      return expr.args.some((a) => rowMatches(a, valueFor));
    case 'isNull':
      return valueFor(expr.ref) === null;
    case 'notNull':
      return valueFor(expr.ref) !== null;
    case 'isNaN':
      return Number.isNaN(valueFor(expr.ref));
    case 'notNaN':
      return !Number.isNaN(valueFor(expr.ref));
    default: {
      const v = valueFor(expr.ref);
      if (v === null || (typeof v === 'number' && Number.isNaN(v))) return false;
      if (expr.op === 'in') return expr.values.some((x) => cmp(v, x) === 0);
      if (expr.op === 'notIn') return expr.values.every((x) => cmp(v, x) !== 0);
      if (!('value' in expr)) return false;
      const c = cmp(v, expr.value);
      return {
        lt: c < 0,
        ltEq: c <= 0,
        gt: c > 0,
        gtEq: c >= 0,
        eq: c === 0,
        notEq: c !== 0,
      }[expr.op];
    }
  }
}

const INTEGRAL = new Set(['int', 'long', 'date', 'timestamp', 'timestamptz']);

const ORDER_PRESERVING = /^(identity|year|month|day|hour|truncate\[\d+\])$/;

/** One predicate on a source column projected onto one partition field (inclusive), or undefined. */
function projectPredicate(expr: Bound, field: BoundPartitionField): Bound | undefined {
  if (expr.op === 'true' || expr.op === 'false' || expr.op === 'and' || expr.op === 'or') {
    return undefined;
  }
  const transform = String(field.transform);
  const ref: BoundRef = { id: field['field-id'], name: field.name, type: field.resultType };
  const t = (v: Value) => applyTransform(field.transform, field.sourceType, v);
  // The next or previous value of an integral source; other values stay as they are.
  const step = (v: Value, by: 1 | -1): Value => {
    if (!INTEGRAL.has(field.sourceType)) return v;
    return typeof v === 'bigint' ? v + BigInt(by) : (v as number) + by;
  };
  if (expr.op === 'isNull' || expr.op === 'notNull') {
    // void maps every value to null; the others keep null as null and values as values
    return transform === 'void' ? undefined : { op: expr.op, ref };
  }
  if (expr.op === 'isNaN' || expr.op === 'notNaN') {
    return transform === 'identity' ? { op: expr.op, ref } : undefined;
  }
  if (transform.startsWith('bucket[')) {
    if (expr.op === 'eq') return { op: 'eq', ref, value: t(expr.value) };
    if (expr.op === 'in') return { op: 'in', ref, values: expr.values.map(t) };
    return undefined;
  }
  if (!ORDER_PRESERVING.test(transform)) return undefined;
  // A non-decreasing transform keeps every row that can match: col < v implies T(col) <= T(v).
  // On integral sources col < v is col <= v - 1, which projects tighter (Java's ProjectionUtil):
  // ts < midnight then excludes the next day.
  switch (expr.op) {
    case 'lt':
      return { op: 'ltEq', ref, value: t(step(expr.value, -1)) };
    case 'ltEq':
      return { op: 'ltEq', ref, value: t(expr.value) };
    case 'gt':
      return { op: 'gtEq', ref, value: t(step(expr.value, 1)) };
    case 'gtEq':
      return { op: 'gtEq', ref, value: t(expr.value) };
    case 'eq':
      return { op: 'eq', ref, value: t(expr.value) };
    case 'in':
      return { op: 'in', ref, values: expr.values.map(t) };
    case 'notEq':
    case 'notIn':
      return transform === 'identity' ? expr && { ...expr, ref } : undefined;
  }
}

/**
 * The spec's inclusive projection of a row filter onto a partition spec: a partition tuple that
 * fails the result holds no row that passes the filter. Predicates a transform cannot carry
 * (bucket ranges, unknown transforms) become true.
 */
export function projectInclusive(expr: Bound, fields: readonly BoundPartitionField[]): Bound {
  if (!('ref' in expr)) {
    if (expr.op === 'and' || expr.op === 'or') {
      return { op: expr.op, args: expr.args.map((a) => projectInclusive(a, fields)) };
    }
    return expr;
  }
  const source = expr.ref.id;
  const projected = fields
    .filter((f) => f['source-id'] === source)
    .map((f) => projectPredicate(expr, f))
    .filter((p): p is Bound => p !== undefined);
  if (projected.length === 0) return { op: 'true' };
  return projected.length === 1 ? projected[0]! : { op: 'and', args: projected };
}

/** Whether a partition tuple (values by partition field id) can hold matching rows. */
export function partitionMatches(
  projected: Bound,
  fields: readonly BoundPartitionField[],
  tuple: readonly Value[],
): boolean {
  const index = new Map(fields.map((f, i) => [f['field-id'], i]));
  return rowMatches(projected, (ref) => tuple[index.get(ref.id) ?? -1] ?? null);
}

interface Range {
  lower: Value | undefined;
  upper: Value | undefined;
  /** No non-null, non-NaN value at all. */
  allNull: boolean;
  hasNull: boolean | undefined;
  hasNaN: boolean | undefined;
  allNaN: boolean;
}

/** Whether values within `range` can satisfy a predicate; true whenever it cannot be ruled out. */
function rangeMayMatch(expr: Bound, range: (ref: BoundRef) => Range | undefined): boolean {
  switch (expr.op) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'and':
      return expr.args.every((a) => rangeMayMatch(a, range));
    case 'or':
      return expr.args.some((a) => rangeMayMatch(a, range));
    default: {
      const r = range(expr.ref);
      if (!r) return true;
      switch (expr.op) {
        case 'isNull':
          return r.hasNull !== false;
        case 'notNull':
          return !(r.allNull && r.hasNaN === false);
        case 'isNaN':
          return r.hasNaN !== false;
        case 'notNaN':
          return !r.allNaN;
        case 'notEq':
        case 'notIn':
          return true;
      }
      if (r.allNull) return false;
      const { lower, upper } = r;
      const below = (v: Value) => lower !== undefined && cmp(v, lower) < 0;
      const above = (v: Value) => upper !== undefined && cmp(v, upper) > 0;
      switch (expr.op) {
        case 'lt':
          return lower === undefined || cmp(lower, expr.value) < 0;
        case 'ltEq':
          return lower === undefined || cmp(lower, expr.value) <= 0;
        case 'gt':
          return upper === undefined || cmp(upper, expr.value) > 0;
        case 'gtEq':
          return upper === undefined || cmp(upper, expr.value) >= 0;
        case 'eq':
          return !below(expr.value) && !above(expr.value);
        case 'in':
          return expr.values.some((v) => !below(v) && !above(v));
      }
    }
  }
}

/**
 * Whether a manifest can hold files matching a projected partition filter, judged from its
 * partition field summaries in the manifest list.
 */
export function manifestMayMatch(
  projected: Bound,
  fields: readonly BoundPartitionField[],
  summaries: readonly FieldSummary[] | null | undefined,
): boolean {
  if (!summaries || summaries.length !== fields.length) return true;
  return rangeMayMatch(projected, (ref) => {
    const i = fields.findIndex((f) => f['field-id'] === ref.id);
    const s = summaries[i];
    if (i < 0 || !s) return undefined;
    const decode = (b: Uint8Array | null | undefined) =>
      b ? fromSingleValueBytes(ref.type, b) : undefined;
    const lower = decode(s.lowerBound);
    return {
      lower,
      upper: decode(s.upperBound),
      allNull: lower === undefined && s.containsNan === false,
      hasNull: s.containsNull,
      hasNaN: s.containsNan ?? undefined,
      allNaN: false,
    };
  });
}

/**
 * Iceberg's inclusive metrics evaluation: whether a data file can hold rows matching the
 * filter, from its value, null and NaN counts and lower/upper bounds. Bounds may be truncated
 * (strings), which keeps them a valid lower and upper bound.
 */
export function metricsMayMatch(expr: Bound, file: DataFile): boolean {
  return rangeMayMatch(expr, (ref) => {
    const values = file.valueCounts?.get(ref.id);
    const nulls = file.nullValueCounts?.get(ref.id);
    const nans = file.nanValueCounts?.get(ref.id);
    const lowerBytes = file.lowerBounds?.get(ref.id);
    const upperBytes = file.upperBounds?.get(ref.id);
    if (values === undefined && lowerBytes === undefined && upperBytes === undefined) {
      return undefined;
    }
    const allNull = values !== undefined && nulls !== undefined && nulls === values;
    return {
      lower: lowerBytes ? fromSingleValueBytes(ref.type, lowerBytes) : undefined,
      upper: upperBytes ? fromSingleValueBytes(ref.type, upperBytes) : undefined,
      allNull,
      hasNull: nulls === undefined ? undefined : nulls > 0n,
      hasNaN: nans === undefined ? undefined : nans > 0n,
      allNaN: values !== undefined && nans !== undefined && nans === values,
    };
  });
}
