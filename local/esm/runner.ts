import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { type BuildEventOptions, buildKafkaEvent, type KafkaRecord } from '../../lib/kafka/event';
import { RunnerConfigError, RunnerTimeoutError } from './errors';
import type { FailureDestination } from './failure-destination';
import type { Invoker } from './invokers';
import { chunk, retryDelayMs, toKafkaRecord } from './records';

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

const HEARTBEAT_MS = 3_000;
/** How long a fetch without a batching window waits for a first record. */
const IDLE_FETCH_WAIT_MS = 500;

export interface RunnerLogger {
  info(message: string, extra?: object): void;
  warn(message: string, extra?: object): void;
  error(message: string, extra?: object): void;
}

export interface EsmRunnerOptions {
  kafka: Kafka;
  topic: string;
  groupId: string;
  invoke: Invoker;
  /** Records per invocation (Lambda's BatchSize; default 100). */
  batchSize?: number;
  /**
   * How long the broker may hold a fetch to gather records (Lambda's
   * MaximumBatchingWindowInSeconds, in ms; default 500).
   */
  batchWindowMs?: number;
  /** Shape of the delivered event (default SelfManagedKafka). */
  event?: BuildEventOptions;
  /**
   * Retries after the first failed invocation. Unset (the default) retries a failing batch until
   * it succeeds, as Lambda's on-demand Kafka mappings do; a number bounds them, as provisioned
   * mode's MaximumRetryAttempts does, after which the batch goes to `onFailure`.
   */
  maxRetries?: number;
  /** First retry delay before jitter (default 500 ms); it doubles per attempt up to retryMaxMs. */
  retryBaseMs?: number;
  /** Longest retry delay (default 30 s). */
  retryMaxMs?: number;
  /**
   * Where a batch goes once its bounded retries are used up; only with `maxRetries`. Without
   * one, such a batch stops the runner instead (nothing is skipped).
   */
  onFailure?: FailureDestination;
  /** Named in on-failure records (default classifier). */
  functionName?: string;
  /** Partitions processed in parallel; each partition stays in order (default 1). */
  partitionsConcurrently?: number;
  /** Start at the earliest offset when the group has none (Lambda's TRIM_HORIZON; default). */
  fromBeginning?: boolean;
  progressEveryMs?: number;
  logger?: RunnerLogger;
  /**
   * Fault injection for tests: called after a successful invocation, before the offset
   * commit. Returning 'crash' leaves the offsets uncommitted and stops the runner, as if the
   * process died between the two.
   */
  afterInvoke?: (records: readonly KafkaRecord[]) => 'crash' | undefined;
}

export interface RunnerStats {
  batches: number;
  records: number;
  invocations: number;
  retries: number;
  /** Batches that used up their retries and went to the on-failure destination. */
  divertedBatches: number;
  divertedRecords: number;
  /** Per partition, the highest offset this runner committed to Kafka. */
  committed: Record<number, string>;
  lastResult: unknown;
  crashed: boolean;
}

const consoleLogger: RunnerLogger = {
  info: (m, e) => console.log(`[esm] ${m}`, e ?? ''),
  warn: (m, e) => console.warn(`[esm] ${m}`, e ?? ''),
  error: (m, e) => console.error(`[esm] ${m}`, e ?? ''),
};

/**
 * Consumes a topic the way Lambda's Kafka event source mapping does and invokes a function
 * with each batch: records of one partition per event, in offset order, and the group's
 * offsets committed only after the function succeeded (or the batch went to the on-failure
 * destination), so a crash redelivers rather than loses. A failing batch is retried until it
 * succeeds unless retries are bounded; every retry and every diverted batch is logged.
 */
export class EventSourceMappingRunner {
  readonly stats: RunnerStats = {
    batches: 0,
    records: 0,
    invocations: 0,
    retries: 0,
    divertedBatches: 0,
    divertedRecords: 0,
    committed: {},
    lastResult: undefined,
    crashed: false,
  };
  private consumer: Consumer | undefined;
  private admin: Admin | undefined;
  private inFlight = 0;
  private fatal: Error | undefined;
  private stopping: Promise<void> | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  private readonly log: RunnerLogger;
  /** Aborted by stop(): a batch waiting for its next retry gives up and stays uncommitted. */
  private readonly stopped = new AbortController();

