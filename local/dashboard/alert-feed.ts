import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { decodeAlert } from '../../lib/alerts/alert-message';
import type { AlertStore, FeedAlert } from './alert-store';

export type FeedState = 'starting' | 'waiting-for-topic' | 'consuming' | 'stopped' | 'error';

export interface FeedStatus {
  state: FeedState;
  topic: string;
  partitions: number;
  /** Messages that were not valid alert messages (skipped, with the last reason). */
  rejected: number;
  lastRejection?: string;
  lastAlertMs?: number;
  error?: string;
}

export interface AlertFeedOptions {
  kafka: Kafka;
  topic: string;
  store: AlertStore;
  /** Messages per partition read from before the start, so the page is not empty (default 500). */
  backlog?: number;
  /** Called for every alert the store had not seen. */
  onAlert?: (alert: FeedAlert) => void;
  /** How often a missing topic is looked for again (default 2 s). */
  topicPollMs?: number;
  log?: (message: string) => void;
}

/** A message's first and last offset to read: the last `backlog` messages, then everything new. */
export function backlogStart(low: string, high: string, backlog: number): string {
  const lo = BigInt(low);
  const from = BigInt(high) - BigInt(backlog);
  return (from > lo ? from : lo).toString();
}

/**
 * Reads the alert topic from a short backlog on: a consumer group of its own (nothing is
 * committed, and the group is deleted on stop), so the dashboard never moves anyone's offsets.
 */
export class AlertFeed {
  readonly status: FeedStatus;
  private consumer: Consumer | undefined;
  private admin: Admin | undefined;
  private readonly groupId = `sensor-alerts-dashboard-${randomUUID()}`;
  private readonly stopped = new AbortController();
  private running: Promise<void> | undefined;

  constructor(private readonly options: AlertFeedOptions) {
    this.status = { state: 'starting', topic: options.topic, partitions: 0, rejected: 0 };
  }

  /**
   * Starts consuming; resolves once the partitions are assigned (`status.state` is then
   * `consuming`), which waits for the topic to exist. Callers need not wait for it.
   */
  start(): Promise<void> {
    this.running ??= this.run().catch((error: unknown) => {
      if (this.stopped.signal.aborted) return;
      this.status.error = (error as Error).message;
      this.log(`alert feed failed, starting again: ${(error as Error).message}`);
      void this.restart();
    });
    return this.running;
  }

  private log(message: string): void {
    (this.options.log ?? ((m) => console.error(`[dashboard] ${m}`)))(message);
  }

  private async run(): Promise<void> {
    const { kafka, topic } = this.options;
    this.admin = kafka.admin();
    await this.admin.connect();
    let offsets: Awaited<ReturnType<Admin['fetchTopicOffsets']>>;
    for (;;) {
      if (this.stopped.signal.aborted) return;
      const topics = await this.admin.listTopics();
      if (topics.includes(topic)) {
        offsets = await this.admin.fetchTopicOffsets(topic);
        break;
      }
      if (this.status.state !== 'waiting-for-topic') {
        this.status.state = 'waiting-for-topic';
        this.log(`alert topic ${topic} does not exist yet; waiting for it`);
      }
      await sleep(this.options.topicPollMs ?? 2_000, undefined, {
        signal: this.stopped.signal,
      }).catch(() => undefined);
    }
    this.status.partitions = offsets.length;
    const consumer = kafka.consumer({ groupId: this.groupId, allowAutoTopicCreation: false });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    const assigned = new Promise<void>((resolve) => {
      consumer.on(consumer.events.GROUP_JOIN, () => resolve());
    });
    consumer.on(consumer.events.CRASH, (event) => {
      const error = event.payload.error;
      this.status.error = error.message;
      this.log(`alert consumer crashed: ${error.message}`);
      // kafkajs restarts by itself after a retriable error; after any other, start over with a
      // new consumer (the store drops what the new backlog repeats).
      if (!event.payload.restart) void this.restart();
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) this.handle(message);
      },
    });
    const backlog = this.options.backlog ?? 500;
    for (const p of offsets) {
      consumer.seek({
        topic,
        partition: p.partition,
        offset: backlogStart(p.low, p.high, backlog),
      });
    }
    await assigned;
    this.status.state = 'consuming';
    delete this.status.error;
  }

  private async restart(): Promise<void> {
    this.status.state = 'error';
    const old = this.consumer;
    this.consumer = undefined;
    await old?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
    await sleep(this.options.topicPollMs ?? 2_000, undefined, {
      signal: this.stopped.signal,
    }).catch(() => undefined);
    if (this.stopped.signal.aborted) return;
    this.running = undefined;
    void this.start();
  }

  private handle(message: KafkaMessage): void {
    let alert: FeedAlert;
    try {
      const decoded = decodeAlert(message);
      alert = {
        ...decoded,
        received_ms: Date.now(),
        published_ms: Number(message.timestamp),
      };
    } catch (error) {
      this.status.rejected++;
      this.status.lastRejection = (error as Error).message;
      return;
    }
    this.status.lastAlertMs = alert.received_ms;
    if (this.options.store.add(alert)) this.options.onAlert?.(alert);
  }

  async stop(): Promise<void> {
    this.stopped.abort();
    await this.running?.catch(() => undefined);
    await this.consumer?.disconnect().catch(() => undefined);
    if (this.admin) {
      // The group holds no offsets, but brokers list it until it expires: remove it now.
      await this.admin.deleteGroups([this.groupId]).catch(() => undefined);
      await this.admin.disconnect().catch(() => undefined);
    }
    this.status.state = 'stopped';
  }
}
