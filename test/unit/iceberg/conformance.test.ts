import { describe, expect, it } from 'vitest';
import {
  CatalogError,
  Deadline,
  DeadlineExceededError,
  InMemoryCatalog,
  MemoryFileIO,
  mainSnapshot,
  mergeAppend,
  type PartitionSpec,
  type PrepareResult,
  planFiles,
  readManifest,
  readManifestEntries,
  readManifestList,
  readRows,
  type Schema,
  UnsupportedTableError,
  writeDataFiles,
} from '../../../lib/iceberg';
import { readContainer } from '../../../lib/iceberg/avro/container';
import { FakeClock } from './support/fake-clock';
import { catalogWithTable, FaultyCatalog, IDENT } from './support/faulty-catalog';
import { alertRows } from './support/fixtures';

const fast = { backoff: { baseMs: 1, maxMs: 2 } };

async function table(schema: Schema, spec: PartitionSpec, formatVersion = 2) {
  const inner = new InMemoryCatalog();
  await inner.createNamespaceIfAbsent(IDENT.namespace);
  inner.createTable(IDENT, schema, spec, { formatVersion });
  return new FaultyCatalog(inner);
}

const SCHEMA: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 'code', required: false, type: 'string' },
  ],
};

describe('appends refuse a table they cannot write correctly, before any file', () => {
  it.each<[string, { type: unknown }, RegExp]>([
    ['a decimal', { type: 'decimal(9,2)' }, /column amount \(id 3\) has type decimal\(9,2\)/],
    [
      'a nested struct',
      { type: { type: 'struct', fields: [] } },
      /column amount \(id 3\) has type struct/,
    ],
    ['a nanosecond timestamp', { type: 'timestamp_ns' }, /has type timestamp_ns/],
  ])('a column of %s', async (_name, field, message) => {
    // Prepare
    const schema = {
      ...SCHEMA,
      fields: [...SCHEMA.fields, { id: 3, name: 'amount', required: false, ...field }],
    } as Schema;
    const catalog = await table(schema, { 'spec-id': 0, fields: [] });
    const io = new MemoryFileIO();

    // Act
    const write = writeDataFiles(io, catalog.table, [{ id: 1n, code: 'a', amount: null }]);

    // Assess
    await expect(write).rejects.toBeInstanceOf(UnsupportedTableError);
    await expect(write).rejects.toThrow(message);
    expect(io.files.size).toBe(0);
  });

  it('a format version it does not know', async () => {
    // Prepare
    const catalog = catalogWithTable();
    const io = new MemoryFileIO();
    const files = await writeDataFiles(io, catalog.table, alertRows(2));
    await catalog.apply({ requirements: [], updates: [] });
    const v4 = { ...catalog.table, metadata: { ...catalog.table.metadata, 'format-version': 4 } };
    const stub = { loadTable: async () => v4, commitTable: catalog.commitTable.bind(catalog) };

    // Act / Assess
    await expect(mergeAppend(stub, io, IDENT, files)).rejects.toThrow(
      /format version 4; this writer and reader support 1, 2, 3/,
    );
    expect(catalog.commits).toHaveLength(0);
  });
});

describe('snapshot summaries', () => {
  it('leave a total out when the parent snapshot has none, as Java does', async () => {
    // Prepare: another writer's snapshot without total-records
    const catalog = catalogWithTable();
    const io = new MemoryFileIO();
    await mergeAppend(catalog, io, IDENT, await writeDataFiles(io, catalog.table, alertRows(3)));
    const head = mainSnapshot(catalog.table.metadata)!;
    const { 'total-records': _dropped, ...summary } = head.summary;
    await catalog.apply({
      requirements: [],
      updates: [
        {
          action: 'add-snapshot',
          snapshot: {
            ...head,
            'snapshot-id': 77n,
            'parent-snapshot-id': head['snapshot-id'],
            'sequence-number': 2n,
            summary: { ...summary, operation: 'append' },
          },
        },
        { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 77n },
      ],
    });

    // Act
    await mergeAppend(
      catalog,
      io,
      IDENT,
      await writeDataFiles(io, catalog.table, alertRows(2, 50)),
    );

    // Assess
    const latest = mainSnapshot(catalog.table.metadata)!.summary;
    expect(latest['total-records']).toBeUndefined();
    expect(latest['total-data-files']).toBe('4');
    expect(latest['added-records']).toBe('2');
  });
});

