import { z } from 'zod';
import { thresholdsInOrder } from '../lib/alerts/severity';
import { ConfigError } from './errors';

/**
 * Clearly-local defaults of the LocalStack target, the values localstack/docker-compose.yml and
 * local/endpoints.ts use (a test keeps them equal); the deployment never reads the dev tree.
 */
export const LOCALSTACK_DEFAULTS = {
  s3Region: 'us-east-1',
  s3AccessKeyId: 'local-access-key',
  s3SecretAccessKey: 'local-secret-key',
  warehouseBucket: 'warehouse',
  catalogWarehouse: 'warehouse',
} as const;

// CDK context values arrive as strings (`-c key=value`), a JSON file gives real types: accept both.
const bool = z.preprocess(
  (v) => (v === 'true' ? true : v === 'false' ? false : v),
  z.boolean({ error: 'expected true or false' }),
);
const int = (min: number, max: number) =>
  z.coerce
    .number({ error: 'expected a number' })
    .int({ error: 'expected an integer' })
    .min(min, { error: `expected at least ${min}` })
    .max(max, { error: `expected at most ${max}` });
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s.length > 0)
        : v,
    z.array(item),
  );
const pattern = (re: RegExp, expected: string) => z.string().regex(re, { error: expected });

const MSK_CLUSTER_ARN =
  /^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9-]+\/[A-Za-z0-9-]+$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/;
const BROKER = /^[A-Za-z0-9.-]+:\d{1,5}$/;
const HTTP_URL = /^https?:\/\/[^\s/]+(\/\S*)?$/;
const GLUE_NAME = /^[a-z][a-z0-9_]{0,254}$/;
// Valid CloudWatch Logs retention periods, in days.
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

// An event source mapping takes at most 16 subnets and 5 security groups (Lambda's limits).
const network = z.strictObject({
  vpcId: pattern(/^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/, 'expected a VPC id like vpc-0123abcd'),
  subnetIds: list(
    pattern(/^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/, 'expected subnet ids like subnet-0123abcd'),
  ).pipe(
    z
      .array(z.string())
      .min(1, { error: 'expected at least one subnet id' })
      .max(16, { error: 'expected at most 16 subnet ids (a Kafka event source mapping takes 16)' }),
  ),
  securityGroupIds: list(
    pattern(/^sg-([0-9a-f]{8}|[0-9a-f]{17})$/, 'expected security group ids like sg-0123abcd'),
  ).pipe(
    z.array(z.string()).min(1, { error: 'expected at least one security group id' }).max(5, {
      error: 'expected at most 5 security group ids (a Kafka event source mapping takes 5)',
    }),
  ),
  /**
   * Route tables of the subnets the mapping polls from: the stack adds an S3 gateway endpoint to
   * them so failed batches reach the on-failure bucket without a NAT gateway.
   */
  s3EndpointRouteTableIds: list(
    pattern(/^rtb-([0-9a-f]{8}|[0-9a-f]{17})$/, 'expected route table ids like rtb-0123abcd'),
  ).optional(),
});

const brokers = list(pattern(BROKER, 'expected host:port')).pipe(
  z.array(z.string()).min(1, { error: 'expected at least one host:port' }),
);

const streaming = z.discriminatedUnion(
  'mode',
  [
    z.strictObject({
      mode: z.literal('msk-serverless'),
      clusterName: pattern(
        /^[A-Za-z][A-Za-z0-9-]{0,63}$/,
        'expected letters, digits and -',
      ).default('sensor-alerts'),
      /** 0: isolated subnets with VPC endpoints; 1 or more: private subnets behind NAT gateways. */
      natGateways: int(0, 3).default(0),
      maxAzs: int(2, 3).default(2),
      /** Skips the GetBootstrapBrokers lookup when given. */
      bootstrapBrokers: brokers.optional(),
    }),
    z.strictObject({
      mode: z.literal('msk'),
      clusterArn: pattern(
        MSK_CLUSTER_ARN,
        'expected an MSK cluster ARN like arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>',
      ),
      bootstrapBrokers: brokers.optional(),
      /** Where the generator runs to reach the brokers (the cluster's VPC). */
      network: network.optional(),
    }),
    z.strictObject({
      mode: z.literal('self-managed'),
      bootstrapServers: brokers,
      authentication: z
        .enum(['scram-sha-512', 'none'], { error: 'expected scram-sha-512 or none' })
        .default('scram-sha-512'),
      saslSecretArn: pattern(
        SECRET_ARN,
        'expected a Secrets Manager secret ARN like arn:aws:secretsmanager:<region>:<account>:secret:<name>',
      ).optional(),
      tls: bool.default(true),
      network: network.optional(),
    }),
  ],
  { error: 'expected streaming.mode msk-serverless, msk or self-managed' },
);