  constructor(private readonly options: EsmRunnerOptions) {
    this.log = options.logger ?? consoleLogger;
    if (options.onFailure && options.maxRetries === undefined) {
      throw new RunnerConfigError(
        'an on-failure destination needs bounded retries (maxRetries): by default a failing ' +
          'batch is retried until it succeeds, and nothing is diverted',
      );
    }
  }

  async start(): Promise<void> {
    const o = this.options;
    const windowMs = o.batchWindowMs ?? 500;
    this.consumer = o.kafka.consumer({
      groupId: o.groupId,
      // Ask the broker to hold the fetch for the window unless a full batch is ready. Without a
      // window, a fetch returns as soon as any record is there, and an idle partition's fetch
      // waits there instead of coming back empty at once (and again, and again).
      ...(windowMs > 0
        ? { maxWaitTimeInMs: windowMs, minBytes: Math.max(1, (o.batchSize ?? 100) * 64) }
        : { maxWaitTimeInMs: IDLE_FETCH_WAIT_MS, minBytes: 1 }),
      sessionTimeout: 30_000,
      heartbeatInterval: HEARTBEAT_MS,
      retry: { retries: 10 },
    });
    this.admin = o.kafka.admin();
    await Promise.all([this.consumer.connect(), this.admin.connect()]);
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      if (!e.payload.restart) this.fatal = e.payload.error;
    });
    await this.consumer.subscribe({ topic: o.topic, fromBeginning: o.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: o.partitionsConcurrently ?? 1,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    if (o.progressEveryMs) {
      this.progressTimer = setInterval(
        () => this.log.info('progress', { ...this.stats, lastResult: undefined }),
        o.progressEveryMs,
      );
      this.progressTimer.unref();
    }
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const batchSize = this.options.batchSize ?? 100;
    const records = batch.messages.map((m) => toKafkaRecord(batch.topic, batch.partition, m));
    for (const part of chunk(records, batchSize)) {
      if (!isRunning() || isStale() || this.stats.crashed) return;
      this.inFlight++;
      // A slow function or a long retry must not cost the group membership, or the partition
      // would be handed to another member while this delivery is still running.
      const beat = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_MS);
      try {
        const delivered = await this.deliver(part, () => !isRunning() || isStale());
        if (delivered === 'stopped') return;
        if (isStale()) return; // rebalanced meanwhile: the new owner delivers these records again
        const last = part[part.length - 1]!;
        if (delivered === 'invoked' && this.options.afterInvoke?.(part) === 'crash') {
          this.stats.crashed = true;
          this.log.warn('simulated crash before the offset commit', { partition: last.partition });
          void this.stop();
          return;
        }
        resolveOffset(last.offset.toString());
        await this.consumer!.commitOffsets([
          { topic: last.topic, partition: last.partition, offset: (last.offset + 1n).toString() },
        ]);
        this.stats.committed[last.partition] = last.offset.toString();
        this.stats.batches++;
        this.stats.records += part.length;
        await heartbeat();
      } finally {
        clearInterval(beat);
        this.inFlight--;
      }
    }
  }

  /**
   * How the batch was handled: by the function, by the failure destination, or not at all (the
   * runner stops, or the partition moved to another member: its offsets stay uncommitted and
   * the batch is delivered again).
   */
  private async deliver(
    records: KafkaRecord[],
    abandoned: () => boolean,
  ): Promise<'invoked' | 'failed-over' | 'stopped'> {
    const o = this.options;
    const shape: BuildEventOptions = o.event ?? {
      eventSource: 'SelfManagedKafka',
      bootstrapServers: 'local',
    };
    const event = buildKafkaEvent(records, shape);
    const maxRetries = o.maxRetries ?? Number.POSITIVE_INFINITY;
    const first = records[0]!;
    const last = records[records.length - 1]!;
    const where = {
      partition: first.partition,
      firstOffset: first.offset.toString(),
      lastOffset: last.offset.toString(),
      records: records.length,
    };
    let lastError: unknown;
    let attempt = 0;
    for (;;) {
      attempt++;
      this.stats.invocations++;
      try {
        this.stats.lastResult = await o.invoke(event);
        if (attempt > 1) this.log.info('batch succeeded after retries', { ...where, attempt });
        return 'invoked';
      } catch (error) {
        lastError = error;
      }
      const message = errorMessage(lastError);
      if (attempt > maxRetries) {
        this.log.warn('invocation failed; no retries left', { ...where, attempt, error: message });
        break;
      }
      const delayMs = retryDelayMs(attempt, o.retryBaseMs ?? 500, o.retryMaxMs ?? 30_000);
      this.log.warn('invocation failed; retrying', {
        ...where,
        attempt,
        retries: o.maxRetries === undefined ? 'until it succeeds' : `${attempt} of ${maxRetries}`,
        retryInMs: delayMs,
        error: message,
      });
      this.stats.retries++;
      const waited = await sleep(delayMs, true, { signal: this.stopped.signal }).catch(() => false);
      if (!waited || abandoned()) {
        this.log.warn('stopped retrying: the runner is stopping or the partition moved', where);
        return 'stopped';
      }
    }
    if (!o.onFailure) {
      this.fatal = lastError as Error;
      this.log.error('batch failed and there is no on-failure destination; stopping', {
        ...where,
        error: errorMessage(lastError),
      });
      void this.stop();
      return 'stopped';
    }
    await o.onFailure.send({
      event,
      records,
      shape,
      details: {
        functionName: o.functionName ?? 'classifier',
        attempts: attempt,
        error: errorMessage(lastError),
      },
    });
    this.stats.divertedBatches++;
    this.stats.divertedRecords += records.length;
    this.log.error(
      `BATCH DIVERTED: ${records.length} records of partition ${first.partition}, offsets ` +
        `${first.offset}-${last.offset}, went to ${o.onFailure.uri} after ${attempt} attempts ` +
        `and are skipped; put them back with: npm run replay -- ${o.onFailure.uri}`,
      { ...where, attempts: attempt, error: errorMessage(lastError), destination: o.onFailure.uri },
    );
    return 'failed-over';
  }

  /** Records on the topic not yet committed by the group, summed over partitions. */
  async lag(): Promise<bigint> {
    const admin = this.admin!;
    const [ends, groups] = await Promise.all([
      admin.fetchTopicOffsets(this.options.topic),
      admin.fetchOffsets({ groupId: this.options.groupId, topics: [this.options.topic] }),
    ]);
    const committed = new Map(
      (groups[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]),
    );
    let lag = 0n;
    for (const end of ends) {
      const high = BigInt(end.high);
      const low = BigInt(end.low);
      const at = committed.get(end.partition) ?? -1n;
      const from = at < 0n ? low : at;
      if (high > from) lag += high - from;
    }
    return lag;
  }

  /** Resolves once the group has committed everything on the topic and nothing is in flight. */
  async runUntilIdle(options: { timeoutMs?: number; pollMs?: number } = {}): Promise<RunnerStats> {
    return this.waitFor(
      async () => this.inFlight === 0 && (await this.lag()) === 0n,
      options,
      'the group to catch up',
    );
  }

  /** Resolves once the predicate holds for the stats. */
  async runUntil(
    predicate: (stats: RunnerStats) => boolean,
    options: { timeoutMs?: number; pollMs?: number } = {},
  ): Promise<RunnerStats> {
    return this.waitFor(async () => predicate(this.stats), options, 'the condition');
  }

  private async waitFor(
    ready: () => Promise<boolean>,
    options: { timeoutMs?: number; pollMs?: number },
    what: string,
  ): Promise<RunnerStats> {
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    for (;;) {
      if (this.fatal) throw this.fatal;
      if (this.stats.crashed) return this.stats;
      if (await ready()) return this.stats;
      if (Date.now() > deadline) {
        throw new RunnerTimeoutError(`timed out waiting for ${what}`);
      }
      await sleep(options.pollMs ?? 250);
    }
  }

  /** Stops after the batch in flight; offsets of unfinished batches stay uncommitted. */
  stop(): Promise<void> {
    this.stopped.abort();
    this.stopping ??= (async () => {
      if (this.progressTimer) clearInterval(this.progressTimer);
      await this.consumer?.disconnect();
      await this.admin?.disconnect();
    })();
    return this.stopping;
  }
}