describe('manifest-list partition summaries', () => {
  it('order strings by code point, so bounds are never inverted', async () => {
    // Prepare: U+E000 sorts before U+1F600 by code point, after it by UTF-16 unit
    const catalog = await table(SCHEMA, {
      'spec-id': 0,
      fields: [{ 'source-id': 2, 'field-id': 1000, name: 'code', transform: 'identity' }],
    });
    const io = new MemoryFileIO();
    const files = await writeDataFiles(io, catalog.table, [
      { id: 1n, code: '\u{E000}' },
      { id: 2n, code: '\u{1F600}' },
    ]);

    // Act
    await mergeAppend(catalog, io, IDENT, files);

    // Assess
    const head = mainSnapshot(catalog.table.metadata)!;
    const [manifest] = readManifestList(await io.read(head['manifest-list'])).manifests;
    const summary = manifest!.partitions![0]!;
    expect(new TextDecoder().decode(summary.lowerBound!)).toBe('\u{E000}');
    expect(new TextDecoder().decode(summary.upperBound!)).toBe('\u{1F600}');
  });
});

describe('Avro names', () => {
  it('renames a partition field as Java does, keeps the original, and reads it back', async () => {
    // Prepare
    const catalog = await table(SCHEMA, {
      'spec-id': 0,
      fields: [{ 'source-id': 2, 'field-id': 1000, name: 'code-1 é', transform: 'identity' }],
    });
    const io = new MemoryFileIO();
    const files = await writeDataFiles(io, catalog.table, [
      { id: 1n, code: 'x' },
      { id: 2n, code: 'y' },
    ]);

    // Act
    await mergeAppend(catalog, io, IDENT, files);

    // Assess
    const head = mainSnapshot(catalog.table.metadata)!;
    const [manifest] = readManifestList(await io.read(head['manifest-list'])).manifests;
    const bytes = await io.read(manifest!.manifestPath);
    const header = JSON.parse(readContainer(bytes).schemaJson);
    const dataFile = header.fields.find((f: { name: string }) => f.name === 'data_file').type;
    const partition = dataFile.fields.find((f: { name: string }) => f.name === 'partition').type;
    expect(partition.fields[0]).toMatchObject({
      name: 'code_x2D1_x20é',
      'iceberg-field-name': 'code-1 é',
      'field-id': 1000,
    });
    const values = readManifest(bytes)
      .entries.map((e) => e.dataFile.partition[0])
      .sort();
    expect(values).toEqual(['x', 'y']);
  });
});

