import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateReadings } from '../../functions/generator/readings';
import { LocalQueryEngine } from '../../functions/query/local-engine';
import { allAlertsSql } from '../../functions/query/sql';
import { parseGroupCommitSettings } from '../../functions/shared/config';
import { buildKafkaEvent, type KafkaRecord } from '../../lib/kafka/event';
import { alertKeys, expectedAlerts } from '../../local/demo/checks';
import { type LocalPipeline, openLocalPipeline, runNames } from '../../local/demo/local-pipeline';
import { readTopic } from '../../local/demo/topic-reader';
import { localEndpoints } from '../../local/endpoints';
import type { InvocationOutcome } from '../../local/services/lambda-runtime/emulator';
import {
  localFunctionEnv,
  type StagedFunction,
  startStagedFunction,
} from '../../local/services/lambda-runtime/staged-function';
import {
  ensureLambdaRuntime,
  type LambdaRuntimeTools,
} from '../../local/services/lambda-runtime/toolchain';
import { cacheDir } from '../../local/services/paths';

/**
 * Every bundle as Lambda runs it: built with the stack's bundling options, configured with the
 * environment the stack gives it, started by the AWS Lambda Runtime Interface Emulator and the
 * Node runtime interface client on Node 22, invoked through the Runtime API, against the local
 * services. Each function gets a cold start and warm invocations.
 */
const thresholds = { threshold: 80, high: 85, critical: 90 };
const REQUESTS = [
  { numReadings: 120, numSensors: 6, seed: 4242, startTime: '2026-11-20T08:00:00Z' },
  { numReadings: 80, numSensors: 6, seed: 4343, startTime: '2026-11-21T08:00:00Z' },
];

let tools: LambdaRuntimeTools;
let pipeline: LocalPipeline;
let names: ReturnType<typeof runNames>;
const staged: StagedFunction[] = [];

async function start(
  name: 'generator' | 'classifier' | 'committer' | 'query' | 'maintenance',
): Promise<StagedFunction> {
  const fn = await startStagedFunction(
    name,
    tools,
    localFunctionEnv(name, { ...names, groupId: names.groupId }),
  );
  staged.push(fn);
  return fn;
}

function expectSuccess(outcome: InvocationOutcome): void {
  expect(outcome.error, JSON.stringify(outcome.payload)).toBeUndefined();
}

beforeAll(async () => {
  tools = await ensureLambdaRuntime({
    cache: cacheDir(),
    report: (line) => console.log(`[lambda-runtime] ${line}`),
  });
  names = runNames(`rt_${randomBytes(4).toString('hex')}`);
  pipeline = await openLocalPipeline(names, { partitions: 2 });
});

afterAll(async () => {
  await Promise.all(staged.map((fn) => fn.dispose()));
});

describe('the generator bundle under the Lambda runtime', () => {
  it('produces the requested readings on a cold start and again warm', async () => {
    // Prepare
    const { fn } = await start('generator');

    // Act
    const cold = await fn.invoke({ ...REQUESTS[0], topic: names.topic });
    const warm = await fn.invoke({ ...REQUESTS[1], topic: names.topic });

    // Assess
    expectSuccess(cold);
    expectSuccess(warm);
    expect(cold.initMs).toBeGreaterThan(0);
    expect(warm.initMs).toBeUndefined();
    expect(cold.payload).toMatchObject({ sent: 120 });
    expect(warm.payload).toMatchObject({ sent: 80 });
    const { records } = await readTopic(pipeline.kafka, names.topic);
    expect(records).toHaveLength(200);
  });
});

