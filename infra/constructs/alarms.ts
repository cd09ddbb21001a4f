import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

const PERIOD = Duration.minutes(5);
const MIB = 1024 * 1024;

/** Namespace of the pipeline's own metrics (POWERTOOLS_METRICS_NAMESPACE of every function). */
export const PIPELINE_METRICS_NAMESPACE = 'SensorAlerts';

/** Where the stack's alarms notify: an SNS topic given by ARN, imported once per stack. */
export function alarmAction(
  scope: Construct,
  topicArn?: string,
): cloudwatch.IAlarmAction | undefined {
  if (!topicArn) return undefined;
  return new actions.SnsAction(sns.Topic.fromTopicArn(scope, 'AlarmTopic', topicArn));
}

/** An alarm on any occurrence in a five-minute period. */
function anyIn(
  scope: Construct,
  id: string,
  alarmDescription: string,
  metric: cloudwatch.IMetric,
): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    alarmDescription,
    metric,
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

export interface FunctionAlarmsProps {
  fn: lambda.IFunction;
  /** Function name as people say it, e.g. "classifier". */
  label: string;
  /** What a failed invocation means for this function (added to the errors alarm). */
  onError: string;
  action?: cloudwatch.IAlarmAction;
}

/** Errors and throttles of one function; every pipeline function gets them. */
export class FunctionAlarms extends Construct {
  readonly errors: cloudwatch.Alarm;
  readonly throttles: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: FunctionAlarmsProps) {
    super(scope, id);
    const { fn, label } = props;
    this.errors = anyIn(
      this,
      'Errors',
      `The ${label} function failed (${props.onError})`,
      fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
    );
    this.throttles = anyIn(
      this,
      'Throttles',
      `The ${label} function was throttled`,
      fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
    );
    if (props.action) {
      for (const alarm of [this.errors, this.throttles]) alarm.addAlarmAction(props.action);
    }
  }
}

export interface ConsumerLagAlarmProps {
  fn: lambda.IFunction;
  threshold: number;
  /** Provisioned mode retries a failing batch a bounded number of times; on-demand does not. */
  provisioned?: { retryAttempts: number };
  action?: cloudwatch.IAlarmAction;
}

/**
 * OffsetLag of the Kafka mapping: records on the topic it has not yet handed to the function.
 * The description says what a stuck partition means in the mapping's mode, since that is the
 * first thing a user reads when it fires.
 */
export class ConsumerLagAlarm extends Construct {
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ConsumerLagAlarmProps) {
    super(scope, id);
    const lag = new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName: 'OffsetLag',
      dimensionsMap: { FunctionName: props.fn.functionName },
      statistic: 'Maximum',
      period: PERIOD,
    });
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmDescription: consumerLagDescription(props.provisioned),
      metric: lag,
      threshold: props.threshold,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.action) this.alarm.addAlarmAction(props.action);
  }
}

export function consumerLagDescription(provisioned?: { retryAttempts: number }): string {
  const base = 'The classifier is falling behind its Kafka topic.';
  if (!provisioned) {
    return (
      `${base} The mapping is in on-demand mode: a batch that keeps failing is retried until it ` +
      'succeeds or its records expire from the topic (the topic retention), so a partition ' +
      'whose batch fails stops there and its lag keeps rising; see the classifier Errors ' +
      'alarm and its logs.'
    );
  }
  const attempts =
    provisioned.retryAttempts === -1
      ? 'until its records expire from the topic'
      : `${provisioned.retryAttempts} times`;
  return (
    `${base} The mapping is in provisioned mode: a failing batch is retried ${attempts}, then ` +
    'sent to the on-failure S3 destination and skipped.'
  );
}

export interface TableMetadataAlarmProps {
  /** POWERTOOLS_SERVICE_NAME of the function that emits TableMetadataBytes. */
  serviceName: string;
  thresholdMb: number;
  action?: cloudwatch.IAlarmAction;
}

/**
 * TableMetadataBytes, the size of the table's current metadata file as the committer reports it
 * after each commit. Glue refuses table metadata over 20 MB, after which every commit fails;
 * snapshot expiry keeps it small.
 */
export class TableMetadataAlarm extends Construct {
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: TableMetadataAlarmProps) {
    super(scope, id);
    const metric = new cloudwatch.Metric({
      namespace: PIPELINE_METRICS_NAMESPACE,
      metricName: 'TableMetadataBytes',
      dimensionsMap: { service: props.serviceName },
      statistic: 'Maximum',
      period: PERIOD,
    });
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmDescription:
        `The Iceberg table metadata is over ${props.thresholdMb} MiB; Glue refuses it over 20 MB and ` +
        'then every commit fails. Expire snapshots (table maintenance) to shrink it.',
      metric,
      threshold: props.thresholdMb * MIB,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // No committer yet, or no commit in the period: nothing to alarm on.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.action) this.alarm.addAlarmAction(props.action);
  }
}

export interface GroupCommitAlarmsProps {
  /** Services whose metrics report commit rounds (the classifier and the committer). */
  serviceNames: string[];
  stagedMinutes: number;
  action?: cloudwatch.IAlarmAction;
}

/**
 * The group commit's own trouble: staged batches waiting longer than they should (the catalog or
 * the object store is failing, or nothing commits), and the two stops that need a person: the
 * committed offsets are gone from a table that holds rows, or the table is gone.
 */
export class GroupCommitAlarms extends Construct {
  readonly stagedTooLong: cloudwatch.Alarm;
  readonly stopped: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: GroupCommitAlarmsProps) {
    super(scope, id);
    const metric = (metricName: string, service: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: PIPELINE_METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service },
        statistic,
        period: PERIOD,
      });
    const oldest = props.serviceNames.map((s) => metric('stagedBatchOldestAge', s, 'Maximum'));
    this.stagedTooLong = new cloudwatch.Alarm(this, 'StagedTooLong', {
      alarmDescription:
        `Staged batches have waited more than ${props.stagedMinutes} minutes for the group ` +
        "commit. They are durable and land once commits succeed again; see the functions' " +
        'groupCommitFailed logs for why commits fail.',
      metric: new cloudwatch.MathExpression({
        expression: `MAX([${oldest.map((_, i) => `m${i}`).join(',')}])`,
        usingMetrics: Object.fromEntries(oldest.map((m, i) => [`m${i}`, m])),
        period: PERIOD,
      }),
      threshold: props.stagedMinutes * 60_000,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const stops = props.serviceNames.flatMap((s) => [
      metric('committedOffsetsMissing', s, 'Sum'),
      metric('tableLost', s, 'Sum'),
    ]);
    this.stopped = new cloudwatch.Alarm(this, 'CommitStopped', {
      alarmDescription:
        'The group commit stopped: the table lost its committed offsets (committedOffsetsMissing) ' +
        'or the table the commits went to is gone (tableLost). Nothing is appended until a person ' +
        'restores them; staged batches wait. The logs name the fix.',
      metric: new cloudwatch.MathExpression({
        expression: stops.map((_, i) => `m${i}`).join('+'),
        usingMetrics: Object.fromEntries(stops.map((m, i) => [`m${i}`, m])),
        period: PERIOD,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.stagedTooLong, this.stopped]) {
      if (props.action) alarm.addAlarmAction(props.action);
    }
  }
}
