import { describe, expect, it } from 'vitest';
import {
  parseClassifierConfig,
  parseCommitterConfig,
  parseDeadLetterTarget,
  parseGeneratorConfig,
} from '../../../functions/shared/config';
import { ConfigError } from '../../../functions/shared/errors';

const base = {
  ICEBERG_CATALOG_URI: 'http://127.0.0.1:19120/iceberg',
  CONSUMER_GROUP_ID: 'classifier',
  DEAD_LETTER_TARGET: 's3://warehouse/dead-letters/',
  STAGING_URI: 's3://warehouse/_staging/',
  KAFKA_BROKERS: '127.0.0.1:9092',
};

describe('parseClassifierConfig', () => {
  it('applies the defaults', () => {
    expect(parseClassifierConfig(base)).toEqual({
      alerts: { topic: 'sensor_alerts' },
      kafka: { brokers: ['127.0.0.1:9092'], auth: 'none', tls: false, region: 'us-east-1' },
      iceberg: {
        catalogUri: 'http://127.0.0.1:19120/iceberg',
        catalogAuth: { type: 'none' },
        s3: { forcePathStyle: false, region: 'us-east-1' },
        namespace: ['demo'],
        tableName: 'sensor_alerts',
      },
      groupCommit: {
        stagingUri: 's3://warehouse/_staging',
        intervalMs: 1000,
        fallbackAfterMs: 3000,
      },
      thresholds: { threshold: 80, high: 85, critical: 90 },
      consumerGroupId: 'classifier',
      deadLetterTarget: { type: 's3', bucket: 'warehouse', prefix: 'dead-letters' },
      maxValueBytes: 65536,
    });
  });

  it('publishes no alerts and needs no brokers with an empty ALERTS_TOPIC', () => {
    const config = parseClassifierConfig({ ...base, KAFKA_BROKERS: undefined, ALERTS_TOPIC: '' });
    expect(config.alerts).toEqual({});
    expect(config.kafka).toBeUndefined();
  });

  it('reads the SNS target and its severity', () => {
    const config = parseClassifierConfig({
      ...base,
      ALERTS_TOPIC: 'alerts.v1',
      ALERTS_SNS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:sensor-alerts-critical',
      ALERTS_SNS_MIN_SEVERITY: 'HIGH',
    });
    expect(config.alerts).toEqual({
      topic: 'alerts.v1',
      sns: {
        topicArn: 'arn:aws:sns:eu-west-1:123456789012:sensor-alerts-critical',
        minSeverity: 'HIGH',
        region: 'eu-west-1',
      },
    });
  });

  it('reads the Kafka settings when dead letters go to a topic', () => {
    const config = parseClassifierConfig({
      ...base,
      DEAD_LETTER_TARGET: 'kafka://sensor_readings_dlq',
      KAFKA_BROKERS: 'a:9092, b:9092',
    });
    expect(config.deadLetterTarget).toEqual({ type: 'kafka', topic: 'sensor_readings_dlq' });
    expect(config.kafka?.brokers).toEqual(['a:9092', 'b:9092']);
  });

  it.each([
    ['a missing catalog URI', { ICEBERG_CATALOG_URI: undefined }, 'ICEBERG_CATALOG_URI'],
    ['a missing group', { CONSUMER_GROUP_ID: undefined }, 'CONSUMER_GROUP_ID'],
    ['a missing dead letter target', { DEAD_LETTER_TARGET: undefined }, 'DEAD_LETTER_TARGET'],
    ['a threshold that is not a number', { ALERT_THRESHOLD: 'hot' }, 'ALERT_THRESHOLD'],
    ['inverted thresholds', { SEVERITY_HIGH: '95' }, 'threshold <= high <= critical'],
    ['bearer auth without a token', { ICEBERG_CATALOG_AUTH: 'bearer' }, 'ICEBERG_CATALOG_TOKEN'],
    ['half a key pair', { ICEBERG_S3_ACCESS_KEY_ID: 'k' }, 'ICEBERG_S3_SECRET_ACCESS_KEY'],
    ['a bad path-style flag', { ICEBERG_S3_PATH_STYLE: 'yes' }, 'ICEBERG_S3_PATH_STYLE'],
    [
      'a Kafka target without brokers',
      { DEAD_LETTER_TARGET: 'kafka://dlq', KAFKA_BROKERS: undefined, ALERTS_TOPIC: '' },
      'KAFKA_BROKERS',
    ],
    ['an alert stream without brokers', { KAFKA_BROKERS: undefined }, 'KAFKA_BROKERS'],
    ['an alert topic that is no topic name', { ALERTS_TOPIC: 'a/b' }, 'ALERTS_TOPIC'],
    ['an SNS target that is no ARN', { ALERTS_SNS_TOPIC_ARN: 'alerts' }, 'SNS topic ARN'],
    ['an unknown SNS severity', { ALERTS_SNS_MIN_SEVERITY: 'LOW' }, 'ALERTS_SNS_MIN_SEVERITY'],
    [
      'a broker without a port',
      { DEAD_LETTER_TARGET: 'kafka://dlq', KAFKA_BROKERS: 'a:9092,b' },
      'KAFKA_BROKERS entries must be host:port, got b',
    ],
    ['a negative value limit', { MAX_VALUE_BYTES: '-5' }, 'MAX_VALUE_BYTES'],
    ['a fractional value limit', { MAX_VALUE_BYTES: '1.5' }, 'MAX_VALUE_BYTES'],
    ['a missing staging area', { STAGING_URI: undefined }, 'STAGING_URI is required'],
    ['a staging area that is not S3', { STAGING_URI: '/tmp/x' }, 'STAGING_URI must be s3://'],
    ['a negative commit interval', { COMMIT_INTERVAL_MS: '-1' }, 'COMMIT_INTERVAL_MS'],
  ])('rejects %s', (_name, change, mention) => {
    const env = { ...base, ...change };
    expect(() => parseClassifierConfig(env)).toThrow(ConfigError);
    expect(() => parseClassifierConfig(env)).toThrow(mention);
  });
});

