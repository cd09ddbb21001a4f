import { beforeEach, describe, expect, it } from 'vitest';
import {
  GroupCommitter,
  MemoryStagingStore,
  readCommitterState,
  stageBatch,
} from '../../../lib/group-commit';
import { Deadline, MemoryFileIO } from '../../../lib/iceberg';
import { catalogWithTable, type FaultyCatalog } from '../iceberg/support/faulty-catalog';
import { GROUP, staged, TOPIC } from './rows';

let now: number;
const clock = {
  now: () => now,
  sleep: async (ms: number) => {
    now += ms;
  },
  timeout: (ms: number) => AbortSignal.timeout(ms),
};
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
    clock,
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
    const attempt = await committer().commitIfDue(Deadline.after(1_000, { clock }));

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

  it('runs a round every interval until told to stop, landing what was staged meanwhile', async () => {
    // Prepare: every round, another invocation stages a batch of the next offsets.
    let next = 0n;
    const stageNext = async () => {
      await stageBatch(store, staged(0, Number(next), Number(next) + 9));
      next += 10n;
    };
    await stageNext();
    const started = now;

    // Act
    const result = await committer().run(Deadline.none(clock), {
      untilMs: now + 10_000,
      onRound: () => void stageNext(),
    });

    // Assess: one round a second for ten seconds, each landing the batch staged before it.
    expect(result.rounds.map((r) => r.status)).toEqual(Array(10).fill('committed'));
    expect(result.rounds.every((r) => r.rows === 10)).toBe(true);
    expect(catalog.applied).toBe(10);
    expect(now - started).toBeLessThanOrEqual(10_000);
    expect(result).toMatchObject({ failures: 0, lastError: undefined });
  });

  it('returns after the idle rounds it was given found nothing staged', async () => {
    // Prepare
    await stageBatch(store, staged(0, 0, 9));

    // Act
    const result = await committer().run(Deadline.none(clock), {
      untilMs: now + 60_000,
      idleRounds: 2,
    });

    // Assess
    expect(result.rounds.map((r) => r.status)).toEqual([
      'committed',
      'nothing-staged',
      'nothing-staged',
    ]);
  });

  it('retries a failed round at the next interval, and reports an error that persists', async () => {
    // Prepare: the catalog fails the first round, then recovers; later it fails for good.
    await stageBatch(store, staged(0, 0, 9));
    const load = catalog.loadTable.bind(catalog);
    let down = true;
    catalog.loadTable = async (...args) => {
      if (down) throw new Error('catalog down');
      return load(...args);
    };
    const errors: unknown[] = [];

    // Act
    const recovered = await committer().run(Deadline.none(clock), {
      untilMs: now + 2_500,
      onError: (e) => {
        errors.push(e);
        down = false;
      },
    });
    await stageBatch(store, staged(0, 10, 19));
    down = true;
    const failing = await committer().run(Deadline.none(clock), { untilMs: now + 3_500 });

    // Assess
    expect(recovered.rounds.map((r) => r.status)).toEqual(['committed', 'nothing-staged']);
    expect(recovered).toMatchObject({ failures: 1, lastError: undefined });
    expect(errors).toHaveLength(1);
    expect(failing.failures).toBeGreaterThan(1);
    expect((failing.lastError as Error).message).toBe('catalog down');
    expect((await readCommitterState(store)).state.holder).toBeNull();
  });

  it('keeps classifier invocations from committing while the run goes on, not after', async () => {
    // Prepare: a classifier that commits only three intervals after the last round.
    const loop = committer();
    const invocation = committer();
    await stageBatch(store, staged(0, 0, 9));
    const during: string[] = [];

    // Act
    await loop.run(Deadline.none(clock), {
      untilMs: now + 5_000,
      onRound: () => {
        now += 400;
        void invocation.commitIfDue(Deadline.none(clock), 3_000).then((a) => {
          during.push(a.outcome);
        });
      },
    });
    await stageBatch(store, staged(0, 10, 19));
    now += 3_000;
    const after = await invocation.commitIfDue(Deadline.none(clock), 3_000);

    // Assess
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((o) => o === 'not-due')).toBe(true);
    expect(after).toMatchObject({ outcome: 'ran', round: { status: 'committed', rows: 10 } });
  });
});
