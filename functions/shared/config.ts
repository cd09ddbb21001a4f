import { z } from 'zod';
import { DEFAULT_MAX_VALUE_BYTES } from '../../lib/alerts/reading';
import {
  type AlertThresholds,
  assertThresholds,
  SEVERITIES,
  type Severity,
} from '../../lib/alerts/severity';
import { parseBrokers } from '../../lib/kafka/client';
import { ConfigError } from './errors';

type Env = Record<string, string | undefined>;

export type CatalogAuthSettings =
  | { type: 'none' }
  | { type: 'bearer'; token: string }
  | { type: 'sigv4'; service: 'glue' | 's3tables'; region: string };

export interface IcebergSettings {
  catalogUri: string;
  warehouse?: string;
  catalogAuth: CatalogAuthSettings;
  s3: {
    /** Explicit endpoint for the warehouse bucket; independent of AWS_ENDPOINT_URL. */
    endpoint?: string;
    forcePathStyle: boolean;
    region: string;
    /** Static keys, only for a local object store; AWS uses the default credential chain. */
    credentials?: { accessKeyId: string; secretAccessKey: string };
  };
  namespace: string[];
  tableName: string;
}

export interface KafkaSettings {
  brokers: string[];
  auth: 'none' | 'scram-sha-512' | 'msk-iam';
  tls: boolean;
  /** Secrets Manager secret `{ "username", "password" }` for SCRAM. */
  saslSecretArn?: string;
  username?: string;
  password?: string;
  region: string;
}

export type DeadLetterTarget =
  | { type: 'kafka'; topic: string }
  | { type: 's3'; bucket: string; prefix: string };

/** Where batches wait for the group commit, and how often it runs. */
export interface GroupCommitSettings {
  /** Base URI of the staging area, outside every table's location: `s3://bucket/prefix`. */
  stagingUri: string;
  /** Least time between the starts of two commits, ms. */
  intervalMs: number;
  /**
   * How long after the last round's start a classifier invocation commits itself, ms: only
   * when the committer's rounds have stopped coming (it is not scheduled, or between two runs
   * of its schedule), so that an invocation does not hold its partition for a commit otherwise.
   */
  fallbackAfterMs: number;
}

/** Default of COMMIT_FALLBACK_AFTER_MS: three missed intervals, and never under 3 s. */
export const defaultFallbackAfterMs = (intervalMs: number) => Math.max(3 * intervalMs, 3_000);

/** Where the classifier publishes each alert as soon as it is classified. */
export interface AlertStreamSettings {
  /** Kafka topic of the alert stream; absent when publishing is off (`ALERTS_TOPIC=`). */
  topic?: string;
  /** SNS topic for alerts at or above `minSeverity`; absent unless configured. */
  sns?: { topicArn: string; minSeverity: Severity; region: string };
}

export interface ClassifierConfig {
  iceberg: IcebergSettings;
  alerts: AlertStreamSettings;
  groupCommit: GroupCommitSettings;
  thresholds: AlertThresholds;
  consumerGroupId: string;
  deadLetterTarget: DeadLetterTarget;
  /** Present when the dead letter target or the alert stream is a Kafka topic. */
  kafka?: KafkaSettings;
  maxValueBytes: number;
}

export interface GeneratorConfig {
  kafka: KafkaSettings;
  topic: string;
}

const bool = (name: string, fallback: boolean) =>
  z
    .enum(['true', 'false'], { message: `${name} must be true or false` })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true'));

