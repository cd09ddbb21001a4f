import { join } from 'node:path';
import { CustomResource, Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, type IConstruct } from 'constructs';
import type { AppConfig } from '../config';
import type { Env } from './function-env';
import { kafkaTopicArn } from './kafka-arns';
import { acknowledge } from './nag';
import { PipelineFunction, PROJECT_ROOT } from './pipeline-function';
import type { Streaming } from './streaming';

/** A topic the pipeline uses, created by the stack with this many partitions. */
export interface TopicSpec {
  name: string;
  partitions: number;
}

/** Every topic the pipeline uses: one line per topic, each becomes a custom resource. */
export function pipelineTopics(config: AppConfig): TopicSpec[] {
  return [
    { name: config.topic, partitions: config.kafkaTopics.partitions },
    ...(config.alerts.topic
      ? [{ name: config.alerts.topic, partitions: config.alerts.partitions }]
      : []),
  ];
}

// The topic provisioner's MSK IAM data-plane actions on its topics.
export const TOPIC_PROVISIONER_KAFKA_ACTIONS = {
  cluster: ['kafka-cluster:Connect'],
  topic: ['kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic', 'kafka-cluster:AlterTopic'],
  /** Only with removal policy destroy, when deleting the resource deletes the topic. */
  delete: ['kafka-cluster:DeleteTopic'],
};

export interface KafkaTopicsProps {
  topics: readonly TopicSpec[];
  streaming: Streaming;
  /** The Kafka client environment the generator gets (brokers, auth, TLS, secret). */
  kafkaEnvironment: Env;
  logRetentionDays: number;
  tracing?: boolean;
  removalPolicy: RemovalPolicy;
  /** Whether deleting a topic resource deletes the topic it created. */
  deleteTopics: boolean;
}

/**
 * Creates the pipeline's Kafka topics at deploy time: a function that runs where the generator
 * runs (same network and authentication) handles one custom resource per topic through the CDK
 * provider framework. A topic that already exists is adopted (its partitions raised to the
 * configured count, never lowered) and never deleted by the stack.
 */
export class KafkaTopics extends Construct {
  readonly provisioner: PipelineFunction;
  readonly resources: ReadonlyMap<string, CustomResource>;

  constructor(scope: Construct, id: string, props: KafkaTopicsProps) {
    super(scope, id);
    const { streaming } = props;

    // Build: the provisioner function and the provider framework in front of it.
    this.provisioner = new PipelineFunction(this, 'Provisioner', {
      name: 'topics',
      description: 'Creates the pipeline Kafka topics at deploy time',
      bundle: {
        like: 'generator',
        entry: join(PROJECT_ROOT, 'functions/generator/topics-handler.ts'),
      },
      environment: {
        POWERTOOLS_SERVICE_NAME: 'sensor-alerts-topics',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.kafkaEnvironment,
      },
      memoryMb: 256,
      timeout: Duration.minutes(2),
      logRetentionDays: props.logRetentionDays,
      tracing: props.tracing,
      removalPolicy: props.removalPolicy,
      network: streaming.network,
      // A failure fails the deployment itself, loudly; no alarm needed.
      alarms: false,
    });
    const frameworkLogs = new logs.LogGroup(this, 'ProviderLogs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: props.removalPolicy,
    });
    const frameworkRole = new iam.Role(this, 'ProviderRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Provider framework of the Kafka topic custom resources',
    });
    frameworkLogs.grantWrite(frameworkRole);
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.provisioner.fn,
      logGroup: frameworkLogs,
      frameworkOnEventRole: frameworkRole,
    });

    // Grant: the provisioner may manage exactly these topics.
    this.grant(props);
    acknowledgeProvider(provider, frameworkRole, this.provisioner);

    // Wire: one resource per topic.
    const resources = new Map<string, CustomResource>();
    for (const topic of props.topics) {
      const resource = new CustomResource(this, `Topic-${topic.name}`, {
        serviceToken: provider.serviceToken,
        resourceType: 'Custom::KafkaTopic',
        properties: { Topic: topic.name, Partitions: topic.partitions },
        removalPolicy: props.removalPolicy,
      });
      resources.set(topic.name, resource);
    }
    this.resources = resources;
  }

  /** Makes `dependent` wait until the topic exists (the event source mapping, for one). */
  requireTopic(dependent: IConstruct, topic: string): void {
    const resource = this.resources.get(topic);
    if (!resource) throw new Error(`no Kafka topic resource for ${topic}`);
    dependent.node.addDependency(resource);
  }

  private grant(props: KafkaTopicsProps): void {
    const { streaming } = props;
    const role = this.provisioner.role;
    streaming.secret?.grantRead(role);
    const clusterArn = streaming.clusterArn;
    if (!clusterArn) return;
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: TOPIC_PROVISIONER_KAFKA_ACTIONS.cluster,
        resources: [clusterArn],
      }),
    );
    const actions = [
      ...TOPIC_PROVISIONER_KAFKA_ACTIONS.topic,
      ...(props.deleteTopics ? TOPIC_PROVISIONER_KAFKA_ACTIONS.delete : []),
    ];
    role.addToPolicy(
      new iam.PolicyStatement({
        actions,
        resources: props.topics.map((t) => kafkaTopicArn(clusterArn, t.name)),
      }),
    );
  }
}

function acknowledgeProvider(
  provider: cr.Provider,
  frameworkRole: iam.IRole,
  provisioner: PipelineFunction,
): void {
  const fnLogicalId = Stack.of(provisioner).getLogicalId(
    provisioner.fn.node.defaultChild as iam.CfnRole,
  );
  acknowledge(
    frameworkRole,
    `AwsSolutions-IAM5[Resource::<${fnLogicalId}.Arn>:*]`,
    'The CDK provider framework invokes the topic provisioner, any version of it.',
  );
  acknowledge(
    provider,
    'AwsSolutions-L1',
    'The CDK provider framework function: its runtime is chosen by aws-cdk-lib.',
  );
}
