import { randomUUID } from 'node:crypto';
import type { FileIO } from '../io/file-io';
import { joinLocation } from '../io/location';
import { encodeParquet, type ParquetWriteOptions } from '../parquet/write-parquet';
import type { DataFile } from '../spec/data-file';
import {
  bindPartitionSpec,
  type PartitionValues,
  partitionKey,
  partitionPath,
  partitionValues,
} from '../spec/partition-spec';
import type { Row } from '../spec/schema';
import { currentSchema, defaultSpec, type LoadedTable } from '../spec/table-metadata';
import { assertWritable } from '../spec/table-support';
import type { Deadline } from '../util/deadline';

export interface WriteDataFilesOptions extends ParquetWriteOptions {
  /** Start of each file name, e.g. a writer or batch id, to make files traceable. */
  fileNamePrefix?: string;
  /** Uploads are cut off at the deadline, and none starts too close to it. */
  deadline?: Deadline;
}

/**
 * Writes rows as Parquet data files under the table location, one file per partition tuple
 * of the table's default spec, and returns their manifest descriptions. A table this package
 * cannot write correctly is refused before anything is encoded (see assertWritable).
 */
export async function writeDataFiles(
  io: FileIO,
  table: LoadedTable,
  rows: readonly Row[],
  opts: WriteDataFilesOptions = {},
): Promise<DataFile[]> {
  const { metadata } = table;
  assertWritable(metadata);
  const schema = currentSchema(metadata);
  const spec = defaultSpec(metadata);
  const bound = bindPartitionSpec(spec, schema);
  const groups = new Map<string, { values: PartitionValues; rows: Row[] }>();
  for (const row of rows) {
    const values = partitionValues(bound, row);
    const key = partitionKey(values);
    let group = groups.get(key);
    if (!group) {
      group = { values, rows: [] };
      groups.set(key, group);
    }
    group.rows.push(row);
  }
  const prefix = opts.fileNamePrefix ?? 'data';
  const dataDir =
    metadata.properties?.['write.data.path'] ?? joinLocation(metadata.location, 'data');
  return Promise.all(
    [...groups.values()].map(async (group) => {
      const encoded = encodeParquet(schema, group.rows, opts);
      const dir =
        bound.length > 0 ? joinLocation(dataDir, partitionPath(bound, group.values)) : dataDir;
      const filePath = joinLocation(dir, `${prefix}-${randomUUID()}.parquet`);
      await io.write(filePath, encoded.bytes, { deadline: opts.deadline });
      const m = encoded.metrics;
      return {
        content: 0,
        filePath,
        fileFormat: 'PARQUET',
        partition: group.values,
        specId: spec['spec-id'],
        recordCount: BigInt(encoded.recordCount),
        fileSizeInBytes: BigInt(encoded.bytes.length),
        columnSizes: m.columnSizes,
        valueCounts: m.valueCounts,
        nullValueCounts: m.nullValueCounts,
        nanValueCounts: m.nanValueCounts,
        lowerBounds: m.lowerBounds,
        upperBounds: m.upperBounds,
        splitOffsets: m.splitOffsets,
      } satisfies DataFile;
    }),
  );
}
