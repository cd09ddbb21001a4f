import { readManifest } from '../avro/manifest';
import { readManifestList } from '../avro/manifest-list';
import { ValidationError } from '../errors';
import type { FileIO } from '../io/file-io';
import { type DataFile, ManifestEntryStatus } from '../spec/data-file';
import { ManifestContent } from '../spec/manifest-file';
import { type LoadedTable, mainSnapshot } from '../spec/table-metadata';

/**
 * Live data files of the `main` snapshot (full URIs as stored in the manifests). Delete files
 * are not applied, so a snapshot with delete manifests (written by another engine's row-level
 * deletes) is refused rather than read with its deleted rows.
 */
export async function planFiles(io: FileIO, table: LoadedTable): Promise<DataFile[]> {
  const snapshot = mainSnapshot(table.metadata);
  if (!snapshot) return [];
  const { manifests } = readManifestList(await io.read(snapshot['manifest-list']));
  if (manifests.some((m) => m.content === ManifestContent.Deletes)) {
    throw new ValidationError(
      `snapshot ${snapshot['snapshot-id']} has delete files, which this reader does not apply`,
    );
  }
  const dataManifests = manifests.filter((m) => m.content === ManifestContent.Data);
  const perManifest = await Promise.all(
    dataManifests.map(async (m) => {
      const { entries } = readManifest(await io.read(m.manifestPath));
      return entries
        .filter((e) => e.status !== ManifestEntryStatus.Deleted && e.dataFile.content === 0)
        .map((e) => e.dataFile);
    }),
  );
  return perManifest.flat();
}
