import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createIdempotentProducer, createKafka } from '../../lib/kafka/client';
import { decodeKafkaEvent } from '../../lib/kafka/event';
import type { ClassifierConfig } from '../shared/config';
import { connectIceberg, ensureAlertTable, type IcebergClients } from '../shared/iceberg';
import { kafkaClientConfig } from '../shared/kafka';
import { createLogger, createMetrics, createTracer } from '../shared/powertools';
import { type DeadLetterSink, fileDeadLetterSink, kafkaDeadLetterSink } from './dead-letter';
import { type BatchOutcome, processBatch } from './process-batch';

/** What the classifier returns (JSON-safe: snapshot ids as strings). */
export interface ClassifierResult {
  records: number;
  alerts: number;
  belowThreshold: number;
  rejected: number;
  skipped: number;
  snapshotIds: string[];
  commitAttempts: number;
  restarts: number;
}

export interface ClassifierHandlerOptions {
  logger?: Logger;
  metrics?: Metrics;
  tracer?: Tracer;
  /** Use these instead of connecting from the configuration (tests, the local runner). */
  iceberg?: IcebergClients;
  deadLetter?: DeadLetterSink;
}

export type ClassifierHandler = (event: unknown, context?: Context) => Promise<ClassifierResult>;

interface Resources {
  iceberg: IcebergClients;
  deadLetter: DeadLetterSink;
}

async function openDeadLetter(config: ClassifierConfig, iceberg: IcebergClients) {
  const target = config.deadLetterTarget;
  if (target.type === 's3') {
    const prefix = target.prefix ? `/${target.prefix}` : '';
    return fileDeadLetterSink(iceberg.io, `s3://${target.bucket}${prefix}`);
  }
  const kafka = createKafka(await kafkaClientConfig(config.kafka!, 'sensor-classifier'));
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  return kafkaDeadLetterSink(producer, target.topic);
}

function toResult(o: BatchOutcome): ClassifierResult {
  const { timingsMs: _, snapshotIds, ...counts } = o;
  return { ...counts, snapshotIds: snapshotIds.map(String) };
}

/**
 * Builds the classifier's Lambda handler. Connections and the table check happen once, on the
 * first invocation, and are reused; a failed start is retried on the next invocation.
 */
export function createClassifierHandler(
  config: ClassifierConfig,
  options: ClassifierHandlerOptions = {},
): ClassifierHandler {
  const logger = options.logger ?? createLogger('sensor-classifier');
  const metrics = options.metrics ?? createMetrics('sensor-classifier');
  const tracer = options.tracer ?? createTracer('sensor-classifier');
  let resources: Promise<Resources> | undefined;
  const open = () => {
    resources ??= (async () => {
      const iceberg = options.iceberg ?? (await connectIceberg(config.iceberg));
      await ensureAlertTable(iceberg);
      const deadLetter = options.deadLetter ?? (await openDeadLetter(config, iceberg));
      return { iceberg, deadLetter };
    })().catch((error) => {
      resources = undefined;
      throw error;
    });
    return resources;
  };

  const classify = async (event: unknown): Promise<ClassifierResult> => {
    const records = decodeKafkaEvent(event);
    const { iceberg, deadLetter } = await open();
    const outcome = await processBatch(records, {
      catalog: iceberg.catalog,
      io: iceberg.io,
      table: iceberg.table,
      consumerGroupId: config.consumerGroupId,
      thresholds: config.thresholds,
      deadLetter,
      maxValueBytes: config.maxValueBytes,
      logger,
    });
    metrics.addMetric('records', MetricUnit.Count, outcome.records);
    metrics.addMetric('alerts', MetricUnit.Count, outcome.alerts);
    metrics.addMetric('belowThreshold', MetricUnit.Count, outcome.belowThreshold);
    metrics.addMetric('rejected', MetricUnit.Count, outcome.rejected);
    metrics.addMetric('skippedAlreadyCommitted', MetricUnit.Count, outcome.skipped);
    metrics.addMetric('commitAttempts', MetricUnit.Count, outcome.commitAttempts);
    for (const [name, ms] of Object.entries(outcome.timingsMs)) {
      metrics.addMetric(`${name}Time`, MetricUnit.Milliseconds, Math.round(ms));
    }
    const result = toResult(outcome);
    logger.info('batch classified', { ...result, timingsMs: outcome.timingsMs });
    return result;
  };

  return middy(classify)
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics)) as unknown as ClassifierHandler;
}
