import { describe, expect, it } from 'vitest';
import { SENSOR_ALERTS_SCHEMA, sensorAlertsIdentifier } from '../../../lib/alerts/table';
import {
  COMMIT_ID_SUMMARY_KEY,
  CommitConflictError,
  findNewestSnapshotWith,
  MemoryFileIO,
  mainSnapshot,
  mergeAppend,
  planFiles,
  type Row,
  readManifestList,
  readRows,
  type TableUpdate,
  writeDataFiles,
} from '../../../lib/iceberg';
import { catalogWithTable, FaultyCatalog } from './support/faulty-catalog';
import { alertRows } from './support/fixtures';

const ident = sensorAlertsIdentifier();
const fast = { backoff: { baseMs: 1, maxMs: 2 } };

async function appendRows(catalog: FaultyCatalog, io: MemoryFileIO, rows: Row[], summary = {}) {
  const files = await writeDataFiles(io, catalog.table, rows);
  return mergeAppend(catalog, io, ident, files, { ...fast, prepare: () => ({ summary }) });
}

async function allRows(catalog: FaultyCatalog, io: MemoryFileIO): Promise<Row[]> {
  const files = await planFiles(io, catalog.table);
  return (await Promise.all(files.map((f) => readRows(io, f, SENSOR_ALERTS_SCHEMA)))).flat();
}

function snapshotOf(update: TableUpdate | undefined) {
  if (update?.action !== 'add-snapshot') throw new Error('expected add-snapshot first');
  return update.snapshot;
}

