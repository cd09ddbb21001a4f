/** A Buffer over the same memory, no copy: avsc encodes `bytes` fields from Buffers. */
export const toBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** A copy, so the value outlives the decoder's block buffer. */
export const fromBuffer = (buf: Buffer): Uint8Array => new Uint8Array(buf);

/** For optional `bytes` fields (Avro unions with null): absent stays null. */
export const toBufferOrNull = (bytes: Uint8Array | null | undefined): Buffer | null =>
  bytes ? toBuffer(bytes) : null;

export const fromBufferOrNull = (buf: Buffer | null | undefined): Uint8Array | null =>
  buf ? fromBuffer(buf) : null;
