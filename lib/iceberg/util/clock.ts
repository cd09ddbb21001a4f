/**
 * Time as the retry loops see it. Injected so that tests can run deadlines and backoff on a fake
 * clock instead of waiting.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** A signal that aborts after `ms` of this clock's time (AbortSignal.timeout on the real one). */
  timeout(ms: number): AbortSignal;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
  timeout: (ms) => AbortSignal.timeout(Math.max(0, Math.floor(ms))),
};
