import type { Value } from './schema';

/**
 * Orders two non-null values of one Iceberg type as the spec orders bounds: numbers and bigints
 * numerically, strings by Unicode code point (the order of their UTF-8 bytes; JavaScript's `<`
 * compares UTF-16 units and puts U+E000 after U+1F600), false before true.
 */
export function compareValues(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = a as number | bigint;
  const y = b as number | bigint;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Below the surrogates both orders agree; from there a surrogate (a code point above
    // U+FFFF) sorts after every other unit, which is the code point order.
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx === sy) return x - y;
    return sx ? 1 : -1;
  }
  return a.length - b.length;
}
