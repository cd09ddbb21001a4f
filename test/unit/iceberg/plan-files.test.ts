import { describe, expect, it } from 'vitest';
import { sensorAlertsIdentifier } from '../../../lib/alerts/table';
import { MemoryFileIO, mergeAppend, planFiles, writeDataFiles } from '../../../lib/iceberg';
import { catalogWithTable } from './support/faulty-catalog';
import { alertRows } from './support/fixtures';

async function appended() {
  const io = new MemoryFileIO();
  const catalog = catalogWithTable();
  const files = await writeDataFiles(io, catalog.table, alertRows(6));
  await mergeAppend(catalog, io, sensorAlertsIdentifier(), files);
  return { io, catalog, files };
}

describe('planFiles', () => {
  it('lists every live data file of the main snapshot', async () => {
    // Prepare
    const { io, catalog, files } = await appended();

    // Act
    const planned = await planFiles(io, catalog.table);

    // Assess
    expect(planned.map((t) => t.file.filePath).sort()).toEqual(files.map((f) => f.filePath).sort());
  });
});
