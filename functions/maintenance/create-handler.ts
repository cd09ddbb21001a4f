import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { invocationDeadline } from '../shared/group-commit';
import { connectIceberg, type IcebergClients } from '../shared/iceberg';
import { createLogger, createMetrics, tracing } from '../shared/powertools';
import type { MaintenanceConfig } from './config';
import { describeReport, runMaintenance } from './run';

export interface MaintenanceResult {
  tables: Record<string, unknown>[];
}

export interface MaintenanceHandlerOptions {
  logger?: Logger;
  metrics?: Metrics;
  tracer?: Tracer;
  iceberg?: Pick<IcebergClients, 'catalog' | 'io'>;
}

export type MaintenanceHandler = (event: unknown, context?: Context) => Promise<MaintenanceResult>;

/**
 * Scheduled table maintenance: compaction, manifest rewrite, snapshot expiry and orphan cleanup
 * of each configured table, one after another, within the invocation's time. A failure fails the
 * invocation, so the function's error alarm fires.
 */
export function createMaintenanceHandler(
  config: MaintenanceConfig,
  options: MaintenanceHandlerOptions = {},
): MaintenanceHandler {
  const logger = options.logger ?? createLogger('sensor-maintenance');
  const metrics = options.metrics ?? createMetrics('sensor-maintenance');
  let opened: Promise<Pick<IcebergClients, 'catalog' | 'io'>> | undefined;
  const open = () => {
    opened ??= (
      options.iceberg ? Promise.resolve(options.iceberg) : connectIceberg(config.iceberg)
    ).catch((error) => {
      opened = undefined;
      throw error;
    });
    return opened;
  };

  const maintain = async (_event: unknown, context?: Context): Promise<MaintenanceResult> => {
    const clients = await open();
    const reports = await runMaintenance(config, clients, {
      deadline: invocationDeadline(context, 10_000),
      progress: (message) => logger.info(message),
    });
    for (const report of reports) {
      metrics.addMetric('DataFilesBefore', MetricUnit.Count, report.before.dataFiles);
      metrics.addMetric('DataFilesAfter', MetricUnit.Count, report.after.dataFiles);
      metrics.addMetric('ManifestsAfter', MetricUnit.Count, report.after.manifests);
      metrics.addMetric('SnapshotsExpired', MetricUnit.Count, report.expiry?.expired ?? 0);
      metrics.addMetric('OrphansRemoved', MetricUnit.Count, report.orphans?.deleted ?? 0);
      metrics.addMetric('MaintenanceDuration', MetricUnit.Milliseconds, report.durationMs);
      logger.info('table maintained', describeReport(report));
    }
    return { tables: reports.map(describeReport) };
  };

  return middy(maintain)
    .use(tracing('sensor-maintenance', options.tracer))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics)) as unknown as MaintenanceHandler;
}
