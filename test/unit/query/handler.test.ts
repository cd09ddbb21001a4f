import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { loadQueryConfig } from '../../../functions/query/config';
import { createQueryHandler } from '../../../functions/query/create-handler';
import type { JsonRow, QueryEngine } from '../../../functions/query/engine';
import { QueryConfigError, QueryRequestError } from '../../../functions/query/errors';

class RecordingEngine implements QueryEngine {
  readonly tableRef = '"demo"."sensor_alerts"';
  readonly statements: string[] = [];
  constructor(private readonly rows: JsonRow[]) {}
  async run(sql: string): Promise<JsonRow[]> {
    this.statements.push(sql);
    return this.rows;
  }
}

const thresholds = { alertThreshold: 80, criticalThreshold: 90 };
const context = {} as Context;

describe('query handler', () => {
  it.each([
    ['alert-summary', 'GROUP BY alert_type'],
    ['latest-critical', "WHERE alert_type = 'CRITICAL'"],
  ])('runs %s against the configured table', async (query, fragment) => {
    // Prepare
    const engine = new RecordingEngine([{ alert_type: 'CRITICAL', alert_count: 1 }]);
    const handler = createQueryHandler({ engine: async () => engine, thresholds });

    // Act
    const result = await handler({ query }, context);

    // Assess
    expect(result).toEqual({ query, rows: [{ alert_type: 'CRITICAL', alert_count: 1 }] });
    expect(engine.statements[0]).toContain(fragment);
    expect(engine.statements[0]).toContain('FROM "demo"."sensor_alerts"');
  });

  it('turns the validation counters into named verdicts', async () => {
    // Prepare
    const stats = {
      alert_count: 5,
      not_above_threshold: 0,
      min_temperature: 81,
      critical_not_above: 1,
      min_critical_temperature: 89.5,
      duplicate_lineages: 0,
    };
    const handler = createQueryHandler({
      engine: async () => new RecordingEngine([stats]),
      thresholds,
    });

    // Act
    const result = await handler({ query: 'validations' }, context);

    // Assess
    expect(result.query).toBe('validations');
    expect(result).toMatchObject({ passed: false });
    expect(result.rows.map((r) => r.passed)).toEqual([true, true, false, true]);
  });

  it('creates the engine once for successive invocations', async () => {
    // Prepare
    let created = 0;
    const handler = createQueryHandler({
      engine: async () => {
        created++;
        return new RecordingEngine([]);
      },
      thresholds,
    });

    // Act
    await handler({ query: 'alert-summary' }, context);
    await handler({ query: 'latest-critical' }, context);

    // Assess
    expect(created).toBe(1);
  });

  it.each([
    [
      { query: 'everything' },
      'Unknown query "everything"; known queries: alert-summary, latest-critical, validations',
    ],
    [{}, 'Expected an event like {"query": "alert-summary"}'],
    ['alert-summary', 'Expected an event like'],
  ])('rejects %j with a clear message', async (event, message) => {
    // Prepare
    const handler = createQueryHandler({ engine: async () => new RecordingEngine([]), thresholds });

    // Act
    const failure = handler(event, context);

    // Assess
    await expect(failure).rejects.toThrow(QueryRequestError);
    await expect(failure).rejects.toThrow(message);
  });
});

describe('loadQueryConfig', () => {
  it('reads the Athena settings and thresholds', () => {
    // Act
    const config = loadQueryConfig({
      QUERY_ENGINE: 'athena',
      ATHENA_WORKGROUP: 'alerts',
      ATHENA_DATABASE: 'sensors',
      ALERT_THRESHOLD: '75.5',
    });

    // Assess
    expect(config).toMatchObject({
      engine: 'athena',
      athena: { workgroup: 'alerts', database: 'sensors', catalog: 'AwsDataCatalog' },
      table: 'sensor_alerts',
      thresholds: { alertThreshold: 75.5, criticalThreshold: 90 },
    });
  });

  it('falls back to the default for an empty threshold, as the classifier does', () => {
    // Act
    const config = loadQueryConfig({ ATHENA_WORKGROUP: 'w', ALERT_THRESHOLD: '' });

    // Assess
    expect(config.thresholds).toEqual({ alertThreshold: 80, criticalThreshold: 90 });
  });

  it('reads the catalog settings for the local engine', () => {
    // Act
    const config = loadQueryConfig({
      QUERY_ENGINE: 'local',
      ICEBERG_CATALOG_URI: 'http://127.0.0.1:19120/iceberg',
      ICEBERG_S3_ENDPOINT: 'http://127.0.0.1:9000',
      ICEBERG_S3_PATH_STYLE: 'true',
    });

    // Assess
    expect(config.engine).toBe('local');
    expect(config.iceberg).toMatchObject({
      catalogUri: 'http://127.0.0.1:19120/iceberg',
      s3: { endpoint: 'http://127.0.0.1:9000', forcePathStyle: true },
    });
  });

  it.each([
    [{ QUERY_ENGINE: 'athena' }, 'ATHENA_WORKGROUP'],
    [{ QUERY_ENGINE: 'spark' }, 'QUERY_ENGINE'],
    [{ QUERY_ENGINE: 'local', ALERT_THRESHOLD: 'hot' }, 'ALERT_THRESHOLD'],
    [{ ATHENA_WORKGROUP: 'w', ALERT_THRESHOLD: '95' }, 'threshold <= high <= critical'],
    [{ ATHENA_WORKGROUP: 'w', SEVERITY_CRITICAL: '', SEVERITY_HIGH: 'x' }, 'SEVERITY_HIGH'],
    [{ QUERY_ENGINE: 'local' }, 'ICEBERG_CATALOG_URI'],
  ])('rejects %j naming %s', (env, variable) => {
    // Act / Assess
    expect(() => loadQueryConfig(env)).toThrow(QueryConfigError);
    expect(() => loadQueryConfig(env)).toThrow(variable);
  });
});
