import * as zlib from 'node:zlib';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors as portableCompressors } from 'hyparquet-compressors';
import { avscName } from '../avro/avro-names';
import { avroType, decodeBlock } from '../avro/avro-type';
import { readContainer } from '../avro/container';
import { ValidationError } from '../errors';
import type { FileIO } from '../io/file-io';
import type { DataFile } from '../spec/data-file';
import { mappedIds, type NameMapping } from '../spec/name-mapping';
import type { Deadline } from '../util/deadline';

type Decompress = (input: Uint8Array, outputLength: number) => Uint8Array;

/** Node's zlib where it has the codec (zstd from Node 22.15), the portable decoders otherwise. */
function decompressors(): Record<string, Decompress> {
  const out: Record<string, Decompress> = {
    ...(portableCompressors as Record<string, Decompress>),
    GZIP: (input) => new Uint8Array(zlib.gunzipSync(input)),
  };
  const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Uint8Array) => Buffer })
    .zstdDecompressSync;
  if (zstd) out.ZSTD = (input) => new Uint8Array(zstd(input));
  return out;
}

const DECOMPRESSORS = decompressors();

/** Rows of a data or delete file with each column's field id. */
export interface FileRows {
  /** Field id -> key of that column's value in each row object. */
  keyById: Map<number, string>;
  rows: Record<string, unknown>[];
}

export interface ReadFileOptions {
  /** For files written without field ids (imported files): the table's name mapping. */
  nameMapping?: NameMapping;
  /** Only these field ids (a projection), where the format allows skipping columns. */
  fieldIds?: readonly number[];
  deadline?: Deadline;
}

function idsFromNames(
  path: string,
  names: readonly string[],
  mapping: NameMapping | undefined,
): Map<number, string> {
  if (!mapping) {
    throw new ValidationError(
      `${path} has no field ids and the table has no schema.name-mapping.default to resolve its columns by name`,
    );
  }
  const ids = mappedIds(mapping);
  const out = new Map<number, string>();
  for (const name of names) {
    const id = ids.get(name);
    if (id !== undefined && !out.has(id)) out.set(id, name);
  }
  return out;
}

type Element = { name: string; num_children?: number; field_id?: number };

/** The top-level columns of a Parquet schema (the children of nested groups skipped). */
function topLevel(schema: readonly Element[]): Element[] {
  const skip = (i: number): number => {
    let next = i + 1;
    for (let c = 0; c < (schema[i]?.num_children ?? 0); c++) next = skip(next);
    return next;
  };
  const out: Element[] = [];
  let i = 1;
  for (let c = 0; c < (schema[0]?.num_children ?? 0); c++) {
    const element = schema[i];
    if (!element) break;
    out.push(element);
    i = skip(i);
  }
  return out;
}

async function readParquet(io: FileIO, path: string, options: ReadFileOptions): Promise<FileRows> {
  const bytes = await io.read(path, { deadline: options.deadline });
  const file = bytes.buffer.slice(
    bytes.byteOffset,
    bytes.byteOffset + bytes.byteLength,
  ) as ArrayBuffer;
  const metadata = parquetMetadata(file);
  const top = topLevel(metadata.schema);
  const withIds = top.filter((element) => element.field_id !== undefined);
  // As Iceberg Java: ids when the file has any, the table's name mapping when it has none.
  const keyById =
    withIds.length > 0
      ? new Map(withIds.map((element) => [element.field_id!, element.name]))
      : idsFromNames(
          path,
          top.map((element) => element.name),
          options.nameMapping,
        );
  const columns = options.fieldIds
    ?.map((id) => keyById.get(id))
    .filter((name): name is string => name !== undefined);
  const rows = (await parquetReadObjects({
    file,
    metadata,
    ...(columns && columns.length > 0 ? { columns } : {}),
    compressors: DECOMPRESSORS,
    parsers: {
      timestampFromMicroseconds: (micros: bigint) => micros,
      timestampFromMilliseconds: (millis: bigint) => millis * 1000n,
      dateFromDays: (days: number) => days,
    },
  })) as Record<string, unknown>[];
  return { keyById, rows };
}

async function readAvro(io: FileIO, path: string, options: ReadFileOptions): Promise<FileRows> {
  const { schemaJson, blocks } = readContainer(await io.read(path, { deadline: options.deadline }));
  const schema = JSON.parse(schemaJson) as { fields?: { name: string; 'field-id'?: number }[] };
  const fields = schema.fields ?? [];
  const withIds = fields.filter((f) => f['field-id'] !== undefined);
  const keyById =
    withIds.length > 0
      ? new Map(withIds.map((f) => [f['field-id']!, avscName(f.name)]))
      : idsFromNames(
          path,
          fields.map((f) => f.name),
          options.nameMapping,
        );
  const type = avroType(schema);
  const rows = blocks.flatMap((b) => decodeBlock(type, b.data, b.count)) as Record<
    string,
    unknown
  >[];
  return { keyById, rows };
}

/** Reads a Parquet or Avro data or delete file as rows, its columns identified by field id. */
export function readFileRows(
  io: FileIO,
  file: Pick<DataFile, 'filePath' | 'fileFormat'>,
  options: ReadFileOptions = {},
): Promise<FileRows> {
  if (file.fileFormat === 'PARQUET') return readParquet(io, file.filePath, options);
  if (file.fileFormat === 'AVRO') return readAvro(io, file.filePath, options);
  throw new ValidationError(`cannot read ${file.fileFormat} file ${file.filePath}`);
}
