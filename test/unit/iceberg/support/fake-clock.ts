import type { Clock } from '../../../../lib/iceberg';

/** A clock that only moves when something sleeps on it, recording sleeps and request timeouts. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  readonly timeouts: number[] = [];
  constructor(public t = 1_800_000_000_000) {}
  now = () => this.t;
  sleep = async (ms: number) => {
    this.sleeps.push(ms);
    this.t += ms;
  };
  /** A signal nothing aborts: tests make the fake fetch throw instead. */
  timeout = (ms: number) => {
    this.timeouts.push(ms);
    return new AbortController().signal;
  };
}

/** What fetch throws when a request's AbortSignal.timeout fires. */
export const timeoutError = () =>
  new DOMException('The operation was aborted due to timeout', 'TimeoutError');
