import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { AppConfig } from '../config';
import { DEAD_LETTER_PREFIX, STAGING_PREFIX, WAREHOUSE_PREFIX } from './function-env';
import { kafkaArns, kafkaTopicArn } from './kafka-arns';
import { type LakeFormationAccess, lakeFormationGrants } from './lake-formation';
import type { Lakehouse } from './lakehouse';
import { acknowledge, bucketObjectsFinding } from './nag';
import type { Streaming } from './streaming';

// CDK grants no kafka-cluster:* data-plane actions for MSK IAM auth; these are the minimum.
export const CLASSIFIER_KAFKA_ACTIONS = {
  cluster: ['kafka-cluster:Connect', 'kafka-cluster:DescribeClusterDynamicConfiguration'],
  topic: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
  group: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
};
/** The classifier's producer of the alert stream (idempotent), on the alert topic only. */
export const ALERT_STREAM_KAFKA_ACTIONS = {
  cluster: ['kafka-cluster:WriteDataIdempotently'],
  topic: ['kafka-cluster:WriteData', 'kafka-cluster:DescribeTopic'],
};
export const GENERATOR_KAFKA_ACTIONS = {
  // The generator's producer is idempotent (broker-side de-duplication of its retries).
  cluster: ['kafka-cluster:Connect', 'kafka-cluster:WriteDataIdempotently'],
  // Topics are created by the stack (KafkaTopics), so the generator only writes.
  topic: ['kafka-cluster:WriteData', 'kafka-cluster:DescribeTopic'],
};
// The stack creates the database and the table, so the classifier only reads and commits:
// GET /v1/config (GetCatalog), loading the table (GetTable) and, only when the table is missing,
// looking the namespace up (GetDatabase), and commits (UpdateTable).
export const CLASSIFIER_GLUE_ACTIONS = [
  'glue:GetCatalog',
  'glue:GetDatabase',
  'glue:GetTable',
  'glue:UpdateTable',
];
export const QUERY_GLUE_ACTIONS = [
  'glue:GetCatalog',
  'glue:GetDatabase',
  'glue:GetTable',
  'glue:GetTables',
  'glue:GetPartitions',
];
export const QUERY_ATHENA_ACTIONS = [
  'athena:StartQueryExecution',
  'athena:GetQueryExecution',
  'athena:GetQueryResults',
  'athena:StopQueryExecution',
  'athena:GetWorkGroup',
];

export interface GrantContext {
  config: AppConfig;
  streaming: Streaming;
  lakehouse: Lakehouse;
}

export function grantGenerator(fn: lambda.IFunction, ctx: GrantContext): void {
  const { streaming, config } = ctx;
  if (streaming.clusterArn) {
    const arns = kafkaArns(streaming.clusterArn, config.topic, config.consumerGroupId);
    allow(fn, GENERATOR_KAFKA_ACTIONS.cluster, [arns.cluster]);
    allow(fn, GENERATOR_KAFKA_ACTIONS.topic, [arns.topic]);
  }
  streaming.secret?.grantRead(fn);
}

export function grantClassifier(fn: lambda.IFunction, ctx: GrantContext): void {
  const { streaming, config, lakehouse } = ctx;
  if (streaming.clusterArn) {
    const arns = kafkaArns(streaming.clusterArn, config.topic, config.consumerGroupId);
    allow(fn, CLASSIFIER_KAFKA_ACTIONS.cluster, [arns.cluster]);
    allow(fn, CLASSIFIER_KAFKA_ACTIONS.topic, [arns.topic]);
    allow(fn, CLASSIFIER_KAFKA_ACTIONS.group, [arns.group]);
    if (config.alerts.topic) {
      allow(fn, ALERT_STREAM_KAFKA_ACTIONS.cluster, [arns.cluster]);
      allow(fn, ALERT_STREAM_KAFKA_ACTIONS.topic, [
        kafkaTopicArn(streaming.clusterArn, config.alerts.topic),
      ]);
    }
  }
  // The alert stream's producer authenticates as the generator does.
  if (config.alerts.topic) streaming.secret?.grantRead(fn);
  // Rejected records go under one prefix of the dead-letter bucket.
  allowObjects(
    fn,
    ['s3:PutObject'],
    lakehouse.deadLetterBucket,
    `${DEAD_LETTER_PREFIX}/*`,
    'Rejected records are written under generated object names below the classifier prefix.',
  );
  grantGroupCommit(fn, ctx);
}

/**
 * The committer (the group commit's sweep): what the classifier needs for its commits, without
 * Kafka or the dead-letter bucket.
 */
export function grantCommitter(fn: lambda.IFunction, ctx: GrantContext): void {
  grantGroupCommit(fn, ctx);
}

/** Staging batches and committing them: both the classifier and the committer do it. */
function grantGroupCommit(fn: lambda.IFunction, ctx: GrantContext): void {
  const { config, lakehouse } = ctx;
  if (!lakehouse.warehouseBucket) return;
  allow(fn, CLASSIFIER_GLUE_ACTIONS, glueArns(fn, config));
  // Append-only writer: it reads and writes data files and metadata, never deletes them.
  allowWarehouse(fn, lakehouse.warehouseBucket, [
    's3:GetObject',
    's3:PutObject',
    's3:AbortMultipartUpload',
  ]);
  allowStaging(fn, lakehouse.warehouseBucket);
  // Only the manifest lists and merged manifests a commit attempt wrote and no snapshot took:
  // the append removes them after the commit, as Iceberg's snapshot producer does. Data files
  // are never deleted by the writer (orphan cleanup does that).
  allowObjects(
    fn,
    ['s3:DeleteObject'],
    lakehouse.warehouseBucket,
    `${WAREHOUSE_PREFIX}/${config.namespace}.db/${config.table}/metadata/*`,
    "A commit's unused manifest lists and merged manifests get generated names in the table's metadata folder.",
  );
  allowLakeFormation(fn, ctx, 'writer');
}

