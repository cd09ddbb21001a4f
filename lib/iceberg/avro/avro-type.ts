import avro from 'avsc';
import { ValidationError } from '../errors';
import { avscSchema } from './avro-names';

/** avsc's long type with bigint values, so 63-bit snapshot ids stay exact. */
const BigIntLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (value: unknown) => BigInt(value as string | number),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

/**
 * An avsc type that encodes and decodes records, longs as bigint and bytes as Buffer. Record
 * fields are keyed by `avscName` of their schema names (the same names where they are ASCII).
 */
export function avroType(schema: object): avro.Type {
  return avro.Type.forSchema(avscSchema(schema) as avro.Schema, {
    // avsc records named types in the registry, so each schema gets a fresh one.
    registry: { long: BigIntLong },
    wrapUnions: false,
  });
}

export function encodeRecords(type: avro.Type, records: unknown[]): Uint8Array[] {
  return records.map((r) => new Uint8Array(type.toBuffer(r)));
}

export function decodeBlock(type: avro.Type, data: Uint8Array, count: number): unknown[] {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out: unknown[] = [];
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const { value, offset } = type.decode(buf, pos);
    if (offset < 0) throw new ValidationError('truncated Avro block');
    out.push(value);
    pos = offset;
  }
  return out;
}
