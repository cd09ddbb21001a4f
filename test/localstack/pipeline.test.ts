import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  GetFunctionCommand,
  InvokeCommand,
  ListFunctionsCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCommitterHandler } from '../../functions/committer/create-handler';
import { generateReadings } from '../../functions/generator/readings';
import { LocalQueryEngine } from '../../functions/query/local-engine';
import { allAlertsSql } from '../../functions/query/sql';
import { parseCommitterConfig } from '../../functions/shared/config';
import { connectIceberg, type IcebergClients } from '../../functions/shared/iceberg';
import { PROJECT_ROOT } from '../../infra/constructs/pipeline-function';
import { createKafka, parseBrokers } from '../../lib/kafka/client';
import { alertKeys, expectedAlerts } from '../../local/demo/checks';
import { localIcebergSettings } from '../../local/demo/local-pipeline';
import { readTopic } from '../../local/demo/topic-reader';
import { localEndpoints } from '../../local/endpoints';
import type { FailedBatchRecord } from '../../local/esm/failure-record';
import { deployedFunctions, lambdaClient, localstackEnv } from './support/deployment';

/**
 * The deployed stack on LocalStack, used as a user would: the generator invoked through the
 * Lambda API, the classifier driven by `npm run esm -- --invoke lambda`, the query function
 * invoked for each analysis, a function error seen as retries and then the on-failure
 * destination, and `cdklocal destroy` leaving nothing behind. What is asserted is what users see:
 * responses, function errors, the failed-batch record and the table's rows.
 */
const deployed = inject('deployed');
const functions = deployedFunctions(deployed.outputs);
const lambda = lambdaClient();
const thresholds = { threshold: 80, high: 85, critical: 90 };
const REQUEST = {
  numReadings: 300,
  numSensors: 10,
  seed: 8080,
  startTime: '2026-11-25T06:00:00Z',
};
const expected = expectedAlerts([...generateReadings(REQUEST)], thresholds);
const kafka = createKafka({
  brokers: parseBrokers(localEndpoints().kafkaBrokers),
  logLevel: 'NOTHING',
});
let iceberg: IcebergClients;
const scratch = mkdtempSync(join(tmpdir(), 'localstack-suite-'));

async function invoke(role: string, event: unknown) {
  const name = functions[role];
  if (!name) throw new Error(`the stack outputs no ${role} function: ${Object.keys(functions)}`);
  const out = await lambda.send(
    new InvokeCommand({
      FunctionName: name,
      Payload: new TextEncoder().encode(JSON.stringify(event)),
    }),
  );
  const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
  return { functionError: out.FunctionError, payload: text ? (JSON.parse(text) as unknown) : null };
}

