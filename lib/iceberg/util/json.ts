import { isSafeNumber, parse, stringify } from 'lossless-json';
import { ValidationError } from '../errors';

/** JSON text with bigint values written as exact integers. */
export function stringifyJson(value: unknown): string {
  const text = stringify(value);
  if (text === undefined) throw new ValidationError('value has no JSON representation');
  return text;
}

/**
 * Parses JSON keeping integers beyond 2^53 exact (as bigint); smaller integers and decimals are
 * numbers. Snapshot ids are random 63-bit numbers that `JSON.parse` would round.
 */
export function parseJson(text: string): unknown {
  return parse(text, null, (value) => {
    if (/^-?\d+$/.test(value)) return isSafeNumber(value) ? Number(value) : BigInt(value);
    return Number(value);
  });
}
