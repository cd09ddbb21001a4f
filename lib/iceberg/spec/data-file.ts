import type { PartitionValues } from './partition-spec';

export type DataFileContent = 0 | 1 | 2; // data, position deletes, equality deletes
export type FileFormat = 'PARQUET' | 'AVRO' | 'ORC' | 'PUFFIN';

/** Content of a file in a manifest, named as the spec names them. */
export const FileContent = { Data: 0, PositionDeletes: 1, EqualityDeletes: 2 } as const;

/** A data or delete file as a manifest describes it; metric maps are keyed by field id. */
export interface DataFile {
  content: DataFileContent;
  filePath: string;
  fileFormat: FileFormat;
  /** Partition tuple in the order of the spec's fields. */
  partition: PartitionValues;
  specId: number;
  recordCount: bigint;
  fileSizeInBytes: bigint;
  columnSizes?: Map<number, bigint>;
  valueCounts?: Map<number, bigint>;
  nullValueCounts?: Map<number, bigint>;
  nanValueCounts?: Map<number, bigint>;
  lowerBounds?: Map<number, Uint8Array>;
  upperBounds?: Map<number, Uint8Array>;
  splitOffsets?: bigint[];
  /** Equality delete files: the field ids a row must match on. */
  equalityIds?: number[];
  sortOrderId?: number;
  /** v3: row id of the file's first row; null until inherited from the manifest. */
  firstRowId?: bigint | null;
  /** Position deletes and deletion vectors: the one data file they delete from. */
  referencedDataFile?: string;
  /** Deletion vectors: where the blob sits in its Puffin file. */
  contentOffset?: bigint;
  contentSizeInBytes?: bigint;
}

export enum ManifestEntryStatus {
  Existing = 0,
  Added = 1,
  Deleted = 2,
}

/**
 * A manifest row. Null sequence numbers on ADDED entries are inherited from the manifest
 * list at read time, which is what lets one manifest be reused by a retried commit.
 */
export interface ManifestEntry {
  status: ManifestEntryStatus;
  snapshotId: bigint | null;
  sequenceNumber: bigint | null;
  fileSequenceNumber: bigint | null;
  dataFile: DataFile;
}
