import { crc32 } from 'node:zlib';
import { ValidationError } from '../errors';

const MAGIC = [0xd1, 0xd3, 0x39, 0x64];
const SERIAL_COOKIE_NO_RUNCONTAINER = 12346;
const SERIAL_COOKIE = 12347;
const NO_OFFSET_THRESHOLD = 4;

class Cursor {
  private readonly view: DataView;
  offset = 0;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(n: number) {
    if (this.offset + n > this.bytes.length) throw new ValidationError('truncated deletion vector');
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    return v;
  }
}

/** One 32-bit Roaring bitmap in the portable format (RoaringFormatSpec), its values appended to `out`. */
function readRoaring32(cursor: Cursor, high: number, out: number[]): void {
  const cookie = cursor.u32();
  let size: number;
  let runs: Uint8Array | undefined;
  if ((cookie & 0xffff) === SERIAL_COOKIE) {
    size = (cookie >>> 16) + 1;
    const runBytes = Math.ceil(size / 8);
    cursor.need(runBytes);
    runs = cursor.bytes.subarray(cursor.offset, cursor.offset + runBytes);
    cursor.offset += runBytes;
  } else if (cookie === SERIAL_COOKIE_NO_RUNCONTAINER) {
    size = cursor.u32();
  } else {
    throw new ValidationError(`deletion vector holds no Roaring bitmap (cookie ${cookie})`);
  }
  const keys: number[] = [];
  const cardinalities: number[] = [];
  for (let i = 0; i < size; i++) {
    keys.push(cursor.u16());
    cardinalities.push(cursor.u16() + 1);
  }
  if (!runs || size >= NO_OFFSET_THRESHOLD) cursor.offset += 4 * size; // offsets, not needed
  const base = high * 2 ** 32;
  for (let i = 0; i < size; i++) {
    const prefix = base + keys[i]! * 65536;
    const isRun = runs ? (runs[i >> 3]! >> (i & 7)) & 1 : 0;
    if (isRun) {
      const count = cursor.u16();
      for (let r = 0; r < count; r++) {
        const start = cursor.u16();
        const length = cursor.u16();
        for (let v = start; v <= start + length; v++) out.push(prefix + v);
      }
    } else if (cardinalities[i]! <= 4096) {
      for (let j = 0; j < cardinalities[i]!; j++) out.push(prefix + cursor.u16());
    } else {
      for (let word = 0; word < 1024; word++) {
        let bits = cursor.u64();
        let bit = 0;
        while (bits !== 0n) {
          if (bits & 1n) out.push(prefix + word * 64 + bit);
          bits >>= 1n;
          bit++;
        }
      }
    }
  }
}

/**
 * Decodes a Puffin `deletion-vector-v1` blob into the deleted row positions: a big-endian
 * length, the magic D1 D3 39 64, the 64-bit Roaring bitmap in its portable form (a count, then
 * per 32-bit key a 32-bit Roaring bitmap), and a big-endian CRC-32 of magic and bitmap.
 */
export function decodeDeletionVector(blob: Uint8Array): number[] {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (blob.length < 12) throw new ValidationError('deletion vector blob too short');
  const length = view.getUint32(0, false);
  if (length + 8 !== blob.length) {
    throw new ValidationError(
      `deletion vector length ${length} does not fit its ${blob.length} bytes`,
    );
  }
  if (!MAGIC.every((b, i) => blob[4 + i] === b)) {
    throw new ValidationError('deletion vector has no D1 D3 39 64 magic');
  }
  const body = blob.subarray(4, 4 + length);
  const checksum = view.getUint32(4 + length, false);
  if (crc32(body) >>> 0 !== checksum) throw new ValidationError('deletion vector CRC mismatch');
  const cursor = new Cursor(body.subarray(4));
  const bitmaps = cursor.u64();
  const out: number[] = [];
  for (let i = 0n; i < bitmaps; i++) readRoaring32(cursor, cursor.u32(), out);
  return out;
}
