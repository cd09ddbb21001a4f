import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { MSK_ARN, SECRET_ARN, synth } from './synth';

const ESM = 'AWS::Lambda::EventSourceMapping';
const onFailureToDeadLetterBucket = {
  OnFailure: {
    Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LakehouseDeadLetterBucket'), 'Arn'] },
  },
};

describe('classifier event source mapping', () => {
  it('reads the new MSK Serverless cluster from the start, in batches, failures to S3', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless');

    // Assess
    template.resourceCountIs(ESM, 1);
    template.hasResourceProperties(ESM, {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StreamingCluster'), 'Arn'] },
      Topics: ['sensor_readings'],
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'sensor-alerts-classifier' },
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 5,
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: onFailureToDeadLetterBucket,
      FunctionName: { Ref: Match.stringLikeRegexp('^ClassifierFunction') },
    });
  });

  it('leaves out the provisioned-only settings in on-demand mode', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless');

    // Assess
    template.hasResourceProperties(ESM, {
      ProvisionedPollerConfig: Match.absent(),
      MaximumRetryAttempts: Match.absent(),
      BisectBatchOnFunctionError: Match.absent(),
      FunctionResponseTypes: Match.absent(),
    });
  });

  it('maps an existing MSK cluster by its ARN', () => {
    // Prepare
    const { template } = synth('aws-msk-existing');

    // Assess
    template.hasResourceProperties(ESM, {
      EventSourceArn: MSK_ARN,
      Topics: ['sensor_readings'],
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: onFailureToDeadLetterBucket,
    });
  });

  it('maps self-managed brokers with the SCRAM secret and provisioned pollers', () => {
    // Prepare
    const { template } = synth('aws-self-managed-sasl');

    // Assess
    template.hasResourceProperties(ESM, {
      SelfManagedEventSource: {
        Endpoints: { KafkaBootstrapServers: ['b-1.example.com:9096', 'b-2.example.com:9096'] },
      },
      SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'sensor-alerts-classifier' },
      SourceAccessConfigurations: [{ Type: 'SASL_SCRAM_512_AUTH', URI: SECRET_ARN }],
      Topics: ['sensor_readings'],
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 5,
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: onFailureToDeadLetterBucket,
      ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 4 },
      MaximumRetryAttempts: 2,
      BisectBatchOnFunctionError: true,
    });
  });

  it('creates no mapping on LocalStack unless configured (Kafka mappings need LocalStack Pro)', () => {
    // Prepare
    const { template } = synth('localstack');

    // Assess
    template.resourceCountIs(ESM, 0);
  });

  it('maps the unauthenticated local brokers on LocalStack when enabled', () => {
    // Prepare
    const { template } = synth('localstack-kafka-mapping');

    // Assess
    template.hasResourceProperties(ESM, {
      SelfManagedEventSource: {
        Endpoints: { KafkaBootstrapServers: ['kafka:19092'] },
      },
      SourceAccessConfigurations: Match.absent(),
      Topics: ['sensor_readings'],
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: onFailureToDeadLetterBucket,
    });
  });

  it.each([
    ['aws-msk-serverless', 3],
    ['localstack', 2],
  ] as const)('alarms on the classifier in %s (%i alarms)', (variant, count) => {
    // Prepare
    const { template } = synth(variant);

    // Assess
    template.resourceCountIs('AWS::CloudWatch::Alarm', count);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Throttles',
      Namespace: 'AWS/Lambda',
    });
    const lagAlarms = template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { MetricName: 'OffsetLag' },
    });
    expect(Object.keys(lagAlarms)).toHaveLength(count - 2);
  });

  it('alarms on consumer lag of the classifier above the configured threshold', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless');

    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'OffsetLag',
      Namespace: 'AWS/Lambda',
      Statistic: 'Maximum',
      Threshold: 1000,
      Dimensions: [
        { Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^ClassifierFunction') } },
      ],
    });
  });
});
