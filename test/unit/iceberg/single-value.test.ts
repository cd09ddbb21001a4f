import { describe, expect, it } from 'vitest';
import {
  fromSingleValueBytes,
  type PrimitiveType,
  toSingleValueBytes,
  type Value,
} from '../../../lib/iceberg';
import { truncateLowerBound, truncateUpperBound } from '../../../lib/iceberg/spec/single-value';

describe('single-value serialization', () => {
  it.each<[PrimitiveType, Value, number[]]>([
    ['boolean', true, [1]],
    ['boolean', false, [0]],
    ['int', 7, [7, 0, 0, 0]],
    ['int', -2, [0xfe, 0xff, 0xff, 0xff]],
    ['date', 20783, [0x2f, 0x51, 0, 0]],
    ['long', 8333017788700497002n, [0x6a, 0x14, 0x81, 0x52, 0x87, 0xd3, 0xa4, 0x73]],
    ['timestamptz', 1n, [1, 0, 0, 0, 0, 0, 0, 0]],
    ['double', 1.5, [0, 0, 0, 0, 0, 0, 0xf8, 0x3f]],
    ['float', -2, [0, 0, 0, 0xc0]],
    ['string', 'zone_1', [0x7a, 0x6f, 0x6e, 0x65, 0x5f, 0x31]],
    ['string', 'é', [0xc3, 0xa9]],
  ])('encodes %s %s little-endian / UTF-8', (type, value, expected) => {
    // Act
    const bytes = toSingleValueBytes(type, value);

    // Assess
    expect([...bytes]).toEqual(expected);
    expect(fromSingleValueBytes(type, bytes)).toEqual(value);
  });

  it.each<[PrimitiveType, Value]>([
    ['binary', 5],
    ['string', 7n],
  ])('refuses a %s bound from %s', (type, value) => {
    // Act / Assess
    expect(() => toSingleValueBytes(type, value)).toThrow(`${type} bound needs a string`);
  });
});

describe('string bound truncation', () => {
  it.each([
    ['short', 'short', 'short'],
    ['abcdefghijklmnopqrstuvwxyz', 'abcdefghijklmnop', 'abcdefghijklmnoq'],
  ])('truncates %s to lower %s and upper %s', (value, lower, upper) => {
    // Act / Assess
    expect(truncateLowerBound(value)).toBe(lower);
    expect(truncateUpperBound(value)).toBe(upper);
  });

  it('carries the increment past the largest code point', () => {
    // Prepare
    const value = `a${String.fromCodePoint(0x10ffff).repeat(16)}`;

    // Act
    const upper = truncateUpperBound(value);

    // Assess
    expect(upper).toBe('b');
  });
});
