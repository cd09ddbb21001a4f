import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Kafka, Producer } from 'kafkajs';
import {
  type ClassifierHandler,
  createClassifierHandler,
} from '../../functions/classifier/create-handler';
import {
  type CommitterHandler,
  createCommitterHandler,
} from '../../functions/committer/create-handler';
import { produceReadings } from '../../functions/generator/produce';
import { type GeneratedReading, generateReadings } from '../../functions/generator/readings';
import {
  type ClassifierConfig,
  type CommitterConfig,
  defaultFallbackAfterMs,
  type GroupCommitSettings,
  type IcebergSettings,
  parseAlertStreamSettings,
} from '../../functions/shared/config';
import {
  connectIceberg,
  ensureAlertTable,
  type IcebergClients,
} from '../../functions/shared/iceberg';
import type { AlertThresholds } from '../../lib/alerts/severity';
import { IcebergError } from '../../lib/iceberg';
import { createIdempotentProducer, createKafka, parseBrokers } from '../../lib/kafka/client';
import { ensureTopic } from '../../lib/kafka/topics';
import { type LocalEndpoints, localEndpoints } from '../endpoints';
import type { RunnerLogger } from '../esm/runner';
import { localS3Options } from '../object-store';

/** Names of one run's topic, consumer group and table, so that runs never see each other's data. */
export interface RunNames {
  topic: string;
  groupId: string;
  namespace: string;
  table: string;
}

export function runNames(runId: string): RunNames {
  return {
    topic: `sensor_readings_${runId}`,
    groupId: `sensor-classifier-${runId}`,
    namespace: 'demo',
    table: `sensor_alerts_${runId}`,
  };
}

export function localIcebergSettings(
  names: RunNames,
  endpoints: LocalEndpoints = localEndpoints(),
): IcebergSettings {
  return {
    catalogUri: endpoints.catalogUri,
    warehouse: endpoints.catalogWarehouse,
    catalogAuth: { type: 'none' },
    s3: localS3Options(endpoints),
    namespace: [names.namespace],
    tableName: names.table,
  };
}

export interface LocalPipeline {
  names: RunNames;
  kafka: Kafka;
  iceberg: IcebergClients;
  settings: IcebergSettings;
}

/** Connects to the local services and creates this run's table and topic. */
export async function openLocalPipeline(
  names: RunNames,
  options: { partitions?: number; endpoints?: LocalEndpoints } = {},
): Promise<LocalPipeline> {
  const endpoints = options.endpoints ?? localEndpoints();
  const settings = localIcebergSettings(names, endpoints);
  const iceberg = await connectIceberg(settings);
  await retryTransient(() => ensureAlertTable(iceberg));
  const kafka = createKafka({
    brokers: parseBrokers(endpoints.kafkaBrokers),
    clientId: 'sensor-alerts-local',
    // Transient broker answers (e.g. a coordinator still loading) are retried by the client;
    // lasting failures surface as errors of the calls themselves.
    logLevel: 'NOTHING',
  });
  await ensureTopic(kafka, names.topic, { partitions: options.partitions ?? 3 });
  return { names, kafka, iceberg, settings };
}

/** A catalog busy with other writers can answer a retryable error; setup tries a few times. */
async function retryTransient<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts || !(error instanceof IcebergError) || !error.retryable) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
    }
  }
}

export interface GenerateRequest {
  readings: number;
  sensors: number;
  seed: number;
  /** ISO time of the first reading (default now). */
  startTime?: string;
}

/**
 * Produces readings with the generator function's code and returns them, so that the expected
 * alerts can be computed from exactly what went onto the topic.
 */
export async function produceGenerated(
  pipeline: LocalPipeline,
  request: GenerateRequest,
): Promise<GeneratedReading[]> {
  const readings = [
    ...generateReadings({
      numReadings: request.readings,
      numSensors: request.sensors,
      seed: request.seed,
      startTime: request.startTime ?? new Date().toISOString(),
    }),
  ];
  await withProducer(pipeline.kafka, (producer) =>
    produceReadings(producer, readings, { topic: pipeline.names.topic }),
  );
  return readings;
}

export async function withProducer<T>(kafka: Kafka, fn: (p: Producer) => Promise<T>): Promise<T> {
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  try {
    return await fn(producer);
  } finally {
    await producer.disconnect();
  }
}

/**
 * The classifier function's handler, in process, writing to this run's table and publishing to
 * the alert topic of `ALERTS_TOPIC` (default sensor_alerts, empty for none) unless given one.
 */
export function localClassifier(
  pipeline: LocalPipeline,
  thresholds: AlertThresholds,
  options: { alertsTopic?: string; fallbackAfterMs?: number } = {},
): ClassifierHandler {
  const alerts = parseAlertStreamSettings({
    ...process.env,
    ...(options.alertsTopic === undefined ? {} : { ALERTS_TOPIC: options.alertsTopic }),
  });
  const config: ClassifierConfig = {
    iceberg: pipeline.settings,
    alerts,
    kafka: {
      brokers: parseBrokers(localEndpoints().kafkaBrokers),
      auth: 'none',
      tls: false,
      region: 'us-east-1',
    },
    groupCommit: localGroupCommit(1_000, options.fallbackAfterMs),
    thresholds,
    consumerGroupId: pipeline.names.groupId,
    deadLetterTarget: {
      type: 's3',
      bucket: localEndpoints().warehouseBucket,
      prefix: `dead-letters/${pipeline.names.topic}`,
    },
    maxValueBytes: 64 * 1024,
  };
  // Per-batch logs and metric lines would drown the local output; warnings still show.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const logger = new Logger({ serviceName: 'sensor-classifier', logLevel: 'WARN' });
  const metrics = new Metrics({ serviceName: 'sensor-classifier', namespace: 'SensorAlerts' });
  return createClassifierHandler(config, { iceberg: pipeline.iceberg, logger, metrics });
}

/**
 * Staged batches in the warehouse bucket's `_staging/`, committed every second by the committer
 * (a `CommitSweep`), and by a classifier invocation only when its rounds have stopped.
 */
export function localGroupCommit(
  intervalMs = 1_000,
  fallbackAfterMs = defaultFallbackAfterMs(intervalMs),
): GroupCommitSettings {
  return {
    stagingUri: `s3://${localEndpoints().warehouseBucket}/_staging`,
    intervalMs,
    fallbackAfterMs,
  };
}

/** The committer function's handler (the sweep), in process, for this run's table. */
export function localCommitter(pipeline: LocalPipeline, intervalMs = 1_000): CommitterHandler {
  const config: CommitterConfig = {
    iceberg: pipeline.settings,
    groupCommit: localGroupCommit(intervalMs),
    consumerGroupId: pipeline.names.groupId,
    topics: [pipeline.names.topic],
  };
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const logger = new Logger({ serviceName: 'sensor-committer', logLevel: 'WARN' });
  const metrics = new Metrics({ serviceName: 'sensor-committer', namespace: 'SensorAlerts' });
  return createCommitterHandler(config, { iceberg: pipeline.iceberg, logger, metrics });
}

/** Runner logs: warnings and errors only, prefixed so they stand out among the step lines. */
export const quietRunnerLogger: RunnerLogger = {
  info: () => undefined,
  warn: (message, extra) => console.warn(`  [esm] ${message}`, extra ?? ''),
  error: (message, extra) => console.error(`  [esm] ${message}`, extra ?? ''),
};
