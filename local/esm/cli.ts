/**
 * Local event source mapping: consumes a topic and invokes the classifier with Lambda-shaped
 * Kafka events, in this process or through the Lambda Invoke API (LocalStack or AWS).
 * `npm run esm -- --help` lists the flags.
 */
import { createClassifierHandler } from '../../functions/classifier/create-handler';
import { createCommitterHandler } from '../../functions/committer/create-handler';
import { parseClassifierConfig, parseCommitterConfig } from '../../functions/shared/config';
import { connectIceberg, type IcebergClients } from '../../functions/shared/iceberg';
import { kafkaClientConfig } from '../../functions/shared/kafka';
import { createKafka, parseBrokers } from '../../lib/kafka/client';
import { ensureTopic } from '../../lib/kafka/topics';
import { CommitSweep } from '../commit-sweep';
import { localEndpoints } from '../endpoints';
import { ESM_USAGE, type EsmOptions, parseEsmArgs } from './args';
import { EsmUsageError } from './errors';
import { type InProcessHandler, type Invoker, inProcessInvoker, lambdaInvoker } from './invokers';
import { classifierEnv } from './local-env';
import { perPartition } from './per-partition';
import { EventSourceMappingRunner } from './runner';
import { type Closer, openDeadLetterSink, openFailureDestination, runnerOptions } from './setup';

async function run(options: EsmOptions, closers: Closer[]): Promise<number | undefined> {
  const brokers = options.brokers ?? localEndpoints().kafkaBrokers;
  const kafka = createKafka({ brokers: parseBrokers(brokers) });
  const config = parseClassifierConfig(classifierEnv(process.env, options.group));
  let iceberg: Promise<IcebergClients> | undefined;
  const openIceberg = () => {
    iceberg ??= connectIceberg(config.iceberg);
    return iceberg;
  };
  let invoke: Invoker;
  if (options.invoke === 'lambda') {
    invoke = lambdaInvoker({
      functionName: options.functionName ?? '',
      endpoint: options.endpoint,
      region: options.region,
    });
  } else {
    const clients = await openIceberg();
    const deadLetter = await openDeadLetterSink(
      config,
      clients.io,
      async () =>
        config.kafka
          ? createKafka(await kafkaClientConfig(config.kafka, 'sensor-classifier'))
          : kafka,
      localEndpoints().warehouseBucket,
    );
    closers.push(deadLetter.close);
    // One execution environment per partition, as Lambda runs them: each has its own producer
    // for the alert stream (an idempotent producer sends one request at a time).
    invoke = perPartition((p) =>
      inProcessInvoker(
        createClassifierHandler(config, {
          iceberg: clients,
          deadLetter: deadLetter.sink,
        }) as InProcessHandler,
        `classifier-${p}`,
      ),
    );
  }
  let onFailure: Awaited<ReturnType<typeof openFailureDestination>> | undefined;
  if (options.onFailure !== undefined) {
    onFailure = await openFailureDestination(options.onFailure, {
      kafka,
      io: async () => (await openIceberg()).io,
    });
    closers.push(onFailure.close);
  }

  await ensureTopic(kafka, options.topic, { partitions: options.partitions });
  const runner = new EventSourceMappingRunner(
    runnerOptions(options, { kafka, brokers, invoke, onFailure: onFailure?.destination }),
  );

  // In process, this runner also plays the committer's schedule (unless --no-committer: another
  // runner of the group does); a deployed committer has its own.
  const sweep =
    options.invoke === 'in-process' && options.committer
      ? new CommitSweep(
          createCommitterHandler(
            parseCommitterConfig({
              ...classifierEnv(process.env, options.group),
              SENSOR_TOPIC: options.topic,
            }),
            { iceberg: await openIceberg() },
          ),
          config.groupCommit.intervalMs || 1_000,
        )
      : undefined;

  const shutdown = async (signal: string) => {
    console.log(`[esm] ${signal}: stopping after the batch in flight`);
    await runner.stop();
    await sweep?.stop();
    await closeAll(closers);
    console.log('[esm] stopped', { ...runner.stats, lastResult: undefined });
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await runner.start();
  sweep?.start();
  const retries =
    options.maxRetries === undefined
      ? 'failing batches retried until they succeed'
      : `at most ${options.maxRetries} retries, then ${options.onFailure ?? 'stop'}`;
  console.log(
    `[esm] consuming ${options.topic} as ${options.group}: batch ${options.batchSize}, window ${options.windowMs} ms, invoke ${options.invoke}, ${retries}`,
  );
  if (!options.untilIdle) return undefined;
  const stats = await runner.runUntilIdle({ timeoutMs: 60 * 60_000 });
  await runner.stop();
  // Whatever the last invocations staged lands now; a failing commit fails the command.
  await sweep?.stop();
  await sweep?.flush();
  console.log('[esm] caught up', { ...stats, lastResult: undefined });
  if (stats.divertedBatches > 0) {
    console.error(
      `[esm] ${stats.divertedBatches} batches (${stats.divertedRecords} records) were diverted to ${options.onFailure}; put them back with: npm run replay -- ${options.onFailure}`,
    );
  }
  return 0;
}

async function closeAll(closers: Closer[]): Promise<void> {
  await Promise.allSettled(closers.splice(0).map((close) => close()));
}

async function main(argv: string[]): Promise<number | undefined> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(ESM_USAGE);
    return 0;
  }
  const closers: Closer[] = [];
  try {
    const options = parseEsmArgs(argv);
    // Metrics are for CloudWatch; locally they would only flood the terminal.
    process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
    const code = await run(options, closers);
    if (code !== undefined) await closeAll(closers);
    return code;
  } catch (error) {
    await closeAll(closers);
    if (error instanceof EsmUsageError) {
      console.error(`esm: ${error.message}`);
      return 2;
    }
    console.error('esm: failed:', error);
    return 1;
  }
}

// Without --until-idle the runner keeps the process alive until a signal. With it, the process
// exits once caught up even if a client library still holds a socket open.
main(process.argv.slice(2)).then((code) => {
  if (code !== undefined) process.exit(code);
});
