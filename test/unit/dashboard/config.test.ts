import { describe, expect, it } from 'vitest';
import { DashboardUsageError, loadDashboardConfig } from '../../../local/dashboard/config';

describe('loadDashboardConfig', () => {
  it('uses the local services when no query engine is configured', () => {
    // Act
    const config = loadDashboardConfig([], {});

    // Assess
    expect(config).toMatchObject({
      port: 8090,
      alertsTopic: 'sensor_alerts',
      readingsTopic: 'sensor_readings',
      groupId: 'sensor-classifier',
      backlog: 500,
      tableRefreshMs: 5_000,
      thresholds: { threshold: 80, high: 85, critical: 90 },
    });
    expect(config.query.engine).toBe('local');
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.iceberg?.catalogUri).toBe('http://127.0.0.1:19120/iceberg');
  });

  it("reads a deployment from the functions' variables, with flags over them", () => {
    // Act
    const config = loadDashboardConfig(['--port', '0', '--table', 'other'], {
      QUERY_ENGINE: 'athena',
      ATHENA_WORKGROUP: 'wg',
      KAFKA_BROKERS: 'b-1.example.com:9098',
      KAFKA_AUTH: 'msk-iam',
      AWS_REGION: 'eu-west-1',
      ICEBERG_CATALOG_URI: 'https://glue.eu-west-1.amazonaws.com/iceberg',
      ICEBERG_CATALOG_AUTH: 'sigv4',
      ALERTS_TOPIC: 'alerts',
      SENSOR_TOPIC: 'readings',
      CONSUMER_GROUP_ID: 'classifier',
      SEVERITY_CRITICAL: '95',
    });

    // Assess
    expect(config).toMatchObject({
      port: 0,
      alertsTopic: 'alerts',
      readingsTopic: 'readings',
      groupId: 'classifier',
      tableRefreshMs: 30_000,
      kafka: { auth: 'msk-iam', tls: true, region: 'eu-west-1' },
      query: { engine: 'athena', table: 'other', athena: { workgroup: 'wg' } },
      thresholds: { critical: 95 },
    });
    expect(config.iceberg?.catalogAuth).toEqual({
      type: 'sigv4',
      service: 'glue',
      region: 'eu-west-1',
    });
  });

  it.each([
    [['--port', '70000'], {}, '--port must be an integer'],
    [['--alerts-topic', 'a b'], {}, '--alerts-topic must be a Kafka topic name'],
    [['--colour'], {}, "Unknown option '--colour'"],
    [[], { QUERY_ENGINE: 'athena', KAFKA_BROKERS: 'b:1' }, 'ATHENA_WORKGROUP'],
  ])('rejects %j %j', (argv, env, message) => {
    expect(() => loadDashboardConfig(argv, env)).toThrow(DashboardUsageError);
    expect(() => loadDashboardConfig(argv, env)).toThrow(message);
  });
});
