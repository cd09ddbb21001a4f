/**
 * Alert stream latency on the local services: readings produced at steady rates (default 2,000/s
 * and 10,000/s for 30 s) through the event source mapping runner (batching window 0 s by
 * default, one classifier environment per partition) into the classifier, which publishes each
 * alert to the alert topic before staging it for the group commit. For each alert it measures
 *
 *   produce -> on the alert topic   (a consumer of the alert topic receives it),
 *   produce -> visible in the table (a reader polling the catalog every 100 ms sees its offset),
 *
 * and, as the physical reference in the same run, produce -> consume of the same readings by a
 * plain kafkajs consumer of the readings topic on this broker. Before the pipeline starts, the
 * same raw produce -> consume is measured at the same rate on a topic of its own with nothing else
 * running (`--baseline` seconds): what this machine's Kafka round trip is without the pipeline's
 * load. Prints p50/p95/p99/max, the ratio of the alert p99 to the raw p99, and the load average
 * before and after each rate.
 *
 *   npm run bench:alerts
 *   npm run bench:alerts -- --rates 2000,10000 --seconds 30 --warmup 5 --partitions 3 --window 0
 *   npm run bench:alerts -- --baseline 0           # no raw run without the pipeline first
 *   npm run bench:alerts -- --processes 1         # one pipeline process for every partition
 *   npm run bench:alerts -- --runner in-process   # the pipeline in this process too
 *
 * By default the pipeline (the runner, the classifier and the committer) runs as `npm run esm`
 * processes of its own, as it runs apart from the producers and consumers of the topics: one per
 * partition, sharing the group's partitions, as Lambda gives each partition an environment of its
 * own; the first also runs the committer.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, Kafka } from 'kafkajs';
import { ALERT_HEADERS } from '../lib/alerts/alert-message';
import { ensureTopic } from '../lib/kafka/topics';
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
import { type Invoker, inProcessInvoker } from '../local/esm/invokers';
import { perPartition } from '../local/esm/per-partition';
import { EventSourceMappingRunner } from '../local/esm/runner';
import { allReady } from '../local/services/manager';
import { Produced, pollTable, produceSteadily } from './support/freshness';
import { intFlag, intListFlag, parseFlags, UsageError } from './support/options';
import { PipelineProcess } from './support/pipeline-process';
import { percentile } from './support/stats';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const THRESHOLDS = { threshold: 80, high: 85, critical: 90 };
const TARGET_P99_MS = 100;
const TARGET_RATIO = 3;

const FLAGS = {
  rates: { type: 'string', default: '2000,10000' },
  seconds: { type: 'string', default: '30' },
  /** Seconds at the measured rate before measuring, so that a cold pipeline is not measured. */
  warmup: { type: 'string', default: '5' },
  /** Seconds of raw produce -> consume at the rate before the pipeline starts (0: none). */
  baseline: { type: 'string', default: '10' },
  partitions: { type: 'string', default: '3' },
  window: { type: 'string', default: '0' },
  'batch-size': { type: 'string', default: '10000' },
  /**
   * How long after the committer's last round a classifier invocation commits itself
   * (COMMIT_FALLBACK_AFTER_MS); the committer commits every second either way.
   */
  'classifier-commit': { type: 'string', default: '3000' },
  /** child: the pipeline runs as `npm run esm` in its own process; in-process: in this one. */
  runner: { type: 'string', default: 'child' },
  /**
   * With the child runner: `npm run esm` processes sharing the partitions (0, the default: one
   * per partition, as Lambda gives each partition an environment of its own).
   */
  processes: { type: 'string', default: '0' },
} as const;

interface Options {
  rates: number[];
  seconds: number;
  warmupSeconds: number;
  baselineSeconds: number;
  partitions: number;
  windowMs: number;
  batchSize: number;
  classifierCommitMs: number;
  runner: 'child' | 'in-process';
  processes: number;
}

function parseOptions(argv: string[]): Options {
  const values = parseFlags(argv, FLAGS);
  const partitions = intFlag(values.partitions, 'partitions', 1, 64);
  return {
    rates: intListFlag(values.rates, 'rates', 1, 1_000_000),
    seconds: intFlag(values.seconds, 'seconds', 1, 3600),
    warmupSeconds: intFlag(values.warmup, 'warmup', 0, 600),
    baselineSeconds: intFlag(values.baseline, 'baseline', 0, 600),
    partitions,
    windowMs: intFlag(values.window, 'window', 0, 300_000),
    batchSize: intFlag(values['batch-size'], 'batch-size', 1, 10_000),
    classifierCommitMs: intFlag(values['classifier-commit'], 'classifier-commit', 0, 900_000),
    runner: runnerFlag(values.runner),
    processes: intFlag(values.processes, 'processes', 0, partitions) || partitions,
  };
}

