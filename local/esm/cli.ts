/**
 * Local event source mapping: consumes a topic and invokes the classifier with Lambda-shaped
 * Kafka events, in this process or through the Lambda Invoke API (LocalStack or AWS).
 *
 *   npm run esm -- --topic sensor_readings --group classifier [--batch-size 100] [--window-ms 500]
 *     [--invoke in-process|lambda] [--function-name <name>] [--endpoint <url>] [--region <r>]
 *     [--max-retries 3] [--on-failure <file.jsonl|s3://bucket/prefix>] [--event-source self-managed|msk]
 *     [--partitions <n, when creating the topic>] [--concurrency <partitions in parallel>] [--until-idle]
 */
import { parseArgs } from 'node:util';
import { createClassifierHandler } from '../../functions/classifier/create-handler';
import { parseClassifierConfig } from '../../functions/shared/config';
import { connectIceberg } from '../../functions/shared/iceberg';
import { createKafka, parseBrokers } from '../../lib/kafka/client';
import { ensureTopic } from '../../lib/kafka/topics';
import { localEndpoints } from '../endpoints';
import {
  type FailureDestination,
  jsonLinesFailureDestination,
  objectStoreFailureDestination,
} from './failure-destination';
import { type InProcessHandler, type Invoker, inProcessInvoker, lambdaInvoker } from './invokers';
import { classifierEnv } from './local-env';
import { EventSourceMappingRunner } from './runner';

const { values } = parseArgs({
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
  strict: true,
});

function positiveInt(flag: string, text: string | undefined, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    console.error(`--${flag} must be an integer between 0 and ${max}, got ${text}`);
    process.exit(2);
  }
  return n;
}

// Metrics are for CloudWatch; locally they would only flood the terminal.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const endpoints = localEndpoints();
const env = classifierEnv(process.env, values.group!);
const batchSize = positiveInt('batch-size', values['batch-size'], 10_000) || 1;
const windowMs = positiveInt('window-ms', values['window-ms'], 300_000);
const maxRetries = positiveInt('max-retries', values['max-retries'], 100);
const kafka = createKafka({ brokers: parseBrokers(values.brokers ?? endpoints.kafkaBrokers) });

let invoke: Invoker;
const failureTarget = values['on-failure']!;
let onFailure: FailureDestination;
if (values.invoke === 'in-process') {
  const config = parseClassifierConfig(env);
  invoke = inProcessInvoker(createClassifierHandler(config) as InProcessHandler);
  onFailure = failureTarget.startsWith('s3://')
    ? objectStoreFailureDestination((await connectIceberg(config.iceberg)).io, failureTarget)
    : jsonLinesFailureDestination(failureTarget);
} else if (values.invoke === 'lambda') {
  if (!values['function-name']) {
    console.error('--invoke lambda needs --function-name');
    process.exit(2);
  }
  invoke = lambdaInvoker({
    functionName: values['function-name'],
    endpoint: values.endpoint,
    region: values.region,
  });
  if (failureTarget.startsWith('s3://')) {
    const config = parseClassifierConfig(env);
    onFailure = objectStoreFailureDestination(
      (await connectIceberg(config.iceberg)).io,
      failureTarget,
    );
  } else {
    onFailure = jsonLinesFailureDestination(failureTarget);
  }
} else {
  console.error(`--invoke must be in-process or lambda, got ${values.invoke}`);
  process.exit(2);
}

await ensureTopic(kafka, values.topic!, {
  partitions: positiveInt('partitions', values.partitions, 1000) || 1,
});
const runner = new EventSourceMappingRunner({
  kafka,
  topic: values.topic!,
  groupId: values.group!,
  invoke,
  batchSize,
  batchWindowMs: windowMs,
  maxRetries,
  onFailure,
  event:
    values['event-source'] === 'msk'
      ? {
          eventSource: 'aws:kafka',
          bootstrapServers: endpoints.kafkaBrokers,
          eventSourceArn: 'arn:aws:kafka:us-east-1:000000000000:cluster/local/local',
        }
      : { eventSource: 'SelfManagedKafka', bootstrapServers: endpoints.kafkaBrokers },
  partitionsConcurrently: positiveInt('concurrency', values.concurrency, 64) || 1,
  progressEveryMs: 5_000,
});

const shutdown = async (signal: string) => {
  console.log(`[esm] ${signal}: stopping after the batch in flight`);
  await runner.stop();
  console.log('[esm] stopped', runner.stats);
  process.exit(0);
};
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));

await runner.start();
console.log(
  `[esm] consuming ${values.topic} as ${values.group}: batch ${batchSize}, window ${windowMs} ms, invoke ${values.invoke}`,
);
if (values['until-idle']) {
  const stats = await runner.runUntilIdle({ timeoutMs: 60 * 60_000 });
  await runner.stop();
  console.log('[esm] caught up', { ...stats, lastResult: undefined });
}
