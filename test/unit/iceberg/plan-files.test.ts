import { describe, expect, it } from 'vitest';
import { sensorAlertsIdentifier } from '../../../lib/alerts/table';
import {
  fastAppend,
  ManifestContent,
  MemoryFileIO,
  mainSnapshot,
  planFiles,
  readManifestList,
  ValidationError,
  writeDataFiles,
  writeManifestList,
} from '../../../lib/iceberg';
import { FakeCatalog } from './support/fake-catalog';
import { alertRows, emptyTable } from './support/fixtures';

async function appended() {
  const io = new MemoryFileIO();
  const catalog = new FakeCatalog(emptyTable());
  const files = await writeDataFiles(io, catalog.table, alertRows(6));
  await fastAppend(catalog, io, sensorAlertsIdentifier(), files);
  return { io, catalog, files };
}

describe('planFiles', () => {
  it('lists every live data file of the main snapshot', async () => {
    // Prepare
    const { io, catalog, files } = await appended();

    // Act
    const planned = await planFiles(io, catalog.table);

    // Assess
    expect(planned.map((f) => f.filePath).sort()).toEqual(files.map((f) => f.filePath).sort());
  });

  it('refuses a snapshot with delete manifests instead of returning deleted rows', async () => {
    // Prepare: turn the snapshot's manifest into a delete manifest, as a row-level delete would add.
    const { io, catalog } = await appended();
    const snapshot = mainSnapshot(catalog.table.metadata)!;
    const list = readManifestList(await io.read(snapshot['manifest-list']));
    await io.write(
      snapshot['manifest-list'],
      writeManifestList(
        list.manifests.map((m) => ({ ...m, content: ManifestContent.Deletes })),
        {
          snapshotId: snapshot['snapshot-id'],
          parentSnapshotId: undefined,
          sequenceNumber: snapshot['sequence-number'],
        },
      ),
    );

    // Act / Assess
    await expect(planFiles(io, catalog.table)).rejects.toThrow(ValidationError);
    await expect(planFiles(io, catalog.table)).rejects.toThrow(/delete files/);
  });
});