function runnerFlag(value: string): Options['runner'] {
  if (value === 'child' || value === 'in-process') return value;
  throw new UsageError(`--runner must be child or in-process, got ${value}`);
}

const log = (line: string) => console.log(`bench: ${line}`);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** When each (partition, offset) of a topic's records reached a consumer. */
class Arrivals {
  readonly at = new Map<string, number>();
  private consumer?: Consumer;

  /** `lineage` names the source record a message stands for. */
  async start(
    kafka: Kafka,
    topic: string,
    lineage: (partition: number, offset: string, headers: Record<string, unknown>) => string,
  ): Promise<void> {
    const consumer = kafka.consumer({
      groupId: `bench-arrivals-${randomBytes(4).toString('hex')}`,
      maxWaitTimeInMs: 100,
    });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) =>
      consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
    );
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const now = Date.now();
        for (const m of batch.messages) {
          this.at.set(lineage(batch.partition, m.offset, m.headers ?? {}), now);
        }
      },
    });
    await joined;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

const header = (headers: Record<string, unknown>, name: string) => String(headers[name] ?? '');

/** The key a source record's arrivals and sends are matched by. */
const recordKey = (partition: number | string, offset: bigint | string) => `${partition}:${offset}`;

/** One classifier environment per partition, as Lambda gives each partition its own. */
function perPartitionClassifiers(
  pipeline: LocalPipeline,
  alertsTopic: string,
  fallbackAfterMs: number,
): Invoker {
  return perPartition((p) =>
    inProcessInvoker(
      localClassifier(pipeline, THRESHOLDS, { alertsTopic, fallbackAfterMs }),
      `classifier-${p}`,
    ),
  );
}

interface Figures {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function figures(latencies: number[]): Figures {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

async function waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) return false;
    await sleep(50);
  }
  return true;
}

