import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { Row, Schema } from '../spec/schema';
import { type ParquetCodec, parquetCodec, zstdAvailable } from './codecs';
import { nanCounts, rowsToColumns } from './columns';
import { type ColumnMetrics, metricsFromRowGroups } from './metrics';
import { parquetSchema } from './parquet-schema';

export interface ParquetWriteOptions {
  codec?: ParquetCodec;
  /** Rows per row group; large groups keep footers small and scans sequential. */
  rowGroupSize?: number;
}

export interface EncodedParquet {
  bytes: Uint8Array;
  recordCount: number;
  metrics: ColumnMetrics;
}

// Footer statistics as Iceberg bounds need them: timestamps as micros, dates as day numbers.
const STATISTICS_PARSERS = {
  timestampFromMicroseconds: (micros: bigint) => micros,
  timestampFromMilliseconds: (millis: bigint) => millis * 1000n,
  dateFromDays: (days: number) => days,
};

/**
 * Encodes rows of a flat Iceberg schema as one Parquet file, with field ids and metrics. The
 * metrics come from the written footer, read back through hyparquet's public metadata reader
 * (the writer's own state is no API); NaN counts, which that reader does not decode, are
 * counted from the values.
 */
export function encodeParquet(
  schema: Schema,
  rows: readonly Row[],
  options: ParquetWriteOptions = {},
): EncodedParquet {
  const columns = rowsToColumns(schema, rows);
  const { codec, compressors } = parquetCodec(options.codec ?? defaultCodec());
  const buffer = parquetWriteBuffer({
    schema: parquetSchema(schema),
    columnData: schema.fields.map((field, i) => ({ name: field.name, data: columns[i]! })),
    codec,
    compressors,
    statistics: true,
    rowGroupSize: options.rowGroupSize ?? 1_000_000,
    createdBy: 'sensor-alerts lib/iceberg (hyparquet-writer)',
  });
  const footer = parquetMetadata(buffer, { parsers: STATISTICS_PARSERS });
  const metrics = metricsFromRowGroups(schema, footer.row_groups, nanCounts(schema, columns));
  return { bytes: new Uint8Array(buffer), recordCount: rows.length, metrics };
}

/**
 * zstd where the runtime has it (Node 22.15+, the Lambda runtime); otherwise gzip, which
 * measured both smaller and faster here than the writer's JavaScript snappy.
 */
export function defaultCodec(): ParquetCodec {
  return zstdAvailable() ? 'zstd' : 'gzip';
}
