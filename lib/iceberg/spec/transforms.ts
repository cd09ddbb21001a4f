import { ValidationError } from '../errors';
import { murmur3x86_32 } from './murmur3';
import type { PrimitiveType, Value } from './schema';
import { toSingleValueBytes } from './single-value';

export type Transform =
  | 'identity'
  | 'year'
  | 'month'
  | 'day'
  | 'hour'
  | 'void'
  | `bucket[${number}]`
  | `truncate[${number}]`;

const MICROS_PER_HOUR = 3_600_000_000n;
const MICROS_PER_DAY = 86_400_000_000n;
const MILLIS_PER_DAY = 86_400_000;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function parameter(transform: string, name: string): number | undefined {
  const match = new RegExp(`^${name}\\[(\\d+)\\]$`).exec(transform);
  return match ? Number(match[1]) : undefined;
}

const TEMPORAL = new Set<PrimitiveType>(['date', 'timestamp', 'timestamptz']);
const BUCKETABLE = new Set<PrimitiveType>([
  'int',
  'long',
  'date',
  'timestamp',
  'timestamptz',
  'string',
  'binary',
]);
const TRUNCATABLE = new Set<PrimitiveType>(['int', 'long', 'string']);

/**
 * Why this package cannot apply `transform` to a `source` column, or undefined when it can:
 * unknown transforms, parameters that are no positive integers, and source types a transform
 * is not defined for (or that this package does not implement it for).
 */
export function transformProblem(transform: string, source: PrimitiveType): string | undefined {
  if (transform === 'identity' || transform === 'void') return undefined;
  if (transform === 'year' || transform === 'month' || transform === 'day') {
    return TEMPORAL.has(source) ? undefined : `${transform} does not apply to ${source}`;
  }
  if (transform === 'hour') {
    return source === 'timestamp' || source === 'timestamptz'
      ? undefined
      : `hour does not apply to ${source}`;
  }
  const match = /^(bucket|truncate)\[(\d+)\]$/.exec(transform);
  if (!match) return `unknown transform ${transform}`;
  if (Number(match[2]) <= 0) return `${transform} needs a positive parameter`;
  const applies = match[1] === 'bucket' ? BUCKETABLE : TRUNCATABLE;
  return applies.has(source) ? undefined : `${transform} does not apply to ${source}`;
}

/** The type of the partition value a transform produces from a source column type. */
export function transformResultType(transform: Transform, source: PrimitiveType): PrimitiveType {
  if (transform === 'identity' || transform.startsWith('truncate[')) return source;
  if (transform === 'day') return 'date';
  if (transform === 'void') return source;
  return 'int';
}

/** Days since the epoch of a date (int) or timestamp (micros) source value. */
function epochDays(source: PrimitiveType, value: Value): number {
  if (source === 'date') return Number(value);
  return Number(floorDiv(BigInt(value as bigint), MICROS_PER_DAY));
}

function civil(days: number): { year: number; month: number; day: number } {
  const date = new Date(days * MILLIS_PER_DAY);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth(), day: date.getUTCDate() };
}

function bucketHash(source: PrimitiveType, value: Value): number {
  switch (source) {
    // int and date hash as a long so that promoting int to long keeps bucket assignments
    case 'int':
    case 'date':
    case 'long':
    case 'timestamp':
    case 'timestamptz':
      return murmur3x86_32(toSingleValueBytes('long', BigInt(value as number | bigint)));
    case 'string':
    case 'binary':
      return murmur3x86_32(toSingleValueBytes('string', value));
    default:
      throw new ValidationError(`bucket transform does not apply to ${source}`);
  }
}

function truncate(source: PrimitiveType, width: number, value: Value): Value {
  switch (source) {
    case 'int':
      return (value as number) - ((((value as number) % width) + width) % width);
    case 'long': {
      const w = BigInt(width);
      const v = value as bigint;
      return v - (((v % w) + w) % w);
    }
    case 'string':
      return Array.from(value as string)
        .slice(0, width)
        .join('');
    default:
      throw new ValidationError(`truncate transform does not apply to ${source}`);
  }
}

/** Applies a partition transform to one source value; null stays null. */
export function applyTransform(transform: Transform, source: PrimitiveType, value: Value): Value {
  if (value === null || transform === 'void') return null;
  if (transform === 'identity') return value;
  const isTemporal = source === 'date' || source === 'timestamp' || source === 'timestamptz';
  if (transform === 'hour') {
    if (source !== 'timestamp' && source !== 'timestamptz') {
      throw new ValidationError(`hour transform does not apply to ${source}`);
    }
    return Number(floorDiv(value as bigint, MICROS_PER_HOUR));
  }
  if (transform === 'day' || transform === 'month' || transform === 'year') {
    if (!isTemporal)
      throw new ValidationError(`${transform} transform does not apply to ${source}`);
    const days = epochDays(source, value);
    if (transform === 'day') return days;
    const { year, month } = civil(days);
    return transform === 'year' ? year - 1970 : (year - 1970) * 12 + month;
  }
  const buckets = parameter(transform, 'bucket');
  if (buckets !== undefined) return (bucketHash(source, value) & 0x7fffffff) % buckets;
  const width = parameter(transform, 'truncate');
  if (width !== undefined) return truncate(source, width, value);
  throw new ValidationError(`unknown transform ${transform}`);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Human-readable partition value, as used in partition paths (e.g. `2026-11-26` for day). */
export function transformToHumanString(transform: Transform, value: Value): string {
  if (value === null) return 'null';
  if (transform === 'day') {
    const { year, month, day } = civil(value as number);
    return `${pad(year, 4)}-${pad(month + 1)}-${pad(day)}`;
  }
  if (transform === 'hour') {
    const hours = value as number;
    const { year, month, day } = civil(Math.floor(hours / 24));
    return `${pad(year, 4)}-${pad(month + 1)}-${pad(day)}-${pad(((hours % 24) + 24) % 24)}`;
  }
  if (transform === 'month') {
    const months = value as number;
    const year = 1970 + Math.floor(months / 12);
    return `${pad(year, 4)}-${pad((((months % 12) + 12) % 12) + 1)}`;
  }
  if (transform === 'year') return pad(1970 + (value as number), 4);
  return String(value);
}
