import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../infra/config';
import {
  pipelineTopics,
  TOPIC_PROVISIONER_KAFKA_ACTIONS,
} from '../../infra/constructs/kafka-topics';
import { MSK_ARN, SECRET_ARN, synth } from './synth';
import { actionsOf, roleStatements, type Statement } from './template';

const TOPIC = 'Custom::KafkaTopic';
const EXISTING_TOPIC_ARN =
  'arn:aws:kafka:eu-west-1:123456789012:topic/existing/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-2/sensor_readings';

describe('Kafka topics', () => {
  it.each([
    ['aws-msk-serverless', 3],
    ['aws-msk-serverless-destroy', 6],
    ['aws-msk-existing', 3],
    ['aws-self-managed-sasl', 3],
  ] as const)(
    'creates sensor_readings and sensor_alerts at deploy time in %s with %i partitions',
    (variant, partitions) => {
      // Prepare
      const { template } = synth(variant);

      // Assess
      template.resourceCountIs(TOPIC, 2);
      template.hasResourceProperties(TOPIC, { Topic: 'sensor_alerts', Partitions: 3 });
      template.hasResourceProperties(TOPIC, {
        Topic: 'sensor_readings',
        Partitions: partitions,
        ServiceToken: {
          'Fn::GetAtt': [Match.stringLikeRegexp('^KafkaTopicsProviderframeworkonEvent'), 'Arn'],
        },
      });
    },
  );

  it('creates no topic on LocalStack, whose Kafka creates topics on first use', () => {
    // Prepare
    const { template } = synth('localstack');

    // Assess
    template.resourceCountIs(TOPIC, 0);
  });

  it('leaves the topics to the user with kafkaTopics.create=false', () => {
    // Prepare
    const { template } = synth('aws-self-managed-vpc');

    // Assess
    template.resourceCountIs(TOPIC, 0);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
  });

  it('lists the pipeline topics generically, one entry per topic', () => {
    // Prepare
    const config = parseConfig({ topic: 'readings', kafkaTopics: { partitions: 12 } });

    // Act
    const topics = pipelineTopics(config);

    // Assess
    expect(topics).toEqual([
      { name: 'readings', partitions: 12 },
      { name: 'sensor_alerts', partitions: 3 },
    ]);
    expect(pipelineTopics(parseConfig({ alerts: { topic: '' } }))).toHaveLength(1);
  });

  it('runs the provisioner where the generator runs, with the same Kafka client settings', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless');
    const fns = template.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('(Kafka topics|Produces)') },
    });

    // Act
    const [provisioner, generator] = ['Kafka topics', 'Produces'].map(
      (d) =>
        Object.values(fns).find((f) => String(f.Properties.Description).includes(d))?.Properties,
    );

    // Assess
    expect(provisioner?.VpcConfig).toEqual(generator?.VpcConfig);
    for (const key of ['KAFKA_BROKERS', 'KAFKA_AUTH', 'KAFKA_TLS']) {
      expect(provisioner?.Environment.Variables[key]).toEqual(
        generator?.Environment.Variables[key],
      );
    }
  });

  it('lets the provisioner create, describe and extend exactly its topics on an existing cluster', () => {
    // Prepare
    const statements = roleStatements(synth('aws-msk-existing').template, 'KafkaTopicsProvisioner');

    // Act
    const onTopic = statements.find((s) => actionsOf(s).includes('kafka-cluster:CreateTopic'));
    const onCluster = statements.find((s) => actionsOf(s).includes('kafka-cluster:Connect'));

    // Assess
    expect(actionsOf(onTopic as Statement).sort()).toEqual(
      [...TOPIC_PROVISIONER_KAFKA_ACTIONS.topic].sort(),
    );
    expect([...((onTopic?.Resource ?? []) as string[])].sort()).toEqual([
      EXISTING_TOPIC_ARN.replace(/sensor_readings$/, 'sensor_alerts'),
      EXISTING_TOPIC_ARN,
    ]);
    expect(onCluster?.Resource).toBe(MSK_ARN);
  });

  it('lets the provisioner delete topics only with removal policy destroy', () => {
    // Prepare
    const retain = roleStatements(synth('aws-msk-serverless').template, 'KafkaTopicsProvisioner');
    const destroy = roleStatements(
      synth('aws-msk-serverless-destroy').template,
      'KafkaTopicsProvisioner',
    );

    // Assess
    expect(retain.flatMap(actionsOf)).not.toContain('kafka-cluster:DeleteTopic');
    expect(destroy.flatMap(actionsOf)).toContain('kafka-cluster:DeleteTopic');
  });

  it('lets the provisioner read the SCRAM secret of self-managed brokers', () => {
    // Prepare
    const statements = roleStatements(
      synth('aws-self-managed-sasl').template,
      'KafkaTopicsProvisioner',
    );

    // Assess
    const read = statements.find((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'));
    expect(read?.Resource).toBe(SECRET_ARN);
  });

  it.each([
    ['aws-msk-serverless', 'Retain'],
    ['aws-msk-serverless-destroy', 'Delete'],
  ] as const)('keeps or deletes the topic with the removal policy (%s: %s)', (variant, policy) => {
    // Prepare
    const { template } = synth(variant);

    // Assess
    template.hasResource(TOPIC, { DeletionPolicy: policy, UpdateReplacePolicy: policy });
  });
});
