import { describe, expect, it } from 'vitest';
import { SENSOR_ALERTS_SCHEMA, sensorAlertsIdentifier } from '../../../lib/alerts/table';
import {
  DEFAULT_MANIFEST_MERGE,
  inheritEntryMetadata,
  type ManifestEntry,
  ManifestEntryStatus,
  type ManifestFile,
  type ManifestMergeSettings,
  MemoryFileIO,
  mainSnapshot,
  manifestMergeSettings,
  mergeAppend,
  packManifests,
  planFiles,
  readManifestEntries,
  readManifestList,
  readRows,
  ValidationError,
  writeDataFiles,
} from '../../../lib/iceberg';
import { catalogWithTable, type FaultyCatalog } from './support/faulty-catalog';
import { alertRows } from './support/fixtures';
import { manifestFile } from './support/manifest-fixtures';

const ident = sensorAlertsIdentifier();
const fast = { backoff: { baseMs: 1, maxMs: 2 } };
const ROWS_PER_COMMIT = 2;

/** Appends `commits` small batches, each its own snapshot with its own offsets. */
async function appendCommits(
  catalog: FaultyCatalog,
  io: MemoryFileIO,
  commits: number,
  firstCommit = 1,
) {
  for (let c = firstCommit; c < firstCommit + commits; c++) {
    const rows = alertRows(ROWS_PER_COMMIT, c * 1000);
    const files = await writeDataFiles(io, catalog.table, rows);
    await mergeAppend(catalog, io, ident, files, fast);
  }
}

async function headManifests(catalog: FaultyCatalog, io: MemoryFileIO): Promise<ManifestFile[]> {
  const head = mainSnapshot(catalog.table.metadata)!;
  return readManifestList(await io.read(head['manifest-list'])).manifests;
}

async function headEntries(catalog: FaultyCatalog, io: MemoryFileIO) {
  const manifests = await headManifests(catalog, io);
  const perManifest = await Promise.all(
    manifests.map(async (m) => ({ manifest: m, entries: await readManifestEntries(io, m) })),
  );
  return perManifest.flatMap(({ manifest, entries }) => entries.map((e) => ({ manifest, e })));
}

