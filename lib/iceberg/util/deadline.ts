import { DeadlineExceededError } from '../errors';
import { type Clock, systemClock } from './clock';

export interface DeadlineOptions {
  clock?: Clock;
  /**
   * No new attempt (a request, a retry, a backoff sleep) starts with less than this left, so a
   * caller fails cleanly instead of being cut off mid-request. Default 1,000 ms.
   */
  marginMs?: number;
}

const DEFAULT_MARGIN_MS = 1_000;

/**
 * A point in time that every retry loop and request of this package stops at. A Lambda handler
 * makes one from its context, e.g. `Deadline.after(context.getRemainingTimeInMillis() - 5_000)`,
 * so that the invocation fails with DeadlineExceededError (retryable) before it is killed.
 */
export class Deadline {
  private constructor(
    /** Epoch milliseconds on `clock`; Infinity for no deadline. */
    readonly atMs: number,
    readonly marginMs: number,
    readonly clock: Clock,
  ) {}

  static at(epochMs: number, options: DeadlineOptions = {}): Deadline {
    return new Deadline(
      epochMs,
      options.marginMs ?? DEFAULT_MARGIN_MS,
      options.clock ?? systemClock,
    );
  }

  static after(ms: number, options: DeadlineOptions = {}): Deadline {
    const clock = options.clock ?? systemClock;
    return Deadline.at(clock.now() + ms, { ...options, clock });
  }

  /** No deadline: requests keep their own timeouts, sleeps run on `clock`. */
  static none(clock: Clock = systemClock): Deadline {
    return new Deadline(Number.POSITIVE_INFINITY, 0, clock);
  }

  get bounded(): boolean {
    return Number.isFinite(this.atMs);
  }

  remainingMs(): number {
    return this.atMs - this.clock.now();
  }

  /** Throws unless the margin (and `neededMs` more) is left: call before starting an attempt. */
  check(activity: string, neededMs = 0): void {
    const left = this.remainingMs();
    if (left < this.marginMs + neededMs) throw new DeadlineExceededError(activity, left);
  }

  /**
   * A signal for one request: it aborts after `timeoutMs`, or when the deadline is reached if
   * that comes first (`clipped`). Throws when no time is left to start the request.
   */
  requestSignal(timeoutMs: number, activity: string): { signal: AbortSignal; clipped: boolean } {
    this.check(activity);
    const left = this.remainingMs();
    const clipped = left < timeoutMs;
    return { signal: this.clock.timeout(clipped ? left : timeoutMs), clipped };
  }

  /** Waits `ms`, unless waking up would leave less than the margin: then throws at once. */
  async sleep(ms: number, activity: string): Promise<void> {
    const left = this.remainingMs();
    if (left - ms < this.marginMs) throw new DeadlineExceededError(activity, left);
    await this.clock.sleep(ms);
  }
}

/** True for the error fetch and the AWS SDK raise when a request's signal aborted it. */
export function isAbort(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}
