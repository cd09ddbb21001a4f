import { randomUUID } from 'node:crypto';
import { type CommitRoundDeps, type CommitRoundResult, runCommitRound } from './commit-round';
import {
  readCommitterState,
  releaseLease,
  type TableIdentity,
  tryAcquireLease,
} from './committer-state';
import { type Deadline, NO_DEADLINE } from './deadline';

export interface CommitterOptions extends Omit<CommitRoundDeps, 'deadline' | 'expectedTable'> {
  /** Least time between the starts of two rounds (default 1 s). */
  intervalMs?: number;
  /** Longest a lease is held (default 30 s; never past the caller's deadline). */
  leaseMs?: number;
  /** Margin kept before the deadline for releasing the lease and returning (default 1.5 s). */
  marginMs?: number;
  now?: () => number;
}

export type CommitAttempt =
  | { outcome: 'not-due' | 'lease-held' | 'no-time' }
  | { outcome: 'ran'; round: CommitRoundResult; durationMs: number };

/**
 * Runs commit rounds for one staging root: opportunistically after an invocation staged a
 * batch (`commitIfDue`), and from a sweep that lands whatever is staged when no invocation comes
 * (`flush`). Only one caller at a time gets the lease; everybody else returns at once.
 */
export class GroupCommitter {
  private readonly owner = randomUUID();
  private readonly intervalMs: number;
  private readonly now: () => number;
  /** When this process may next find a round due, learned from the state it last read. */
  private nextDueAtMs = 0;

  constructor(private readonly options: CommitterOptions) {
    this.intervalMs = options.intervalMs ?? 1_000;
    this.now = options.now ?? Date.now;
  }

  /** Commits when the last round started at least an interval ago and the lease is free. */
  async commitIfDue(deadline: Deadline = NO_DEADLINE): Promise<CommitAttempt> {
    if (this.now() < this.nextDueAtMs) return { outcome: 'not-due' };
    return this.attempt(deadline, this.intervalMs);
  }

  /**
   * Runs rounds until one finds nothing left behind, the deadline nears, or `maxRounds` ran;
   * waits an interval between rounds, and for another holder's round to end. Resolves with the
   * rounds that ran here.
   */
  async flush(
    deadline: Deadline = NO_DEADLINE,
    options: { maxRounds?: number } = {},
  ): Promise<CommitRoundResult[]> {
    const rounds: CommitRoundResult[] = [];
    const maxRounds = options.maxRounds ?? Number.POSITIVE_INFINITY;
    for (;;) {
      const attempt = await this.attempt(deadline, undefined);
      if (attempt.outcome === 'no-time') break;
      if (attempt.outcome === 'ran') {
        rounds.push(attempt.round);
        if (attempt.round.batchesLeft === 0 || rounds.length >= maxRounds) break;
      }
      if (deadline.remainingMs() < this.intervalMs + this.margin()) break;
      const wait = attempt.outcome === 'ran' ? this.intervalMs : Math.min(this.intervalMs, 250);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    return rounds;
  }

  /** The table the last commit recorded, to tell a lost table from a new one. */
  async recordedTable(): Promise<TableIdentity | undefined> {
    return (await readCommitterState(this.options.store)).state.table;
  }

  private margin() {
    return this.options.marginMs ?? 1_500;
  }

  private async attempt(
    deadline: Deadline,
    dueAfterMs: number | undefined,
  ): Promise<CommitAttempt> {
    const left = deadline.remainingMs() - this.margin();
    if (left < 2_000) return { outcome: 'no-time' };
    const started = this.now();
    const { lease, state, reason } = await tryAcquireLease(this.options.store, {
      owner: this.owner,
      nowMs: started,
      leaseMs: Math.min(this.options.leaseMs ?? 30_000, left),
      ...(dueAfterMs !== undefined ? { dueAfterMs } : {}),
    });
    if (!lease) {
      // While a round runs elsewhere, the next can start an interval from now at the earliest.
      this.nextDueAtMs =
        reason === 'not-due' ? state.lastRoundAtMs + this.intervalMs : started + this.intervalMs;
      return { outcome: reason === 'not-due' ? 'not-due' : 'lease-held' };
    }
    const leaseDeadline: Deadline = {
      remainingMs: () =>
        Math.min(deadline.remainingMs(), lease.state.leaseUntilMs - this.now()) - this.margin(),
    };
    let round: CommitRoundResult | undefined;
    try {
      round = await runCommitRound({
        ...this.options,
        deadline: leaseDeadline,
        ...(lease.state.table ? { expectedTable: lease.state.table } : {}),
      });
      return { outcome: 'ran', round, durationMs: this.now() - started };
    } finally {
      this.nextDueAtMs = started + this.intervalMs;
      await releaseLease(this.options.store, lease, {
        lastRoundAtMs: started,
        ...(round?.table
          ? { table: { uuid: round.table.uuid, location: round.table.location } }
          : {}),
        ...(round?.status === 'committed'
          ? {
              lastCommit: {
                atMs: this.now(),
                snapshotId: String(round.snapshotId),
                rows: round.rows,
                batches: round.batchesTaken,
              },
            }
          : {}),
      }).catch(() => false);
    }
  }
}
