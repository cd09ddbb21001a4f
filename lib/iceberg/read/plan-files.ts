import { readManifest } from '../avro/manifest';
import { readManifestList } from '../avro/manifest-list';
import type { FileIO } from '../io/file-io';
import { type DataFile, ManifestEntryStatus } from '../spec/data-file';
import { ManifestContent } from '../spec/manifest-file';
import { type LoadedTable, mainSnapshot } from '../spec/table-metadata';

/** Live data files of the `main` snapshot (full URIs as stored in the manifests). */
export async function planFiles(io: FileIO, table: LoadedTable): Promise<DataFile[]> {
  const snapshot = mainSnapshot(table.metadata);
  if (!snapshot) return [];
  const { manifests } = readManifestList(await io.read(snapshot['manifest-list']));
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