describe('cleanup of failed attempts', () => {
  it('deletes what an abandoned append wrote, and nothing after an unknown outcome', async () => {
    // Prepare
    const io = new MemoryFileIO();
    const catalog = catalogWithTable();
    const files = await writeDataFiles(io, catalog.table, alertRows(3));
    const before = new Set(io.files.keys());
    let calls = 0;

    // Act: the first attempt conflicts, the second finds the work done elsewhere
    catalog.faults.push('conflict');
    const abandoned = await mergeAppend(catalog, io, IDENT, files, {
      ...fast,
      prepare: (): PrepareResult => (++calls === 1 ? {} : { abandon: 'done elsewhere' }),
    });

    // Assess
    expect(abandoned).toMatchObject({ status: 'abandoned', uncertain: false });
    expect(abandoned.cleanup.failed).toEqual([]);
    expect(new Set(io.files.keys())).toEqual(before);

    // Prepare: an unknown outcome, then abandon
    calls = 0;
    catalog.faults.push('unknown-not-applied');
    const uncertain = await mergeAppend(catalog, io, IDENT, files, {
      ...fast,
      prepare: (): PrepareResult => (++calls === 1 ? {} : { abandon: 'done elsewhere' }),
    });

    // Assess: the attempt may have landed, so its manifest list and manifest stay
    expect(uncertain).toMatchObject({ status: 'abandoned', uncertain: true });
    expect(uncertain.cleanup.deleted).toEqual([]);
    expect(io.files.size).toBe(before.size + 2);
  });

  it('sends assert-table-uuid, so a dropped and re-created table refuses the commit', async () => {
    // Prepare
    const io = new MemoryFileIO();
    const denied = Object.assign(io, {
      delete: async (path: string) => {
        throw new Error(`AccessDenied: ${path}`);
      },
    });
    const catalog = catalogWithTable();
    const files = await writeDataFiles(io, catalog.table, alertRows(3));
    catalog.beforeCommit = async () => {
      // another writer drops and re-creates the table: the UUID no longer matches
      await catalog.inner.dropTable(IDENT);
      catalog.inner.createTable(IDENT, SCHEMA, { 'spec-id': 0, fields: [] });
    };

    // Act
    const failure = mergeAppend(catalog, denied, IDENT, files, { ...fast, maxAttempts: 1 });

    // Assess
    await expect(failure).rejects.toThrow(/UUID does not match/);
  });
});

describe('deadlines in the append', () => {
  it('starts no attempt and no backoff past the deadline, and says so', async () => {
    // Prepare
    const clock = new FakeClock();
    const io = new MemoryFileIO();
    const catalog = catalogWithTable();
    const files = await writeDataFiles(io, catalog.table, alertRows(3));
    catalog.faults.push(...Array.from({ length: 30 }, () => 'conflict' as const));
    const deadline = Deadline.after(2_500, { clock, marginMs: 500 });

    // Act
    const error = await mergeAppend(catalog, io, IDENT, files, {
      maxAttempts: 30,
      backoff: { baseMs: 1_000, maxMs: 1_000 },
      deadline,
    }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ retryable: true, commitOutcomeUnknown: false });
    expect(deadline.remainingMs()).toBeGreaterThanOrEqual(0);
    expect(catalog.commits.length).toBeLessThan(30);
    expect(clock.now()).toBeLessThanOrEqual(deadline.atMs - 500);
  });

  it('marks the error when an earlier attempt may have landed', async () => {
    // Prepare
    const clock = new FakeClock();
    const io = new MemoryFileIO();
    const catalog = catalogWithTable();
    const files = await writeDataFiles(io, catalog.table, alertRows(3));
    catalog.faults.push('unknown-not-applied');
    const deadline = Deadline.after(1_000, { clock, marginMs: 1_000 });

    // Act
    const error = await mergeAppend(catalog, io, IDENT, files, {
      backoff: { baseMs: 1_000, maxMs: 1_000 },
      deadline,
    }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ commitOutcomeUnknown: true });
  });
});

