import type { Context } from 'aws-lambda';

/** Calls the committer (in process, or a deployed function through Invoke). */
export type SweepInvoker = (event: unknown, context?: Context) => Promise<unknown>;

/**
 * The local stand-in for the committer's schedule: every interval it lands whatever the
 * classifier invocations staged but did not commit themselves (the tail of a burst, an idle
 * topic). On AWS an EventBridge rule does this every minute.
 */
export class CommitSweep {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  lastError: unknown;
  sweeps = 0;

  constructor(
    private readonly invoke: SweepInvoker,
    private readonly everyMs = 1_000,
    private readonly onError: (error: unknown) => void = (error) =>
      console.error('[commit] sweep failed:', (error as Error)?.message ?? error),
  ) {}

  start(): this {
    this.timer ??= setInterval(() => void this.once(), this.everyMs);
    this.timer.unref();
    return this;
  }

  /** One sweep; concurrent calls share the one in flight. */
  once(): Promise<unknown> {
    this.running ??= this.invoke({ source: 'local.commit-sweep' })
      .then((result) => {
        this.sweeps++;
        this.lastError = undefined;
        return result;
      })
      .catch((error) => {
        this.lastError = error;
        this.onError(error);
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** Lands everything staged so far, failing loudly when a round fails. */
  async flush(): Promise<unknown> {
    await this.running;
    return this.invoke({ source: 'local.commit-sweep' });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
