import * as zlib from 'node:zlib';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { FileIO } from '../io/file-io';
import type { DataFile } from '../spec/data-file';
import type { Row, Schema } from '../spec/schema';

type Decompress = (input: Uint8Array, outputLength: number) => Uint8Array;

/**
 * zlib's codecs where Node has them (zstd from Node 22.15); the pure-JS ones of
 * hyparquet-compressors otherwise, so files other engines write with zstd (PyIceberg's and
 * Spark's default) read on every supported Node.
 */
function decompressors(): Record<string, Decompress> {
  const out: Record<string, Decompress> = {
    ...(compressors as Record<string, Decompress>),
    GZIP: (input) => new Uint8Array(zlib.gunzipSync(input)),
  };
  const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Uint8Array) => Buffer })
    .zstdDecompressSync;
  if (zstd) out.ZSTD = (input) => new Uint8Array(zstd(input));
  return out;
}

/**
 * Reads a data file back as rows of the given schema, matching columns by field id as Iceberg
 * readers do. Timestamps come back as bigint microseconds.
 */
export async function readRows(io: FileIO, dataFile: DataFile, schema: Schema): Promise<Row[]> {
  const bytes = await io.read(dataFile.filePath);
  const file = bytes.buffer.slice(
    bytes.byteOffset,
    bytes.byteOffset + bytes.byteLength,
  ) as ArrayBuffer;
  const metadata = parquetMetadata(file);
  const nameById = new Map<number, string>();
  for (const element of metadata.schema.slice(1)) {
    if (element.field_id !== undefined) nameById.set(element.field_id, element.name);
  }
  const objects = (await parquetReadObjects({
    file,
    metadata,
    compressors: decompressors(),
    parsers: { timestampFromMicroseconds: (micros: bigint) => micros },
  })) as Record<string, unknown>[];
  return objects.map((object) => {
    const row: Row = {};
    for (const field of schema.fields) {
      // Matched by field id only: a name could belong to another column after a rename.
      const name = nameById.get(field.id);
      const value = name === undefined ? undefined : object[name];
      row[field.name] = value === undefined ? null : (value as Row[string]);
    }
    return row;
  });
}
