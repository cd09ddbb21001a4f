import { describe, expect, it } from 'vitest';
import { parseThresholds } from '../../functions/shared/config';
import { ConfigError as FunctionConfigError } from '../../functions/shared/errors';
import { LOCALSTACK_DEFAULTS, parseConfig } from '../../infra/config';
import { rawConfigFromContext } from '../../infra/config-source';
import { ConfigError, ConfigFileError } from '../../infra/errors';
import { localEndpoints } from '../../local/endpoints';
import { MSK_ARN, SECRET_ARN } from './synth';

describe('parseConfig', () => {
  it.each([
    ['aws', {}, 'msk-serverless', true, true],
    ['localstack', { target: 'localstack' }, 'self-managed', false, false],
  ])('fills the %s target defaults', (_target, raw, mode, eventSource, athena) => {
    // Act
    const config = parseConfig(raw);

    // Assess
    expect(config.streaming.mode).toBe(mode);
    expect(config.eventSource.enabled).toBe(eventSource);
    expect(config.athena.enabled).toBe(athena);
    expect(config.topic).toBe('sensor_readings');
    expect(config.namespace).toBe('demo');
    expect(config.table).toBe('sensor_alerts');
  });

  it('gives LocalStack functions Lambda-container endpoints for the local services', () => {
    // Act
    const config = parseConfig({ target: 'localstack' });

    // Assess
    expect(config.streaming).toMatchObject({
      mode: 'self-managed',
      bootstrapServers: ['kafka:19092'],
      authentication: 'none',
      tls: false,
    });
    expect(config.localstack).toMatchObject({
      s3Endpoint: 'http://s3:9000',
      catalogUri: 'http://nessie:19120/iceberg',
      warehouse: 'warehouse',
      s3PathStyle: true,
    });
  });

  it('coerces the strings of `-c key=value` context into typed values', () => {
    // Prepare
    const raw = {
      streaming: {
        mode: 'self-managed',
        bootstrapServers: 'a.example.com:9096, b.example.com:9096',
        saslSecretArn: SECRET_ARN,
        tls: 'false',
      },
      eventSource: { batchSize: '250', provisioned: { maximumPollers: '8' } },
      lakeFormation: 'true',
    };

    // Act
    const config = parseConfig(raw);

    // Assess
    expect(config.streaming).toMatchObject({
      bootstrapServers: ['a.example.com:9096', 'b.example.com:9096'],
      tls: false,
    });
    expect(config.eventSource.batchSize).toBe(250);
    expect(config.eventSource.provisioned).toEqual({
      minimumPollers: 1,
      maximumPollers: 8,
      retryAttempts: 3,
      bisectBatchOnError: true,
      reportBatchItemFailures: false,
    });
    expect(config.lakeFormation).toBe(true);
  });

  it('does not carry the default streaming fields into another mode', () => {
    // Act
    const config = parseConfig({ streaming: { mode: 'msk', clusterArn: MSK_ARN } });

    // Assess
    expect(config.streaming).toEqual({ mode: 'msk', clusterArn: MSK_ARN });
  });

  it.each([
    ['an unknown target', { target: 'gcp' }, /target: expected aws or localstack/],
    ['an unknown streaming mode', { streaming: { mode: 'kinesis' } }, /streaming\.mode: expected/],
    [
      'a malformed cluster ARN',
      { streaming: { mode: 'msk', clusterArn: 'arn:aws:s3:::bucket' } },
      /streaming\.clusterArn: expected an MSK cluster ARN/,
    ],
    ['a missing cluster ARN', { streaming: { mode: 'msk' } }, /streaming\.clusterArn: is required/],
    [
      'a broker without a port',
      {
        streaming: { mode: 'self-managed', bootstrapServers: 'broker', saslSecretArn: SECRET_ARN },
      },
      /streaming\.bootstrapServers\.0: expected host:port/,
    ],
    [
      'SCRAM without a secret',
      { streaming: { mode: 'self-managed', bootstrapServers: 'b.example.com:9096' } },
      /streaming\.saslSecretArn: is required when streaming\.authentication is scram-sha-512/,
    ],
    [
      'unauthenticated brokers on AWS outside a VPC',
      {
        streaming: {
          mode: 'self-managed',
          bootstrapServers: 'b.example.com:9092',
          authentication: 'none',
        },
      },
      /streaming\.network: is required on aws/,
    ],
    [
      'MSK on LocalStack',
      { target: 'localstack', streaming: { mode: 'msk-serverless' } },
      /streaming\.mode: the localstack target has no MSK/,
    ],
    [
      'a batch size above the Kafka maximum',
      { eventSource: { batchSize: 20000 } },
      /eventSource\.batchSize: expected at most 10000/,
    ],
    [
      'a batching window above five minutes',
      { eventSource: { maxBatchingWindowSeconds: '301' } },
      /eventSource\.maxBatchingWindowSeconds: expected at most 300/,
    ],
    [
      'more minimum than maximum pollers',
      { eventSource: { provisioned: { minimumPollers: 5, maximumPollers: 2 } } },
      /minimumPollers: expected at most maximumPollers/,
    ],
    ['a non-boolean flag', { lakeFormation: 'yes' }, /lakeFormation: expected true or false/],
    [
      'a log retention CloudWatch refuses',
      { functions: { logRetentionDays: 10 } },
      /logRetentionDays: expected one of 1, 3, 5/,
    ],
    [
      'unordered severity bounds',
      { severityHigh: 95 },
      /expected alertThreshold <= severityHigh <= severityCritical/,
    ],
    ['a misspelled key', { topicName: 'x' }, /Unrecognized key: "topicName"/],
    [
      'an Athena cutoff below the service minimum',
      { athena: { bytesScannedCutoffMb: 1 } },
      /athena\.bytesScannedCutoffMb: expected at least 10/,
    ],
    ['a non-object configuration', 'aws', /configuration: expected an object/],
    [
      'zero topic partitions',
      { kafkaTopics: { partitions: 0 } },
      /kafkaTopics\.partitions: expected at least 1/,
    ],
    [
      'a generator timeout over Lambda maximum',
      { functions: { generatorTimeoutSeconds: 901 } },
      /functions\.generatorTimeoutSeconds: expected at most 900/,
    ],
    [
      'a table metadata alarm at Glue cap',
      { alarms: { tableMetadataMb: 20 } },
      /alarms\.tableMetadataMb: expected at most 19/,
    ],
    [
      'an S3 endpoint for a mapping that does not exist',
      {
        eventSource: { enabled: false },
        streaming: {
          mode: 'msk',
          clusterArn: MSK_ARN,
          network: {
            vpcId: 'vpc-0123456789abcdef0',
            subnetIds: 'subnet-0123456789abcdef0',
            securityGroupIds: 'sg-0123456789abcdef0',
            s3EndpointRouteTableIds: 'rtb-0123456789abcdef0',
          },
        },
      },
      /streaming\.network\.s3EndpointRouteTableIds: only used with an event source mapping/,
    ],
    [
      'a malformed route table id',
      {
        streaming: {
          mode: 'msk',
          clusterArn: MSK_ARN,
          network: {
            vpcId: 'vpc-0123456789abcdef0',
            subnetIds: 'subnet-0123456789abcdef0',
            securityGroupIds: 'sg-0123456789abcdef0',
            s3EndpointRouteTableIds: 'table-1',
          },
        },
      },
      /expected route table ids like rtb-0123abcd/,
    ],
  ])('rejects %s with a clear message', (_case, raw, message) => {
    // Act
    const act = () => parseConfig(raw);

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(message);
  });

  it('lists every bad value at once', () => {
    // Act
    let error: unknown;
    try {
      parseConfig({ target: 'aws', topic: 'bad topic!', eventSource: { batchSize: 0 } });
    } catch (e) {
      error = e;
    }

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'topic: expected a Kafka topic name',
      'eventSource.batchSize: expected at least 1',
    ]);
  });
});