const number = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      if (!Number.isFinite(n)) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a number, got ${v}` });
        return z.NEVER;
      }
      return n;
    });

const name = z.string().regex(/^[A-Za-z0-9_]+$/, 'letters, digits and underscores only');

const icebergSchema = z.object({
  ICEBERG_CATALOG_URI: z.url(),
  ICEBERG_WAREHOUSE: z.string().min(1).optional(),
  ICEBERG_CATALOG_AUTH: z.enum(['none', 'bearer', 'sigv4']).default('none'),
  ICEBERG_CATALOG_SIGV4_SERVICE: z.enum(['glue', 's3tables']).default('glue'),
  ICEBERG_CATALOG_TOKEN: z.string().min(1).optional(),
  ICEBERG_S3_ENDPOINT: z.url().optional(),
  ICEBERG_S3_PATH_STYLE: bool('ICEBERG_S3_PATH_STYLE', false),
  ICEBERG_S3_REGION: z.string().min(1).optional(),
  ICEBERG_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  ICEBERG_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  AWS_REGION: z.string().min(1).optional(),
  ICEBERG_NAMESPACE: name.default('demo'),
  ICEBERG_TABLE: name.default('sensor_alerts'),
});

const kafkaSchema = z.object({
  KAFKA_BROKERS: z.string().min(1, 'KAFKA_BROKERS is required'),
  KAFKA_AUTH: z.enum(['none', 'scram-sha-512', 'msk-iam']).default('none'),
  KAFKA_TLS: z.enum(['true', 'false']).optional(),
  KAFKA_SASL_SECRET_ARN: z.string().min(1).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  AWS_REGION: z.string().min(1).optional(),
});

function parse<S extends z.ZodType>(schema: S, env: Env, what: string): z.output<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(`invalid ${what} configuration: ${z.prettifyError(result.error)}`, {
      cause: result.error,
    });
  }
  return result.data;
}

export function parseIcebergSettings(env: Env): IcebergSettings {
  const e = parse(icebergSchema, env, 'Iceberg');
  const region = e.ICEBERG_S3_REGION ?? e.AWS_REGION ?? 'us-east-1';
  let catalogAuth: CatalogAuthSettings;
  if (e.ICEBERG_CATALOG_AUTH === 'bearer') {
    if (!e.ICEBERG_CATALOG_TOKEN) {
      throw new ConfigError('ICEBERG_CATALOG_AUTH=bearer needs ICEBERG_CATALOG_TOKEN');
    }
    catalogAuth = { type: 'bearer', token: e.ICEBERG_CATALOG_TOKEN };
  } else if (e.ICEBERG_CATALOG_AUTH === 'sigv4') {
    catalogAuth = {
      type: 'sigv4',
      service: e.ICEBERG_CATALOG_SIGV4_SERVICE,
      region: e.AWS_REGION ?? region,
    };
  } else {
    catalogAuth = { type: 'none' };
  }
  if (Boolean(e.ICEBERG_S3_ACCESS_KEY_ID) !== Boolean(e.ICEBERG_S3_SECRET_ACCESS_KEY)) {
    throw new ConfigError(
      'set both ICEBERG_S3_ACCESS_KEY_ID and ICEBERG_S3_SECRET_ACCESS_KEY, or neither',
    );
  }
  const settings: IcebergSettings = {
    catalogUri: e.ICEBERG_CATALOG_URI,
    catalogAuth,
    s3: { forcePathStyle: e.ICEBERG_S3_PATH_STYLE, region },
    namespace: [e.ICEBERG_NAMESPACE],
    tableName: e.ICEBERG_TABLE,
  };
  if (e.ICEBERG_WAREHOUSE) settings.warehouse = e.ICEBERG_WAREHOUSE;
  if (e.ICEBERG_S3_ENDPOINT) settings.s3.endpoint = e.ICEBERG_S3_ENDPOINT;
  if (e.ICEBERG_S3_ACCESS_KEY_ID && e.ICEBERG_S3_SECRET_ACCESS_KEY) {
    settings.s3.credentials = {
      accessKeyId: e.ICEBERG_S3_ACCESS_KEY_ID,
      secretAccessKey: e.ICEBERG_S3_SECRET_ACCESS_KEY,
    };
  }
  return settings;
}

export function parseKafkaSettings(env: Env): KafkaSettings {
  const e = parse(kafkaSchema, env, 'Kafka');
  const brokers = parseBrokers(e.KAFKA_BROKERS);
  if (brokers.length === 0) throw new ConfigError('KAFKA_BROKERS lists no broker');
  // Without a port the client fails only when it connects, with a message that hides the cause.
  const portless = brokers.find((b) => !/:\d+$/.test(b));
  if (portless) throw new ConfigError(`KAFKA_BROKERS entries must be host:port, got ${portless}`);
  const settings: KafkaSettings = {
    brokers,
    auth: e.KAFKA_AUTH,
    tls: e.KAFKA_TLS === undefined ? e.KAFKA_AUTH !== 'none' : e.KAFKA_TLS === 'true',
    region: e.AWS_REGION ?? 'us-east-1',
  };
  if (e.KAFKA_AUTH === 'scram-sha-512') {
    const hasPair = Boolean(e.KAFKA_SASL_USERNAME && e.KAFKA_SASL_PASSWORD);
    if (!e.KAFKA_SASL_SECRET_ARN && !hasPair) {
      throw new ConfigError(
        'KAFKA_AUTH=scram-sha-512 needs KAFKA_SASL_SECRET_ARN or KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD',
      );
    }
    if (e.KAFKA_SASL_SECRET_ARN) settings.saslSecretArn = e.KAFKA_SASL_SECRET_ARN;
    if (e.KAFKA_SASL_USERNAME) settings.username = e.KAFKA_SASL_USERNAME;
    if (e.KAFKA_SASL_PASSWORD) settings.password = e.KAFKA_SASL_PASSWORD;
  }
  return settings;
}

export function parseThresholds(env: Env): AlertThresholds {
  const e = parse(
    z.object({
      ALERT_THRESHOLD: number('ALERT_THRESHOLD', 80),
      SEVERITY_HIGH: number('SEVERITY_HIGH', 85),
      SEVERITY_CRITICAL: number('SEVERITY_CRITICAL', 90),
    }),
    env,
    'threshold',
  );
  try {
    return assertThresholds({
      threshold: e.ALERT_THRESHOLD,
      high: e.SEVERITY_HIGH,
      critical: e.SEVERITY_CRITICAL,
    });
  } catch (cause) {
    throw new ConfigError((cause as Error).message, { cause });
  }
}

/** `kafka://<topic>` or `s3://<bucket>/<prefix>`. */
export function parseDeadLetterTarget(text: string | undefined): DeadLetterTarget {
  if (!text)
    throw new ConfigError('DEAD_LETTER_TARGET is required (kafka://topic or s3://bucket/prefix)');
  const kafka = /^kafka:\/\/([A-Za-z0-9._-]{1,249})$/.exec(text);
  if (kafka) return { type: 'kafka', topic: kafka[1]! };
  const s3 = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(text);
  if (s3) return { type: 's3', bucket: s3[1]!, prefix: (s3[2] ?? '').replace(/\/+$/, '') };
  throw new ConfigError(
    `DEAD_LETTER_TARGET must be kafka://<topic> or s3://<bucket>/<prefix>, got ${text}`,
  );
}

