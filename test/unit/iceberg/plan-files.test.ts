import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { SENSOR_ALERTS_SCHEMA } from '../../../lib/alerts/table';
import {
  and,
  between,
  type DataFile,
  equal,
  greaterThanOrEqual,
  lessThan,
  MemoryFileIO,
  mergeAppend,
  planFiles,
  planScan,
  type Row,
  readRows,
  scanRows,
  ValidationError,
  writeDataFiles,
} from '../../../lib/iceberg';
import { catalogWithTable, IDENT } from './support/faulty-catalog';
import { alertRows, T0 } from './support/fixtures';
import {
  commitDeletes,
  deletionVector,
  equalityDeleteFile,
  positionDeleteFile,
} from './support/row-deletes';

const DAY = 86_400_000_000n;

/** Three appends, one per day, each of rows with offsets from `day * 100`. */
async function threeDays(formatVersion = 2) {
  const io = new MemoryFileIO();
  const catalog = catalogWithTable({ formatVersion });
  const files: DataFile[] = [];
  for (let day = 0; day < 3; day++) {
    const rows = alertRows(10, day * 100).map((r, i) => ({
      ...r,
      reading_timestamp: T0 + BigInt(day) * DAY + BigInt(i),
      source_partition: 0,
    }));
    const written = await writeDataFiles(io, catalog.table, rows);
    files.push(...written);
    await mergeAppend(catalog, io, IDENT, written);
  }
  return { io, catalog, files };
}

const offsets = (rows: Row[]) => rows.map((r) => Number(r.source_offset)).sort((a, b) => a - b);

describe('planScan pruning', () => {
  it('opens one day of three for a one-day filter, on the partition summaries and tuples', async () => {
    // Prepare
    const { io, catalog } = await threeDays();
    const day = T0 + DAY;

    // Act
    const plan = await planScan(io, catalog.table, {
      filter: and(
        greaterThanOrEqual('reading_timestamp', day - (day % DAY)),
        lessThan('reading_timestamp', day - (day % DAY) + DAY),
      ),
    });

    // Assess
    expect(plan.tasks).toHaveLength(1);
    expect(plan.metrics).toMatchObject({ manifests: 3, manifestsSkipped: 2 });
    expect(offsets(await readRows(io, plan.tasks[0]!, SENSOR_ALERTS_SCHEMA))).toEqual(
      Array.from({ length: 10 }, (_, i) => 100 + i),
    );
  });

  it('finds the files that may hold a source offset range by column metrics', async () => {
    // Prepare
    const { io, catalog } = await threeDays();

    // Act
    const plan = await planScan(io, catalog.table, {
      filter: and(equal('source_partition', 0), between('source_offset', 205, 209)),
    });
    const none = await planFiles(io, catalog.table, { filter: equal('source_partition', 5) });

    // Assess
    expect(plan.tasks).toHaveLength(1);
    expect(plan.metrics).toMatchObject({ dataFiles: 3, dataFilesSkipped: 2 });
    expect(none).toHaveLength(0);
    expect(
      offsets(await scanRows(io, catalog.table, { filter: between('source_offset', 205, 209) })),
    ).toEqual([205, 206, 207, 208, 209]);
  });

  it('refuses a filter on a column the table lacks', async () => {
    // Prepare
    const { io, catalog } = await threeDays();

    // Act / Assess
    await expect(planScan(io, catalog.table, { filter: equal('nope', 1) })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});

describe('reads with deletes', () => {
  it('applies position deletes, equality deletes and the sequence-number rules', async () => {
    // Prepare
    const { io, catalog, files } = await threeDays();
    const [first, second] = files;
    const pos = await positionDeleteFile(io, first!, [0, 3]);
    const eq = await equalityDeleteFile(io, second!, [
      [0, 101n],
      [0, 102n],
      [1, 104n],
    ]);
    await commitDeletes(catalog, io, [pos, eq]);
    // rows appended after the equality delete are not deleted by it
    const later = alertRows(1, 101).map((r) => ({
      ...r,
      reading_timestamp: T0 + DAY,
      source_partition: 0,
    }));
    await mergeAppend(catalog, io, IDENT, await writeDataFiles(io, catalog.table, later));

    // Act
    const plan = await planScan(io, catalog.table);
    const rows = await scanRows(io, catalog.table);

    // Assess
    expect(plan.metrics.deleteFiles).toBe(2);
    expect(plan.tasks.filter((t) => t.deletes.length > 0)).toHaveLength(2);
    const expected = [
      ...[1, 2, 4, 5, 6, 7, 8, 9],
      ...[100, 101, 103, 104, 105, 106, 107, 108, 109],
      ...Array.from({ length: 10 }, (_, i) => 200 + i),
    ].sort((a, b) => a - b);
    expect(offsets(rows)).toEqual(expected);
  });

  it('applies a deletion vector on a v3 table', async () => {
    // Prepare
    const { io, catalog, files } = await threeDays(3);
    const dv = await deletionVector(io, files[2]!, [1, 2, 9]);
    await commitDeletes(catalog, io, [dv]);

    // Act
    const rows = await scanRows(io, catalog.table);

    // Assess
    expect(rows).toHaveLength(27);
    expect(offsets(rows).filter((o) => o >= 200)).toEqual([200, 203, 204, 205, 206, 207, 208]);
  });
});

describe('data files without field ids', () => {
  async function importedFile() {
    const io = new MemoryFileIO();
    const catalog = catalogWithTable();
    const rows = alertRows(4);
    const bytes = new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: 'sensor_id', data: rows.map((r) => r.sensor_id), type: 'STRING' },
          { name: 'source_offset', data: rows.map((r) => r.source_offset), type: 'INT64' },
        ],
      }),
    );
    const path = 's3://warehouse/demo/sensor_alerts/data/imported.parquet';
    await io.write(path, bytes);
    const file: DataFile = {
      content: 0,
      filePath: path,
      fileFormat: 'PARQUET',
      partition: [20783],
      specId: 0,
      recordCount: 4n,
      fileSizeInBytes: BigInt(bytes.length),
    };
    await mergeAppend(catalog, io, IDENT, [file]);
    return { io, catalog };
  }

  it('are refused with a clear error when the table has no name mapping', async () => {
    // Prepare
    const { io, catalog } = await importedFile();

    // Act / Assess
    await expect(scanRows(io, catalog.table)).rejects.toThrow(
      /imported.parquet has no field ids and the table has no schema.name-mapping.default/,
    );
  });

  it('are read through schema.name-mapping.default', async () => {
    // Prepare
    const { io, catalog } = await importedFile();
    await catalog.apply({
      requirements: [],
      updates: [
        {
          action: 'set-properties',
          updates: {
            'schema.name-mapping.default': JSON.stringify([
              { 'field-id': 1, names: ['sensor_id', 'sensor'] },
              { 'field-id': 8, names: ['source_offset'] },
            ]),
          },
        },
      ],
    });

    // Act
    const rows = await scanRows(io, catalog.table);

    // Assess
    expect(rows.map((r) => [r.sensor_id, r.source_offset, r.temperature])).toEqual(
      alertRows(4).map((r) => [r.sensor_id, r.source_offset, null]),
    );
  });
});
