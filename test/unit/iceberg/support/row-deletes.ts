import { crc32 } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import {
  bindPartitionSpec,
  type DataFile,
  FileContent,
  type FileIO,
  type LoadedTable,
  ManifestContent,
  ManifestEntryStatus,
  mainSnapshot,
  readManifestList,
  writeManifest,
  writeManifestList,
} from '../../../../lib/iceberg';
import type { FaultyCatalog } from './faulty-catalog';

const enc = new TextEncoder();

/** A position delete file (Parquet, the spec's field ids) deleting `positions` of `dataFile`. */
export async function positionDeleteFile(
  io: FileIO,
  dataFile: DataFile,
  positions: number[],
  path = `${dataFile.filePath}.pos-deletes.parquet`,
): Promise<DataFile> {
  const bytes = new Uint8Array(
    parquetWriteBuffer({
      schema: [
        { name: 'root', num_children: 2 },
        {
          name: 'file_path',
          type: 'BYTE_ARRAY',
          converted_type: 'UTF8',
          repetition_type: 'REQUIRED',
          field_id: 2147483546,
        },
        { name: 'pos', type: 'INT64', repetition_type: 'REQUIRED', field_id: 2147483545 },
      ],
      columnData: [
        { name: 'file_path', data: positions.map(() => dataFile.filePath) },
        { name: 'pos', data: positions.map((p) => BigInt(p)) },
      ],
    }),
  );
  await io.write(path, bytes);
  return {
    ...deleteBase(dataFile, path, bytes.length, positions.length),
    content: FileContent.PositionDeletes,
    lowerBounds: new Map([[2147483546, enc.encode(dataFile.filePath)]]),
    upperBounds: new Map([[2147483546, enc.encode(dataFile.filePath)]]),
  };
}

/** An equality delete file on (source_partition, source_offset) in `dataFile`'s partition. */
export async function equalityDeleteFile(
  io: FileIO,
  dataFile: DataFile,
  keys: [number, bigint][],
  path = `${dataFile.filePath}.eq-deletes.parquet`,
): Promise<DataFile> {
  const bytes = new Uint8Array(
    parquetWriteBuffer({
      schema: [
        { name: 'root', num_children: 2 },
        { name: 'source_partition', type: 'INT32', repetition_type: 'REQUIRED', field_id: 7 },
        { name: 'source_offset', type: 'INT64', repetition_type: 'REQUIRED', field_id: 8 },
      ],
      columnData: [
        { name: 'source_partition', data: keys.map(([p]) => p) },
        { name: 'source_offset', data: keys.map(([, o]) => o) },
      ],
    }),
  );
  await io.write(path, bytes);
  return {
    ...deleteBase(dataFile, path, bytes.length, keys.length),
    content: FileContent.EqualityDeletes,
    equalityIds: [7, 8],
  };
}

/** A 32-bit Roaring bitmap (array containers, the no-run cookie) of `values` below 2^32. */
function roaring32(values: number[]): Buffer {
  const byKey = new Map<number, number[]>();
  for (const v of [...values].sort((a, b) => a - b)) {
    const list = byKey.get(v >>> 16) ?? [];
    list.push(v & 0xffff);
    byKey.set(v >>> 16, list);
  }
  const keys = [...byKey.keys()];
  const header = Buffer.alloc(8 + keys.length * 8);
  header.writeUInt32LE(12346, 0);
  header.writeUInt32LE(keys.length, 4);
  let offset = header.length;
  keys.forEach((key, i) => {
    header.writeUInt16LE(key, 8 + i * 4);
    header.writeUInt16LE(byKey.get(key)!.length - 1, 10 + i * 4);
  });
  const containers = keys.map((key, i) => {
    header.writeUInt32LE(offset, 8 + keys.length * 4 + i * 4);
    const list = byKey.get(key)!;
    const c = Buffer.alloc(list.length * 2);
    list.forEach((v, j) => {
      c.writeUInt16LE(v, j * 2);
    });
    offset += c.length;
    return c;
  });
  return Buffer.concat([header, ...containers]);
}

