import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface ClassifierAlarmsProps {
  classifier: lambda.IFunction;
  offsetLagThreshold: number;
  /** Whether a Kafka mapping exists, which is what emits OffsetLag. */
  withOffsetLag: boolean;
  snsTopicArn?: string;
}

/** Errors, throttles and consumer lag of the classifier, optionally notifying an SNS topic. */
export class ClassifierAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: ClassifierAlarmsProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const { classifier } = props;
    // Any failed or throttled invocation in a period is worth a look.
    const anyIn = (id: string, alarmDescription: string, metric: cloudwatch.IMetric) =>
      new cloudwatch.Alarm(this, id, {
        alarmDescription,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    this.alarms = [
      anyIn(
        'Errors',
        'The classifier function failed (the batch is retried from Kafka)',
        classifier.metricErrors({ period, statistic: 'Sum' }),
      ),
      anyIn(
        'Throttles',
        'The classifier function was throttled',
        classifier.metricThrottles({ period, statistic: 'Sum' }),
      ),
    ];
    if (props.withOffsetLag) {
      // OffsetLag: records on the topic the mapping has not yet handed to the function.
      const lag = new cloudwatch.Metric({
        namespace: 'AWS/Lambda',
        metricName: 'OffsetLag',
        dimensionsMap: { FunctionName: classifier.functionName },
        statistic: 'Maximum',
        period,
      });
      this.alarms.push(
        new cloudwatch.Alarm(this, 'OffsetLag', {
          alarmDescription: 'The classifier is falling behind its Kafka topic',
          metric: lag,
          threshold: props.offsetLagThreshold,
          evaluationPeriods: 3,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    if (props.snsTopicArn) {
      const topic = sns.Topic.fromTopicArn(this, 'Topic', props.snsTopicArn);
      for (const alarm of this.alarms) alarm.addAlarmAction(new actions.SnsAction(topic));
    }
  }
}