/** `npm run esm -- --invoke lambda ...` against the deployed classifier, until it is idle. */
function runEsm(extra: string[]): { status: number | null; output: string } {
  const result = spawnSync(
    'npm',
    [
      'run',
      '-s',
      'esm',
      '--',
      '--invoke',
      'lambda',
      '--function-name',
      functions.classifier as string,
      '--endpoint',
      deployed.endpoint,
      '--topic',
      deployed.topic,
      '--group',
      deployed.consumerGroupId,
      '--batch-size',
      '100',
      '--window-ms',
      '200',
      '--until-idle',
      ...extra,
    ],
    { cwd: PROJECT_ROOT, env: localstackEnv(), encoding: 'utf8', timeout: 600_000 },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/**
 * Lands what the classifier staged but did not commit itself (group commit: the tail of a burst
 * waits for the committer's sweep). The stack's committer function when it outputs one; otherwise
 * the committer in process with the deployed classifier's configuration, as `npm run esm` does.
 */
async function sweep(): Promise<void> {
  if (functions.committer) {
    const result = await invoke('committer', { source: 'localstack-suite' });
    if (result.functionError) throw new Error(`committer: ${JSON.stringify(result.payload)}`);
    return;
  }
  const current = await lambda.send(
    new GetFunctionCommand({ FunctionName: functions.classifier as string }),
  );
  const env = { ...current.Configuration?.Environment?.Variables, SENSOR_TOPIC: deployed.topic };
  await createCommitterHandler(parseCommitterConfig(env))({ source: 'localstack-suite' });
}

async function tableRows() {
  const engine = new LocalQueryEngine({
    catalog: iceberg.catalog,
    io: iceberg.io,
    ident: iceberg.table,
  });
  try {
    return await engine.run(allAlertsSql(engine.tableRef));
  } finally {
    await engine.close();
  }
}

beforeAll(async () => {
  console.log(`[localstack] deploy:local took ${(deployed.deployMs / 1000).toFixed(1)}s`);
  iceberg = await connectIceberg(
    localIcebergSettings({
      topic: deployed.topic,
      groupId: deployed.consumerGroupId,
      namespace: deployed.namespace,
      table: deployed.table,
    }),
  );
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('the deployed stack', () => {
  it('runs every function it outputs on Node 22, active', async () => {
    // Prepare
    const names = Object.values(functions);

    // Act
    const configs = await Promise.all(
      names.map((name) => lambda.send(new GetFunctionCommand({ FunctionName: name }))),
    );

    // Assess
    expect(Object.keys(functions)).toEqual(
      expect.arrayContaining(['generator', 'classifier', 'query']),
    );
    for (const config of configs) {
      expect(config.Configuration).toMatchObject({ Runtime: 'nodejs22.x', State: 'Active' });
    }
  });
});

describe('the pipeline through the deployed functions', () => {
  it('produces the readings when the generator is invoked through the Lambda API', async () => {
    // Act
    const result = await invoke('generator', { ...REQUEST, topic: deployed.topic });

    // Assess
    expect(result.functionError).toBeUndefined();
    expect(result.payload).toMatchObject({ sent: REQUEST.numReadings });
    const { records } = await readTopic(kafka, deployed.topic);
    expect(records).toHaveLength(REQUEST.numReadings);
  });

  it('appends exactly the expected alerts when the ESM runner drives the deployed classifier', async () => {
    // Act
    const run = runEsm([]);
    await sweep();

    // Assess
    expect(run.status, run.output).toBe(0);
    const rows = await tableRows();
    expect(alertKeys(rows)).toEqual(alertKeys(expected));
    const { records } = await readTopic(kafka, deployed.topic);
    const produced = new Set(records.map((r) => `${r.partition}:${r.offset}`));
    const lineage = rows.map((row) => `${row.source_partition}:${row.source_offset}`);
    expect(new Set(lineage).size).toBe(rows.length);
    for (const key of lineage) expect(produced.has(key)).toBe(true);
  });

  it('answers the alert summary, the latest critical alerts and the validations', async () => {
    // Act
    const summary = await invoke('query', { query: 'alert-summary' });
    const critical = await invoke('query', { query: 'latest-critical' });
    const validations = await invoke('query', { query: 'validations' });

    // Assess
    for (const result of [summary, critical, validations]) {
      expect(result.functionError, JSON.stringify(result.payload)).toBeUndefined();
    }
    const counts = Object.fromEntries(
      (summary.payload as { rows: { alert_type: string; alert_count: number }[] }).rows.map(
        (row) => [row.alert_type, row.alert_count],
      ),
    );
    for (const severity of ['CRITICAL', 'HIGH', 'MEDIUM']) {
      expect(counts[severity] ?? 0).toBe(expected.filter((a) => a.alert_type === severity).length);
    }
    const latest = expected
      .filter((a) => a.alert_type === 'CRITICAL')
      .map((a) => a.reading_timestamp)
      .sort()
      .reverse()
      .slice(0, 10);
    expect(
      (critical.payload as { rows: { reading_timestamp: string }[] }).rows.map(
        (row) => row.reading_timestamp,
      ),
    ).toEqual(latest);
    expect(validations.payload).toMatchObject({ query: 'validations', passed: true });
  });
});

describe('a function error', () => {
  it('is retried and then sent to the on-failure destination, leaving the table as it was', async () => {
    // Prepare: the classifier pointed at an object store that does not answer (it cannot stage
    // its batch there), and new readings.
    const name = functions.classifier as string;
    const current = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
    const variables = current.Configuration?.Environment?.Variables ?? {};
    const update = (vars: Record<string, string>) =>
      lambda
        .send(
          new UpdateFunctionConfigurationCommand({
            FunctionName: name,
            Environment: { Variables: vars },
          }),
        )
        .then(() =>
          waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 120 }, { FunctionName: name }),
        );
    await update({ ...variables, ICEBERG_S3_ENDPOINT: 'http://127.0.0.1:9' });
    const before = await tableRows();
    const more = await invoke('generator', {
      numReadings: 40,
      numSensors: 4,
      seed: 9090,
      startTime: '2026-11-26T06:00:00Z',
      topic: deployed.topic,
    });
    expect(more.functionError).toBeUndefined();
    const failures = join(scratch, 'failed-batches.jsonl');

    // Act
    const run = runEsm(['--max-retries', '2', '--on-failure', failures]);
    await update(variables);
    await sweep();

    // Assess
    expect(run.status, run.output).toBe(0);
    const lines = readFileSync(failures, 'utf8').trim().split('\n');
    const records = lines.map((line) => JSON.parse(line) as FailedBatchRecord);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
      responseContext: { functionError: 'Unhandled' },
      KafkaBatchInfo: { batchSize: 40 },
    });
    expect(Object.keys(records[0]?.KafkaBatchInfo.recordsInfo ?? {})).toEqual([
      `${deployed.topic}-0`,
    ]);
    // The error class's name survives bundling and comes back through LocalStack.
    expect(records[0]?.errorMessage).toMatch(/[A-Z]\w*Error/);
    expect(alertKeys(await tableRows())).toEqual(alertKeys(before));
  });
});

describe('cdklocal destroy', () => {
  it('removes the stack and its functions', async () => {
    // Act
    const result = spawnSync(
      'bash',
      [join(PROJECT_ROOT, 'localstack/destroy-local.sh'), ...deployed.context],
      {
        cwd: PROJECT_ROOT,
        env: localstackEnv(),
        encoding: 'utf8',
      },
    );

    // Assess
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    const cloudformation = new CloudFormationClient({
      endpoint: deployed.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const stacks = await cloudformation
      .send(new DescribeStacksCommand({ StackName: deployed.stackName }))
      .then(
        (out) => (out.Stacks ?? []).filter((s) => s.StackStatus !== 'DELETE_COMPLETE'),
        (error: Error) => (/does not exist/.test(error.message) ? [] : Promise.reject(error)),
      );
    expect(stacks).toEqual([]);
    const listed = await lambda.send(new ListFunctionsCommand({}));
    const left = (listed.Functions ?? []).map((f) => f.FunctionName);
    for (const name of Object.values(functions)) expect(left).not.toContain(name);
  });
});
