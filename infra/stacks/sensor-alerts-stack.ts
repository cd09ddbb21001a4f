import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type { Construct } from 'constructs';
import type { AppConfig } from '../config';
import {
  alarmAction,
  ConsumerLagAlarm,
  GroupCommitAlarms,
  TableMetadataAlarm,
} from '../constructs/alarms';
import { AlertNotifications } from '../constructs/alert-notifications';
import { addClassifierSource } from '../constructs/classifier-source';
import {
  type DeployedValues,
  functionEnv,
  kafkaEnv,
  serviceName,
} from '../constructs/function-env';
import {
  grantClassifier,
  grantCommitter,
  grantGenerator,
  grantMaintenance,
  grantQuery,
} from '../constructs/grants';
import { KafkaTopics, pipelineTopics } from '../constructs/kafka-topics';
import { Lakehouse } from '../constructs/lakehouse';
import { PipelineFunction } from '../constructs/pipeline-function';
import { logGroupsFollow } from '../constructs/removal';
import { Streaming } from '../constructs/streaming';

export interface SensorAlertsStackProps extends StackProps {
  config: AppConfig;
}

/** The whole pipeline on one target: streaming, storage and catalog, topics, the functions. */
export class SensorAlertsStack extends Stack {
  readonly streaming: Streaming;
  readonly lakehouse: Lakehouse;
  readonly topics?: KafkaTopics;
  readonly notifications?: AlertNotifications;
  readonly generator: PipelineFunction;
  readonly classifier: PipelineFunction;
  readonly committer: PipelineFunction;
  readonly query?: PipelineFunction;
  readonly maintenance: PipelineFunction;