describe('rawConfigFromContext', () => {
  it('layers dotted context keys over the JSON file and ignores CDK flags', () => {
    // Prepare
    const files: Record<string, string> = {
      'deploy.json': JSON.stringify({
        stackName: 'FromFile',
        streaming: { mode: 'msk', clusterArn: MSK_ARN },
        eventSource: { batchSize: 100 },
      }),
    };
    const context = {
      config: 'deploy.json',
      'eventSource.batchSize': '300',
      target: 'aws',
      '@aws-cdk/core:newStyleStackSynthesis': true,
      'aws:cdk:enable-path-metadata': true,
    };

    // Act
    const raw = rawConfigFromContext(context, (path) => files[path] ?? '');

    // Assess
    expect(raw).toEqual({
      stackName: 'FromFile',
      streaming: { mode: 'msk', clusterArn: MSK_ARN },
      eventSource: { batchSize: '300' },
      target: 'aws',
    });
    expect(parseConfig(raw).eventSource.batchSize).toBe(300);
  });

  it.each([
    ['is not JSON', '{ not json'],
    ['is not an object', '[1, 2]'],
  ])('names the configuration file when it %s', (_case, text) => {
    // Act
    const act = () => rawConfigFromContext({ config: 'bad.json' }, () => text);

    // Assess
    expect(act).toThrow(ConfigFileError);
    expect(act).toThrow(/bad\.json/);
  });
});

describe('one threshold rule for the deployment and the functions', () => {
  it.each([
    [80, 85, 90, true],
    [80, 80, 90, true],
    [80, 90, 90, true],
    [85, 85, 85, true],
    [90, 85, 95, false],
    [80, 95, 90, false],
  ])('threshold %d, high %d, critical %d: accepted = %s by both', (t, h, c, accepted) => {
    // Act
    const deploy = () => parseConfig({ alertThreshold: t, severityHigh: h, severityCritical: c });
    const functions = () =>
      parseThresholds({
        ALERT_THRESHOLD: String(t),
        SEVERITY_HIGH: String(h),
        SEVERITY_CRITICAL: String(c),
      });

    // Assess
    if (accepted) {
      expect(deploy).not.toThrow();
      expect(functions).not.toThrow();
    } else {
      expect(deploy).toThrow(ConfigError);
      expect(functions).toThrow(FunctionConfigError);
    }
  });
});

describe('LOCALSTACK_DEFAULTS', () => {
  it('are the clearly-local values the local services use', () => {
    // Prepare
    const local = localEndpoints({});

    // Assess
    expect(LOCALSTACK_DEFAULTS).toEqual({
      s3Region: local.s3Region,
      s3AccessKeyId: local.s3AccessKeyId,
      s3SecretAccessKey: local.s3SecretAccessKey,
      warehouseBucket: local.warehouseBucket,
      catalogWarehouse: local.catalogWarehouse,
    });
  });
});
