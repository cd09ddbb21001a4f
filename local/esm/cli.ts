/**
 * Local event source mapping: consumes a topic and invokes the classifier with Lambda-shaped
 * Kafka events, in this process or through the Lambda Invoke API (LocalStack or AWS).
 * `npm run esm -- --help` lists the flags.
 */
import { createClassifierHandler } from '../../functions/classifier/create-handler';
import { createCommitterHandler } from '../../functions/committer/create-handler';
import { parseClassifierConfig, parseCommitterConfig } from '../../functions/shared/config';
import { connectIceberg } from '../../functions/shared/iceberg';
import { createKafka, parseBrokers } from '../../lib/kafka/client';
import { ensureTopic } from '../../lib/kafka/topics';
import { CommitSweep } from '../commit-sweep';
import { localEndpoints } from '../endpoints';
import { ESM_USAGE, type EsmOptions, parseEsmArgs } from './args';
import { EsmUsageError } from './errors';
import {
  type FailureDestination,
  jsonLinesFailureDestination,
  objectStoreFailureDestination,
} from './failure-destination';
import { type InProcessHandler, type Invoker, inProcessInvoker, lambdaInvoker } from './invokers';
import { classifierEnv } from './local-env';
import { EventSourceMappingRunner } from './runner';

async function run(options: EsmOptions): Promise<void> {
  const brokers = options.brokers ?? localEndpoints().kafkaBrokers;
  const kafka = createKafka({ brokers: parseBrokers(brokers) });
  const classifierConfig = () => parseClassifierConfig(classifierEnv(process.env, options.group));
  const invoke: Invoker =
    options.invoke === 'lambda'
      ? lambdaInvoker({
          functionName: options.functionName ?? '',
          endpoint: options.endpoint,
          region: options.region,
        })
      : inProcessInvoker(createClassifierHandler(classifierConfig()) as InProcessHandler);
  const onFailure: FailureDestination = options.onFailure.startsWith('s3://')
    ? objectStoreFailureDestination(
        (await connectIceberg(classifierConfig().iceberg)).io,
        options.onFailure,
      )
    : jsonLinesFailureDestination(options.onFailure);

  await ensureTopic(kafka, options.topic, { partitions: options.partitions });
  const runner = new EventSourceMappingRunner({
    kafka,
    topic: options.topic,
    groupId: options.group,
    invoke,
    batchSize: options.batchSize,
    batchWindowMs: options.windowMs,
    maxRetries: options.maxRetries,
    onFailure,
    event:
      options.eventSource === 'msk'
        ? {
            eventSource: 'aws:kafka',
            bootstrapServers: brokers,
            eventSourceArn: 'arn:aws:kafka:us-east-1:000000000000:cluster/local/local',
          }
        : { eventSource: 'SelfManagedKafka', bootstrapServers: brokers },
    partitionsConcurrently: options.concurrency,
    progressEveryMs: 5_000,
  });

  const shutdown = async (signal: string) => {
    console.log(`[esm] ${signal}: stopping after the batch in flight`);
    await runner.stop();
    await sweep?.stop();
    console.log('[esm] stopped', runner.stats);
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  // In process, this runner also plays the committer's schedule; a deployed committer has its own.
  const sweep =
    options.invoke === 'in-process'
      ? new CommitSweep(
          createCommitterHandler(
            parseCommitterConfig({
              ...classifierEnv(process.env, options.group),
              SENSOR_TOPIC: options.topic,
            }),
          ),
        )
      : undefined;

  await runner.start();
  sweep?.start();
  console.log(
    `[esm] consuming ${options.topic} as ${options.group}: batch ${options.batchSize}, window ${options.windowMs} ms, invoke ${options.invoke}`,
  );
  if (options.untilIdle) {
    const stats = await runner.runUntilIdle({ timeoutMs: 60 * 60_000 });
    await runner.stop();
    await sweep?.stop();
    await sweep?.flush();
    console.log('[esm] caught up', { ...stats, lastResult: undefined });
  }
}

async function main(argv: string[]): Promise<number | undefined> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(ESM_USAGE);
    return 0;
  }
  try {
    const options = parseEsmArgs(argv);
    // Metrics are for CloudWatch; locally they would only flood the terminal.
    process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
    await run(options);
    return undefined;
  } catch (error) {
    if (error instanceof EsmUsageError) {
      console.error(`esm: ${error.message}`);
      return 2;
    }
    console.error('esm: failed:', error);
    return 1;
  }
}

// Without --until-idle the runner keeps the process alive until a signal.
main(process.argv.slice(2)).then((code) => {
  if (code !== undefined) process.exit(code);
});