const schema = z.strictObject({
  target: z.enum(['aws', 'localstack'], { error: 'expected aws or localstack' }).default('aws'),
  stackName: pattern(/^[A-Za-z][A-Za-z0-9-]{0,99}$/, 'expected letters, digits and -').default(
    'SensorAlerts',
  ),
  account: pattern(/^\d{12}$/, 'expected a 12-digit AWS account id').optional(),
  region: pattern(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region like eu-west-1').optional(),
  topic: pattern(/^[A-Za-z0-9._-]{1,249}$/, 'expected a Kafka topic name').default(
    'sensor_readings',
  ),
  consumerGroupId: pattern(/^[A-Za-z0-9\-/*:_+=.@]{1,200}$/, 'expected a Kafka group id').default(
    'sensor-alerts-classifier',
  ),
  namespace: pattern(GLUE_NAME, 'expected lower-case letters, digits and _').default('demo'),
  table: pattern(GLUE_NAME, 'expected lower-case letters, digits and _').default('sensor_alerts'),
  alertThreshold: z.coerce.number({ error: 'expected a number' }).default(80),
  severityHigh: z.coerce.number({ error: 'expected a number' }).default(85),
  severityCritical: z.coerce.number({ error: 'expected a number' }).default(90),
  streaming,
  /**
   * The alert stream: the classifier publishes every alert to `topic` (empty: none) before the
   * table write, and alerts at or above `sns.minSeverity` to an SNS topic the stack creates,
   * with an e-mail subscription per address of `sns.emails`.
   */
  alerts: z
    .strictObject({
      topic: z
        .string()
        .regex(/^([A-Za-z0-9._-]{1,249})?$/, { error: 'expected a Kafka topic name or empty' })
        .default('sensor_alerts'),
      /** Partitions of the alert topic when the stack creates it (kafkaTopics.create). */
      partitions: int(1, 1000).default(3),
      sns: z
        .strictObject({
          enabled: bool.default(true),
          minSeverity: z
            .enum(['CRITICAL', 'HIGH', 'MEDIUM'], { error: 'expected CRITICAL, HIGH or MEDIUM' })
            .default('CRITICAL'),
          emails: list(z.email({ error: 'expected e-mail addresses' })).default([]),
        })
        .prefault({}),
    })
    .prefault({}),
  /** Topics the stack creates on the cluster (a custom resource); `create: false` leaves it to you. */
  kafkaTopics: z
    .strictObject({
      create: bool,
      /** Partitions of the readings topic; raising it later adds partitions, lowering is refused. */
      partitions: int(1, 1000).default(3),
    })
    .prefault({ create: true }),
  eventSource: z
    .strictObject({
      enabled: bool,
      batchSize: int(1, 10_000).default(500),
      maxBatchingWindowSeconds: int(0, 300).default(5),
      /** Present: provisioned mode, which is what allows retries, bisect and partial batch responses. */
      provisioned: z
        .strictObject({
          minimumPollers: int(1, 200).default(1),
          maximumPollers: int(1, 2000).default(2),
          retryAttempts: int(-1, 10_000).default(3),
          bisectBatchOnError: bool.default(true),
          reportBatchItemFailures: bool.default(false),
        })
        .optional(),
    })
    .prefault({ enabled: true }),
  functions: z
    .strictObject({
      logRetentionDays: z.coerce
        .number()
        .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
          error: `expected one of ${LOG_RETENTION_DAYS.join(', ')}`,
        })
        .default(30),
      generatorMemoryMb: int(128, 10_240).default(512),
      generatorTimeoutSeconds: int(10, 900).default(60),
      /**
       * Readings per second the generator sends when deployed, for its per-invocation cap; by
       * default derived from its memory size (infra/generator-limits.ts).
       */
      generatorReadingsPerSecond: int(1, 1_000_000).optional(),
      classifierMemoryMb: int(128, 10_240).default(1024),
      classifierTimeoutSeconds: int(10, 900).default(300),
      queryMemoryMb: int(128, 10_240).default(512),
      /**
       * X-Ray active tracing of every function (Powertools Tracer). Off, a function neither sends
       * segments nor loads the X-Ray SDK, whose async hooks slow every promise of the process:
       * the alert stream's latency under load is lower.
       */
      tracing: bool.default(true),
    })
    .prefault({}),
  /**
   * The group commit: how often staged batches land in the table (intervalSeconds), the period
   * of the committer's schedule (each run commits for that long), and how old a waiting batch
   * may get before an alarm.
   */
  groupCommit: z
    .strictObject({
      intervalSeconds: int(0, 900).default(10),
      sweepMinutes: int(1, 60).default(1),
      stagedAlarmMinutes: int(1, 1440).default(10),
    })
    .prefault({}),
  /**
   * Table maintenance (compaction, manifest rewrite, snapshot expiry, orphan cleanup): how often
   * it runs, its size and its thresholds. Memory and timeout from `npm run bench:maintenance`.
   */
  maintenance: z
    .strictObject({
      rateMinutes: int(5, 1440).default(60),
      memoryMb: int(512, 10_240).default(2048),
      timeoutMinutes: int(1, 15).default(15),
      minSmallFiles: int(1, 10_000).default(4),
      maxManifests: int(1, 10_000).default(20),
      snapshotRetentionHours: int(0, 24 * 365).default(24),
      retainLastSnapshots: int(1, 10_000).default(5),
      orphanMinAgeHours: int(1, 24 * 365).default(72),
    })
    .prefault({}),
  athena: z
    .strictObject({
      enabled: bool,
      bytesScannedCutoffMb: int(10, 10_000_000).default(1024),
      resultsExpirationDays: int(1, 3650).default(7),
    })
    .prefault({ enabled: true }),
  /**
   * For accounts where Lake Formation governs the catalog: Lake Formation grants on the database
   * and table for each function role, and lakeformation:GetDataAccess.
   */
  lakeFormation: bool.default(false),
  alarms: z
    .strictObject({
      snsTopicArn: pattern(SNS_TOPIC_ARN, 'expected an SNS topic ARN').optional(),
      offsetLagThreshold: int(1, 1_000_000_000).default(1000),
      /** Table metadata size that alarms; Glue refuses table metadata over 20 MB. */
      tableMetadataMb: int(1, 19).default(15),
    })
    .prefault({}),
  removalPolicy: z
    .enum(['retain', 'destroy'], { error: 'expected retain or destroy' })
    .default('retain'),
  // LocalStack starts the functions on the network of localstack/docker-compose.yml
  // (LAMBDA_DOCKER_NETWORK), so they reach the services by name; Kafka's host listener advertises
  // 127.0.0.1, which a function's container cannot reach.
  localstack: z
    .strictObject({
      endpoint: pattern(HTTP_URL, 'expected an http(s) URL').default('http://localhost:4566'),
      s3Endpoint: pattern(HTTP_URL, 'expected an http(s) URL').default('http://s3:9000'),
      s3Region: z.string().min(1).default(LOCALSTACK_DEFAULTS.s3Region),
      s3PathStyle: bool.default(true),
      s3AccessKeyId: z.string().min(1).default(LOCALSTACK_DEFAULTS.s3AccessKeyId),
      s3SecretAccessKey: z.string().min(1).default(LOCALSTACK_DEFAULTS.s3SecretAccessKey),
      warehouseBucket: z.string().min(3).default(LOCALSTACK_DEFAULTS.warehouseBucket),
      catalogUri: pattern(HTTP_URL, 'expected an http(s) URL').default(
        'http://nessie:19120/iceberg',
      ),
      warehouse: z.string().min(1).default(LOCALSTACK_DEFAULTS.catalogWarehouse),
    })
    .prefault({}),
});

export type AppConfig = z.output<typeof schema>;
export type StreamingConfig = AppConfig['streaming'];
export type NetworkConfig = z.output<typeof network>;
export type Target = AppConfig['target'];

const TARGET_DEFAULTS: Record<Target, Record<string, unknown>> = {
  aws: {
    streaming: { mode: 'msk-serverless' },
    kafkaTopics: { create: true },
    eventSource: { enabled: true },
    athena: { enabled: true },
  },
  // LocalStack has no MSK, Athena or Glue in its free edition; Kafka mappings need its Pro edition.
  localstack: {
    streaming: {
      mode: 'self-managed',
      bootstrapServers: 'kafka:19092',
      authentication: 'none',
      tls: false,
    },
    // The compose Kafka creates topics on first use; a custom resource would need Lambda there.
    kafkaTopics: { create: false },
    eventSource: { enabled: false },
    athena: { enabled: false },
  },
};

/**
 * Validates the merged raw configuration (JSON file and `-c key=value` context) and fills defaults,
 * some of which depend on the target. Throws one ConfigError listing every bad value.
 */
export function parseConfig(raw: unknown): AppConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(['configuration: expected an object']);
  }
  const input = raw as Record<string, unknown>;
  const target = input.target === 'localstack' ? 'localstack' : 'aws';
  const result = schema.safeParse(withTargetDefaults(input, TARGET_DEFAULTS[target]));
  if (!result.success) {
    throw new ConfigError(result.error.issues.map(describeIssue), { cause: result.error });
  }
  const problems = crossFieldProblems(result.data);
  if (problems.length > 0) throw new ConfigError(problems);
  return result.data;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.join('.') || 'configuration';
  const message = /received undefined/.test(issue.message) ? 'is required' : issue.message;
  return `${path}: ${message}`;
}

