import { randomUUID } from 'node:crypto';
import { type Clock, Deadline, systemClock } from '../iceberg';
import { type CommitRoundDeps, type CommitRoundResult, runCommitRound } from './commit-round';
import {
  readCommitterState,
  releaseLease,
  type TableIdentity,
  tryAcquireLease,
} from './committer-state';

export interface CommitterOptions extends Omit<CommitRoundDeps, 'deadline' | 'expectedTable'> {
  /** Least time between the starts of two rounds (default 1 s). */
  intervalMs?: number;
  /** Longest a lease is held (default 30 s; never past the caller's deadline). */
  leaseMs?: number;
  /** Margin kept before the deadline for releasing the lease and returning (default 1.5 s). */
  marginMs?: number;
  /** Time for the lease and the interval (tests pass a fake one). */
  clock?: Clock;
}

export type CommitAttempt =
  | { outcome: 'not-due' | 'lease-held' | 'no-time' }
  | { outcome: 'ran'; round: CommitRoundResult; durationMs: number };

export interface RunOptions {
  /** Stop starting rounds at this time (ms, the clock's), besides the deadline. */
  untilMs?: number;
  /** Return after this many rounds in a row found nothing staged (default: never). */
  idleRounds?: number;
  /** Called with each round that ran here. */
  onRound?: (round: CommitRoundResult, durationMs: number) => void;
  /** Called with each failed round; the loop goes on and retries at the next interval. */
  onError?: (error: unknown) => void;
}

export interface RunResult {
  rounds: CommitRoundResult[];
  failures: number;
  /** The error of the last attempt when it failed (no later round succeeded). */
  lastError?: unknown;
}

/** Least pause between two attempts of a loop, so a zero interval does not spin. */
const MIN_POLL_MS = 10;

/**
 * Runs commit rounds for one staging root: the committer's loop, a round every interval
 * (`run`); a one-off that lands whatever is staged (`flush`); and an invocation that staged a
 * batch when the loop's rounds have stopped coming (`commitIfDue` with a longer due time). Only
 * one caller at a time gets the lease; everybody else returns at once.
 */
export class GroupCommitter {
  private readonly owner = randomUUID();
  private readonly intervalMs: number;
  private readonly clock: Clock;
  /**
   * When the last round started as far as this process knows (from the state it last read;
   * while another holds the lease, when it found it held), to skip reading the state early.
   */
  private lastRoundAtMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: CommitterOptions) {
    this.intervalMs = options.intervalMs ?? 1_000;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Commits when the last round started at least `dueAfterMs` ago (default the interval) and
   * the lease is free. A classifier invocation passes a longer time than the interval, so that
   * it commits only when the committer's rounds have stopped coming (see `run`).
   */
  async commitIfDue(
    deadline: Deadline = Deadline.none(this.clock),
    dueAfterMs: number = this.intervalMs,
  ): Promise<CommitAttempt> {
    if (this.clock.now() < this.lastRoundAtMs + dueAfterMs) {
      return { outcome: 'not-due' };
    }
    return this.attempt(deadline, dueAfterMs);
  }

  /**
   * The committer's loop: a round every interval (between the starts of two rounds, wherever
   * they ran) until `untilMs` or the deadline, or `idleRounds` rounds in a row found nothing
   * staged. A failed round is reported and retried at the next interval; the result says
   * whether the last attempt failed, so the caller can fail loudly on an error that persists.
   */
  async run(deadline: Deadline, options: RunOptions = {}): Promise<RunResult> {
    const result: RunResult = { rounds: [], failures: 0 };
    const until = Math.min(options.untilMs ?? Number.POSITIVE_INFINITY, deadline.atMs);
    let idle = 0;
    while (this.clock.now() < until) {
      try {
        const attempt = await this.attempt(deadline, this.intervalMs);
        if (attempt.outcome === 'no-time') break;
        result.lastError = undefined;
        if (attempt.outcome === 'ran') {
          result.rounds.push(attempt.round);
          options.onRound?.(attempt.round, attempt.durationMs);
          idle = attempt.round.status === 'nothing-staged' ? idle + 1 : 0;
          if (options.idleRounds !== undefined && idle >= options.idleRounds) break;
        }
      } catch (error) {
        result.failures++;
        result.lastError = error;
        options.onError?.(error);
        this.lastRoundAtMs = this.clock.now();
      }
      const wait = this.untilNextRoundMs();
      if (this.clock.now() + wait >= until) break;
      await this.clock.sleep(wait);
    }
    return result;
  }

  /**
   * Runs rounds until one finds nothing left behind, the deadline nears, or `maxRounds` ran;
   * waits an interval between rounds, and for another holder's round to end. Resolves with the
   * rounds that ran here.
   */
  async flush(
    deadline: Deadline = Deadline.none(this.clock),
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
      // An interval between the starts of two rounds; sooner retries while another holds it.
      const wait =
        attempt.outcome === 'ran' ? this.untilNextRoundMs() : Math.min(this.intervalMs, 250);
      await this.clock.sleep(wait);
    }
    return rounds;
  }

  /** The table the last commit recorded, to tell a lost table from a new one. */
  async recordedTable(): Promise<TableIdentity | undefined> {
    return (await readCommitterState(this.options.store)).state.table;
  }

  /** Time to wait until an interval after the last round's start (at least MIN_POLL_MS). */
  private untilNextRoundMs() {
    return Math.max(this.lastRoundAtMs + this.intervalMs - this.clock.now(), MIN_POLL_MS);
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
    const started = this.clock.now();
    const { lease, state, reason } = await tryAcquireLease(this.options.store, {
      owner: this.owner,
      nowMs: started,
      leaseMs: Math.min(this.options.leaseMs ?? 30_000, left),
      ...(dueAfterMs !== undefined ? { dueAfterMs } : {}),
    });
    if (!lease) {
      // While a round runs elsewhere, the next can start an interval from now at the earliest.
      this.lastRoundAtMs = reason === 'not-due' ? state.lastRoundAtMs : started;
      return { outcome: reason === 'not-due' ? 'not-due' : 'lease-held' };
    }
    // The round ends before the lease does, and before the caller's deadline with room to
    // release the lease and return.
    const leaseDeadline = Deadline.at(
      Math.min(deadline.atMs, lease.state.leaseUntilMs) - this.margin(),
      { clock: this.clock, marginMs: deadline.bounded ? deadline.marginMs : 1_000 },
    );
    let round: CommitRoundResult | undefined;
    try {
      round = await runCommitRound({
        ...this.options,
        deadline: leaseDeadline,
        ...(lease.state.table ? { expectedTable: lease.state.table } : {}),
      });
      return { outcome: 'ran', round, durationMs: this.clock.now() - started };
    } finally {
      this.lastRoundAtMs = started;
      await releaseLease(this.options.store, lease, {
        lastRoundAtMs: started,
        ...(round?.table
          ? { table: { uuid: round.table.uuid, location: round.table.location } }
          : {}),
        ...(round?.status === 'committed'
          ? {
              lastCommit: {
                atMs: this.clock.now(),
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
