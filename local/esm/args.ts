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
  maxRetries: number;
  onFailure: string;
  eventSource: EventSourceKind;
  partitions: number;
  concurrency: number;
  untilIdle: boolean;
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
  --max-retries N      retries of a failing batch, 0-100 (default 3)
  --on-failure D       file.jsonl or s3://bucket/prefix for failed batches
                       (default .local/esm/failed-batches.jsonl)
  --event-source K     self-managed or msk: the event shape (default self-managed)
  --partitions N       partitions when creating the topic, 1-1000 (default 1)
  --concurrency N      partitions processed in parallel, 1-64 (default 1)
  --until-idle         stop once the group has caught up, instead of running until Ctrl-C`;

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
    maxRetries: integer(values['max-retries'], 'max-retries', 0, 100),
    onFailure: values['on-failure'],
    eventSource: oneOf(values['event-source'], 'event-source', ['self-managed', 'msk'] as const),
    partitions: integer(values.partitions, 'partitions', 1, 1000),
    concurrency: integer(values.concurrency, 'concurrency', 1, 64),
    untilIdle: values['until-idle'],
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
      'max-retries': { type: 'string', default: '3' },
      'on-failure': { type: 'string', default: '.local/esm/failed-batches.jsonl' },
      'event-source': { type: 'string', default: 'self-managed' },
      partitions: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '1' },
      'until-idle': { type: 'boolean', default: false },
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
