/**
 * Pipeline benchmark on the local services: readings/s through the event source mapping runner
 * and the classifier (classify, stage, group commit, commit Kafka offsets), and produce-to-staged
 * and produce-to-visible latency percentiles, for batching windows of 0 s and 1 s. Baselines in the
 * same run: plain kafkajs consuming the same topic, and the runner with a function that only
 * serializes the event, so figures stay comparable on a noisy machine. The batch size defaults
 * to 10,000, Lambda's maximum for Kafka event sources; kafkajs fetches at most 1 MB per
 * partition, so a delivered batch holds up to about 7,000 readings.
 *
 *   npm run bench:pipeline
 *   npm run bench:pipeline -- --readings 100000 --batch-size 10000 --rate 10000 --windows 0,1000
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { produceReadings } from '../functions/generator/produce';
import type { GeneratedReading } from '../functions/generator/readings';
import { generateReadings } from '../functions/generator/readings';
import { CommitSweep } from '../local/commit-sweep';
import {
  type LocalPipeline,
  localClassifier,
  localCommitter,
  openLocalPipeline,
  quietRunnerLogger,
  runNames,
  withProducer,
} from '../local/demo/local-pipeline';
import { textTable } from '../local/demo/text-table';
import { readTopic } from '../local/demo/topic-reader';
import { type Invoker, inProcessInvoker } from '../local/esm/invokers';
import { EventSourceMappingRunner } from '../local/esm/runner';
import { allReady } from '../local/services/manager';
import { Produced, pollTable, produceSteadily } from './support/freshness';
import { percentile, perSecond } from './support/stats';
import { TimedInvoker } from './support/timed-invoker';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const THRESHOLDS = { threshold: 80, high: 85, critical: 90 };
const TARGET_RATE = 20_000;
const TARGET_P99_MS = 2_000;

interface BenchOptions {
  readings: number;
  batchSize: number;
  partitions: number;
  concurrency: number;
  /** Produce rate during the latency runs, readings/s. */
  rate: number;
  windowsMs: number[];
}

interface ResultRow {
  [column: string]: string | number | null;
  scenario: string;
  window: string;
  records: number;
  invocations: number | null;
  seconds: number;
  'readings/s': number | null;
  'p50 ms': number | null;
  'p95 ms': number | null;
  'p99 ms': number | null;
}

const BENCH_FLAGS = {
  readings: { type: 'string', default: '100000' },
  'batch-size': { type: 'string', default: '10000' },
  partitions: { type: 'string', default: '3' },
  concurrency: { type: 'string', default: '1' },
  rate: { type: 'string', default: '10000' },
  windows: { type: 'string', default: '0,1000' },
} as const;

class BenchUsageError extends Error {}

function parseOptions(argv: string[]): BenchOptions {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof BENCH_FLAGS }>>;
  try {
    parsed = parseArgs({ args: argv, options: BENCH_FLAGS });
  } catch (error) {
    throw new BenchUsageError((error as Error).message);
  }
  const { values } = parsed;
  const int = (text: string, name: string, min: number) => {
    const n = text.trim() === '' ? Number.NaN : Number(text);
    if (!Number.isSafeInteger(n) || n < min) {
      throw new BenchUsageError(`--${name} must be an integer >= ${min}, got "${text}"`);
    }
    return n;
  };
  return {
    readings: int(values.readings, 'readings', 1),
    batchSize: int(values['batch-size'], 'batch-size', 1),
    partitions: int(values.partitions, 'partitions', 1),
    concurrency: int(values.concurrency, 'concurrency', 1),
    rate: int(values.rate, 'rate', 0),
    windowsMs: values.windows.split(',').map((w) => int(w, 'windows', 0)),
  };
}

const runId = (label: string) => `bench_${label}_${randomBytes(3).toString('hex')}`;
const log = (line: string) => console.log(`bench: ${line}`);
const secs = (ms: number) => Math.round(ms / 10) / 100;
const windowLabel = (ms: number) => `${ms / 1000} s`;

function readingsFor(options: BenchOptions): GeneratedReading[] {
  return [
    ...generateReadings({
      numReadings: options.readings,
      numSensors: 100,
      seed: 7,
      startTime: new Date().toISOString(),
    }),
  ];
}

