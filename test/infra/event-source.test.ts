import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../infra/config';
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
    ['aws-msk-serverless', 1],
    ['aws-self-managed-sasl', 1],
    ['localstack', 0],
  ] as const)('alarms on consumer lag only with a mapping (%s: %i)', (variant, count) => {
    // Prepare
    const { template } = synth(variant);

    // Act
    const lagAlarms = template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { MetricName: 'OffsetLag' },
    });

    // Assess
    expect(Object.keys(lagAlarms)).toHaveLength(count);
  });

  it.each([
    [
      'aws-msk-serverless',
      /on-demand mode: a batch that keeps failing is retried until it succeeds or its records expire from the topic/,
    ],
    [
      'aws-self-managed-sasl',
      /provisioned mode: a failing batch is retried 2 times, then sent to the on-failure S3 destination/,
    ],
  ] as const)('says next to the lag alarm how the %s mapping retries', (variant, retries) => {
    // Prepare
    const { template } = synth(variant);

    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'OffsetLag',
      AlarmDescription: Match.stringLikeRegexp(retries.source),
    });
  });

  it('passes every configured security group and subnet of self-managed brokers to the mapping', () => {
    // Prepare
    const { template } = synth('aws-self-managed-vpc');

    // Assess
    template.hasResourceProperties(ESM, {
      SourceAccessConfigurations: Match.arrayEquals([
        { Type: 'SASL_SCRAM_512_AUTH', URI: SECRET_ARN },
        { Type: 'VPC_SECURITY_GROUP', URI: 'security_group:sg-0123456789abcdef0' },
        { Type: 'VPC_SECURITY_GROUP', URI: 'security_group:sg-0fedcba9876543210' },
        { Type: 'VPC_SUBNET', URI: 'subnet:subnet-0123456789abcdef0' },
        { Type: 'VPC_SUBNET', URI: 'subnet:subnet-0fedcba9876543210' },
      ]),
    });
  });

  it('refuses more security groups than a mapping takes, naming the limit', () => {
    // Prepare
    const groups = Array.from({ length: 6 }, (_, i) => `sg-0123456789abcdef${i}`).join(',');

    // Act
    const act = () =>
      parseConfig({
        streaming: {
          mode: 'self-managed',
          bootstrapServers: '10.0.1.10:9096',
          saslSecretArn: SECRET_ARN,
          network: {
            vpcId: 'vpc-0123456789abcdef0',
            subnetIds: 'subnet-0123456789abcdef0',
            securityGroupIds: groups,
          },
        },
      });

    // Assess
    expect(act).toThrow(
      /streaming\.network\.securityGroupIds: expected at most 5 security group ids/,
    );
  });

  it('adds an S3 gateway endpoint to the configured route tables for failed batches (msk)', () => {
    // Prepare
    const { template } = synth('aws-msk-existing');

    // Assess
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcId: 'vpc-0123456789abcdef0',
      VpcEndpointType: 'Gateway',
      RouteTableIds: ['rtb-0123456789abcdef0', 'rtb-0fedcba9876543210'],
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
    });
  });

  it('warns at synthesis when a VPC mapping has no S3 endpoint configured for failed batches', () => {
    // Prepare
    const { stack } = synth('aws-self-managed-vpc');

    // Act
    const warnings = Annotations.fromStack(stack).findWarning(
      '*',
      Match.stringLikeRegexp('writes failed batches to S3'),
    );

    // Assess
    expect(warnings).toHaveLength(1);
    expect(
      Annotations.fromStack(synth('aws-msk-existing').stack).findWarning(
        '*',
        Match.stringLikeRegexp('writes failed batches to S3'),
      ),
    ).toHaveLength(0);
  });

  it.each(['aws-msk-serverless', 'aws-msk-existing', 'aws-self-managed-sasl'] as const)(
    'starts the %s mapping only once the topic exists',
    (variant) => {
      // Prepare
      const { template } = synth(variant);

      // Act
      const [mapping] = Object.values(template.findResources(ESM)) as { DependsOn?: string[] }[];

      // Assess
      expect(mapping?.DependsOn).toEqual(
        expect.arrayContaining([expect.stringMatching(/^KafkaTopicsTopicsensorreadings/)]),
      );
    },
  );

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
