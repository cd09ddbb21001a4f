import { StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { describe, expect, it } from 'vitest';
import { AthenaQueryEngine, convert } from '../../../functions/query/athena-engine';
import { AthenaQueryError } from '../../../functions/query/errors';
import { FakeAthena, resultPage } from './fake-athena';

const columns: [string, string][] = [
  ['alert_type', 'varchar'],
  ['alert_count', 'bigint'],
  ['avg_temperature', 'double'],
  ['reading_timestamp', 'timestamp(6) with time zone'],
];

function engineWith(fake: FakeAthena, timeoutMs = 60_000) {
  const sleeps: number[] = [];
  let clock = 0;
  const engine = new AthenaQueryEngine({
    client: fake,
    workgroup: 'alerts',
    database: 'demo',
    catalog: 'AwsDataCatalog',
    table: 'sensor_alerts',
    pollInitialMs: 100,
    pollMaxMs: 400,
    timeoutMs,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
  });
  return { engine, sleeps };
}

describe('AthenaQueryEngine', () => {
  it('starts the query in the configured workgroup, database and catalog', async () => {
    // Prepare
    const fake = new FakeAthena(
      [{ State: 'SUCCEEDED' }],
      [{ resultSet: resultPage(columns, [], true) }],
    );
    const { engine } = engineWith(fake);

    // Act
    await engine.run('SELECT 1');

    // Assess
    const start = fake.commands[0];
    expect(start).toBeInstanceOf(StartQueryExecutionCommand);
    expect(start?.input).toEqual({
      QueryString: 'SELECT 1',
      WorkGroup: 'alerts',
      QueryExecutionContext: { Database: 'demo', Catalog: 'AwsDataCatalog' },
    });
    expect(engine.tableRef).toBe('"demo"."sensor_alerts"');
  });

  it('polls with capped exponential backoff until the query succeeds', async () => {
    // Prepare
    const running = { State: 'RUNNING' as const };
    const fake = new FakeAthena(
      [{ State: 'QUEUED' }, running, running, running, running, { State: 'SUCCEEDED' }],
      [{ resultSet: resultPage(columns, [], true) }],
    );
    const { engine, sleeps } = engineWith(fake);

    // Act
    await engine.run('SELECT 1');

    // Assess
    expect(sleeps).toEqual([100, 200, 400, 400, 400]);
  });

  it('reads every page, skips the header row once and converts by column type', async () => {
    // Prepare
    const fake = new FakeAthena(
      [{ State: 'SUCCEEDED' }],
      [
        {
          resultSet: resultPage(
            columns,
            [['CRITICAL', '3', '92.5', '2026-11-26 17:41:42.123456 UTC']],
            true,
          ),
          nextToken: 'page-1',
        },
        {
          resultSet: resultPage(columns, [['HIGH', '5', '87.25', undefined]], false),
        },
      ],
    );
    const { engine } = engineWith(fake);

    // Act
    const rows = await engine.run('SELECT ...');

    // Assess
    expect(rows).toEqual([
      {
        alert_type: 'CRITICAL',
        alert_count: 3,
        avg_temperature: 92.5,
        reading_timestamp: '2026-11-26T17:41:42.123456Z',
      },
      { alert_type: 'HIGH', alert_count: 5, avg_temperature: 87.25, reading_timestamp: null },
    ]);
  });

  it.each([
    ['FAILED', 'SYNTAX_ERROR: line 1:8: Column x cannot be resolved'],
    ['CANCELLED', 'Query cancelled by user'],
  ] as const)('reports a %s query with its reason', async (state, reason) => {
    // Prepare
    const fake = new FakeAthena([{ State: state, StateChangeReason: reason }], []);
    const { engine } = engineWith(fake);

    // Act
    const failure = engine.run('SELECT x').catch((error: unknown) => error);

    // Assess
    const error = await failure;
    expect(error).toBeInstanceOf(AthenaQueryError);
    expect((error as AthenaQueryError).message).toBe(`Athena query q-1 ${state}: ${reason}`);
    expect((error as AthenaQueryError).state).toBe(state);
  });

  it('gives up when the query outlives the timeout', async () => {
    // Prepare
    const fake = new FakeAthena([], []);
    const { engine, sleeps } = engineWith(fake, 1_000);

    // Act
    const failure = engine.run('SELECT 1');

    // Assess
    await expect(failure).rejects.toThrow('Athena query q-1 still RUNNING after 1000 ms');
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(1_000);
  });
});

describe('convert', () => {
  it.each([
    ['42', 'integer', 42],
    ['9007199254740991', 'bigint', 9_007_199_254_740_991],
    ['91.37', 'double', 91.37],
    ['12.50', 'decimal(10,2)', 12.5],
    ['true', 'boolean', true],
    ['2026-11-26 17:41:42.100', 'timestamp(3)', '2026-11-26T17:41:42.100000Z'],
    ['zone_3', 'varchar', 'zone_3'],
    [undefined, 'varchar', null],
  ])('reads %s of type %s as %s', (text, type, expected) => {
    // Act
    const value = convert(text, type, 'c');

    // Assess
    expect(value).toEqual(expected);
  });
});