function runner(
  pipeline: LocalPipeline,
  groupId: string,
  invoke: Invoker,
  opts: BenchOptions,
  windowMs: number,
) {
  return new EventSourceMappingRunner({
    kafka: pipeline.kafka,
    topic: pipeline.names.topic,
    groupId,
    invoke,
    batchSize: opts.batchSize,
    batchWindowMs: windowMs,
    partitionsConcurrently: opts.concurrency,
    logger: quietRunnerLogger,
  });
}

/** Everything on the topic first, then the runner drains it: the sustained rate. */
async function throughputRun(
  pipeline: LocalPipeline,
  groupId: string,
  inner: Invoker,
  opts: BenchOptions,
  windowMs: number,
): Promise<TimedInvoker> {
  const timed = new TimedInvoker(inner);
  const esm = runner(pipeline, groupId, timed.invoke, opts, windowMs);
  try {
    await esm.start();
    await esm.runUntilIdle({ timeoutMs: 600_000, pollMs: 50 });
  } finally {
    await esm.stop();
  }
  return timed;
}

/**
 * The runner is already consuming while readings arrive in waves at `rate`; the committer's
 * sweep runs as it would on its schedule, and a reader polls the catalog for what is visible.
 */
async function latencyRun(
  opts: BenchOptions,
  windowMs: number,
  readings: readonly GeneratedReading[],
): Promise<{ timed: TimedInvoker; produceMs: number; visibleMs: number[] }> {
  const pipeline = await openLocalPipeline(runNames(runId(`lat${windowMs}`)), {
    partitions: opts.partitions,
  });
  const timed = new TimedInvoker(
    inProcessInvoker(localClassifier(pipeline, THRESHOLDS), 'sensor-classifier'),
  );
  const esm = runner(pipeline, pipeline.names.groupId, timed.invoke, opts, windowMs);
  const sweep = new CommitSweep(localCommitter(pipeline));
  const produced = new Produced();
  const stopPolling = pollTable(pipeline, produced);
  try {
    await esm.start();
    sweep.start();
    return await withProducer(pipeline.kafka, async (producer) => {
      // One reading first, so that the group join is not counted as latency.
      await produceReadings(producer, readings.slice(0, 1), { topic: pipeline.names.topic });
      await esm.runUntil((s) => s.records >= 1, { timeoutMs: 120_000, pollMs: 20 });
      timed.latenciesMs.length = 0;
      const began = performance.now();
      await produceSteadily(
        producer,
        pipeline.names.topic,
        opts.partitions,
        { rate: opts.rate, seconds: Math.max(1, Math.round(readings.length / opts.rate)) },
        produced,
        THRESHOLDS.threshold,
      );
      const produceMs = performance.now() - began;
      await esm.runUntilIdle({ timeoutMs: 600_000, pollMs: 50 });
      await sweep.stop();
      await sweep.flush();
      await sleep(200);
      return { timed, produceMs, visibleMs: produced.freshnessMs() };
    });
  } finally {
    await stopPolling();
    await sweep.stop();
    await esm.stop();
  }
}

function latencyColumns(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    'p50 ms': percentile(sorted, 50),
    'p95 ms': percentile(sorted, 95),
    'p99 ms': percentile(sorted, 99),
  };
}

