import { beforeEach, describe, expect, it } from 'vitest';
import { offsetsSummaryKey } from '../../../lib/alerts/offsets';
import { SENSOR_ALERTS_SCHEMA } from '../../../lib/alerts/table';
import {
  type CommitRoundDeps,
  CommittedOffsetsMissingError,
  MemoryStagingStore,
  runCommitRound,
  stageBatch,
  TableLostError,
} from '../../../lib/group-commit';
import {
  MemoryFileIO,
  mainSnapshot,
  NoSuchTableError,
  planFiles,
  readRows,
} from '../../../lib/iceberg';
import { catalogWithTable, type FaultyCatalog } from '../iceberg/support/faulty-catalog';
import { GROUP, staged, TOPIC } from './rows';

const KEY = offsetsSummaryKey(TOPIC, GROUP);

let catalog: FaultyCatalog;
let io: MemoryFileIO;
let store: MemoryStagingStore;
let deps: CommitRoundDeps;

async function tableRows() {
  const table = await catalog.loadTable();
  const files = await planFiles(io, table);
  const rows = (await Promise.all(files.map((f) => readRows(io, f, SENSOR_ALERTS_SCHEMA)))).flat();
  return rows
    .map((r) => `${r.source_partition}:${r.source_offset}`)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

const range = (p: number, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${p}:${from + i}`);

beforeEach(() => {
  catalog = catalogWithTable();
  io = new MemoryFileIO();
  store = new MemoryStagingStore();
  deps = {
    store,
    catalog,
    io,
    table: { namespace: ['demo'], name: 'sensor_alerts' },
    topic: TOPIC,
    consumerGroup: GROUP,
  };
});

describe('runCommitRound', () => {
  it('commits every staged partition in one snapshot with the offsets as property and summary', async () => {
    // Prepare
    await stageBatch(store, staged(0, 0, 9));
    await stageBatch(store, staged(1, 0, 4));
    await stageBatch(store, staged(0, 10, 14));

    // Act
    const round = await runCommitRound(deps);

    // Assess
    expect(round).toMatchObject({ status: 'committed', rows: 20, batchesTaken: 3, batchesLeft: 0 });
    expect(catalog.applied).toBe(1);
    expect(await tableRows()).toEqual([...range(0, 0, 14), ...range(1, 0, 4)]);
    const { metadata } = await catalog.loadTable();
    expect(metadata.properties?.[KEY]).toBe('{"0":14,"1":4}');
    expect(metadata.snapshots?.at(-1)?.summary[KEY]).toBe('{"0":14,"1":4}');
    expect(await store.list('batches/')).toEqual([]);
  });

  it('reports nothing staged without touching the catalog', async () => {
    // Act
    const round = await runCommitRound(deps);

    // Assess
    expect(round.status).toBe('nothing-staged');
    expect(catalog.applied).toBe(0);
  });

  it('discards a redelivery of committed records and removes it', async () => {
    // Prepare
    await stageBatch(store, staged(0, 0, 9));
    await runCommitRound(deps);
    await stageBatch(store, staged(0, 0, 9));

    // Act
    const round = await runCommitRound(deps);

    // Assess
    expect(round).toMatchObject({ status: 'settled', batchesDiscarded: 1, duplicateRows: 10 });
    expect(catalog.applied).toBe(1);
    expect(await tableRows()).toEqual(range(0, 0, 9));
    expect(await store.list('batches/')).toEqual([]);
  });

  it('adds only the new part of a redelivery that grew', async () => {
    // Prepare
    await stageBatch(store, staged(0, 0, 9));
    await runCommitRound(deps);
    await stageBatch(store, staged(0, 0, 19));

    // Act
    await runCommitRound(deps);

    // Assess
    expect(await tableRows()).toEqual(range(0, 0, 19));
  });

  it('settles batches left behind by a crash between the commit and their removal', async () => {
    // Prepare
    await stageBatch(store, staged(0, 0, 9));
    await expect(
      runCommitRound({
        ...deps,
        afterCommit: () => {
          throw new Error('crash');
        },
      }),
    ).rejects.toThrow('crash');
    expect(await store.list('batches/')).toHaveLength(1);

    // Act
    const round = await runCommitRound(deps);

    // Assess
    expect(round.status).toBe('settled');
    expect(await tableRows()).toEqual(range(0, 0, 9));
    expect(await store.list('batches/')).toEqual([]);
  });

  it('keeps the offsets through another writer whose snapshots carry none', async () => {
    // Prepare: our commit, then a foreign commit that keeps only the current snapshot.
    await stageBatch(store, staged(0, 0, 9));
    await runCommitRound(deps);
    const ours = mainSnapshot(catalog.metadata)!;
    await catalog.apply({
      requirements: [],
      updates: [
        {
          action: 'add-snapshot',
          snapshot: {
            ...ours,
            'snapshot-id': 42n,
            'parent-snapshot-id': ours['snapshot-id'],
            'sequence-number': ours['sequence-number'] + 1n,
            summary: { operation: 'replace' },
          },
        },
        { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 42n },
      ],
    });
    catalog.inner.servesCurrentSnapshotOnly = true;
    await stageBatch(store, staged(0, 0, 9));

    // Act
    const round = await runCommitRound(deps);

    // Assess
    expect(round).toMatchObject({ status: 'settled', duplicateRows: 10 });
  });

  it('fails closed when a table with rows has lost the offsets', async () => {
    // Prepare
    await stageBatch(store, staged(0, 0, 9));
    await runCommitRound(deps);
    // Another writer's snapshot without the offsets, the property removed, history expired.
    const ours = mainSnapshot(catalog.metadata)!;
    await catalog.apply({
      requirements: [],
      updates: [
        { action: 'remove-properties', removals: [KEY] },
        {
          action: 'add-snapshot',
          snapshot: {
            ...ours,
            'snapshot-id': 43n,
            'parent-snapshot-id': ours['snapshot-id'],
            'sequence-number': ours['sequence-number'] + 1n,
            summary: { operation: 'replace' },
          },
        },
        { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 43n },
        {
          action: 'remove-snapshots',
          'snapshot-ids': (catalog.metadata.snapshots ?? []).map((s) => s['snapshot-id']),
        },
      ],
    });
    await stageBatch(store, staged(0, 0, 9));

    // Act
    const round = runCommitRound(deps);

    // Assess
    await expect(round).rejects.toThrow(CommittedOffsetsMissingError);
    await expect(round).rejects.toThrow(KEY);
    expect(await tableRows()).toEqual(range(0, 0, 9));
    expect(await store.list('batches/')).toHaveLength(1);
  });

  it('refuses a table other than the one earlier commits went to', async () => {
    // Prepare
    await stageBatch(store, staged(0, 0, 9));

    // Act
    const round = runCommitRound({
      ...deps,
      expectedTable: { uuid: 'another-uuid', location: 's3://warehouse/old' },
    });

    // Assess
    await expect(round).rejects.toThrow(TableLostError);
    expect(catalog.applied).toBe(0);
  });

  it('reports a lost table when the catalog no longer has it', async () => {
    // Prepare
    await stageBatch(store, staged(0, 0, 9));
    catalog.loadTable = async () => {
      throw new NoSuchTableError('no such table');
    };

    // Act
    const round = runCommitRound({
      ...deps,
      expectedTable: { uuid: 'u', location: 's3://warehouse/t' },
    });

    // Assess
    await expect(round).rejects.toThrow(TableLostError);
  });

  it('re-plans when another committer moved the offsets first, adding nothing twice', async () => {
    // Prepare: both committers see the same batch; the other lands first.
    await stageBatch(store, staged(0, 0, 9));
    const other = { ...deps, store: new MemoryStagingStore() };
    await stageBatch(other.store, staged(0, 0, 9));
    catalog.beforeCommit = async () => {
      await runCommitRound(other);
    };

    // Act
    const round = await runCommitRound(deps);

    // Assess
    expect(round.status).toBe('settled');
    expect(await tableRows()).toEqual(range(0, 0, 9));
  });

  it('leaves batches over the byte budget for the next round, in order', async () => {
    // Prepare
    await stageBatch(store, staged(0, 0, 9));
    await stageBatch(store, staged(0, 10, 19));

    // Act
    const first = await runCommitRound({ ...deps, maxRoundBytes: 1 });
    const second = await runCommitRound({ ...deps, maxRoundBytes: 1 });

    // Assess
    expect(first).toMatchObject({ rows: 10, batchesLeft: 1 });
    expect(second).toMatchObject({ rows: 10, batchesLeft: 0 });
    expect(await tableRows()).toEqual(range(0, 0, 19));
  });
});