/** A Puffin file holding one deletion vector for `dataFile`, and its manifest entry. */
export async function deletionVector(
  io: FileIO,
  dataFile: DataFile,
  positions: number[],
  path = `${dataFile.filePath}.dv.puffin`,
): Promise<DataFile> {
  const count = Buffer.alloc(8);
  count.writeBigUInt64LE(1n);
  const key = Buffer.alloc(4);
  const vector = Buffer.concat([count, key, roaring32(positions)]);
  const body = Buffer.concat([Buffer.from([0xd1, 0xd3, 0x39, 0x64]), vector]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  const blob = Buffer.concat([length, body, crc]);
  const magic = Buffer.from('PFA1');
  const file = Buffer.concat([magic, blob, magic]);
  await io.write(path, new Uint8Array(file));
  return {
    ...deleteBase(dataFile, path, file.length, positions.length),
    content: FileContent.PositionDeletes,
    fileFormat: 'PUFFIN',
    referencedDataFile: dataFile.filePath,
    contentOffset: 4n,
    contentSizeInBytes: BigInt(blob.length),
  };
}

function deleteBase(dataFile: DataFile, path: string, size: number, records: number): DataFile {
  return {
    content: FileContent.PositionDeletes,
    filePath: path,
    fileFormat: 'PARQUET',
    partition: dataFile.partition,
    specId: dataFile.specId,
    recordCount: BigInt(records),
    fileSizeInBytes: BigInt(size),
  };
}

/** Commits a `delete` snapshot adding one delete manifest with `deletes`, as a row-level delete does. */
export async function commitDeletes(
  catalog: FaultyCatalog,
  io: FileIO,
  deletes: DataFile[],
  snapshotId = 4242n,
): Promise<LoadedTable> {
  const { metadata } = catalog.table;
  const version = Number(metadata['format-version']) as 2 | 3;
  const parent = mainSnapshot(metadata)!;
  const sequenceNumber = metadata['last-sequence-number'] + 1n;
  const schema = metadata.schemas[0]!;
  const spec = metadata['partition-specs'][0]!;
  const manifestPath = `${metadata.location}/metadata/deletes-${snapshotId}.avro`;
  const manifestBytes = writeManifest(
    deletes.map((dataFile) => ({
      status: ManifestEntryStatus.Added,
      snapshotId,
      sequenceNumber: null,
      fileSequenceNumber: null,
      dataFile,
    })),
    {
      schema,
      spec,
      partition: bindPartitionSpec(spec, schema),
      formatVersion: version,
      content: 'deletes',
    },
  );
  await io.write(manifestPath, manifestBytes);
  const parentManifests = readManifestList(await io.read(parent['manifest-list'])).manifests;
  const listPath = `${metadata.location}/metadata/snap-${snapshotId}.avro`;
  await io.write(
    listPath,
    writeManifestList(
      [
        ...parentManifests,
        {
          manifestPath,
          manifestLength: BigInt(manifestBytes.length),
          partitionSpecId: spec['spec-id'],
          content: ManifestContent.Deletes,
          sequenceNumber,
          minSequenceNumber: sequenceNumber,
          addedSnapshotId: snapshotId,
          addedFilesCount: deletes.length,
          existingFilesCount: 0,
          deletedFilesCount: 0,
          addedRowsCount: deletes.reduce((s, d) => s + d.recordCount, 0n),
          existingRowsCount: 0n,
          deletedRowsCount: 0n,
          partitions: [],
        },
      ],
      {
        snapshotId,
        parentSnapshotId: parent['snapshot-id'],
        sequenceNumber,
        formatVersion: version,
        ...(version >= 3 ? { firstRowId: metadata['next-row-id'] ?? 0n } : {}),
      },
    ),
  );
  return catalog.apply({
    requirements: [],
    updates: [
      {
        action: 'add-snapshot',
        snapshot: {
          'snapshot-id': snapshotId,
          'parent-snapshot-id': parent['snapshot-id'],
          'sequence-number': sequenceNumber,
          'timestamp-ms': Date.now(),
          'manifest-list': listPath,
          summary: { operation: 'delete' },
          ...(version >= 3
            ? { 'first-row-id': metadata['next-row-id'] ?? 0n, 'added-rows': 0n }
            : {}),
        },
      },
      { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': snapshotId },
    ],
  });
}
