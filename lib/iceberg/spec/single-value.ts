import { ValidationError } from '../errors';
import type { PrimitiveType, Value } from './schema';

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/**
 * Iceberg's binary single-value serialization (spec appendix D), used for lower/upper bounds
 * in manifests and partition field summaries in manifest lists.
 */
export function toSingleValueBytes(type: PrimitiveType, value: Value): Uint8Array {
  if (value === null) throw new ValidationError('null has no single-value serialization');
  switch (type) {
    case 'boolean':
      return Uint8Array.of(value ? 1 : 0);
    case 'int':
    case 'date': {
      const out = new Uint8Array(4);
      new DataView(out.buffer).setInt32(0, Number(value), true);
      return out;
    }
    case 'long':
    case 'timestamp':
    case 'timestamptz': {
      const out = new Uint8Array(8);
      new DataView(out.buffer).setBigInt64(0, BigInt(value), true);
      return out;
    }
    case 'float': {
      const out = new Uint8Array(4);
      new DataView(out.buffer).setFloat32(0, Number(value), true);
      return out;
    }
    case 'double': {
      const out = new Uint8Array(8);
      new DataView(out.buffer).setFloat64(0, Number(value), true);
      return out;
    }
    case 'string':
    case 'binary':
      // Binary values travel as strings here (Value has no byte arrays); anything else is a
      // type mismatch, and an empty bound would wrongly exclude the file from scans.
      if (typeof value !== 'string') {
        throw new ValidationError(`${type} bound needs a string, got ${typeof value} ${value}`);
      }
      return utf8.encode(value);
  }
}

export function fromSingleValueBytes(type: PrimitiveType, bytes: Uint8Array): Value {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (type) {
    case 'boolean':
      return bytes[0] !== 0;
    case 'int':
    case 'date':
      return view.getInt32(0, true);
    case 'long':
    case 'timestamp':
    case 'timestamptz':
      return view.getBigInt64(0, true);
    case 'float':
      return view.getFloat32(0, true);
    case 'double':
      return view.getFloat64(0, true);
    case 'string':
    case 'binary':
      return utf8Decoder.decode(bytes);
  }
}

/** Default metrics mode truncate(16): a lower bound may be a prefix of the true minimum. */
export function truncateLowerBound(value: string, length = 16): string {
  const codePoints = Array.from(value);
  return codePoints.length <= length ? value : codePoints.slice(0, length).join('');
}

/**
 * An upper bound truncated to `length` code points must still be >= every value, so the last
 * kept code point is incremented (carrying leftwards); undefined when no such bound exists.
 */
export function truncateUpperBound(value: string, length = 16): string | undefined {
  const codePoints = Array.from(value);
  if (codePoints.length <= length) return value;
  const kept = codePoints.slice(0, length);
  for (let i = kept.length - 1; i >= 0; i--) {
    let next = kept[i]!.codePointAt(0)! + 1;
    if (next >= 0xd800 && next <= 0xdfff) next = 0xe000;
    if (next <= 0x10ffff) {
      return kept.slice(0, i).join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}
