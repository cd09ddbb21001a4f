export enum ManifestContent {
  Data = 0,
  Deletes = 1,
}

export interface FieldSummary {
  containsNull: boolean;
  containsNan?: boolean | null;
  lowerBound?: Uint8Array | null;
  upperBound?: Uint8Array | null;
}

/** A manifest-list row, describing one manifest. */
export interface ManifestFile {
  manifestPath: string;
  manifestLength: bigint;
  partitionSpecId: number;
  content: ManifestContent;
  sequenceNumber: bigint;
  minSequenceNumber: bigint;
  addedSnapshotId: bigint;
  addedFilesCount: number;
  existingFilesCount: number;
  deletedFilesCount: number;
  addedRowsCount: bigint;
  existingRowsCount: bigint;
  deletedRowsCount: bigint;
  partitions?: FieldSummary[] | null;
  keyMetadata?: Uint8Array | null;
  /** v3 data manifests: row id of the first row its files inherit; null until assigned. */
  firstRowId?: bigint | null;
}
