import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
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
} from '../shared/group-commit';
import { connectIceberg, type IcebergClients } from '../shared/iceberg';
import { createLogger, createMetrics } from '../shared/powertools';

export interface CommitterResult {
  topics: { topic: string; rounds: ReturnType<typeof describeRound>[] }[];
}

export interface CommitterHandlerOptions {
  logger?: Logger;
  metrics?: Metrics;
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
  let committers: Promise<TopicCommitters> | undefined;
  const open = () => {
    committers ??= (async () => {
      const iceberg = options.iceberg ?? (await connectIceberg(config.iceberg));
      return new TopicCommitters(
        {
          settings: config.groupCommit,
          iceberg,
          consumerGroupId: config.consumerGroupId,
          client: stagingClient(config.iceberg),
        },
        options.stagingStore,
      );
    })().catch((error) => {
      committers = undefined;
      throw error;
    });
    return committers;
  };

  const sweep = async (_event: unknown, context?: Context): Promise<CommitterResult> => {
    const all = await open();
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
    logger.info('sweep done', { ...result });
    return result;
  };

  return middy(sweep)
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics)) as unknown as CommitterHandler;
}