describe('format versions', () => {
  it('appends to a v1 table with v1 manifests and no sequence numbers', async () => {
    // Prepare
    const catalog = catalogWithTable({ formatVersion: 1 });
    const io = new MemoryFileIO();

    // Act
    await mergeAppend(catalog, io, IDENT, await writeDataFiles(io, catalog.table, alertRows(4)));
    await mergeAppend(
      catalog,
      io,
      IDENT,
      await writeDataFiles(io, catalog.table, alertRows(3, 10)),
    );

    // Assess
    const head = mainSnapshot(catalog.table.metadata)!;
    expect(head['sequence-number']).toBe(0n);
    const list = await io.read(head['manifest-list']);
    expect(readContainer(list).metadata).toMatchObject({ 'format-version': '1' });
    expect(readContainer(list).metadata['sequence-number']).toBeUndefined();
    const [manifest] = readManifestList(list).manifests;
    const header = readContainer(await io.read(manifest!.manifestPath));
    expect(header.metadata['format-version']).toBe('1');
    expect(header.schemaJson).toContain('block_size_in_bytes');
    expect(header.schemaJson).not.toContain('sequence_number');
    const rows = (
      await Promise.all(
        (
          await planFiles(io, catalog.table)
        ).map((t) => readRows(io, t, catalog.table.metadata.schemas[0]!)),
      )
    ).flat();
    expect(rows).toHaveLength(7);
  });

  it('appends to a v3 table with row lineage the catalog accepts, retries included', async () => {
    // Prepare
    const catalog = catalogWithTable({ formatVersion: 3 });
    const io = new MemoryFileIO();
    await mergeAppend(catalog, io, IDENT, await writeDataFiles(io, catalog.table, alertRows(4)));
    const theirs = await writeDataFiles(io, catalog.table, alertRows(5, 100));
    const ours = await writeDataFiles(io, catalog.table, alertRows(3, 200));
    let calls = 0;

    // Act: another append lands between our load and our commit
    const result = await mergeAppend(catalog, io, IDENT, ours, {
      ...fast,
      prepare: async () => {
        if (++calls === 1) await mergeAppend(catalog, io, IDENT, theirs, fast);
        return {};
      },
    });

    // Assess
    expect(result).toMatchObject({ status: 'committed', attempts: 2 });
    const m = catalog.table.metadata;
    const snapshots = m.snapshots!;
    expect(snapshots.map((s) => [s['first-row-id'], s['added-rows']])).toEqual([
      [0n, 4n],
      [4n, 5n],
      [9n, 3n],
    ]);
    expect(m['next-row-id']).toBe(12n);
    const head = mainSnapshot(m)!;
    const list = readManifestList(await io.read(head['manifest-list'])).manifests;
    const firstIds = await Promise.all(
      list.map(async (manifest) =>
        (await readManifestEntries(io, manifest)).map((e) => e.dataFile.firstRowId),
      ),
    );
    // every file has a distinct first row id, and the new manifest starts at first-row-id
    expect(list[0]!.firstRowId).toBe(9n);
    expect(new Set(firstIds.flat()).size).toBe(firstIds.flat().length);
  });

  it('merges manifests of a v3 table keeping the files first row ids', async () => {
    // Prepare
    const catalog = catalogWithTable({
      formatVersion: 3,
      properties: { 'commit.manifest.min-count-to-merge': '2' },
    });
    const io = new MemoryFileIO();
    await mergeAppend(catalog, io, IDENT, await writeDataFiles(io, catalog.table, alertRows(4)));
    const before = mainSnapshot(catalog.table.metadata)!;
    const [first] = readManifestList(await io.read(before['manifest-list'])).manifests;
    const assigned = (await readManifestEntries(io, first!)).map((e) => [
      e.dataFile.filePath,
      e.dataFile.firstRowId,
    ]);

    // Act
    await mergeAppend(catalog, io, IDENT, await writeDataFiles(io, catalog.table, alertRows(2, 9)));

    // Assess
    const head = mainSnapshot(catalog.table.metadata)!;
    const [merged] = readManifestList(await io.read(head['manifest-list'])).manifests;
    const entries = await readManifestEntries(io, merged!);
    const carried = entries
      .filter((e) => e.status === 0)
      .map((e) => [e.dataFile.filePath, e.dataFile.firstRowId]);
    expect(carried.sort()).toEqual(assigned.sort());
  });

  it('refuses a commit to a v3 table without row lineage with a 400 (what Java does)', async () => {
    // Prepare
    const catalog = catalogWithTable({ formatVersion: 3 });

    // Act
    const commit = catalog.apply({
      requirements: [],
      updates: [
        {
          action: 'add-snapshot',
          snapshot: {
            'snapshot-id': 5n,
            'sequence-number': 1n,
            'timestamp-ms': 1,
            'manifest-list': 's3://x',
            summary: { operation: 'append' },
          },
        },
      ],
    });

    // Assess
    await expect(commit).rejects.toBeInstanceOf(CatalogError);
  });
});
