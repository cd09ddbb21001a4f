import type { Kafka, Producer } from 'kafkajs';
import {
  type DeadLetterSink,
  fileDeadLetterSink,
  kafkaDeadLetterSink,
} from '../../functions/classifier/dead-letter';
import type { ClassifierConfig } from '../../functions/shared/config';
import type { IcebergClients } from '../../functions/shared/iceberg';
import { createIdempotentProducer } from '../../lib/kafka/client';
import type { BuildEventOptions } from '../../lib/kafka/event';
import type { EsmOptions } from './args';
import {
  type FailureDestination,
  jsonLinesFailureDestination,
  kafkaFailureDestination,
  objectStoreFailureDestination,
} from './failure-destination';
import type { Invoker } from './invokers';
import type { EsmRunnerOptions, RunnerLogger } from './runner';

/** Something the command opened and has to close before it exits. */
export type Closer = () => Promise<void>;

export function eventShape(options: EsmOptions, brokers: string): BuildEventOptions {
  return options.eventSource === 'msk'
    ? {
        eventSource: 'aws:kafka',
        bootstrapServers: brokers,
        eventSourceArn: 'arn:aws:kafka:us-east-1:000000000000:cluster/local/local',
      }
    : { eventSource: 'SelfManagedKafka', bootstrapServers: brokers };
}

/** The runner's options for the command line's, so that the CLI and its tests agree. */
export function runnerOptions(
  options: EsmOptions,
  deps: {
    kafka: Kafka;
    brokers: string;
    invoke: Invoker;
    onFailure?: FailureDestination;
    logger?: RunnerLogger;
  },
): EsmRunnerOptions {
  return {
    kafka: deps.kafka,
    topic: options.topic,
    groupId: options.group,
    invoke: deps.invoke,
    batchSize: options.batchSize,
    batchWindowMs: options.windowMs,
    maxRetries: options.maxRetries,
    retryBaseMs: options.retryBaseMs,
    retryMaxMs: options.retryMaxMs,
    onFailure: deps.onFailure,
    functionName: options.functionName ?? 'classifier',
    event: eventShape(options, deps.brokers),
    partitionsConcurrently: options.concurrency,
    progressEveryMs: 5_000,
    logger: deps.logger,
  };
}

async function connectedProducer(kafka: Kafka): Promise<Producer> {
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  return producer;
}

/** `file.jsonl`, `s3://bucket/prefix` or `kafka://topic`. */
export async function openFailureDestination(
  uri: string,
  deps: { kafka: Kafka; io: () => Promise<IcebergClients['io']> },
): Promise<{ destination: FailureDestination; close: Closer }> {
  if (uri.startsWith('s3://')) {
    return { destination: objectStoreFailureDestination(await deps.io(), uri), close: noop };
  }
  if (uri.startsWith('kafka://')) {
    const producer = await connectedProducer(deps.kafka);
    return {
      destination: kafkaFailureDestination(producer, uri.slice('kafka://'.length)),
      close: () => producer.disconnect(),
    };
  }
  return { destination: jsonLinesFailureDestination(uri), close: noop };
}

const noop: Closer = async () => undefined;

/**
 * The classifier's dead-letter sink, opened here rather than by the handler so that the
 * command can close it: a Kafka producer left connected keeps the process from exiting. A dead
 * letter too large for a Kafka message is stored whole under the warehouse bucket's
 * `dead-letters/oversized/` and the message points to it.
 */
export async function openDeadLetterSink(
  config: ClassifierConfig,
  io: IcebergClients['io'],
  kafka: () => Promise<Kafka>,
  warehouseBucket: string,
): Promise<{ sink: DeadLetterSink; close: Closer }> {
  const target = config.deadLetterTarget;
  if (target.type === 's3') {
    const prefix = target.prefix ? `/${target.prefix}` : '';
    return { sink: fileDeadLetterSink(io, `s3://${target.bucket}${prefix}`), close: noop };
  }
  const producer = await connectedProducer(await kafka());
  return {
    sink: kafkaDeadLetterSink(producer, target.topic, {
      overflow: { io, baseUri: `s3://${warehouseBucket}/dead-letters/oversized/${target.topic}` },
    }),
    close: () => producer.disconnect(),
  };
}
