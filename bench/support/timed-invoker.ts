import type { LambdaKafkaEvent } from '../../lib/kafka/event';
import type { Invoker } from '../../local/esm/invokers';

/**
 * Wraps an invoker and records, per delivered record, the time from its Kafka create time (the
 * producer stamps it on send) to the end of the invocation that handled it: when the classifier
 * had staged it durably. It becomes visible in the table at the next group commit.
 */
export class TimedInvoker {
  readonly latenciesMs: number[] = [];
  records = 0;
  invocations = 0;
  firstStart: number | undefined;
  lastEnd: number | undefined;

  constructor(private readonly inner: Invoker) {}

  readonly invoke: Invoker = async (event: LambdaKafkaEvent) => {
    const began = Date.now();
    this.firstStart ??= began;
    const result = await this.inner(event);
    const ended = Date.now();
    this.lastEnd = ended;
    this.invocations++;
    for (const records of Object.values(event.records)) {
      for (const record of records) this.latenciesMs.push(ended - record.timestamp);
      this.records += records.length;
    }
    return result;
  };

  /** From the first invocation's start to the last one's end. */
  get activeMs(): number {
    return this.firstStart === undefined || this.lastEnd === undefined
      ? 0
      : this.lastEnd - this.firstStart;
  }
}