  constructor(scope: Construct, id: string, props: SensorAlertsStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy =
      config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const action = alarmAction(this, config.alarms.snsTopicArn);
    logGroupsFollow(this, removalPolicy);

    // Build: streaming and storage first; the functions' environment refers to both.
    this.streaming = new Streaming(this, 'Streaming', {
      config: config.streaming,
      removalPolicy,
      withMapping: config.eventSource.enabled,
      clientServices: config.alerts.topic !== '',
    });
    this.lakehouse = new Lakehouse(this, 'Lakehouse', { config, removalPolicy });
    if (config.alerts.sns.enabled) {
      this.notifications = new AlertNotifications(this, 'AlertNotifications', {
        emails: config.alerts.sns.emails,
      });
    }
    const values: DeployedValues = {
      region: this.region,
      account: this.account,
      urlSuffix: this.urlSuffix,
      deadLetterBucket: this.lakehouse.deadLetterBucket.bucketName,
      warehouseBucket: this.lakehouse.warehouseBucket?.bucketName,
      athenaWorkgroup: this.lakehouse.workgroup?.ref,
      alertsSnsTopicArn: this.notifications?.topic.topicArn,
      kafka: {
        brokers: this.streaming.brokers,
        auth: this.streaming.auth,
        tls: this.streaming.tls,
        saslSecretArn: this.streaming.secret?.secretArn,
      },
    };
    const fnDefaults = {
      logRetentionDays: config.functions.logRetentionDays,
      tracing: config.functions.tracing,
      removalPolicy,
      bundleTarget: config.target,
    };
    if (config.kafkaTopics.create) {
      this.topics = new KafkaTopics(this, 'KafkaTopics', {
        ...fnDefaults,
        topics: pipelineTopics(config),
        streaming: this.streaming,
        kafkaEnvironment: kafkaEnv(values),
        deleteTopics: removalPolicy === RemovalPolicy.DESTROY,
      });
    }
    this.generator = new PipelineFunction(this, 'Generator', {
      ...fnDefaults,
      name: 'generator',
      description: 'Produces simulated sensor readings to Kafka',
      environment: functionEnv('generator', config, values),
      memoryMb: config.functions.generatorMemoryMb,
      timeout: Duration.seconds(config.functions.generatorTimeoutSeconds),
      network: this.streaming.network,
      alarms: { onError: 'its error says how many readings were sent', action },
    });
    this.classifier = new PipelineFunction(this, 'Classifier', {
      ...fnDefaults,
      name: 'classifier',
      description: 'Classifies readings and appends alerts exactly once to Iceberg',
      environment: functionEnv('classifier', config, values),
      memoryMb: config.functions.classifierMemoryMb,
      timeout: Duration.seconds(config.functions.classifierTimeoutSeconds),
      // The alert stream's producer reaches the brokers itself, from where the generator does.
      network: config.alerts.topic ? this.streaming.network : undefined,
      alarms: { onError: 'the batch is retried from Kafka', action },
    });
    // The group commit: each run of the schedule commits every interval for the schedule's
    // period (a minute is the least a schedule can do), so that classifier invocations commit
    // only when those runs stop coming (COMMIT_FALLBACK_AFTER_MS).
    const committerRun = committerRunOf(config);
    this.committer = new PipelineFunction(this, 'Committer', {
      ...fnDefaults,
      name: 'committer',
      description: 'Lands the staged batches of every partition, one commit per interval',
      environment: functionEnv('committer', config, values),
      memoryMb: config.functions.classifierMemoryMb,
      timeout: committerRun.timeout,
      alarms: { onError: 'staged batches wait for the next round; its log says why', action },
    });
    // Athena on AWS; on LocalStack (no Athena) the local engine, DuckDB shipped with the bundle.
    if (this.lakehouse.workgroup || config.target === 'localstack') {
      this.query = new PipelineFunction(this, 'Query', {
        ...fnDefaults,
        name: 'query',
        description: this.lakehouse.workgroup
          ? 'Alert analytics over the Iceberg table with Athena'
          : 'Alert analytics over the Iceberg table with the local engine (DuckDB)',
        environment: functionEnv('query', config, values),
        memoryMb: config.functions.queryMemoryMb,
        timeout: Duration.minutes(2),
        alarms: { onError: 'the query failed', action },
      });
    }

    // Compaction, manifest rewrite, snapshot expiry and orphan cleanup, on a schedule.
    this.maintenance = new PipelineFunction(this, 'Maintenance', {
      ...fnDefaults,
      name: 'maintenance',
      description: 'Compacts small files, rewrites manifests, expires snapshots, removes orphans',
      environment: functionEnv('maintenance', config, values),
      memoryMb: config.maintenance.memoryMb,
      timeout: Duration.minutes(config.maintenance.timeoutMinutes),
      alarms: { onError: 'the table was not maintained this time; its log says why', action },
    });

    // Grant: each function gets only what its own calls need.
    const grantContext = { config, streaming: this.streaming, lakehouse: this.lakehouse };
    grantGenerator(this.generator.fn, grantContext);
    grantClassifier(this.classifier.fn, grantContext);
    this.notifications?.grantPublish(this.classifier.fn);
    grantCommitter(this.committer.fn, grantContext);
    if (this.query) grantQuery(this.query.fn, grantContext);
    grantMaintenance(this.maintenance.fn, grantContext);

    // Wire: the topic drives the classifier once it exists; alarms watch lag and the table.
    if (config.eventSource.enabled) {
      const mapping = addClassifierSource({
        config,
        streaming: this.streaming,
        classifier: this.classifier.fn,
        onFailureBucket: this.lakehouse.deadLetterBucket,
      });
      this.topics?.requireTopic(mapping, config.topic);
      new ConsumerLagAlarm(this, 'ClassifierLag', {
        fn: this.classifier.fn,
        threshold: config.alarms.offsetLagThreshold,
        provisioned: config.eventSource.provisioned,
        action,
      });
    }
    new events.Rule(this, 'CommitterSchedule', {
      description: 'Runs the group commit for the next period',
      schedule: events.Schedule.rate(Duration.minutes(config.groupCommit.sweepMinutes)),
      targets: [
        new targets.LambdaFunction(this.committer.fn, {
          retryAttempts: 0,
          event: events.RuleTargetInput.fromObject(committerRun.event),
        }),
      ],
    });
    new events.Rule(this, 'MaintenanceSchedule', {
      description: 'Runs table maintenance',
      schedule: events.Schedule.rate(Duration.minutes(config.maintenance.rateMinutes)),
      targets: [new targets.LambdaFunction(this.maintenance.fn, { retryAttempts: 0 })],
    });
    new GroupCommitAlarms(this, 'GroupCommit', {
      serviceNames: [serviceName('classifier'), serviceName('committer')],
      stagedMinutes: config.groupCommit.stagedAlarmMinutes,
      action,
    });
    if (this.lakehouse.table) {
      new TableMetadataAlarm(this, 'TableMetadata', {
        serviceName: serviceName('committer'),
        thresholdMb: config.alarms.tableMetadataMb,
        action,
      });
    }

    this.addOutputs(config);
  }

