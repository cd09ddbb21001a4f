import { describe, expect, it } from 'vitest';
import { LocalEngineError } from '../../../functions/query/errors';
import { LocalQueryEngine } from '../../../functions/query/local-engine';
import { MemoryFileIO, mergeAppend, NoSuchTableError, writeDataFiles } from '../../../lib/iceberg';
import { catalogWithTable, IDENT } from '../iceberg/support/faulty-catalog';
import { alertRows, T0 } from '../iceberg/support/fixtures';
import {
  commitDeletes,
  deletionVector,
  equalityDeleteFile,
  positionDeleteFile,
} from '../iceberg/support/row-deletes';

describe('LocalQueryEngine', () => {
  it("names the table and the catalog's reason when the table cannot be loaded", async () => {
    // Prepare
    const catalog = {
      loadTable: async () => {
        throw new NoSuchTableError('no table demo.sensor_alerts');
      },
    };
    const engine = new LocalQueryEngine({
      catalog,
      io: new MemoryFileIO(),
      ident: { namespace: ['demo'], name: 'sensor_alerts' },
    });

    // Act
    const failure = engine.run(`SELECT COUNT(*) FROM ${engine.tableRef}`);

    // Assess
    await expect(failure).rejects.toBeInstanceOf(LocalEngineError);
    await expect(failure).rejects.toThrow(
      'Cannot load table demo.sensor_alerts: no table demo.sensor_alerts',
    );
    await engine.close();
  });
});

describe('LocalQueryEngine over a table with deletes', () => {
  it('leaves out rows deleted by position deletes, equality deletes and a deletion vector', async () => {
    // Prepare
    const io = new MemoryFileIO();
    const catalog = catalogWithTable({ formatVersion: 3 });
    const files = [];
    for (let day = 0; day < 3; day++) {
      const rows = alertRows(5, day * 10).map((r, i) => ({
        ...r,
        reading_timestamp: T0 + BigInt(day) * 86_400_000_000n + BigInt(i),
        source_partition: 0,
      }));
      const written = await writeDataFiles(io, catalog.table, rows);
      files.push(...written);
      await mergeAppend(catalog, io, IDENT, written);
    }
    await commitDeletes(catalog, io, [
      await positionDeleteFile(io, files[0]!, [1]),
      await equalityDeleteFile(io, files[1]!, [[0, 13n]]),
      await deletionVector(io, files[2]!, [0, 4]),
    ]);
    const engine = new LocalQueryEngine({ catalog, io, ident: IDENT });

    // Act
    const rows = await engine.run(`SELECT source_offset FROM ${engine.tableRef} ORDER BY 1`);
    await engine.close();

    // Assess
    expect(rows.map((r) => r.source_offset)).toEqual([0, 2, 3, 4, 10, 11, 12, 14, 21, 22, 23]);
  });
});
