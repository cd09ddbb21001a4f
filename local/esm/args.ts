import { parseArgs } from 'node:util';
import { EsmUsageError } from './errors';

export type InvokeMode = 'in-process' | 'lambda';
export type EventSourceKind = 'self-managed' | 'msk';

export interface EsmOptions {
  topic: string;
  group: string;
  brokers: string | undefined;
  batchSize: number;
  windowMs: number;
  invoke: InvokeMode;
  functionName: string | undefined;
  endpoint: string | undefined;
  region: string | undefined;
  /** Undefined: retry a failing batch until it succeeds (Lambda's on-demand mode). */
  maxRetries: number | undefined;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Only with maxRetries: file.jsonl, s3://bucket/prefix or kafka://topic. */
  onFailure: string | undefined;
  eventSource: EventSourceKind;
  partitions: number;
  concurrency: number;
  untilIdle: boolean;
  /** In process: also run the committer's rounds every interval (default; off with --no-committer). */
  committer: boolean;
}

export const ESM_USAGE = `Usage: npm run esm -- [options]
  --topic T            topic to consume, created when absent (default sensor_readings)
  --group G            consumer group (default sensor-classifier)
  --brokers B          bootstrap servers (default KAFKA_BROKERS or 127.0.0.1:9092)
  --batch-size N       records per invocation, 1-10000 (default 100)
  --window-ms N        batching window in ms, 0-300000 (default 500)
  --invoke M           in-process or lambda (default in-process)
  --function-name F    function to invoke with --invoke lambda
  --endpoint URL       Lambda endpoint with --invoke lambda, e.g. http://localhost:4566
  --region R           Lambda region with --invoke lambda
  --retry-base-ms N    first retry delay, 1-600000; doubles per retry, with full jitter (default 500)
  --retry-max-ms N     longest retry delay, 1-3600000 (default 30000)
                       By default a failing batch is retried until it succeeds, as Lambda's
                       on-demand Kafka mappings do: nothing is skipped, every retry is logged.
  --max-retries N      bound the retries, 0-10000, as provisioned mode's MaximumRetryAttempts;
                       a batch that uses them up goes to --on-failure (logged as an error and
                       counted as diverted), or stops the runner when there is none
  --on-failure D       with --max-retries: file.jsonl, s3://bucket/prefix or kafka://topic for
                       diverted batches, in Lambda's on-failure format; put them back into the
                       table with: npm run replay -- D
  --event-source K     self-managed or msk: the event shape (default self-managed)
  --partitions N       partitions when creating the topic, 1-1000 (default 1)
  --concurrency N      partitions processed in parallel, 1-64 (default 1)
  --until-idle         stop once the group has caught up, instead of running until Ctrl-C
  --no-committer       in process, leave the committer's rounds to another process (several
                       runners in one group: one runs them, the others pass this)`;

/** Reads the runner's flags; every bad value is an EsmUsageError naming the flag. */
export function parseEsmArgs(argv: readonly string[]): EsmOptions {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new EsmUsageError(`${(error as Error).message}\n${ESM_USAGE}`, { cause: error });
  }
  const invoke = oneOf(values.invoke, 'invoke', ['in-process', 'lambda'] as const);
  if (invoke === 'lambda' && !values['function-name']) {
    throw new EsmUsageError('--invoke lambda needs --function-name');
  }
  const maxRetries =
    values['max-retries'] === undefined
      ? undefined
      : integer(values['max-retries'], 'max-retries', 0, 10_000);
  if (values['on-failure'] !== undefined && maxRetries === undefined) {
    throw new EsmUsageError(
      '--on-failure needs --max-retries: by default a failing batch is retried until it ' +
        'succeeds, so nothing would ever be diverted',
    );
  }
  if (values['on-failure'] === '') throw new EsmUsageError('--on-failure needs a destination');
  return {
    topic: values.topic,
    group: values.group,
    brokers: values.brokers,
    batchSize: integer(values['batch-size'], 'batch-size', 1, 10_000),
    windowMs: integer(values['window-ms'], 'window-ms', 0, 300_000),
    invoke,
    functionName: values['function-name'],
    endpoint: values.endpoint,
    region: values.region,
    maxRetries,
    retryBaseMs: integer(values['retry-base-ms'], 'retry-base-ms', 1, 600_000),
    retryMaxMs: integer(values['retry-max-ms'], 'retry-max-ms', 1, 3_600_000),
    onFailure: values['on-failure'],
    eventSource: oneOf(values['event-source'], 'event-source', ['self-managed', 'msk'] as const),
    partitions: integer(values.partitions, 'partitions', 1, 1000),
    concurrency: integer(values.concurrency, 'concurrency', 1, 64),
    untilIdle: values['until-idle'],
    committer: !values['no-committer'],
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      topic: { type: 'string', default: 'sensor_readings' },
      group: { type: 'string', default: 'sensor-classifier' },
      brokers: { type: 'string' },
      'batch-size': { type: 'string', default: '100' },
      'window-ms': { type: 'string', default: '500' },
      invoke: { type: 'string', default: 'in-process' },
      'function-name': { type: 'string' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      'max-retries': { type: 'string' },
      'retry-base-ms': { type: 'string', default: '500' },
      'retry-max-ms': { type: 'string', default: '30000' },
      'on-failure': { type: 'string' },
      'event-source': { type: 'string', default: 'self-managed' },
      partitions: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '1' },
      'until-idle': { type: 'boolean', default: false },
      'no-committer': { type: 'boolean', default: false },
    },
  });
}

function integer(text: string, flag: string, min: number, max: number): number {
  const n = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new EsmUsageError(`--${flag} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return n;
}

function oneOf<T extends string>(text: string, flag: string, allowed: readonly T[]): T {
  const found = allowed.find((candidate) => candidate === text);
  if (!found) {
    throw new EsmUsageError(`--${flag} must be ${allowed.join(' or ')}, got "${text}"`);
  }
  return found;
}