  private addOutputs(config: AppConfig): void {
    const out = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    const endpoint =
      config.target === 'localstack' ? ` --endpoint-url ${config.localstack.endpoint}` : '';
    const invoke = (fn: PipelineFunction, payload: string) =>
      `aws lambda invoke${endpoint} --function-name ${fn.fn.functionName} --cli-binary-format raw-in-base64-out --payload '${payload}' /dev/stdout`;
    out('GeneratorFunctionName', this.generator.fn.functionName, 'Generator function');
    out('ClassifierFunctionName', this.classifier.fn.functionName, 'Classifier function');
    out('CommitterFunctionName', this.committer.fn.functionName, 'Group commit sweep');
    out('MaintenanceFunctionName', this.maintenance.fn.functionName, 'Table maintenance');
    if (config.alerts.topic)
      out('AlertTopic', config.alerts.topic, 'Kafka topic of the alert stream');
    if (this.notifications) {
      out(
        'AlertNotificationTopicArn',
        this.notifications.topic.topicArn,
        'SNS topic of severe alerts',
      );
    }
    out('DeadLetterBucketName', this.lakehouse.deadLetterBucket.bucketName, 'Rejected records');
    out('KafkaBootstrapBrokers', this.streaming.brokers, 'Bootstrap servers the generator uses');
    out('InvokeGenerator', invoke(this.generator, '{"numReadings":200}'), 'Produce readings');
    out(
      'OnDestroy',
      config.removalPolicy === 'destroy'
        ? 'cdk destroy deletes everything, data included (removalPolicy=destroy)'
        : 'cdk destroy keeps the data: buckets, Glue database and table, log groups, topics, and an MSK Serverless cluster with its VPC, subnets and security group (removalPolicy=retain; see docs/deploy.md for what they cost)',
      'What cdk destroy keeps',
    );
    if (this.lakehouse.warehouseBucket) {
      out('WarehouseBucketName', this.lakehouse.warehouseBucket.bucketName, 'Iceberg warehouse');
    }
    if (this.query) {
      out('QueryFunctionName', this.query.fn.functionName, 'Query function');
      if (this.lakehouse.workgroup) {
        out('AthenaWorkgroup', this.lakehouse.workgroup.ref, 'Athena workgroup');
      }
      out(
        'InvokeQuery',
        invoke(this.query, '{"query":"alert-summary"}'),
        'Alert summary (also latest-critical, validations)',
      );
    }
  }
}

/**
 * How long each scheduled committer run commits: the schedule's period, so runs follow each
 * other (two that overlap take turns through the lease), at most 14 minutes of Lambda's 15. It
 * returns early after two rounds found nothing staged: an idle topic costs a short invocation a
 * period, and classifier invocations commit a burst's first batches until the next run starts.
 */
export function committerRunOf(config: AppConfig) {
  const runForMs = Math.min(config.groupCommit.sweepMinutes * 60_000, 14 * 60_000);
  return {
    event: { runForMs, idleRounds: 2 },
    // The last round may start just before the end of the run; a minute finishes it.
    timeout: Duration.millis(Math.min(runForMs + 60_000, 15 * 60_000)),
  };
}