/** The pipeline under test, started before the readings flow and stopped after. */
interface Pipeline {
  /** Resolves once the warm-up wave went through (its alerts are on the alert topic). */
  warmedUp(warmup: Produced, onTopic: Arrivals): Promise<void>;
  /** Resolves once every reading was processed and what they staged is committed. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

function inProcessPipeline(opts: Options, pipeline: LocalPipeline, alertsTopic: string): Pipeline {
  const esm = new EventSourceMappingRunner({
    kafka: pipeline.kafka,
    topic: pipeline.names.topic,
    groupId: pipeline.names.groupId,
    invoke: perPartitionClassifiers(pipeline, alertsTopic, opts.classifierCommitMs),
    batchSize: opts.batchSize,
    batchWindowMs: opts.windowMs,
    partitionsConcurrently: opts.partitions,
    logger: quietRunnerLogger,
  });
  const sweep = new CommitSweep(localCommitter(pipeline));
  const started = esm.start().then(() => sweep.start());
  return {
    warmedUp: async (warmup) => {
      await started;
      await esm.runUntil((s) => s.records >= warmup.readings, { timeoutMs: 120_000, pollMs: 20 });
    },
    drain: async () => {
      await esm.runUntilIdle({ timeoutMs: 600_000, pollMs: 50 });
      await sweep.stop();
      await sweep.flush();
    },
    stop: async () => {
      await sweep.stop();
      await esm.stop();
    },
  };
}

function childPipeline(opts: Options, pipeline: LocalPipeline, alertsTopic: string): Pipeline {
  // The processes share the group's partitions; the first one also runs the committer.
  const children = Array.from(
    { length: opts.processes },
    (_, i) =>
      new PipelineProcess(pipeline.names, {
        partitions: opts.partitions,
        concurrency: Math.ceil(opts.partitions / opts.processes),
        committer: i === 0,
        index: i,
        batchSize: opts.batchSize,
        windowMs: opts.windowMs,
        env: {
          ALERTS_TOPIC: alertsTopic,
          COMMIT_FALLBACK_AFTER_MS: String(opts.classifierCommitMs),
        },
      }),
  );
  const assertRunning = () => {
    for (const child of children) child.assertRunning();
  };
  return {
    warmedUp: async (warmup, onTopic) => {
      const sent = sentAlerts(warmup);
      const ok = await waitFor(() => {
        assertRunning();
        return sent.every((a) => onTopic.at.has(a.key));
      }, 120_000);
      if (!ok) {
        const logs = children.map((c) => c.logFile).join(', ');
        throw new Error(`the pipeline processes did not start; see ${logs}`);
      }
    },
    // The committer lands what is staged within an interval; the table poll tells when.
    drain: async () => assertRunning(),
    stop: async () => {
      await Promise.all(children.map((c) => c.stop()));
    },
  };
}

type Steady = { rate: number; seconds: number };

async function runRate(opts: Options, rate: number) {
  const id = `alerts_r${rate}_${randomBytes(3).toString('hex')}`;
  const pipeline = await openLocalPipeline(runNames(id), { partitions: opts.partitions });
  const alertsTopic = `sensor_alerts_${id}`;
  const baselineTopic = `sensor_readings_baseline_${id}`;
  await Promise.all([
    ensureTopic(pipeline.kafka, alertsTopic, { partitions: opts.partitions }),
    opts.baselineSeconds > 0
      ? ensureTopic(pipeline.kafka, baselineTopic, { partitions: opts.partitions })
      : undefined,
  ]);
  const produced = new Produced();
  const onTopic = new Arrivals();
  const raw = new Arrivals();
  let stopPolling: (() => Promise<void>) | undefined;
  let under: Pipeline | undefined;
  try {
    return await withProducer(pipeline.kafka, async (producer) => {
      const produce = (topic: string, steady: Steady, into: Produced) =>
        produceSteadily(producer, topic, opts.partitions, steady, into, THRESHOLDS.threshold);
      // The machine's own Kafka round trip at this rate, before anything of the pipeline runs.
      const rawAlone = async (topic: string) => {
        const alone = new Arrivals();
        await alone.start(pipeline.kafka, topic, recordKey);
        try {
          await produce(topic, { rate: 100, seconds: 1 }, new Produced());
          const measured = new Produced();
          await produce(topic, { rate, seconds: opts.baselineSeconds }, measured);
          const keys = sentAlerts(measured);
          await waitFor(() => keys.every((a) => alone.at.has(a.key)), 60_000);
          return { figures: figures(latencies(keys, alone)), sent: keys.length };
        } finally {
          await alone.stop();
        }
      };
      const baseline = opts.baselineSeconds > 0 ? await rawAlone(baselineTopic) : undefined;
      const loadBefore = load();
      stopPolling = pollTable(pipeline, produced);
      await Promise.all([
        onTopic.start(pipeline.kafka, alertsTopic, (_p, _o, h) =>
          recordKey(
            header(h, ALERT_HEADERS.sourcePartition),
            header(h, ALERT_HEADERS.sourceOffset),
          ),
        ),
        raw.start(pipeline.kafka, pipeline.names.topic, recordKey),
      ]);
      under =
        opts.runner === 'child'
          ? childPipeline(opts, pipeline, alertsTopic)
          : inProcessPipeline(opts, pipeline, alertsTopic);
      const running = under;
      // A first wave so that the group joins and first connections are not counted, then a
      // warm-up at the measured rate (compiled code, connection pools, the committer's rounds).
      const warmup = new Produced();
      await produce(pipeline.names.topic, { rate: 100, seconds: 1 }, warmup);
      await running.warmedUp(warmup, onTopic);
      if (opts.warmupSeconds > 0) {
        await produce(pipeline.names.topic, { rate, seconds: opts.warmupSeconds }, warmup);
        await running.warmedUp(warmup, onTopic);
      }
      await produce(pipeline.names.topic, { rate, seconds: opts.seconds }, produced);
      const loadAfter = load();
      const alerts = sentAlerts(produced);
      await waitFor(() => alerts.every((a) => onTopic.at.has(a.key)), 120_000);
      await running.drain();
      await waitFor(() => produced.freshnessMs().length >= alerts.length, 60_000);
      return {
        rate,
        readings: produced.readings,
        alerts: alerts.length,
        topic: figures(latencies(alerts, onTopic)),
        visible: figures(produced.freshnessMs()),
        raw: figures(latencies(alerts, raw)),
        baseline,
        loadBefore,
        loadAfter,
      };
    });
  } finally {
    await stopPolling?.();
    await under?.stop();
    await Promise.all([onTopic.stop(), raw.stop()]);
  }
}

/** Each alert's reading, keyed as the arrivals are, with the time it was sent. */
function sentAlerts(produced: Produced) {
  return [...produced.alerts].flatMap(([p, list]) =>
    list.map((a) => ({ key: recordKey(p, a.offset), sentAt: a.sentAt })),
  );
}

function latencies(sent: { key: string; sentAt: number }[], arrivals: Arrivals): number[] {
  return sent.filter((a) => arrivals.at.has(a.key)).map((a) => arrivals.at.get(a.key)! - a.sentAt);
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  if (!(await allReady())) {
    throw new Error('the local services are not running: start them with `npm run services:up`');
  }
  log(
    `rates ${opts.rates.join(', ')}/s for ${opts.seconds} s after a ${opts.warmupSeconds} s warm-up` +
      `${opts.baselineSeconds > 0 ? ` (raw alone first for ${opts.baselineSeconds} s)` : ''}, ` +
      `${opts.partitions} partitions, ` +
      `batching window ${opts.windowMs / 1000} s, batch size ${opts.batchSize}, classifiers ` +
      `commit ${opts.classifierCommitMs} ms after the committer's last round, pipeline ` +
      `${opts.runner === 'child' ? `in ${opts.processes} process(es) of its own (npm run esm)` : 'in this process'}; load ${load()}`,
  );
  const rows: Record<string, string | number>[] = [];
  const verdicts: string[] = [];
  for (const rate of opts.rates) {
    const r = await runRate(opts, rate);
    log(
      `${rate}/s: ${r.readings} readings, ${r.alerts} alerts; load ${r.loadBefore} before, ${r.loadAfter} at the end of producing`,
    );
    const row = (what: string, f: Figures, of = r.alerts) => ({
      rate: `${rate}/s`,
      latency: what,
      measured: `${f.count}/${of}`,
      'p50 ms': f.p50,
      'p95 ms': f.p95,
      'p99 ms': f.p99,
      'max ms': f.max,
      'p99 / raw p99': Math.round((f.p99 / Math.max(1, r.raw.p99)) * 100) / 100,
    });
    if (r.baseline) {
      rows.push(row('raw, no pipeline running', r.baseline.figures, r.baseline.sent));
    }
    rows.push(row('raw produce -> consume', r.raw));
    rows.push(row('produce -> alert topic', r.topic));
    rows.push(row('produce -> table visible', r.visible));
    const ratio = r.topic.p99 / Math.max(1, r.raw.p99);
    const complete = r.topic.count === r.alerts;
    const ok = complete && r.topic.p99 < TARGET_P99_MS && ratio <= TARGET_RATIO;
    verdicts.push(
      `${ok ? 'PASS' : 'FAIL'}  ${rate}/s: produce -> alert topic p99 ${r.topic.p99} ms ` +
        `(< ${TARGET_P99_MS} ms), ${ratio.toFixed(2)}x raw p99 ${r.raw.p99} ms (<= ${TARGET_RATIO}x), ` +
        `${r.topic.count} of ${r.alerts} alerts seen` +
        (r.baseline
          ? `; raw p99 with no pipeline running ${r.baseline.figures.p99} ms (${opts.baselineSeconds} s)`
          : ''),
    );
  }
  console.log('');
  console.log(textTable(rows, undefined, {}));
  console.log('');
  for (const v of verdicts) console.log(v);
  console.log(`load average now: ${load()}`);
  console.log(
    'measured = alerts with a figure / alerts produced. Produce = just before the send of the ' +
      '100 ms wave holding the reading; raw = a plain kafkajs consumer of the readings topic ' +
      'receives it (no pipeline running: the same, on a topic of its own, before the pipeline ' +
      'starts); alert topic = a consumer of the alert topic receives the alert; table visible ' +
      '= first poll (every 100 ms) of the catalog whose committed offsets cover it. The ' +
      'producer, the consumers and the poller share this process; the runner, the ' +
      `classifiers and the committer run ${opts.runner === 'child' ? `in ${opts.processes} process(es) of their own` : 'in it too'}.`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`bench: ${error.message}`);
      process.exit(2);
    }
    console.error('bench:', error);
    process.exit(1);
  },
);
