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

// What the mapping needs in the function's role to poll brokers inside a VPC: it creates its
// network interfaces in the configured subnets with the function's credentials.
export const SELF_MANAGED_VPC_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeVpcs',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
];

/**
 * Wires the classifier to the topic and returns the mapping: ManagedKafkaEventSource for MSK, and
 * for self-managed brokers a mapping built here, since SelfManagedKafkaEventSource takes only one
 * security group and refuses unauthenticated brokers outside a VPC (LocalStack).
 */
export function addClassifierSource(props: ClassifierSourceProps): lambda.EventSourceMapping {
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
    return mappingOf(classifier);
  }
  const { onFailure, topic, consumerGroupId, ...rest } = options;
  const mapping = classifier.addEventSourceMapping('KafkaEventSource', {
    ...rest,
    kafkaBootstrapServers: streaming.brokers.split(','),
    kafkaTopic: topic,
    kafkaConsumerGroupId: consumerGroupId,
    onFailure,
    supportS3OnFailureDestination: true,
    sourceAccessConfigurations: selfManagedAccess(streaming),
  });
  streaming.secret?.grantRead(classifier);
  if (streaming.network) {
    classifier.addToRolePolicy(
      new iam.PolicyStatement({ actions: SELF_MANAGED_VPC_ACTIONS, resources: ['*'] }),
    );
    if (classifier.role) {
      acknowledge(
        classifier.role,
        'AwsSolutions-IAM5[Resource::*]',
        'The mapping manages its network interfaces in the brokers VPC with the function role; the ec2 describe and interface actions accept no resource scoping.',
      );
    }
  }
  return mapping;
}

/**
 * The SCRAM secret, and every configured subnet and security group, in the URI forms Lambda
 * documents for self-managed Kafka (`subnet:<id>`, `security_group:<id>`).
 */
export function selfManagedAccess(
  streaming: Streaming,
): lambda.SourceAccessConfiguration[] | undefined {
  const access: lambda.SourceAccessConfiguration[] = [];
  if (streaming.secret) {
    access.push({
      type: lambda.SourceAccessConfigurationType.SASL_SCRAM_512_AUTH,
      uri: streaming.secret.secretArn,
    });
  }
  const network = streaming.network;
  if (network) {
    for (const group of network.securityGroups) {
      access.push({
        type: lambda.SourceAccessConfigurationType.VPC_SECURITY_GROUP,
        uri: `security_group:${group.securityGroupId}`,
      });
    }
    for (const subnetId of network.vpc.selectSubnets(network.subnets).subnetIds) {
      access.push({
        type: lambda.SourceAccessConfigurationType.VPC_SUBNET,
        uri: `subnet:${subnetId}`,
      });
    }
  }
  return access.length > 0 ? access : undefined;
}

function mappingOf(fn: lambda.IFunction): lambda.EventSourceMapping {
  const found = fn.node.children.filter(
    (c): c is lambda.EventSourceMapping => c instanceof lambda.EventSourceMapping,
  );
  if (found.length !== 1) throw new Error(`expected one event source mapping on ${fn.node.path}`);
  return found[0]!;
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