const sorted = (values: bigint[]) => [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

describe('manifest merging on append', () => {
  it('keeps every file of 120 small appends readable exactly once with the default settings', async () => {
    // Prepare
    const io = new MemoryFileIO();
    const catalog = catalogWithTable();

    // Act
    await appendCommits(catalog, io, 120);

    // Assess
    const manifests = await headManifests(catalog, io);
    expect(manifests.length).toBeLessThan(DEFAULT_MANIFEST_MERGE.minCountToMerge);
    const files = await planFiles(io, catalog.table);
    const paths = files.map((f) => f.file.filePath);
    expect(new Set(paths).size).toBe(paths.length);
    const rows = (
      await Promise.all(files.map((f) => readRows(io, f, SENSOR_ALERTS_SCHEMA)))
    ).flat();
    const expected = Array.from({ length: 120 }, (_, i) =>
      alertRows(ROWS_PER_COMMIT, (i + 1) * 1000).map((r) => r.source_offset as bigint),
    ).flat();
    expect(sorted(rows.map((r) => r.source_offset as bigint))).toEqual(sorted(expected));
    const head = mainSnapshot(catalog.table.metadata)!;
    expect(head.summary['total-records']).toBe(String(120 * ROWS_PER_COMMIT));
    const listed = manifests.reduce((sum, m) => sum + m.addedRowsCount + m.existingRowsCount, 0n);
    expect(listed).toBe(BigInt(120 * ROWS_PER_COMMIT));
  });

  it('merges on the commit that reaches min-count, keeping snapshot ids and sequence numbers', async () => {
    // Prepare
    const io = new MemoryFileIO();
    const catalog = catalogWithTable({ properties: { 'commit.manifest.min-count-to-merge': '5' } });
    await appendCommits(catalog, io, 3);
    const third = mainSnapshot(catalog.table.metadata)!;
    const thirdFiles = (await headEntries(catalog, io))
      .filter(({ e }) => e.snapshotId === third['snapshot-id'])
      .map(({ e }) => e.dataFile.filePath);

    // Act: commit 5 reaches five manifests and merges them; commit 9 merges again
    await appendCommits(catalog, io, 9, 4);

    // Assess
    const head = mainSnapshot(catalog.table.metadata)!;
    expect(head['sequence-number']).toBe(12n);
    const manifests = await headManifests(catalog, io);
    expect(manifests.length).toBeLessThan(5);
    const entries = await headEntries(catalog, io);
    const ofThird = entries.filter(({ e }) => thirdFiles.includes(e.dataFile.filePath));
    expect(ofThird).toHaveLength(thirdFiles.length);
    for (const { e, manifest } of ofThird) {
      expect(e).toMatchObject({
        status: ManifestEntryStatus.Existing,
        snapshotId: third['snapshot-id'],
        sequenceNumber: 3n,
        fileSequenceNumber: 3n,
      });
      expect(manifest.addedSnapshotId).not.toBe(third['snapshot-id']);
    }
    const snapshotsBySeq = new Map(
      catalog.table.metadata.snapshots!.map((s) => [s['sequence-number'], s['snapshot-id']]),
    );
    for (const { e } of entries) {
      expect(e.snapshotId).toBe(snapshotsBySeq.get(e.sequenceNumber!));
    }
    expect(entries).toHaveLength(12 * 2);
  });

  it('writes the merged manifest list entry for the new snapshot', async () => {
    // Prepare
    const io = new MemoryFileIO();
    const catalog = catalogWithTable({ properties: { 'commit.manifest.min-count-to-merge': '4' } });
    await appendCommits(catalog, io, 3);

    // Act
    await appendCommits(catalog, io, 1, 4);

    // Assess
    const head = mainSnapshot(catalog.table.metadata)!;
    const [merged, ...rest] = await headManifests(catalog, io);
    expect(rest).toEqual([]);
    expect(merged).toMatchObject({
      addedSnapshotId: head['snapshot-id'],
      sequenceNumber: 4n,
      minSequenceNumber: 1n,
      addedFilesCount: 2,
      existingFilesCount: 6,
      deletedFilesCount: 0,
      addedRowsCount: 2n,
      existingRowsCount: 6n,
    });
    expect(merged!.partitions).toHaveLength(1);
    expect(merged!.partitions![0]!.lowerBound).not.toEqual(merged!.partitions![0]!.upperBound);
    const entries = await readManifestEntries(io, merged!);
    const added = entries.filter((e) => e.status === ManifestEntryStatus.Added);
    expect(added.map((e) => [e.snapshotId, e.sequenceNumber])).toEqual([
      [head['snapshot-id'], 4n],
      [head['snapshot-id'], 4n],
    ]);
    expect(head.summary).toMatchObject({
      'manifests-created': '1',
      'manifests-kept': '0',
      'manifests-replaced': '4',
    });
  });

  it.each<{ properties: Record<string, string>; commits: number; manifests: number }>([
    {
      properties: {
        'commit.manifest-merge.enabled': 'false',
        'commit.manifest.min-count-to-merge': '3',
      },
      commits: 12,
      manifests: 12,
    },
    { properties: { 'commit.manifest.min-count-to-merge': '8' }, commits: 7, manifests: 7 },
    { properties: { 'commit.manifest.min-count-to-merge': '8' }, commits: 8, manifests: 1 },
    { properties: { 'commit.manifest.min-count-to-merge': '8' }, commits: 12, manifests: 5 },
    { properties: {}, commits: 12, manifests: 12 },
  ])(
    'with $properties after $commits commits the list has $manifests manifests',
    async ({ properties, commits, manifests }) => {
      // Prepare
      const io = new MemoryFileIO();
      const catalog = catalogWithTable({ properties });

      // Act
      await appendCommits(catalog, io, commits);

      // Assess
      expect(await headManifests(catalog, io)).toHaveLength(manifests);
      expect((await planFiles(io, catalog.table)).length).toBe(commits * 2);
    },
  );

  it('merges the manifests read from the new parent when a retry follows a conflict', async () => {
    // Prepare
    const io = new MemoryFileIO();
    const catalog = catalogWithTable({ properties: { 'commit.manifest.min-count-to-merge': '3' } });
    await appendCommits(catalog, io, 1);
    const ours = await writeDataFiles(io, catalog.table, alertRows(3, 500));
    const theirs = await writeDataFiles(io, catalog.table, alertRows(4, 600));
    let prepared = 0;

    // Act: the concurrent writer makes the list reach min-count for our retry
    const result = await mergeAppend(catalog, io, ident, ours, {
      ...fast,
      prepare: async () => {
        if (++prepared === 1) await mergeAppend(catalog, io, ident, theirs, fast);
        return {};
      },
    });

    // Assess
    expect(result).toMatchObject({ status: 'committed', attempts: 2, sequenceNumber: 3n });
    const manifests = await headManifests(catalog, io);
    expect(manifests).toHaveLength(1);
    const entries = await readManifestEntries(io, manifests[0]!);
    expect(entries.map((e) => [e.status, e.sequenceNumber])).toEqual([
      [ManifestEntryStatus.Added, 3n],
      [ManifestEntryStatus.Added, 3n],
      [ManifestEntryStatus.Existing, 2n],
      [ManifestEntryStatus.Existing, 2n],
      [ManifestEntryStatus.Existing, 1n],
      [ManifestEntryStatus.Existing, 1n],
    ]);
  });
});

describe('manifestMergeSettings', () => {
  it.each<{ properties: Record<string, string>; expected: ManifestMergeSettings }>([
    { properties: {}, expected: DEFAULT_MANIFEST_MERGE },
    {
      properties: {
        'commit.manifest-merge.enabled': 'FALSE',
        'commit.manifest.min-count-to-merge': '3',
        'commit.manifest.target-size-bytes': '1024',
      },
      expected: { enabled: false, minCountToMerge: 3, targetSizeBytes: 1024n },
    },
  ])('reads $properties', ({ properties, expected }) => {
    expect(manifestMergeSettings(properties)).toEqual(expected);
  });

  it.each<Record<string, string>>([
    { 'commit.manifest-merge.enabled': 'yes' },
    { 'commit.manifest.min-count-to-merge': 'many' },
    { 'commit.manifest.target-size-bytes': '0' },
  ])('rejects %o', (properties) => {
    expect(() => manifestMergeSettings(properties)).toThrow(ValidationError);
  });
});

describe('packManifests', () => {
  it.each([
    {
      lengths: [3, 3, 3, 3],
      target: 6,
      bins: [
        [3, 3],
        [3, 3],
      ],
    },
    {
      lengths: [1, 3, 3, 3],
      target: 6,
      bins: [
        [1, 3],
        [3, 3],
      ],
    },
    { lengths: [2, 9, 2, 2], target: 6, bins: [[2], [9], [2, 2]] },
    { lengths: [1, 1, 1], target: 100, bins: [[1, 1, 1]] },
  ])('packs $lengths into bins of $target from the end', ({ lengths, target, bins }) => {
    // Prepare
    const manifests = lengths.map((length, i) => manifestFile(`m${i}`, BigInt(length)));

    // Act
    const packed = packManifests(manifests, BigInt(target));

    // Assess
    expect(packed.map((bin) => bin.map((m) => Number(m.manifestLength)))).toEqual(bins);
    expect(packed.flat()).toEqual(manifests);
  });
});

describe('inheritEntryMetadata', () => {
  const manifest = { ...manifestFile('m', 10n), sequenceNumber: 7n, addedSnapshotId: 42n };
  const entry = (status: ManifestEntryStatus, seq: bigint | null): ManifestEntry => ({
    status,
    snapshotId: null,
    sequenceNumber: seq,
    fileSequenceNumber: seq,
    dataFile: {} as ManifestEntry['dataFile'],
  });

  it.each([
    { status: ManifestEntryStatus.Added, seq: null, inherited: 7n },
    { status: ManifestEntryStatus.Added, seq: 3n, inherited: 3n },
    { status: ManifestEntryStatus.Existing, seq: 3n, inherited: 3n },
    { status: ManifestEntryStatus.Existing, seq: null, inherited: null },
  ])(
    'status $status with sequence number $seq reads as $inherited',
    ({ status, seq, inherited }) => {
      // Act
      const read = inheritEntryMetadata(entry(status, seq), manifest);

      // Assess
      expect(read).toMatchObject({
        snapshotId: 42n,
        sequenceNumber: inherited,
        fileSequenceNumber: inherited,
      });
    },
  );
});
