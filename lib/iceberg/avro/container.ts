import { randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { ValidationError } from '../errors';

const MAGIC = Uint8Array.of(0x4f, 0x62, 0x6a, 0x01); // "Obj" 1
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

export type AvroCodec = 'null' | 'deflate';

/** Zig-zag varint of an Avro long. */
export function encodeLong(value: bigint | number): Uint8Array {
  let n = BigInt(value);
  n = n >= 0n ? n << 1n : (-n << 1n) - 1n;
  const out: number[] = [];
  while (n > 0x7fn) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
  return Uint8Array.from(out);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const size = parts.reduce((sum, p) => sum + p.length, 0);
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function encodeString(value: string): Uint8Array[] {
  const bytes = utf8.encode(value);
  return [encodeLong(bytes.length), bytes];
}

export interface ContainerInput {
  /** Avro schema JSON written verbatim, so attributes such as `field-id` survive. */
  schemaJson: string;
  /** Extra header metadata (the Iceberg keys); `avro.schema` and `avro.codec` are added. */
  metadata: Record<string, string>;
  /** Records already encoded with the schema's binary encoding. */
  records: Uint8Array[];
  codec?: AvroCodec;
}

/**
 * Writes an Avro object container file. The header is written here rather than by avsc
 * because avsc re-serializes the schema and would drop the `field-id` attributes readers need.
 */
export function writeContainer({
  schemaJson,
  metadata,
  records,
  codec = 'deflate',
}: ContainerInput): Uint8Array {
  const sync = new Uint8Array(randomBytes(16));
  const entries = Object.entries({ ...metadata, 'avro.schema': schemaJson, 'avro.codec': codec });
  const header: Uint8Array[] = [MAGIC, encodeLong(entries.length)];
  for (const [key, value] of entries) header.push(...encodeString(key), ...encodeString(value));
  header.push(encodeLong(0), sync);
  const parts = header;
  if (records.length > 0) {
    const raw = concat(records);
    const data = codec === 'deflate' ? new Uint8Array(deflateRawSync(raw)) : raw;
    parts.push(encodeLong(records.length), encodeLong(data.length), data, sync);
  }
  return concat(parts);
}

class Reader {
  offset = 0;
  constructor(readonly bytes: Uint8Array) {}

  long(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.offset >= this.bytes.length) throw new ValidationError('truncated Avro file');
      const b = this.bytes[this.offset++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7n;
    }
    return (result >> 1n) ^ -(result & 1n);
  }

  take(n: number): Uint8Array {
    if (this.offset + n > this.bytes.length) throw new ValidationError('truncated Avro file');
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  string(): string {
    return utf8Decoder.decode(this.take(Number(this.long())));
  }
}

export interface ContainerContents {
  metadata: Record<string, string>;
  schemaJson: string;
  /** Decompressed data blocks with their record counts. */
  blocks: { count: number; data: Uint8Array }[];
}

export function readContainer(bytes: Uint8Array): ContainerContents {
  const reader = new Reader(bytes);
  const magic = reader.take(4);
  if (!MAGIC.every((b, i) => magic[i] === b)) throw new ValidationError('not an Avro container');
  const metadata: Record<string, string> = {};
  for (let count = reader.long(); count !== 0n; count = reader.long()) {
    // A negative count is followed by the block's byte size, which is not needed here.
    if (count < 0n) {
      reader.long();
      count = -count;
    }
    for (let i = 0n; i < count; i++) metadata[reader.string()] = reader.string();
  }
  const sync = reader.take(16);
  const codec = metadata['avro.codec'] ?? 'null';
  if (codec !== 'null' && codec !== 'deflate') {
    throw new ValidationError(`unsupported Avro codec ${codec}`);
  }
  const blocks: ContainerContents['blocks'] = [];
  while (reader.offset < bytes.length) {
    const count = Number(reader.long());
    const size = Number(reader.long());
    const raw = reader.take(size);
    const data = codec === 'deflate' ? new Uint8Array(inflateRawSync(raw)) : raw;
    blocks.push({ count, data });
    const marker = reader.take(16);
    if (!sync.every((b, i) => marker[i] === b))
      throw new ValidationError('Avro sync marker mismatch');
  }
  const schemaJson = metadata['avro.schema'];
  if (!schemaJson) throw new ValidationError('Avro container has no schema');
  return { metadata, schemaJson, blocks };
}
