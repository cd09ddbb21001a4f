import { parquetMetadata } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { SENSOR_ALERTS_SCHEMA } from '../../../lib/alerts/table';
import {
  encodeParquet,
  fromSingleValueBytes,
  MemoryFileIO,
  type ParquetCodec,
  readRows,
  writeDataFiles,
} from '../../../lib/iceberg';
import { alertRows, emptyTable, LOCATION, taskOf } from './support/fixtures';

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

const sortedBig = (values: bigint[]) => [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

describe('Parquet data files', () => {
  it('writes field ids and UTC-adjusted microsecond timestamps into the schema', () => {
    // Act
    const { bytes } = encodeParquet(SENSOR_ALERTS_SCHEMA, alertRows(10));
    const schema = parquetMetadata(toArrayBuffer(bytes)).schema;

    // Assess
    expect(schema.slice(1).map((e) => [e.name, e.field_id, e.repetition_type])).toEqual(
      SENSOR_ALERTS_SCHEMA.fields.map((f) => [f.name, f.id, f.required ? 'REQUIRED' : 'OPTIONAL']),
    );
    expect(schema.find((e) => e.name === 'reading_timestamp')).toMatchObject({
      type: 'INT64',
      logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
    });
  });

  it.each([2 ** 31, -(2 ** 31) - 1, 1.5])('refuses %s in a required int column', (value) => {
    // Prepare
    const rows = alertRows(3);
    rows[1] = { ...rows[1]!, source_partition: value };

    // Act / Assess
    expect(() => encodeParquet(SENSOR_ALERTS_SCHEMA, rows)).toThrow(
      `field source_partition (int) needs a 32-bit integer, got ${value}`,
    );
  });

  it.each<ParquetCodec>(['snappy', 'gzip', 'uncompressed'])(
    'round-trips rows with %s',
    async (codec) => {
      // Prepare
      const io = new MemoryFileIO();
      const rows = alertRows(50);

      // Act
      const files = await writeDataFiles(io, emptyTable(), rows, { codec });
      const read = (
        await Promise.all(files.map((f) => readRows(io, taskOf(f), SENSOR_ALERTS_SCHEMA)))
      ).flat();

      // Assess
      const key = (r: (typeof rows)[number]) => String(r.source_offset);
      expect(read.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
        [...rows].sort((a, b) => key(a).localeCompare(key(b))),
      );
    },
  );

  it('writes one file per day under the partition path', async () => {
    // Prepare
    const io = new MemoryFileIO();

    // Act
    const files = await writeDataFiles(io, emptyTable(), alertRows(20), { fileNamePrefix: 'b1' });

    // Assess
    expect(files.map((f) => f.partition[0]).sort()).toEqual([20783, 20784]);
    for (const file of files) {
      expect(file.filePath).toMatch(
        new RegExp(
          `^${LOCATION}/data/reading_timestamp_day=2026-11-2[67]/b1-[0-9a-f-]+\\.parquet$`,
        ),
      );
      expect(file.recordCount).toBe(10n);
      expect(file.fileSizeInBytes).toBe(BigInt(io.files.get(file.filePath)!.length));
    }
  });

  it('derives column metrics from the writer statistics', async () => {
    // Prepare
    const io = new MemoryFileIO();
    const rows = alertRows(40);
    const day = rows.filter((_, i) => i % 2 === 0);

    // Act
    const [file] = await writeDataFiles(io, emptyTable(), day);
    const lower = (id: number, type: Parameters<typeof fromSingleValueBytes>[0]) =>
      fromSingleValueBytes(type, file!.lowerBounds!.get(id)!);
    const upper = (id: number, type: Parameters<typeof fromSingleValueBytes>[0]) =>
      fromSingleValueBytes(type, file!.upperBounds!.get(id)!);

    // Assess
    const temps = day.map((r) => r.temperature as number);
    const readings = day.map((r) => r.reading_timestamp as bigint);
    const offsets = day.map((r) => r.source_offset as bigint);
    expect(file!.valueCounts!.get(6)).toBe(20n);
    expect(file!.nullValueCounts!.get(6)).toBe(
      BigInt(day.filter((r) => r.location === null).length),
    );
    expect(file!.nullValueCounts!.get(1)).toBe(0n);
    expect(file!.nanValueCounts!.get(2)).toBe(0n);
    expect(lower(2, 'double')).toBe(Math.min(...temps));
    expect(upper(2, 'double')).toBe(Math.max(...temps));
    expect(lower(4, 'timestamptz')).toBe(sortedBig(readings)[0]);
    expect(upper(4, 'timestamptz')).toBe(sortedBig(readings).at(-1));
    expect(lower(8, 'long')).toBe(sortedBig(offsets)[0]);
    expect(lower(1, 'string')).toBe('sensor_0');
    expect(upper(1, 'string')).toBe('sensor_8');
    expect([...file!.columnSizes!.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...file!.columnSizes!.values()].every((size) => size > 0n)).toBe(true);
  });
});