function crossFieldProblems(config: AppConfig): string[] {
  const problems: string[] = [];
  const { streaming, eventSource, target } = config;
  const thresholds = {
    threshold: config.alertThreshold,
    high: config.severityHigh,
    critical: config.severityCritical,
  };
  if (!thresholdsInOrder(thresholds)) {
    problems.push(
      'alertThreshold, severityHigh, severityCritical: expected alertThreshold <= severityHigh <= severityCritical',
    );
  }
  if (target === 'localstack' && streaming.mode !== 'self-managed') {
    problems.push(
      `streaming.mode: the localstack target has no MSK; expected self-managed, got ${streaming.mode}`,
    );
  }
  if (streaming.mode === 'self-managed') {
    if (streaming.authentication === 'scram-sha-512' && !streaming.saslSecretArn) {
      problems.push(
        'streaming.saslSecretArn: is required when streaming.authentication is scram-sha-512',
      );
    }
    if (
      target === 'aws' &&
      eventSource.enabled &&
      streaming.authentication === 'none' &&
      !streaming.network
    ) {
      problems.push(
        'streaming.network: is required on aws when streaming.authentication is none (Lambda reaches unauthenticated brokers only inside a VPC)',
      );
    }
  }
  const network = streaming.mode === 'msk-serverless' ? undefined : streaming.network;
  if (network?.s3EndpointRouteTableIds && !eventSource.enabled) {
    problems.push(
      'streaming.network.s3EndpointRouteTableIds: only used with an event source mapping (eventSource.enabled)',
    );
  }
  if (target === 'localstack' && network?.s3EndpointRouteTableIds) {
    problems.push('streaming.network.s3EndpointRouteTableIds: not used on the localstack target');
  }
  const provisioned = eventSource.provisioned;
  if (provisioned && provisioned.minimumPollers > provisioned.maximumPollers) {
    problems.push('eventSource.provisioned.minimumPollers: expected at most maximumPollers');
  }
  if (config.alerts.topic !== '' && config.alerts.topic === config.topic) {
    problems.push('alerts.topic: expected a topic other than the readings topic');
  }
  if (target === 'localstack' && config.athena.enabled) {
    problems.push(
      'athena.enabled: the localstack target deploys no Athena (not in LocalStack free)',
    );
  }
  return problems;
}

/** Deep merge where `override` wins; arrays and scalars replace. */
export function mergeDeep(
  base: Record<string, unknown>,
  override: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    merged[key] =
      isPlainObject(value) && isPlainObject(current) ? mergeDeep(current, value) : value;
  }
  return merged;
}

function withTargetDefaults(
  input: Record<string, unknown>,
  defaults: Record<string, unknown>,
): Record<string, unknown> {
  const merged = mergeDeep(defaults, input);
  // Another streaming mode must not inherit the default mode's fields.
  const streaming = input.streaming;
  const defaultStreaming = defaults.streaming;
  if (
    isPlainObject(streaming) &&
    isPlainObject(defaultStreaming) &&
    streaming.mode !== undefined &&
    streaming.mode !== defaultStreaming.mode
  ) {
    merged.streaming = streaming;
  }
  return merged;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Top-level keys the configuration knows; other CDK context keys (feature flags) are not ours. */
export const CONFIG_KEYS: readonly string[] = Object.keys(schema.shape);
