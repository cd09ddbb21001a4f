import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Tracer } from '@aws-lambda-powertools/tracer';
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
import { createLogger, createMetrics, tracing } from '../shared/powertools';

export interface CommitterResult {
  topics: { topic: string; rounds: ReturnType<typeof describeRound>[]; failures?: number }[];
}

/**
 * What a run is asked to do. Without `runForMs` (a direct invoke, the local sweep), it lands
 * what is staged now and returns. With it (the stack's schedule), it keeps committing every
 * interval for that long, so that classifier invocations need not commit and hold their
 * partitions; it returns early after `idleRounds` rounds in a row found nothing staged.
 */
export interface CommitterEvent {
  runForMs?: number;
  idleRounds?: number;
}

const runRequest = (event: unknown): CommitterEvent => {
  if (typeof event !== 'object' || event === null) return {};
  const { runForMs, idleRounds } = event as Record<string, unknown>;
  const whole = (v: unknown, name: string) => {
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new TypeError(`${name} must be a whole number >= 0, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const run: CommitterEvent = {};
  const ms = whole(runForMs, 'runForMs');
  const idle = whole(idleRounds, 'idleRounds');
  if (ms !== undefined) run.runForMs = ms;
  if (idle !== undefined) run.idleRounds = idle;
  return run;
};

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
 * The committer: lands every invocation's staged batches, one group commit per interval. On AWS
 * its schedule starts a run every minute that commits for that minute (`runForMs`); locally the
 * runner calls it every interval to land what is staged. Unlike the classifier, it fails when
 * its last round failed, so the function's error alarm fires for a lost table or lost offsets.
 */
export function createCommitterHandler(
  config: CommitterConfig,
  options: CommitterHandlerOptions = {},
): CommitterHandler {
  const logger = options.logger ?? createLogger('sensor-committer');
  const metrics = options.metrics ?? createMetrics('sensor-committer');
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

  /** Every topic's loop at once, each a round per interval; fails if a loop's last round did. */
  const run = async (
    runForMs: number,
    idleRounds: number | undefined,
    all: TopicCommitters,
    deadline: ReturnType<typeof invocationDeadline>,
  ): Promise<CommitterResult> => {
    const untilMs = Date.now() + runForMs;
    const runs = await Promise.all(
      config.topics.map(async (topic) => {
        const outcome = await all.committer(topic).run(deadline, {
          untilMs,
          ...(idleRounds !== undefined ? { idleRounds } : {}),
          onRound: (round, ms) => recordRound(metrics, round, ms),
          onError: (error) => recordRoundFailure(metrics, logger, error),
        });
        return { topic, ...outcome };
      }),
    );
    const failed = runs.find((r) => r.lastError !== undefined);
    if (failed) throw failed.lastError;
    return {
      topics: runs.map((r) => ({
        topic: r.topic,
        rounds: r.rounds.filter((x) => x.status !== 'nothing-staged').map(describeRound),
        failures: r.failures,
      })),
    };
  };

  const sweep = async (event: unknown, context?: Context): Promise<CommitterResult> => {
    const request = runRequest(event);
    const { committers: all, iceberg, client } = await open();
    const deadline = invocationDeadline(context);
    if (request.runForMs !== undefined) {
      const result = await run(request.runForMs, request.idleRounds, all, deadline);
      await reportMetadataSize(iceberg, client);
      logger.info('run done', { ...result });
      return result;
    }
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
    .use(tracing('sensor-committer', options.tracer))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics)) as unknown as CommitterHandler;
}
