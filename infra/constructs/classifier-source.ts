import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { AppConfig } from '../config';
import { acknowledge, bucketObjectsFinding, managedPolicyFinding } from './nag';
import type { Streaming } from './streaming';

export interface ClassifierSourceProps {
  config: AppConfig;
  streaming: Streaming;
  classifier: lambda.IFunction;
  onFailureBucket: s3.IBucket;
}

/** Options every Kafka mapping of the classifier shares. */
export function kafkaSourceOptions(
  config: AppConfig,
  onFailureBucket: s3.IBucket,
): Omit<sources.KafkaEventSourceProps, 'secret'> {
  const { eventSource } = config;
  const provisioned = eventSource.provisioned;
  return {
    topic: config.topic,
    consumerGroupId: config.consumerGroupId,
    batchSize: eventSource.batchSize,
    maxBatchingWindow: Duration.seconds(eventSource.maxBatchingWindowSeconds),
    // The table is exactly-once by committed offsets, so replaying from the start is safe.
    startingPosition: lambda.StartingPosition.TRIM_HORIZON,
    onFailure: new PutOnlyS3OnFailureDestination(onFailureBucket),
    // Retries, bisect and partial batch responses exist for Kafka only in provisioned mode.
    ...(provisioned
      ? {
          provisionedPollerConfig: {
            minimumPollers: provisioned.minimumPollers,
            maximumPollers: provisioned.maximumPollers,
          },
          retryAttempts: provisioned.retryAttempts,
          bisectBatchOnError: provisioned.bisectBatchOnError,
          reportBatchItemFailures: provisioned.reportBatchItemFailures,
        }
      : {}),
  };
}

/**
 * Wires the classifier to the topic: ManagedKafkaEventSource for MSK, SelfManagedKafkaEventSource
 * for brokers with credentials or a VPC, and a plain mapping for unauthenticated brokers the
 * Lambda service reaches directly (LocalStack), which SelfManagedKafkaEventSource refuses.
 */
export function addClassifierSource(props: ClassifierSourceProps): void {
  const { config, streaming, classifier, onFailureBucket } = props;
  const options = kafkaSourceOptions(config, onFailureBucket);
  if (streaming.clusterArn) {
    classifier.addEventSource(
      new sources.ManagedKafkaEventSource({ ...options, clusterArn: streaming.clusterArn }),
    );
    if (classifier.role) {
      acknowledge(
        classifier.role,
        managedPolicyFinding('AWSLambdaMSKExecutionRole'),
        'Attached by ManagedKafkaEventSource: the mapping polls MSK from the cluster VPC (kafka:DescribeClusterV2, ec2 network interfaces, which accept no resource scoping).',
      );
    }
    return;
  }
  const bootstrapServers = streaming.brokers.split(',');
  if (streaming.secret || streaming.network) {
    classifier.addEventSource(
      new sources.SelfManagedKafkaEventSource({
        ...options,
        bootstrapServers,
        secret: streaming.secret,
        authenticationMethod: sources.AuthenticationMethod.SASL_SCRAM_512_AUTH,
        ...(streaming.network
          ? {
              vpc: streaming.network.vpc,
              vpcSubnets: streaming.network.subnets,
              securityGroup: streaming.network.securityGroups[0],
            }
          : {}),
      }),
    );
    return;
  }
  const { onFailure, topic, consumerGroupId, ...rest } = options;
  classifier.addEventSourceMapping('KafkaEventSource', {
    ...rest,
    kafkaBootstrapServers: bootstrapServers,
    kafkaTopic: topic,
    kafkaConsumerGroupId: consumerGroupId,
    onFailure,
    supportS3OnFailureDestination: true,
  });
}

/**
 * An S3 on-failure destination granting what Lambda documents for it, s3:PutObject and
 * s3:ListBucket, instead of the read-write on the whole bucket that S3OnFailureDestination grants.
 * The mapping delivers failed batches with the function's role.
 */
export class PutOnlyS3OnFailureDestination implements lambda.IEventSourceDlq {
  constructor(private readonly bucket: s3.IBucket) {}

  bind(_target: lambda.IEventSourceMapping, fn: lambda.IFunction): lambda.DlqDestinationConfig {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    );
    if (fn.role) {
      acknowledge(
        fn.role,
        bucketObjectsFinding(this.bucket, '*'),
        'The mapping names failed-batch objects itself, anywhere in the dedicated dead-letter bucket.',
      );
    }
    return { destination: this.bucket.bucketArn };
  }
}
