import { type DataFile, FileContent } from '../spec/data-file';
import { type PartitionSpec, partitionKey } from '../spec/partition-spec';

/** A delete file (or deletion vector) with the data sequence number it was added with. */
export interface DeleteFileEntry {
  file: DataFile;
  sequenceNumber: bigint;
}

/** Field id of `file_path` in position delete files. */
export const DELETE_FILE_PATH_ID = 2147483546;
/** Field id of `pos` in position delete files. */
export const DELETE_POS_ID = 2147483545;

const utf8 = new TextDecoder();

/** The single data file a position delete file (or DV) deletes from, when it names one. */
function referencedFile(file: DataFile): string | undefined {
  if (file.referencedDataFile) return file.referencedDataFile;
  const lower = file.lowerBounds?.get(DELETE_FILE_PATH_ID);
  const upper = file.upperBounds?.get(DELETE_FILE_PATH_ID);
  if (!lower || !upper || lower.length !== upper.length) return undefined;
  const a = utf8.decode(lower);
  // Bounds truncated to a prefix would still be equal; a full path ends in the file's name.
  return a === utf8.decode(upper) && /\.(parquet|avro|orc)$/i.test(a) ? a : undefined;
}

const isDv = (file: DataFile) =>
  file.content === FileContent.PositionDeletes && file.fileFormat === 'PUFFIN';

const partitionOf = (file: DataFile) => `${file.specId}|${partitionKey(file.partition)}`;

/**
 * Which delete files apply to which data file, by the spec's scan planning rules: a deletion
 * vector or position delete file applies to data files of its partition with a data sequence
 * number at most its own (position deletes only where no DV applies); an equality delete file
 * to those with a strictly lower one, in its partition or everywhere when its spec is
 * unpartitioned.
 */
export class DeleteFileIndex {
  private readonly dvs = new Map<string, DeleteFileEntry>();
  private readonly positionByPath = new Map<string, DeleteFileEntry[]>();
  private readonly positionByPartition = new Map<string, DeleteFileEntry[]>();
  private readonly equalityByPartition = new Map<string, DeleteFileEntry[]>();
  private readonly globalEquality: DeleteFileEntry[] = [];
  readonly size: number;

  constructor(entries: readonly DeleteFileEntry[], specs: readonly PartitionSpec[]) {
    const unpartitioned = new Set(
      specs.filter((s) => s.fields.length === 0).map((s) => s['spec-id']),
    );
    const push = (map: Map<string, DeleteFileEntry[]>, key: string, entry: DeleteFileEntry) => {
      const list = map.get(key) ?? [];
      list.push(entry);
      map.set(key, list);
    };
    for (const entry of entries) {
      const { file } = entry;
      if (file.content === FileContent.EqualityDeletes) {
        if (unpartitioned.has(file.specId)) this.globalEquality.push(entry);
        else push(this.equalityByPartition, partitionOf(file), entry);
      } else if (isDv(file)) {
        const path = referencedFile(file);
        if (!path) continue;
        const other = this.dvs.get(path);
        if (!other || other.sequenceNumber < entry.sequenceNumber) this.dvs.set(path, entry);
      } else {
        const path = referencedFile(file);
        if (path) push(this.positionByPath, path, entry);
        else push(this.positionByPartition, partitionOf(file), entry);
      }
    }
    this.size = entries.length;
  }

  /** The delete files a data file added with `sequenceNumber` must be read with. */
  forDataFile(file: DataFile, sequenceNumber: bigint): DataFile[] {
    if (this.size === 0) return [];
    const partition = partitionOf(file);
    const out: DataFile[] = [];
    const dv = this.dvs.get(file.filePath);
    if (dv && dv.sequenceNumber >= sequenceNumber && partitionOf(dv.file) === partition) {
      out.push(dv.file);
    } else {
      const candidates = [
        ...(this.positionByPath.get(file.filePath) ?? []),
        ...(this.positionByPartition.get(partition) ?? []),
      ];
      for (const entry of candidates) {
        if (entry.sequenceNumber >= sequenceNumber && partitionOf(entry.file) === partition) {
          out.push(entry.file);
        }
      }
    }
    for (const entry of [
      ...(this.equalityByPartition.get(partition) ?? []),
      ...this.globalEquality,
    ]) {
      if (entry.sequenceNumber > sequenceNumber) out.push(entry.file);
    }
    return out;
  }
}
