import { type LoadedTable, ManifestContent, type ManifestFile } from '../../../../lib/iceberg';
import { emptyTable } from './fixtures';

/** The empty sensor alerts table with the given table properties. */
export function tableWithProperties(properties: Record<string, string>): LoadedTable {
  const table = emptyTable();
  return { ...table, metadata: { ...table.metadata, properties } };
}

/** A manifest-list row for a data manifest that only its path and length tell apart. */
export function manifestFile(path: string, length: bigint): ManifestFile {
  return {
    manifestPath: path,
    manifestLength: length,
    partitionSpecId: 0,
    content: ManifestContent.Data,
    sequenceNumber: 1n,
    minSequenceNumber: 1n,
    addedSnapshotId: 1n,
    addedFilesCount: 1,
    existingFilesCount: 0,
    deletedFilesCount: 0,
    addedRowsCount: 1n,
    existingRowsCount: 0n,
    deletedRowsCount: 0n,
    partitions: [],
  };
}