export function parseGroupCommitSettings(env: Env): GroupCommitSettings {
  const e = parse(
    z.object({
      STAGING_URI: z
        .string({ message: 'STAGING_URI is required (s3://bucket/prefix, outside the table)' })
        .regex(
          /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/,
          'STAGING_URI must be s3://<bucket>/<prefix>',
        ),
      COMMIT_INTERVAL_MS: number('COMMIT_INTERVAL_MS', 1_000).refine(
        (n) => Number.isInteger(n) && n >= 0 && n <= 900_000,
        'COMMIT_INTERVAL_MS must be a whole number of milliseconds from 0 to 900000',
      ),
      COMMIT_FALLBACK_AFTER_MS: z
        .string()
        .optional()
        .refine(
          (v) => v === undefined || v.trim() === '' || /^\d{1,7}$/.test(v.trim()),
          'COMMIT_FALLBACK_AFTER_MS must be a whole number of milliseconds up to 3600000',
        )
        .transform((v) => (v === undefined || v.trim() === '' ? undefined : Number(v)))
        .refine((n) => n === undefined || n <= 3_600_000, {
          message: 'COMMIT_FALLBACK_AFTER_MS must be at most 3600000 (an hour)',
        }),
    }),
    env,
    'group commit',
  );
  return {
    stagingUri: e.STAGING_URI.replace(/\/+$/, ''),
    intervalMs: e.COMMIT_INTERVAL_MS,
    // Never sooner than the interval: a commit is not due before that anyway.
    fallbackAfterMs: Math.max(
      e.COMMIT_FALLBACK_AFTER_MS ?? defaultFallbackAfterMs(e.COMMIT_INTERVAL_MS),
      e.COMMIT_INTERVAL_MS,
    ),
  };
}

export const DEFAULT_ALERTS_TOPIC = 'sensor_alerts';

/**
 * `ALERTS_TOPIC` (default sensor_alerts; empty turns the stream off), `ALERTS_SNS_TOPIC_ARN` and
 * `ALERTS_SNS_MIN_SEVERITY` (default CRITICAL).
 */
