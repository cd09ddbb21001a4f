import { describe, expect, it } from 'vitest';
import { offsetsSummaries } from '../../../lib/alerts/offsets';
import { SENSOR_ALERTS_SCHEMA } from '../../../lib/alerts/table';
import {
  Deadline,
  DeadlineExceededError,
  expireSnapshots,
  fastAppend,
  type LoadedTable,
  MemoryFileIO,
  mainSnapshot,
  planFiles,
  type Row,
  readManifestList,
  readRows,
  removeOrphanFiles,
  rewriteFiles,
  rewriteManifests,
  StaleRewriteError,
  writeDataFiles,
} from '../../../lib/iceberg';
import { compactDataFiles } from '../../../lib/maintenance/compact';
import { maintainTable } from '../../../lib/maintenance/maintain';
import { FakeClock } from '../iceberg/support/fake-clock';
import { catalogWithTable, type FaultyCatalog, IDENT } from '../iceberg/support/faulty-catalog';
import { alertRows } from '../iceberg/support/fixtures';

const fast = { backoff: { baseMs: 1, maxMs: 2 } };
const OFFSETS_KEY = 'sensor-alerts.offsets.readings.group';
const carry = {
  summary: (base: LoadedTable) => offsetsSummaries(mainSnapshot(base.metadata)?.summary),
};

async function appendSmall(catalog: FaultyCatalog, io: MemoryFileIO, rows: Row[], offset: number) {
  const files = await writeDataFiles(io, catalog.table, rows);
  await fastAppend(catalog, io, IDENT, files, {
    ...fast,
    prepare: () => ({
      summary: { [OFFSETS_KEY]: `{"0":${offset}}` },
      properties: { [OFFSETS_KEY]: `{"0":${offset}}` },
    }),
  });
}

async function allRows(catalog: FaultyCatalog, io: MemoryFileIO) {
  const table = await catalog.loadTable();
  const files = await planFiles(io, table);
  const rows = (await Promise.all(files.map((f) => readRows(io, f, SENSOR_ALERTS_SCHEMA)))).flat();
  return { files, keys: rows.map((r) => `${r.source_partition}/${r.source_offset}`).sort() };
}

async function smallFileTable(appends: number) {
  const catalog = catalogWithTable();
  const io = new MemoryFileIO();
  for (let i = 0; i < appends; i++) await appendSmall(catalog, io, alertRows(4, i * 4), i * 4 + 3);
  return { catalog, io };
}