/**
 * Table maintenance: loads and commits (replace snapshots, snapshot removal) like the writer,
 * reads and writes table files, lists the table location for orphans, and deletes, but only
 * inside the table's own location (data and metadata), never the staging area or other tables.
 */
export function grantMaintenance(fn: lambda.IFunction, ctx: GrantContext): void {
  const { config, lakehouse } = ctx;
  if (!lakehouse.warehouseBucket) return;
  const tablePrefix = `${WAREHOUSE_PREFIX}/${config.namespace}.db/${config.table}`;
  allow(fn, CLASSIFIER_GLUE_ACTIONS, glueArns(fn, config));
  allowWarehouse(fn, lakehouse.warehouseBucket, [
    's3:GetObject',
    's3:PutObject',
    's3:AbortMultipartUpload',
  ]);
  allowObjects(
    fn,
    ['s3:DeleteObject'],
    lakehouse.warehouseBucket,
    `${tablePrefix}/*`,
    'Compaction, expiry and orphan cleanup delete data and metadata files with generated names, only inside the table location.',
  );
  allowLakeFormation(fn, ctx, 'writer');
}

export function grantQuery(fn: lambda.IFunction, ctx: GrantContext): void {
  const { config, lakehouse } = ctx;
  const { warehouseBucket, resultsBucket, workgroup } = lakehouse;
  if (!warehouseBucket || !resultsBucket || !workgroup) return;
  const stack = Stack.of(fn);
  const workgroupArn = stack.formatArn({
    service: 'athena',
    resource: 'workgroup',
    resourceName: workgroup.ref,
  });
  allow(fn, QUERY_ATHENA_ACTIONS, [workgroupArn]);
  allow(fn, QUERY_GLUE_ACTIONS, glueArns(fn, config));
  allowWarehouse(fn, warehouseBucket, ['s3:GetObject']);
  // Athena writes and reads query results with the caller's credentials.
  allow(fn, ['s3:GetBucketLocation', 's3:ListBucket'], [resultsBucket.bucketArn]);
  allowObjects(
    fn,
    ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
    resultsBucket,
    'results/*',
    'Athena names result files per query execution below the workgroup output prefix.',
  );
  allowLakeFormation(fn, ctx, 'reader');
}

function glueArns(scope: lambda.IFunction, config: AppConfig): string[] {
  const stack = Stack.of(scope);
  const glue = (resource: string, resourceName?: string) =>
    stack.formatArn({ service: 'glue', resource, ...(resourceName ? { resourceName } : {}) });
  return [
    glue('catalog'),
    glue('database', config.namespace),
    glue('table', `${config.namespace}/${config.table}`),
  ];
}

/**
 * Staged batches: written by every invocation, listed, read and removed by whichever one
 * commits them, and the commit lease object updated with conditional writes.
 */
function allowStaging(fn: lambda.IFunction, bucket: s3.IBucket): void {
  allowObjects(
    fn,
    ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
    bucket,
    `${STAGING_PREFIX}/*`,
    'Staged batches get generated names below the staging prefix and are removed once committed.',
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${STAGING_PREFIX}/*`] } },
    }),
  );
}

function allowWarehouse(fn: lambda.IFunction, bucket: s3.IBucket, objectActions: string[]): void {
  allowObjects(
    fn,
    objectActions,
    bucket,
    `${WAREHOUSE_PREFIX}/*`,
    'Iceberg data, manifest and metadata files get generated names below the warehouse prefix.',
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${WAREHOUSE_PREFIX}/*`] } },
    }),
  );
}

/**
 * Where Lake Formation governs the catalog, IAM alone does not let a role see the database:
 * each role gets Lake Formation grants on the database and the table, and GetDataAccess.
 */
function allowLakeFormation(
  fn: lambda.IFunction,
  ctx: GrantContext,
  access: LakeFormationAccess,
): void {
  const { config, lakehouse } = ctx;
  if (!config.lakeFormation) return;
  if (lakehouse.database && lakehouse.table) {
    lakeFormationGrants(roleOf(fn), {
      database: lakehouse.database,
      table: lakehouse.table,
      databaseName: config.namespace,
      tableName: config.table,
      access,
    });
  }
  // Lake Formation vends data access per call; the action takes no resource narrower than *.
  allow(fn, ['lakeformation:GetDataAccess'], ['*']);
  acknowledge(
    roleOf(fn),
    'AwsSolutions-IAM5[Resource::*]',
    'lakeformation:GetDataAccess supports no resource-level permissions; Lake Formation grants decide what is vended.',
  );
}

function allowObjects(
  fn: lambda.IFunction,
  actions: string[],
  bucket: s3.IBucket,
  pattern: string,
  reason: string,
): void {
  allow(fn, actions, [bucket.arnForObjects(pattern)]);
  acknowledge(roleOf(fn), bucketObjectsFinding(bucket, pattern), reason);
}

function roleOf(fn: lambda.IFunction): iam.IRole {
  if (!fn.role) throw new Error(`function ${fn.node.path} has no role`);
  return fn.role;
}

function allow(fn: lambda.IFunction, actions: string[], resources: string[]): void {
  fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources }));
}