const noLatency = { 'p50 ms': null, 'p95 ms': null, 'p99 ms': null };

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  if (!(await allReady())) {
    throw new Error('the local services are not running: start them with `npm run services:up`');
  }
  log(
    `${opts.readings} readings, batch size ${opts.batchSize}, ${opts.partitions} partitions ` +
      `(${opts.concurrency} processed at a time), latency runs produce at ${opts.rate}/s`,
  );
  const readings = readingsFor(opts);
  const rows: ResultRow[] = [];

  for (const windowMs of opts.windowsMs) {
    const window = windowLabel(windowMs);
    const pipeline = await openLocalPipeline(runNames(runId(`tp${windowMs}`)), {
      partitions: opts.partitions,
    });
    const produced = await withProducer(pipeline.kafka, (producer) =>
      produceReadings(producer, readings, { topic: pipeline.names.topic, batchSize: 5000 }),
    );
    log(`window ${window}: produced ${produced.sent} readings at ${produced.readingsPerSecond}/s`);

    const raw = await readTopic(pipeline.kafka, pipeline.names.topic, { collect: false });
    rows.push({
      scenario: 'baseline: kafkajs consume',
      window: '-',
      records: raw.count,
      invocations: null,
      seconds: secs(raw.consumeMs),
      'readings/s': perSecond(raw.count, raw.consumeMs),
      ...noLatency,
    });

    // The baseline function only serializes the event, as the Invoke API would: it shows the
    // runner's own cost and the largest payload against Lambda's 6 MB limit.
    let largestEvent = 0;
    const noop = await throughputRun(
      pipeline,
      `${pipeline.names.groupId}-noop`,
      async (event) => {
        largestEvent = Math.max(largestEvent, Buffer.byteLength(JSON.stringify(event)));
        return null;
      },
      opts,
      windowMs,
    );
    log(
      `window ${window}: largest event ${(largestEvent / 1_000_000).toFixed(2)} MB ` +
        `(Lambda's synchronous payload limit is 6 MB)`,
    );
    rows.push({
      scenario: 'baseline: ESM, serialize only',
      window,
      records: noop.records,
      invocations: noop.invocations,
      seconds: secs(noop.activeMs),
      'readings/s': perSecond(noop.records, noop.activeMs),
      ...noLatency,
    });

    const classify = await throughputRun(
      pipeline,
      pipeline.names.groupId,
      inProcessInvoker(localClassifier(pipeline, THRESHOLDS), 'sensor-classifier'),
      opts,
      windowMs,
    );
    rows.push({
      scenario: 'ESM + classifier, backlog',
      window,
      records: classify.records,
      invocations: classify.invocations,
      seconds: secs(classify.activeMs),
      'readings/s': perSecond(classify.records, classify.activeMs),
      ...noLatency,
    });
    log(`window ${window}: backlog drained at ${perSecond(classify.records, classify.activeMs)}/s`);

    const { timed, produceMs, visibleMs } = await latencyRun(opts, windowMs, readings);
    rows.push({
      scenario: `live @${opts.rate}/s: produce -> staged`,
      window,
      records: timed.records - 1,
      invocations: timed.invocations,
      seconds: secs(produceMs),
      'readings/s': perSecond(timed.latenciesMs.length, produceMs),
      ...latencyColumns(timed.latenciesMs),
    });
    rows.push({
      scenario: `live @${opts.rate}/s: produce -> visible`,
      window,
      records: visibleMs.length,
      invocations: null,
      seconds: secs(produceMs),
      'readings/s': null,
      ...latencyColumns(visibleMs),
    });
    log(`window ${window}: live run done`);
  }

  console.log('');
  console.log(textTable(rows, undefined, {}));
  console.log('');
  const backlog = rows.filter((r) => r.scenario === 'ESM + classifier, backlog');
  const live0 = rows.find((r) => r.scenario.endsWith('produce -> visible') && r.window === '0 s');
  const rateOk = backlog.every((r) => (r['readings/s'] ?? 0) >= TARGET_RATE);
  console.log(
    `${rateOk ? 'PASS' : 'FAIL'}  sustained >= ${TARGET_RATE} readings/s: ` +
      backlog.map((r) => `${r['readings/s']}/s at ${r.window}`).join(', '),
  );
  if (live0) {
    const p99 = live0['p99 ms'] ?? Number.NaN;
    console.log(
      `${p99 < TARGET_P99_MS ? 'PASS' : 'FAIL'}  p99 < ${TARGET_P99_MS} ms at 0 s window: ${p99} ms`,
    );
  }
  console.log(
    'readings/s: backlog rows = records / (first invocation start .. last invocation end); ' +
      'live rows = produce rate achieved; staged = Kafka create time -> end of the invocation ' +
      'that staged the record (durable, not yet in the table); visible = send of an alert -> ' +
      'first poll (every 100 ms) of the catalog whose committed offsets cover it.',
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof BenchUsageError) {
      console.error(`bench: ${error.message}`);
      process.exit(2);
    }
    console.error('bench:', error);
    process.exit(1);
  },
);
