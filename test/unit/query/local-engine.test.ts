import { describe, expect, it } from 'vitest';
import { LocalEngineError } from '../../../functions/query/errors';
import { LocalQueryEngine } from '../../../functions/query/local-engine';
import { MemoryFileIO, NoSuchTableError } from '../../../lib/iceberg';

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
