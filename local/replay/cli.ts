/**
 * Replays the batches an event source mapping diverted to its on-failure destination.
 * `npm run replay -- --help` tells how.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { createClassifierHandler } from '../../functions/classifier/create-handler';
import { createCommitterHandler } from '../../functions/committer/create-handler';
import { parseClassifierConfig, parseCommitterConfig } from '../../functions/shared/config';
import { connectIceberg } from '../../functions/shared/iceberg';
import { kafkaClientConfig } from '../../functions/shared/kafka';
import { createKafka, parseBrokers } from '../../lib/kafka/client';
import { localEndpoints } from '../endpoints';
import {
  type InProcessHandler,
  type Invoker,
  inProcessInvoker,
  lambdaInvoker,
} from '../esm/invokers';
import { classifierEnv } from '../esm/local-env';
import { type Closer, openDeadLetterSink } from '../esm/setup';
import { parseReplayArgs, REPLAY_USAGE, type ReplayArgs } from './args';
import { ReplayUsageError } from './errors';
import { type ReplayReport, replay, replayComplete } from './replay';
import { readDestination } from './sources';

const log = {
  info: (m: string, e?: object) => console.log(`[replay] ${m}`, JSON.stringify(e ?? {})),
  warn: (m: string, e?: object) => console.warn(`[replay] ${m}`, JSON.stringify(e ?? {})),
  error: (m: string, e?: object) => console.error(`[replay] ${m}`, JSON.stringify(e ?? {})),
};

/** The S3 client for the destination: the local store's settings when they are set. */
function s3Client(env: NodeJS.ProcessEnv): S3Client {
  const endpoint = env.ICEBERG_S3_ENDPOINT;
  return new S3Client({
    region: env.ICEBERG_S3_REGION ?? env.AWS_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint, forcePathStyle: env.ICEBERG_S3_PATH_STYLE !== 'false' } : {}),
    ...(env.ICEBERG_S3_ACCESS_KEY_ID && env.ICEBERG_S3_SECRET_ACCESS_KEY
      ? {
          credentials: {
            accessKeyId: env.ICEBERG_S3_ACCESS_KEY_ID,
            secretAccessKey: env.ICEBERG_S3_SECRET_ACCESS_KEY,
          },
        }
      : {}),
  });
}

async function openInvoker(args: ReplayArgs, closers: Closer[]): Promise<Invoker> {
  if (args.invoke === 'lambda') {
    return lambdaInvoker({
      functionName: args.functionName ?? '',
      endpoint: args.endpoint,
      region: args.region,
    });
  }
  const config = parseClassifierConfig(classifierEnv(process.env, args.group));
  const iceberg = await connectIceberg(config.iceberg);
  const deadLetter = await openDeadLetterSink(
    config,
    iceberg.io,
    async () => createKafka(await kafkaClientConfig(config.kafka!, 'sensor-classifier')),
    localEndpoints().warehouseBucket,
  );
  closers.push(deadLetter.close);
  const handler = createClassifierHandler(config, { iceberg, deadLetter: deadLetter.sink });
  return inProcessInvoker(handler as InProcessHandler);
}

/**
 * The classifier only stages what it is given; the group commit puts it in the table. In process
 * the committer runs here; a deployed one is invoked when named, or lands them on its schedule.
 */
async function commitStaged(args: ReplayArgs, topics: string[]): Promise<void> {
  if (args.invoke === 'lambda') {
    if (!args.committerFunctionName) {
      console.log('[replay] staged; the committer function lands them on its next sweep');
      return;
    }
    await lambdaInvoker({
      functionName: args.committerFunctionName,
      endpoint: args.endpoint,
      region: args.region,
    })({ source: 'replay' } as never);
    console.log(`[replay] committed through ${args.committerFunctionName}`);
    return;
  }
  const config = parseCommitterConfig({
    ...classifierEnv(process.env, args.group),
    SENSOR_TOPIC: topics.join(','),
  });
  const result = await createCommitterHandler(config)({ source: 'replay' });
  const rows = result.topics.flatMap((t) => t.rounds).reduce((n, r) => n + r.rows, 0);
  console.log(`[replay] committed: ${rows} alerts added to the table`);
}

function printReport(report: ReplayReport): void {
  const records = report.replayed.reduce((n, b) => n + b.records, 0);
  console.log(`[replay] replayed ${report.replayed.length} batches, ${records} records`);
  if (report.duplicates > 0) {
    console.log(`[replay] ${report.duplicates} batches were listed twice; each was replayed once`);
  }
  for (const u of report.unavailable) {
    console.error(`[replay] NOT REPLAYED ${u.source}: ${u.ranges.join(', ')}: ${u.reason}`);
  }
  for (const u of report.unreadable) console.error(`[replay] UNREADABLE ${u.where}: ${u.reason}`);
  if (report.failed) {
    console.error(
      `[replay] STOPPED at ${report.failed.source}: ${report.failed.error}; ${report.notAttempted} later batches not attempted (run again once the cause is fixed)`,
    );
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(REPLAY_USAGE);
    return 0;
  }
  const closers: Closer[] = [];
  try {
    const args = parseReplayArgs(argv);
    process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
    const kafka = () =>
      createKafka({ brokers: parseBrokers(args.brokers ?? localEndpoints().kafkaBrokers) });
    const env = args.invoke === 'lambda' ? process.env : classifierEnv(process.env, args.group);
    const read = await readDestination(args.destination, { s3: () => s3Client(env), kafka });
    console.log(`[replay] ${read.batches.length} diverted batches in ${args.destination}`);
    const invoke = await openInvoker(args, closers);
    const report = await replay(read, { invoke, kafka, logger: log });
    printReport(report);
    const topics = [...new Set(read.batches.flatMap((b) => b.ranges.map((r) => r.topic)))];
    if (report.replayed.length > 0) await commitStaged(args, topics);
    return replayComplete(report) ? 0 : 1;
  } catch (error) {
    if (error instanceof ReplayUsageError) {
      console.error(`replay: ${error.message}`);
      return 2;
    }
    console.error('replay: failed:', error);
    return 1;
  } finally {
    await Promise.allSettled(closers.map((close) => close()));
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
