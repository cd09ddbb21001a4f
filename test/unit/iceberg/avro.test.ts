import { describe, expect, it } from 'vitest';
import { SENSOR_ALERTS_PARTITION_SPEC, SENSOR_ALERTS_SCHEMA } from '../../../lib/alerts/table';
import {
  bindPartitionSpec,
  type DataFile,
  ManifestContent,
  ManifestEntryStatus,
  readManifest,
  readManifestList,
  writeManifest,
  writeManifestList,
} from '../../../lib/iceberg';
import { readContainer } from '../../../lib/iceberg/avro/container';

const BIG_ID = 8333017788700497002n;

const dataFile: DataFile = {
  content: 0,
  filePath: 's3://warehouse/t/data/reading_timestamp_day=2026-11-26/a.parquet',
  fileFormat: 'PARQUET',
  partition: [20783],
  specId: 0,
  recordCount: 3n,
  fileSizeInBytes: 4242n,
  columnSizes: new Map([[1, 100n]]),
  valueCounts: new Map([[1, 3n]]),
  nullValueCounts: new Map([[6, 1n]]),
  nanValueCounts: new Map([[2, 0n]]),
  lowerBounds: new Map([[1, new TextEncoder().encode('sensor_0')]]),
  upperBounds: new Map([[1, new TextEncoder().encode('sensor_9')]]),
  splitOffsets: [4n],
};

type AvroField = { name: string; 'field-id'?: number; type: unknown };

function fieldIds(schema: { fields: AvroField[] }): Record<string, number | undefined> {
  return Object.fromEntries(schema.fields.map((f) => [f.name, f['field-id']]));
}

describe('manifest', () => {
  const ctx = {
    schema: SENSOR_ALERTS_SCHEMA,
    spec: SENSOR_ALERTS_PARTITION_SPEC,
    partition: bindPartitionSpec(SENSOR_ALERTS_PARTITION_SPEC, SENSOR_ALERTS_SCHEMA),
    formatVersion: 2 as const,
  };
  const entry = {
    status: ManifestEntryStatus.Added,
    snapshotId: BIG_ID,
    sequenceNumber: null,
    fileSequenceNumber: null,
    dataFile,
  };

  it('round-trips an entry with a 63-bit snapshot id exact', () => {
    // Act
    const { entries } = readManifest(writeManifest([entry], ctx));

    // Assess
    expect(entries).toHaveLength(1);
    expect(entries[0]!.snapshotId).toBe(BIG_ID);
    expect(entries[0]!.sequenceNumber).toBeNull();
    expect(entries[0]!.dataFile).toEqual(dataFile);
  });

  it('writes the header keys the spec requires', () => {
    // Act
    const { metadata } = readContainer(writeManifest([entry], ctx));

    // Assess
    expect(metadata['format-version']).toBe('2');
    expect(metadata.content).toBe('data');
    expect(metadata['schema-id']).toBe('0');
    expect(metadata['partition-spec-id']).toBe('0');
    expect(JSON.parse(metadata['partition-spec']!)).toEqual(SENSOR_ALERTS_PARTITION_SPEC.fields);
    expect(JSON.parse(metadata.schema!).fields).toHaveLength(8);
  });

  it('keeps field-id attributes in the header schema', () => {
    // Act
    const { schemaJson } = readContainer(writeManifest([entry], ctx));
    const schema = JSON.parse(schemaJson);
    const dataFileSchema = schema.fields.find((f: AvroField) => f.name === 'data_file').type;
    const partition = dataFileSchema.fields.find((f: AvroField) => f.name === 'partition');

    // Assess
    expect(fieldIds(schema)).toEqual({
      status: 0,
      snapshot_id: 1,
      sequence_number: 3,
      file_sequence_number: 4,
      data_file: 2,
    });
    expect(fieldIds(dataFileSchema)).toMatchObject({
      content: 134,
      file_path: 100,
      partition: 102,
      record_count: 103,
      lower_bounds: 125,
      upper_bounds: 128,
    });
    expect(partition.type.fields[0]).toMatchObject({
      name: 'reading_timestamp_day',
      'field-id': 1000,
    });
  });
});

describe('manifest list', () => {
  const manifest = {
    manifestPath: 's3://warehouse/t/metadata/m0.avro',
    manifestLength: 5000n,
    partitionSpecId: 0,
    content: ManifestContent.Data,
    sequenceNumber: 7n,
    minSequenceNumber: 7n,
    addedSnapshotId: BIG_ID,
    addedFilesCount: 1,
    existingFilesCount: 0,
    deletedFilesCount: 0,
    addedRowsCount: 3n,
    existingRowsCount: 0n,
    deletedRowsCount: 0n,
    partitions: [
      {
        containsNull: false,
        containsNan: false,
        lowerBound: Uint8Array.of(1, 2, 0, 0),
        upperBound: Uint8Array.of(3, 2, 0, 0),
      },
    ],
    keyMetadata: null,
  };

  it('round-trips manifests and writes the snapshot header keys', () => {
    // Act
    const bytes = writeManifestList([manifest], {
      snapshotId: BIG_ID,
      parentSnapshotId: BIG_ID - 1n,
      sequenceNumber: 7n,
      formatVersion: 2,
    });
    const { metadata, manifests } = readManifestList(bytes);

    // Assess
    expect(manifests).toEqual([manifest]);
    expect(metadata).toMatchObject({
      'snapshot-id': '8333017788700497002',
      'parent-snapshot-id': '8333017788700497001',
      'sequence-number': '7',
      'format-version': '2',
    });
  });

  it('writes "null" as the parent of a first snapshot', () => {
    // Act
    const bytes = writeManifestList([manifest], {
      snapshotId: BIG_ID,
      parentSnapshotId: undefined,
      sequenceNumber: 1n,
      formatVersion: 2,
    });

    // Assess
    expect(readContainer(bytes).metadata['parent-snapshot-id']).toBe('null');
  });

  it('keeps field ids on the manifest_file fields', () => {
    // Act
    const schema = JSON.parse(
      readContainer(
        writeManifestList([manifest], {
          snapshotId: 1n,
          parentSnapshotId: undefined,
          sequenceNumber: 1n,
          formatVersion: 2,
        }),
      ).schemaJson,
    );

    // Assess
    expect(fieldIds(schema)).toMatchObject({
      manifest_path: 500,
      manifest_length: 501,
      partition_spec_id: 502,
      content: 517,
      sequence_number: 515,
      min_sequence_number: 516,
      added_snapshot_id: 503,
      added_files_count: 504,
      partitions: 507,
    });
  });
});