describe('parseDeadLetterTarget', () => {
  it.each([
    ['kafka://dlq', { type: 'kafka', topic: 'dlq' }],
    ['s3://bucket', { type: 's3', bucket: 'bucket', prefix: '' }],
    ['s3://bucket/a/b/', { type: 's3', bucket: 'bucket', prefix: 'a/b' }],
  ])('%s', (text, expected) => {
    expect(parseDeadLetterTarget(text)).toEqual(expected);
  });

  it.each([['http://x'], ['kafka://'], ['s3://B']])('rejects %s', (text) => {
    expect(() => parseDeadLetterTarget(text)).toThrow(ConfigError);
  });
});

describe('parseGeneratorConfig', () => {
  it.each([
    [{ KAFKA_BROKERS: '127.0.0.1:9092' }, { auth: 'none', tls: false }],
    [
      { KAFKA_BROKERS: 'b:9098', KAFKA_AUTH: 'msk-iam' },
      { auth: 'msk-iam', tls: true },
    ],
    [
      { KAFKA_BROKERS: 'b:9096', KAFKA_AUTH: 'scram-sha-512', KAFKA_SASL_SECRET_ARN: 'arn:x' },
      { auth: 'scram-sha-512', tls: true, saslSecretArn: 'arn:x' },
    ],
  ])('reads %o', (env, expected) => {
    expect(parseGeneratorConfig(env).kafka).toMatchObject(expected);
    expect(parseGeneratorConfig(env).topic).toBe('sensor_readings');
  });

  it('requires SCRAM credentials', () => {
    expect(() =>
      parseGeneratorConfig({ KAFKA_BROKERS: 'b:9096', KAFKA_AUTH: 'scram-sha-512' }),
    ).toThrow('KAFKA_SASL_SECRET_ARN');
  });
});

describe('parseCommitterConfig', () => {
  it('reads the topics and the group commit settings', () => {
    // Act
    const config = parseCommitterConfig({
      ...base,
      SENSOR_TOPIC: 'a, b',
      COMMIT_INTERVAL_MS: '5000',
    });

    // Assess
    expect(config.topics).toEqual(['a', 'b']);
    expect(config.groupCommit).toEqual({
      stagingUri: 's3://warehouse/_staging',
      intervalMs: 5000,
      fallbackAfterMs: 15000,
    });
  });

  it('lets invocations commit no sooner than the interval, and refuses a malformed fallback', () => {
    // Act
    const early = parseCommitterConfig({
      ...base,
      COMMIT_INTERVAL_MS: '5000',
      COMMIT_FALLBACK_AFTER_MS: '1000',
    });
    const set = parseCommitterConfig({ ...base, COMMIT_FALLBACK_AFTER_MS: '60000' });

    // Assess
    expect(early.groupCommit.fallbackAfterMs).toBe(5000);
    expect(set.groupCommit.fallbackAfterMs).toBe(60000);
    expect(() => parseCommitterConfig({ ...base, COMMIT_FALLBACK_AFTER_MS: '-5' })).toThrow(
      'COMMIT_FALLBACK_AFTER_MS',
    );
    expect(() => parseCommitterConfig({ ...base, COMMIT_FALLBACK_AFTER_MS: '7200000' })).toThrow(
      'at most 3600000',
    );
  });

  it('refuses a topic name Kafka would refuse', () => {
    expect(() => parseCommitterConfig({ ...base, SENSOR_TOPIC: 'a b' })).toThrow('SENSOR_TOPIC');
  });
});
