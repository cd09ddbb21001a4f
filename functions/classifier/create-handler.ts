import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Producer } from 'kafkajs';
import type { StagingStore } from '../../lib/group-commit';
import { createIdempotentProducer, createKafka } from '../../lib/kafka/client';
import { decodeKafkaEvent, replayMarkerOf } from '../../lib/kafka/event';
import type { ClassifierConfig } from '../shared/config';
import {
  describeRound,
  invocationDeadline,
  recordRound,
  recordRoundFailure,
  stagingClient,
  TopicCommitters,
} from '../shared/group-commit';
import { connectIceberg, ensureAlertTable, type IcebergClients } from '../shared/iceberg';
import { kafkaClientConfig } from '../shared/kafka';
import { createLogger, createMetrics, tracing } from '../shared/powertools';
import { type AlertPublisher, kafkaAlertPublisher, snsAlertPublisher } from './alert-publisher';
import { type DeadLetterSink, fileDeadLetterSink, kafkaDeadLetterSink } from './dead-letter';
import { type BatchOutcome, processBatch } from './process-batch';

/** What the classifier returns (JSON-safe: offsets and snapshot ids as strings). */
export interface ClassifierResult {
  records: number;
  alerts: number;
  belowThreshold: number;
  rejected: number;
  /** Alerts published to the alert topic and to SNS by this invocation. */
  published: { kafka: number; sns: number };
  /** One entry per topic-partition of the event; `key` is null when nothing was staged. */
  staged: {
    topic: string;
    partition: number;
    firstOffset: string;
    lastOffset: string;
    alerts: number;
    key: string | null;
  }[];
  /** The group commit this invocation ran, if one was due; errors are reported, not thrown. */
  commits: ({ topic: string } & (ReturnType<typeof describeRound> | { error: string }))[];
}

export interface ClassifierHandlerOptions {
  logger?: Logger;
  metrics?: Metrics;
  tracer?: Tracer;
  /** Use these instead of connecting from the configuration (tests, the local runner). */
  iceberg?: IcebergClients;
  deadLetter?: DeadLetterSink;
  /** Use this instead of S3 for the staging area (unit tests). */
  stagingStore?: (root: string) => StagingStore;
  /** Use these instead of the configured alert stream targets (unit tests). */
  publishers?: Publishers;
}

type Publishers = { kafka?: AlertPublisher; sns?: AlertPublisher };

export type ClassifierHandler = (event: unknown, context?: Context) => Promise<ClassifierResult>;

interface Resources {
  iceberg: IcebergClients;
  deadLetter: DeadLetterSink;
  publishers: Publishers;
  committers: TopicCommitters;
}

/** One producer per execution environment, shared by the alert stream and Kafka dead letters. */
async function openProducer(config: ClassifierConfig): Promise<Producer> {
  const kafka = createKafka(await kafkaClientConfig(config.kafka!, 'sensor-classifier'));
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  return producer;
}

function openDeadLetter(
  config: ClassifierConfig,
  iceberg: IcebergClients,
  producer: () => Promise<Producer>,
) {
  const target = config.deadLetterTarget;
  if (target.type === 's3') {
    const prefix = target.prefix ? `/${target.prefix}` : '';
    return fileDeadLetterSink(iceberg.io, `s3://${target.bucket}${prefix}`);
  }
  return producer().then((p) => kafkaDeadLetterSink(p, target.topic));
}

async function openPublishers(
  config: ClassifierConfig,
  producer: () => Promise<Producer>,
): Promise<Publishers> {
  const { topic, sns } = config.alerts;
  const publishers: Publishers = {};
  if (topic) publishers.kafka = kafkaAlertPublisher(await producer(), topic);
  if (sns) {
    publishers.sns = snsAlertPublisher(
      new SNSClient({ region: sns.region }),
      sns.topicArn,
      sns.minSeverity,
    );
  }
  return publishers;
}

function stagedOf(outcome: BatchOutcome): ClassifierResult['staged'] {
  return outcome.parts.map((p) => ({
    ...p,
    firstOffset: p.firstOffset.toString(),
    lastOffset: p.lastOffset.toString(),
  }));
}

/**
 * Builds the classifier's Lambda handler. An invocation classifies and stages its batch (see
 * process-batch.ts); staging needs only the object store, so a catalog outage does not fail it.
 * The committer lands staged batches every interval. Only when its rounds have stopped coming
 * (the last started `fallbackAfterMs` ago: it is not scheduled, or between two runs of its
 * schedule) and no one holds the commit lease does an invocation run one group commit itself,
 * holding its partition for that long. A failed commit leaves the batches staged for the next
 * round and does not fail the invocation: the batch is already durable.
 */