describe('the classifier bundle under the Lambda runtime', () => {
  let records: KafkaRecord[];

  beforeAll(async () => {
    const read = await readTopic(pipeline.kafka, names.topic);
    records = read.records.map((r) => ({
      topic: names.topic,
      partition: r.partition,
      offset: r.offset,
      timestamp: r.timestamp,
      timestampType: 'CREATE_TIME',
      key: null,
      value: r.value,
      headers: [],
    }));
  });

  it('appends every alert exactly once, cold and warm, and a redelivered batch adds nothing', async () => {
    // Prepare: one event per partition, as the event source mapping delivers them.
    const { fn } = await start('classifier');
    const bootstrapServers = localEndpoints().kafkaBrokers;
    const events = [0, 1].map((partition) =>
      buildKafkaEvent(
        records.filter((r) => r.partition === partition),
        { eventSource: 'SelfManagedKafka', bootstrapServers },
      ),
    );

    // Act: both partitions, then a redelivery of the first once no committer round has come for
    // COMMIT_FALLBACK_AFTER_MS, so that invocation also lands what is still staged.
    const outcomes = [];
    for (const event of events) outcomes.push(await fn.invoke(event));
    const { fallbackAfterMs } = parseGroupCommitSettings(localFunctionEnv('classifier', names));
    await sleep(fallbackAfterMs + 500);
    outcomes.push(await fn.invoke(events[0]));

    // Assess
    for (const outcome of outcomes) expectSuccess(outcome);
    expect(outcomes[0]?.initMs).toBeGreaterThan(0);
    expect(outcomes[1]?.initMs).toBeUndefined();
    const engine = new LocalQueryEngine({
      catalog: pipeline.iceberg.catalog,
      io: pipeline.iceberg.io,
      ident: pipeline.iceberg.table,
    });
    try {
      const rows = await engine.run(allAlertsSql(engine.tableRef));
      const expected = expectedAlerts(
        REQUESTS.flatMap((request) => [...generateReadings(request)]),
        thresholds,
      );
      expect(alertKeys(rows)).toEqual(alertKeys(expected));
      const lineage = rows.map((row) => `${row.source_partition}:${row.source_offset}`);
      expect(new Set(lineage).size).toBe(rows.length);
    } finally {
      await engine.close();
    }
  });

  it('returns a malformed event as a function error named by its error class', async () => {
    // Prepare
    const { fn } = await start('classifier');

    // Act
    const outcome = await fn.invoke({ eventSource: 'SelfManagedKafka', records: 'not records' });

    // Assess
    expect(outcome.error?.errorType).toBe('KafkaEventError');
  });
});

describe('the committer bundle under the Lambda runtime', () => {
  it('runs its sweep cold and warm with nothing left to land', async () => {
    // Prepare
    const { fn } = await start('committer');

    // Act
    const cold = await fn.invoke({ source: 'lambda-runtime-test' });
    const warm = await fn.invoke({ source: 'lambda-runtime-test' });

    // Assess
    expectSuccess(cold);
    expectSuccess(warm);
    expect(cold.initMs).toBeGreaterThan(0);
    expect(warm.payload).toMatchObject({ topics: [{ topic: names.topic }] });
  });

  it('commits every interval for as long as a scheduled run asks, within its deadline', async () => {
    // Prepare
    const { fn } = await start('committer');

    // Act
    const began = Date.now();
    const run = await fn.invoke({ runForMs: 2_500 });
    const tookMs = Date.now() - began;

    // Assess: nothing is staged, so the run goes on for its time and reports no failure.
    expectSuccess(run);
    expect(run.payload).toMatchObject({ topics: [{ topic: names.topic, failures: 0 }] });
    expect(tookMs).toBeGreaterThanOrEqual(2_000);
    expect(tookMs).toBeLessThan(15_000);
  });
});

describe('the query bundle under the Lambda runtime', () => {
  it('answers the alert summary cold, then the latest critical alerts and the validations warm', async () => {
    // Prepare
    const { fn } = await start('query');
    const expected = expectedAlerts(
      REQUESTS.flatMap((request) => [...generateReadings(request)]),
      thresholds,
    );

    // Act
    const summary = await fn.invoke({ query: 'alert-summary' });
    const critical = await fn.invoke({ query: 'latest-critical' });
    const validations = await fn.invoke({ query: 'validations' });

    // Assess
    for (const outcome of [summary, critical, validations]) expectSuccess(outcome);
    expect(summary.initMs).toBeGreaterThan(0);
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

  it('returns an unknown query as a function error named by its error class', async () => {
    // Prepare
    const { fn } = await start('query');

    // Act
    const outcome = await fn.invoke({ query: 'no-such-query' });

    // Assess
    expect(outcome.error?.errorType).toBe('QueryRequestError');
  });
});

describe('the maintenance bundle under the Lambda runtime', () => {
  it('maintains the table cold and warm, rows unchanged, and says why it expires nothing on Nessie', async () => {
    // Prepare
    const { fn } = await start('maintenance');

    // Act
    const cold = await fn.invoke({ source: 'lambda-runtime-test' });
    const warm = await fn.invoke({ source: 'lambda-runtime-test' });

    // Assess
    expectSuccess(cold);
    expectSuccess(warm);
    expect(cold.initMs).toBeGreaterThan(0);
    type Report = {
      before: { records: string };
      after: { records: string; dataFiles: number };
      expiry: { status: string };
      orphans: { status: string };
    };
    const [report] = (cold.payload as { tables: Report[] }).tables;
    expect(Number(report!.before.records)).toBeGreaterThan(0);
    expect(report!.after.records).toBe(report!.before.records);
    expect(report!.expiry.status).toBe('gc-disabled');
    expect(report!.orphans.status).toBe('gc-disabled');
    const [again] = (warm.payload as { tables: Report[] }).tables;
    expect(again!.after.records).toBe(report!.before.records);
  });
});
