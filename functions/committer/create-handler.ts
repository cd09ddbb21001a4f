import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { S3Client } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { StagingStore } from '../../lib/group-commit';
import type { CommitterConfig } from '../shared/config';
import {
  describeRound,
  invocationDeadline,
  recordRound,
  recordRoundFailure,
  stagingClient,
  TopicCommitters,
  tableMetadataBytes,
} from '../shared/group-commit';
import { connectIceberg, type IcebergClients } from '../shared/iceberg';
import { createLogger, createMetrics, createTracer } from '../shared/powertools';

export interface CommitterResult {
  topics: { topic: string; rounds: ReturnType<typeof describeRound>[] }[];
}

export interface CommitterHandlerOptions {
  logger?: Logger;
  metrics?: Metrics;
  tracer?: Tracer;
  iceberg?: IcebergClients;
  stagingStore?: (root: string) => StagingStore;
  /** Rounds per topic and invocation (default: until nothing ready is left). */
  maxRounds?: number;
}

export type CommitterHandler = (event: unknown, context?: Context) => Promise<CommitterResult>;

/**
 * The sweep: lands whatever is staged when no classifier invocation comes along to do it (an
 * idle topic, the tail of a burst). Scheduled every minute on AWS; the local runner calls it
 * every commit interval. Unlike the classifier, it fails when a round fails, so the function's
 * error alarm fires for a lost table or lost offsets.
 */
export function createCommitterHandler(
  config: CommitterConfig,
  options: CommitterHandlerOptions = {},
): CommitterHandler {
  const logger = options.logger ?? createLogger('sensor-committer');
  const metrics = options.metrics ?? createMetrics('sensor-committer');
  const tracer = options.tracer ?? createTracer('sensor-committer');
  let opened:
    | Promise<{ committers: TopicCommitters; iceberg: IcebergClients; client: S3Client }>
    | undefined;
  const open = () => {
    opened ??= (async () => {
      const iceberg = options.iceberg ?? (await connectIceberg(config.iceberg));
      const client = stagingClient(config.iceberg);
      const committers = new TopicCommitters(
        { settings: config.groupCommit, iceberg, consumerGroupId: config.consumerGroupId, client },
        options.stagingStore,
      );
      return { committers, iceberg, client };
    })().catch((error) => {
      opened = undefined;
      throw error;
    });
    return opened;
  };

  const sweep = async (_event: unknown, context?: Context): Promise<CommitterResult> => {
    const { committers: all, iceberg, client } = await open();
    const deadline = invocationDeadline(context);
    const result: CommitterResult = { topics: [] };
    for (const topic of config.topics) {
      let rounds: Awaited<ReturnType<ReturnType<TopicCommitters['committer']>['flush']>>;
      try {
        rounds = await all.committer(topic).flush(deadline, { maxRounds: options.maxRounds });
      } catch (error) {
        recordRoundFailure(metrics, logger, error);
        throw error;
      }
      for (const round of rounds) recordRound(metrics, round);
      result.topics.push({ topic, rounds: rounds.map(describeRound) });
    }
    await reportMetadataSize(iceberg, client);
    logger.info('sweep done', { ...result });
    return result;
  };

  // Once a sweep, so the alarm on the size sees it whether or not this sweep committed anything.
  const reportMetadataSize = async (iceberg: IcebergClients, client: S3Client) => {
    try {
      const table = await iceberg.catalog.loadTable(iceberg.table);
      const bytes = await tableMetadataBytes(client, table.metadataLocation);
      metrics.addMetric('TableMetadataBytes', MetricUnit.Bytes, bytes);
    } catch (error) {
      logger.warn('could not measure the table metadata', { error: (error as Error).message });
    }
  };

  return middy(sweep)
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics)) as unknown as CommitterHandler;
}