export function createClassifierHandler(
  config: ClassifierConfig,
  options: ClassifierHandlerOptions = {},
): ClassifierHandler {
  const logger = options.logger ?? createLogger('sensor-classifier');
  const metrics = options.metrics ?? createMetrics('sensor-classifier');
  let resources: Promise<Resources> | undefined;
  const open = () => {
    resources ??= (async () => {
      const iceberg = options.iceberg ?? (await connectIceberg(config.iceberg));
      let producer: Promise<Producer> | undefined;
      const shared = () => {
        producer ??= openProducer(config);
        return producer;
      };
      const deadLetter = options.deadLetter ?? (await openDeadLetter(config, iceberg, shared));
      const publishers = options.publishers ?? (await openPublishers(config, shared));
      const committers = new TopicCommitters(
        {
          settings: config.groupCommit,
          iceberg,
          consumerGroupId: config.consumerGroupId,
          client: stagingClient(config.iceberg),
        },
        options.stagingStore,
      );
      return { iceberg, deadLetter, publishers, committers };
    })().catch((error) => {
      resources = undefined;
      throw error;
    });
    return resources;
  };
  // Creating the table is for a first run only: once a commit recorded the table, a missing
  // one means the catalog lost it, and the commit reports that instead of starting over.
  const tableReady = new Set<string>();
  const ensureTable = async (topic: string, r: Resources) => {
    if (tableReady.has(topic)) return;
    if (!(await r.committers.committer(topic).recordedTable())) await ensureAlertTable(r.iceberg);
    tableReady.add(topic);
  };

  const commitIfDue = async (topic: string, r: Resources, context: Context | undefined) => {
    try {
      await ensureTable(topic, r);
      const attempt = await r.committers
        .committer(topic)
        .commitIfDue(invocationDeadline(context), config.groupCommit.fallbackAfterMs);
      if (attempt.outcome !== 'ran') return undefined;
      recordRound(metrics, attempt.round, attempt.durationMs);
      return { topic, ...describeRound(attempt.round) };
    } catch (error) {
      const kind = recordRoundFailure(metrics, logger, error);
      return { topic, error: `${kind}: ${(error as Error).message}` };
    }
  };

  const classify = async (event: unknown, context?: Context): Promise<ClassifierResult> => {
    const records = decodeKafkaEvent(event);
    const replay = replayMarkerOf(event);
    const r = await open();
    const outcome = await processBatch(records, {
      consumerGroupId: config.consumerGroupId,
      thresholds: config.thresholds,
      deadLetter: r.deadLetter,
      publishers: r.publishers,
      staging: (topic) => r.committers.staging(topic),
      maxValueBytes: config.maxValueBytes,
      ...(replay ? { replay } : {}),
      deadline: invocationDeadline(context, 0),
    });
    metrics.addMetric('records', MetricUnit.Count, outcome.records);
    metrics.addMetric('alerts', MetricUnit.Count, outcome.alerts);
    metrics.addMetric('belowThreshold', MetricUnit.Count, outcome.belowThreshold);
    metrics.addMetric('rejected', MetricUnit.Count, outcome.rejected);
    metrics.addMetric('alertsPublished', MetricUnit.Count, outcome.published.kafka);
    if (r.publishers.sns)
      metrics.addMetric('alertsNotified', MetricUnit.Count, outcome.published.sns);
    for (const [name, ms] of Object.entries(outcome.timingsMs)) {
      metrics.addMetric(`${name}Time`, MetricUnit.Milliseconds, Math.round(ms));
    }
    const topics = [...new Set(outcome.parts.filter((p) => p.key !== null).map((p) => p.topic))];
    const commits = (await Promise.all(topics.map((t) => commitIfDue(t, r, context)))).filter(
      (c) => c !== undefined,
    );
    const result: ClassifierResult = {
      records: outcome.records,
      alerts: outcome.alerts,
      belowThreshold: outcome.belowThreshold,
      rejected: outcome.rejected,
      published: outcome.published,
      staged: stagedOf(outcome),
      commits,
    };
    logger.info('batch staged', { ...result, timingsMs: outcome.timingsMs });
    return result;
  };

  return middy(classify)
    .use(tracing('sensor-classifier', options.tracer))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics)) as unknown as ClassifierHandler;
}