describe('mergeAppend', () => {
  it('starts an empty table with an empty snapshot where the catalog ignores the empty-ref check', async () => {
    // Prepare
    const io = new MemoryFileIO();
    const catalog = catalogWithTable({ enforcesEmptyRefRequirement: false });

    // Act
    const result = await appendRows(catalog, io, alertRows(6));

    // Assess
    expect(result).toMatchObject({ status: 'committed', sequenceNumber: 2n, attempts: 1 });
    const [first, second] = catalog.commits.map((c) => c.commit);
    const empty = snapshotOf(first!.updates[0]);
    const uuid = catalog.metadata['table-uuid'];
    expect(first!.requirements).toEqual([
      { type: 'assert-table-uuid', uuid },
      { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null },
    ]);
    expect(empty.summary).toMatchObject({ 'added-records': '0', 'total-records': '0' });
    expect(readManifestList(await io.read(empty['manifest-list'])).manifests).toEqual([]);
    expect(second!.requirements).toEqual([
      { type: 'assert-table-uuid', uuid },
      { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': empty['snapshot-id'] },
    ]);
    expect(snapshotOf(second!.updates[0]).summary['total-records']).toBe('6');
    expect(await allRows(catalog, io)).toHaveLength(6);
  });

  it('commits a first snapshot asserting an empty main branch', async () => {
    // Prepare
    const io = new MemoryFileIO();
    const catalog = catalogWithTable();

    // Act
    const result = await appendRows(catalog, io, alertRows(6), { 'app.batch': 'b1' });

    // Assess
    expect(result).toMatchObject({ status: 'committed', sequenceNumber: 1n, attempts: 1 });
    const { commit } = catalog.commits[0]!;
    expect(commit.requirements).toEqual([
      { type: 'assert-table-uuid', uuid: catalog.metadata['table-uuid'] },
      { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null },
    ]);
    const snapshot = snapshotOf(commit.updates[0]);
    expect(commit.updates[1]).toEqual({
      action: 'set-snapshot-ref',
      'ref-name': 'main',
      type: 'branch',
      'snapshot-id': snapshot['snapshot-id'],
    });
    expect(snapshot['parent-snapshot-id']).toBeUndefined();
    expect(snapshot.summary).toMatchObject({
      operation: 'append',
      'app.batch': 'b1',
      'added-data-files': '2',
      'added-records': '6',
      'total-data-files': '2',
      'total-records': '6',
      'changed-partition-count': '2',
    });
  });

  it('carries totals forward and keeps parent manifests', async () => {
    // Prepare
    const io = new MemoryFileIO();
    const catalog = catalogWithTable();
    await appendRows(catalog, io, alertRows(6, 0));

    // Act
    const second = await appendRows(catalog, io, alertRows(4, 100));

    // Assess
    expect(second).toMatchObject({ status: 'committed', sequenceNumber: 2n });
    const head = mainSnapshot(catalog.table.metadata)!;
    expect(head.summary['total-records']).toBe('10');
    expect(head.summary['total-data-files']).toBe('4');
    expect(head.summary['added-records']).toBe('4');
    const list = readManifestList(await io.read(head['manifest-list']));
    expect(list.manifests.map((m) => m.sequenceNumber)).toEqual([2n, 1n]);
    expect((await allRows(catalog, io)).length).toBe(10);
  });

  it('re-applies on the new parent after a 409, reusing data files and manifest', async () => {
    // Prepare
    const io = new MemoryFileIO();
    const catalog = catalogWithTable();
    await appendRows(catalog, io, alertRows(2, 0));
    const files = await writeDataFiles(io, catalog.table, alertRows(3, 10));
    const other = await writeDataFiles(io, catalog.table, alertRows(5, 20));
    let prepared = 0;

    // Act: a concurrent writer lands between our load and our commit
    const result = await mergeAppend(catalog, io, ident, files, {
      ...fast,
      prepare: async () => {
        prepared++;
        if (prepared === 1) {
          await mergeAppend(catalog, io, ident, other, fast);
        }
        return { summary: {} };
      },
    });

    // Assess
    expect(result).toMatchObject({ status: 'committed', attempts: 2, sequenceNumber: 3n });
    const ours = catalog.commits.slice(-2);
    const [first, retry] = ours.map((c) => snapshotOf(c.commit.updates[0]));
    expect(retry!['snapshot-id']).toBe(first!['snapshot-id']);
    expect(retry!['manifest-list']).not.toBe(first!['manifest-list']);
    expect(ours[1]!.idempotencyKey).not.toBe(ours[0]!.idempotencyKey);
    const retryList = readManifestList(await io.read(retry!['manifest-list'])).manifests;
    expect(retryList).toHaveLength(3);
    expect(retryList[0]!.manifestPath).toMatch(/-m0\.avro$/);
    // the conflicted attempt's manifest list is cleaned up, the reused manifest is not
    expect(io.files.has(first!['manifest-list'])).toBe(false);
    expect(result.status === 'committed' && result.cleanup.deleted).toEqual([
      first!['manifest-list'],
    ]);
    expect((await allRows(catalog, io)).length).toBe(10);
  });

  it('answers a 409 that the fake catalog injects once', async () => {
    // Prepare
    const io = new MemoryFileIO();
    const catalog = catalogWithTable();
    catalog.faults.push('conflict');

    // Act
    const result = await appendRows(catalog, io, alertRows(3));

    // Assess
    expect(result).toMatchObject({ status: 'committed', attempts: 2 });
    expect(catalog.commits).toHaveLength(2);
    expect(catalog.table.metadata.snapshots).toHaveLength(1);
  });

  it('gives up with CommitConflictError after maxAttempts conflicts', async () => {
    // Prepare
    const io = new MemoryFileIO();
    const catalog = catalogWithTable();
    catalog.faults.push('conflict', 'conflict', 'conflict');
    const files = await writeDataFiles(io, catalog.table, alertRows(3));

    // Act
    const append = mergeAppend(catalog, io, ident, files, { ...fast, maxAttempts: 3 });

    // Assess
    await expect(append).rejects.toBeInstanceOf(CommitConflictError);
    expect(catalog.commits).toHaveLength(3);
  });

  it('finds its own commit after a lost response instead of committing twice', async () => {
    // Prepare
    const io = new MemoryFileIO();
    const catalog = catalogWithTable();
    catalog.faults.push('unknown-applied');
    const files = await writeDataFiles(io, catalog.table, alertRows(4));

    // Act
    const result = await mergeAppend(catalog, io, ident, files, { ...fast, commitId: 'c-1' });

    // Assess
    expect(result).toMatchObject({ status: 'committed', attempts: 1 });
    expect(catalog.commits).toHaveLength(1);
    expect(catalog.table.metadata.snapshots).toHaveLength(1);
    expect(
      findNewestSnapshotWith(catalog.table.metadata, COMMIT_ID_SUMMARY_KEY)?.summary[
        COMMIT_ID_SUMMARY_KEY
      ],
    ).toBe('c-1');
  });

  it('resends the identical request with the same key when the commit did not land', async () => {
    // Prepare
    const io = new MemoryFileIO();
    const catalog = catalogWithTable();
    catalog.faults.push('unknown-not-applied');
    const files = await writeDataFiles(io, catalog.table, alertRows(4));

    // Act
    const result = await mergeAppend(catalog, io, ident, files, fast);

    // Assess
    expect(result).toMatchObject({ status: 'committed', attempts: 2 });
    const [first, second] = catalog.commits;
    expect(second!.idempotencyKey).toBe(first!.idempotencyKey);
    expect(second!.commit).toEqual(first!.commit);
    expect(catalog.table.metadata.snapshots).toHaveLength(1);
  });

  it('recognises its own late-landing commit when the resent request conflicts with it', async () => {
    // Prepare: the first request is answered 503 but lands just before its resend.
    class LateLanding extends FaultyCatalog {
      override async commitTable(...args: Parameters<FaultyCatalog['commitTable']>) {
        if (this.commits.length === 1) await this.apply(this.commits[0]!.commit);
        return super.commitTable(...args);
      }
    }
    const io = new MemoryFileIO();
    const catalog = new LateLanding(catalogWithTable().inner);
    catalog.faults.push('unknown-not-applied');
    const files = await writeDataFiles(io, catalog.table, alertRows(4));

    // Act
    const result = await mergeAppend(catalog, io, ident, files, fast);

    // Assess
    expect(result).toMatchObject({ status: 'committed', attempts: 2 });
    expect(catalog.table.metadata.snapshots).toHaveLength(1);
  });

  it('abandons without committing when prepare says so', async () => {
    // Prepare
    const io = new MemoryFileIO();
    const catalog = catalogWithTable();
    const files = await writeDataFiles(io, catalog.table, alertRows(2));

    // Act
    const result = await mergeAppend(catalog, io, ident, files, {
      prepare: () => ({ abandon: 'already committed' }),
    });

    // Assess
    expect(result).toMatchObject({ status: 'abandoned', reason: 'already committed', attempts: 1 });
    expect(catalog.commits).toHaveLength(0);
  });
});

describe('findNewestSnapshotWith', () => {
  it('walks back from main to the newest snapshot carrying the key', async () => {
    // Prepare
    const io = new MemoryFileIO();
    const catalog = catalogWithTable();
    await appendRows(catalog, io, alertRows(1, 0), { 'offsets.t.g': '{"0":1}' });
    await appendRows(catalog, io, alertRows(1, 1), { 'offsets.t.g': '{"0":2}' });
    await appendRows(catalog, io, alertRows(1, 2), {});

    // Act
    const found = findNewestSnapshotWith(catalog.table.metadata, 'offsets.t.g');

    // Assess
    expect(found?.summary['offsets.t.g']).toBe('{"0":2}');
    expect(findNewestSnapshotWith(catalog.table.metadata, 'absent')).toBeUndefined();
  });
});
