import { beforeEach, describe, expect, it } from 'vitest';
import {
  deadlineAfter,
  GroupCommitter,
  MemoryStagingStore,
  readCommitterState,
  stageBatch,
} from '../../../lib/group-commit';
import { MemoryFileIO } from '../../../lib/iceberg';
import { catalogWithTable, type FaultyCatalog } from '../iceberg/support/faulty-catalog';
import { GROUP, staged, TOPIC } from './rows';

let now: number;
let store: MemoryStagingStore;
let catalog: FaultyCatalog;
let io: MemoryFileIO;

const committer = (intervalMs = 1_000) =>
  new GroupCommitter({
    store,
    catalog,
    io,
    table: { namespace: ['demo'], name: 'sensor_alerts' },
    topic: TOPIC,
    consumerGroup: GROUP,
    intervalMs,
    now: () => now,
  });

beforeEach(() => {
  now = 1_000_000;
  store = new MemoryStagingStore();
  catalog = catalogWithTable();
  io = new MemoryFileIO();
});

describe('GroupCommitter', () => {
  it('commits at most once per interval across committers', async () => {
    // Prepare
    const [a, b] = [committer(), committer()];
    await stageBatch(store, staged(0, 0, 9));

    // Act
    const first = await a.commitIfDue();
    await stageBatch(store, staged(0, 10, 19));
    now += 500;
    const tooSoon = await b.commitIfDue();
    now += 600;
    const due = await b.commitIfDue();

    // Assess
    expect(first.outcome).toBe('ran');
    expect(tooSoon.outcome).toBe('not-due');
    expect(due).toMatchObject({ outcome: 'ran', round: { status: 'committed', rows: 10 } });
    expect(catalog.applied).toBe(2);
  });

  it('does not start while another holds the lease, and takes it once that lease ran out', async () => {
    // Prepare: a holder that crashed mid-round leaves its lease behind.
    await store.put(
      'committer.json',
      new TextEncoder().encode(
        JSON.stringify({ holder: 'crashed', leaseUntilMs: now + 30_000, lastRoundAtMs: 0 }),
      ),
    );
    await stageBatch(store, staged(0, 0, 9));
    const c = committer();

    // Act
    const held = await c.commitIfDue();
    now += 31_000;
    const taken = await c.commitIfDue();

    // Assess
    expect(held.outcome).toBe('lease-held');
    expect(taken.outcome).toBe('ran');
    expect((await readCommitterState(store)).state).toMatchObject({
      holder: null,
      leaseUntilMs: 0,
    });
  });

  it('records the table it committed to, and releases the lease when a round fails', async () => {
    // Prepare
    await stageBatch(store, staged(0, 0, 9));
    const c = committer();
    await c.commitIfDue();
    await stageBatch(store, staged(0, 10, 19));
    catalog.loadTable = async () => {
      throw new Error('catalog down');
    };
    now += 2_000;

    // Act
    const failed = c.commitIfDue();

    // Assess
    await expect(failed).rejects.toThrow('catalog down');
    const { state } = await readCommitterState(store);
    expect(state.holder).toBeNull();
    expect(state.table?.uuid).toBe(catalog.metadata['table-uuid']);
    expect(await c.recordedTable()).toEqual(state.table);
  });

  it('does not start a round without time for it', async () => {
    // Prepare
    await stageBatch(store, staged(0, 0, 9));

    // Act
    const attempt = await committer().commitIfDue(deadlineAfter(1_000, () => now));

    // Assess
    expect(attempt.outcome).toBe('no-time');
    expect(catalog.applied).toBe(0);
  });

  it('flushes until a round leaves nothing behind', async () => {
    // Prepare
    for (let i = 0; i < 3; i++) await stageBatch(store, staged(i, 0, 4));

    // Act
    const rounds = await committer(0).flush();

    // Assess
    expect(rounds.map((r) => r.status)).toEqual(['committed']);
    expect(await store.list('batches/')).toEqual([]);
  });
});