export function parseAlertStreamSettings(env: Env): AlertStreamSettings {
  const e = parse(
    z.object({
      ALERTS_TOPIC: z
        .string()
        .default(DEFAULT_ALERTS_TOPIC)
        .transform((t) => t.trim())
        .refine((t) => t === '' || /^[A-Za-z0-9._-]{1,249}$/.test(t), {
          message: 'ALERTS_TOPIC must be a Kafka topic name, or empty to publish no alerts',
        }),
      ALERTS_SNS_TOPIC_ARN: z
        .string()
        .regex(
          /^arn:[a-z-]+:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/,
          'must be an SNS topic ARN',
        )
        .optional()
        .or(z.literal('').transform(() => undefined)),
      ALERTS_SNS_MIN_SEVERITY: z
        .enum(SEVERITIES as [Severity, ...Severity[]], {
          message: `ALERTS_SNS_MIN_SEVERITY must be one of ${SEVERITIES.join(', ')}`,
        })
        .default('CRITICAL'),
    }),
    env,
    'alert stream',
  );
  const settings: AlertStreamSettings = {};
  if (e.ALERTS_TOPIC !== '') settings.topic = e.ALERTS_TOPIC;
  if (e.ALERTS_SNS_TOPIC_ARN) {
    settings.sns = {
      topicArn: e.ALERTS_SNS_TOPIC_ARN,
      minSeverity: e.ALERTS_SNS_MIN_SEVERITY,
      // The topic's own region: the client must sign for it.
      region: e.ALERTS_SNS_TOPIC_ARN.split(':')[3]!,
    };
  }
  return settings;
}

export function parseClassifierConfig(env: Env): ClassifierConfig {
  const e = parse(
    z.object({
      CONSUMER_GROUP_ID: z.string().min(1, 'CONSUMER_GROUP_ID is required').max(255),
      MAX_VALUE_BYTES: number('MAX_VALUE_BYTES', DEFAULT_MAX_VALUE_BYTES).refine(
        (n) => Number.isInteger(n) && n > 0,
        'MAX_VALUE_BYTES must be a positive whole number of bytes',
      ),
    }),
    env,
    'classifier',
  );
  const deadLetterTarget = parseDeadLetterTarget(env.DEAD_LETTER_TARGET);
  const alerts = parseAlertStreamSettings(env);
  const config: ClassifierConfig = {
    iceberg: parseIcebergSettings(env),
    alerts,
    groupCommit: parseGroupCommitSettings(env),
    thresholds: parseThresholds(env),
    consumerGroupId: e.CONSUMER_GROUP_ID,
    deadLetterTarget,
    maxValueBytes: e.MAX_VALUE_BYTES,
  };
  if (deadLetterTarget.type === 'kafka' || alerts.topic) config.kafka = parseKafkaSettings(env);
  return config;
}

export function parseGeneratorConfig(env: Env): GeneratorConfig {
  const e = parse(
    z.object({ SENSOR_TOPIC: z.string().min(1).max(249).default('sensor_readings') }),
    env,
    'generator',
  );
  return { kafka: parseKafkaSettings(env), topic: e.SENSOR_TOPIC };
}

export interface CommitterConfig {
  iceberg: IcebergSettings;
  groupCommit: GroupCommitSettings;
  consumerGroupId: string;
  /** Topics whose staged batches this committer lands (the classifier's source topics). */
  topics: string[];
}

export function parseCommitterConfig(env: Env): CommitterConfig {
  const e = parse(
    z.object({
      CONSUMER_GROUP_ID: z.string().min(1, 'CONSUMER_GROUP_ID is required').max(255),
      SENSOR_TOPIC: z
        .string()
        .default('sensor_readings')
        .transform((v) =>
          v
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean),
        )
        .refine((ts) => ts.length > 0 && ts.every((t) => /^[A-Za-z0-9._-]{1,249}$/.test(t)), {
          message: 'SENSOR_TOPIC must be one or more comma-separated Kafka topic names',
        }),
    }),
    env,
    'committer',
  );
  return {
    iceberg: parseIcebergSettings(env),
    groupCommit: parseGroupCommitSettings(env),
    consumerGroupId: e.CONSUMER_GROUP_ID,
    topics: e.SENSOR_TOPIC,
  };
}