describe('compactDataFiles', () => {
  it('replaces the small files of each partition with one sorted file, rows and offsets unchanged', async () => {
    const { catalog, io } = await smallFileTable(12);
    const before = await allRows(catalog, io);
    expect(before.files.length).toBe(24);

    const result = await compactDataFiles(catalog, io, IDENT, {
      sortColumn: 'reading_timestamp',
      ...carry,
    });

    const after = await allRows(catalog, io);
    expect(after.keys).toEqual(before.keys);
    expect(after.files.length).toBe(2);
    expect(result).toMatchObject({ filesRemoved: 24, filesAdded: 2, rows: 48n });
    const head = mainSnapshot(catalog.metadata)!;
    expect(head.summary.operation).toBe('replace');
    expect(head.summary[OFFSETS_KEY]).toBe('{"0":47}');
    expect(head.summary['total-records']).toBe('48');
    expect(head.summary['total-data-files']).toBe('2');
    expect(catalog.metadata.properties?.[OFFSETS_KEY]).toBe('{"0":47}');
    for (const task of after.files) {
      const rows = await readRows(io, task, SENSOR_ALERTS_SCHEMA);
      const times = rows.map((r) => r.reading_timestamp as bigint);
      expect(times).toEqual([...times].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
  });

  it('keeps an append that lands between planning and commit', async () => {
    const { catalog, io } = await smallFileTable(6);
    catalog.beforeCommit = () => appendSmall(catalog, io, alertRows(4, 1000), 1003);

    await compactDataFiles(catalog, io, IDENT, carry);

    const after = await allRows(catalog, io);
    expect(after.keys).toHaveLength(28);
    expect(after.keys).toContain('0/1000');
    expect(catalog.conflicts).toBe(1);
    expect(mainSnapshot(catalog.metadata)!.summary[OFFSETS_KEY]).toBe('{"0":1003}');
  });

  it('re-plans when another writer removed a file it was replacing', async () => {
    const { catalog, io } = await smallFileTable(6);
    const planned = await planFiles(io, await catalog.loadTable());
    const victim = planned[0]!.file;
    const copy = await writeDataFiles(
      io,
      catalog.table,
      await readRows(io, planned[0]!, SENSOR_ALERTS_SCHEMA),
    );
    catalog.beforeCommit = async () => {
      await rewriteFiles(catalog.inner, io, IDENT, [victim], copy, fast);
    };

    const result = await compactDataFiles(catalog, io, IDENT, carry);

    expect(result.replans).toBe(1);
    const after = await allRows(catalog, io);
    expect(after.keys).toHaveLength(24);
    expect(new Set(after.keys).size).toBe(24);
  });

  it('refuses a rewrite of a file that is no longer live', async () => {
    const { catalog, io } = await smallFileTable(2);
    const [first] = await planFiles(io, await catalog.loadTable());
    await rewriteFiles(catalog, io, IDENT, [first!.file], [], fast);
    await expect(rewriteFiles(catalog, io, IDENT, [first!.file], [], fast)).rejects.toBeInstanceOf(
      StaleRewriteError,
    );
  });

  it('marks a deadline hit after an unknown outcome as one that may have landed', async () => {
    // Prepare: the commit's answer is lost, and the backoff before retrying outlasts the deadline.
    const { catalog, io } = await smallFileTable(2);
    const [first] = await planFiles(io, await catalog.loadTable());
    catalog.faults.push('unknown-not-applied');
    const clock = new FakeClock();
    const deadline = Deadline.after(1_000, { clock, marginMs: 1_000 });

    // Act
    const error = await rewriteFiles(catalog, io, IDENT, [first!.file], [], {
      backoff: { baseMs: 1_000, maxMs: 1_000 },
      deadline,
    }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ commitOutcomeUnknown: true });
  });
});

describe('rewriteManifests', () => {
  it('packs many manifests into few, same files, offsets carried', async () => {
    const { catalog, io } = await smallFileTable(10);
    const before = await allRows(catalog, io);
    const result = await rewriteManifests(catalog, io, IDENT, { ...fast, ...carry });
    expect(result.manifestsBefore).toBe(10);
    expect(result.manifestsAfter).toBe(1);
    const list = readManifestList(await io.read(mainSnapshot(catalog.metadata)!['manifest-list']));
    expect(list.manifests).toHaveLength(1);
    expect((await allRows(catalog, io)).keys).toEqual(before.keys);
    expect(mainSnapshot(catalog.metadata)!.summary[OFFSETS_KEY]).toBe('{"0":39}');
  });
});

describe('expiry and orphans', () => {
  it('expires old snapshots, keeps the newest N and deletes only files no retained snapshot holds', async () => {
    const { catalog, io } = await smallFileTable(6);
    await compactDataFiles(catalog, io, IDENT, carry);
    const replaced = (await allRows(catalog, io)).keys;

    const result = await expireSnapshots(catalog, io, IDENT, {
      olderThanMs: Date.now() + 1,
      retainLast: 1,
    });

    expect(result.status).toBe('expired');
    expect(catalog.metadata.snapshots).toHaveLength(1);
    expect((await allRows(catalog, io)).keys).toEqual(replaced);
    // the 12 small files are live only in expired snapshots
    expect(result.deletedFiles.filter((p) => p.endsWith('.parquet'))).toHaveLength(12);
  });

  it('skips expiry and orphan deletion when gc.enabled=false', async () => {
    const catalog = catalogWithTable({ properties: { 'gc.enabled': 'false' } });
    const io = new MemoryFileIO();
    await appendSmall(catalog, io, alertRows(4), 3);
    await appendSmall(catalog, io, alertRows(4, 4), 7);
    const expired = await expireSnapshots(catalog, io, IDENT, {
      olderThanMs: Date.now() + 1,
      retainLast: 1,
    });
    expect(expired.status).toBe('gc-disabled');
    await io.write(`${catalog.metadata.location}/data/stray.parquet`, new Uint8Array(3));
    io.modified.set(`${catalog.metadata.location}/data/stray.parquet`, 0);
    const orphans = await removeOrphanFiles(io, await catalog.loadTable(), {
      olderThanMs: Date.now(),
    });
    expect(orphans.status).toBe('gc-disabled');
    expect(orphans.orphans).toHaveLength(1);
    expect(io.files.has(`${catalog.metadata.location}/data/stray.parquet`)).toBe(true);
  });

  it('removes old unreferenced files under the table location only, never young ones', async () => {
    const { catalog, io } = await smallFileTable(3);
    const loc = catalog.metadata.location;
    for (const p of [
      `${loc}/data/old.parquet`,
      `${loc}/data/young.parquet`,
      's3://warehouse/elsewhere/x',
    ]) {
      await io.write(p, new Uint8Array(1));
    }
    io.modified.set(`${loc}/data/old.parquet`, 0);
    io.modified.set('s3://warehouse/elsewhere/x', 0);
    const live = (await allRows(catalog, io)).keys;

    const result = await removeOrphanFiles(io, await catalog.loadTable(), {
      olderThanMs: Date.now() - 60_000,
    });

    expect(result.deleted).toEqual([`${loc}/data/old.parquet`]);
    expect(result.tooYoung).toBe(1);
    expect(io.files.has('s3://warehouse/elsewhere/x')).toBe(true);
    expect((await allRows(catalog, io)).keys).toEqual(live);
  });
});

describe('maintainTable', () => {
  it('reports files, manifests and snapshots before and after', async () => {
    const { catalog, io } = await smallFileTable(25);
    const report = await maintainTable(catalog, io, IDENT, {
      ...carry,
      snapshotRetentionMs: 0,
      retainLastSnapshots: 1,
    });
    expect(report.before).toMatchObject({ dataFiles: 50, manifests: 25 });
    expect(report.after).toMatchObject({ dataFiles: 2, manifests: 1, snapshots: 1, records: 100n });
    expect(report.expiry?.expired).toBeGreaterThan(20);
  });
});
