/**
 * Scale benchmark of the group commit on the local services: P partitions consumed at once by
 * the event source mapping runner (one classifier environment per partition, as Lambda runs
 * them), readings produced at a steady rate, for each P and batching window. Per scenario it
 * prints commits/s, 409 conflicts, freshness (produce -> visible to a reader polling the
 * catalog), consumer lag when producing stopped and how long it took to reach 0, failed
 * batches, data files and their mean size, the table metadata size, correctness (rows =
 * readings above the threshold, no lineage twice), and the machine's load average. The
 * baseline row of each P is the same runner with a function that does nothing: the delivery
 * latency every scenario pays before the classifier runs.
 *
 *   npm run bench:scale
 *   npm run bench:scale -- --partitions 1,4,16,32,64 --windows 0,1000 --rate 5000 --seconds 40
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClassifierResult } from '../functions/classifier/create-handler';
import type { CommitterResult } from '../functions/committer/create-handler';
import { SENSOR_ALERTS_SCHEMA } from '../lib/alerts/table';
import { planFiles, readRows } from '../lib/iceberg';
import type { LambdaKafkaEvent } from '../lib/kafka/event';
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
import { percentile } from './support/stats';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const THRESHOLDS = { threshold: 80, high: 85, critical: 90 };

interface Options {
  partitions: number[];
  windowsMs: number[];
  rate: number;
  seconds: number;
  intervalMs: number;
  batchSize: number;
}

const FLAGS = {
  partitions: { type: 'string', default: '1,4,16,32,64' },
  windows: { type: 'string', default: '0,1000' },
  rate: { type: 'string', default: '5000' },
  seconds: { type: 'string', default: '40' },
  interval: { type: 'string', default: '1000' },
  'batch-size': { type: 'string', default: '100' },
} as const;

function parseOptions(argv: string[]): Options {
  const values = parseFlags(argv, FLAGS);
  return {
    partitions: intListFlag(values.partitions, 'partitions', 1, 64),
    windowsMs: intListFlag(values.windows, 'windows', 0, 300_000),
    rate: intFlag(values.rate, 'rate', 1, 1_000_000),
    seconds: intFlag(values.seconds, 'seconds', 1, 3600),
    intervalMs: intFlag(values.interval, 'interval', 0, 900_000),
    batchSize: intFlag(values['batch-size'], 'batch-size', 1, 10_000),
  };
}

const log = (line: string) => console.log(`bench: ${line}`);

interface CommitStats {
  commits: number;
  attempts: number;
  rounds: number;
  failedRounds: number;
}

function countCommits(stats: CommitStats, rounds: { status: string; commitAttempts: number }[]) {
  for (const r of rounds) {
    stats.rounds++;
    stats.attempts += r.commitAttempts;
    if (r.status === 'committed') stats.commits++;
  }
}

/** One classifier environment per partition, as Lambda gives each partition its own. */
function perPartitionClassifiers(pipeline: LocalPipeline, stats: CommitStats): Invoker {
  const invoke = perPartition((p) =>
    inProcessInvoker(localClassifier(pipeline, THRESHOLDS), `classifier-${p}`),
  );
  return async (event: LambdaKafkaEvent) => {
    const result = (await invoke(event)) as ClassifierResult;
    for (const c of result.commits) {
      if ('error' in c) stats.failedRounds++;
      else countCommits(stats, [c]);
    }
    return result;
  };
}

type Row = Record<string, string | number | null>;

async function scenario(opts: Options, partitions: number, windowMs: number): Promise<Row> {
  const id = `scale_p${partitions}_w${windowMs}_${randomBytes(3).toString('hex')}`;
  const pipeline = await openLocalPipeline(runNames(id), { partitions });
  const stats: CommitStats = { commits: 0, attempts: 0, rounds: 0, failedRounds: 0 };
  const produced = new Produced();
  const esm = new EventSourceMappingRunner({
    kafka: pipeline.kafka,
    topic: pipeline.names.topic,
    groupId: pipeline.names.groupId,
    invoke: perPartitionClassifiers(pipeline, stats),
    batchSize: opts.batchSize,
    batchWindowMs: windowMs,
    partitionsConcurrently: partitions,
    logger: quietRunnerLogger,
  });
  const committer = localCommitter(pipeline, opts.intervalMs);
  const sweep = new CommitSweep(
    async (event, context) => {
      const result = (await committer(event, context)) as CommitterResult;
      for (const t of result.topics) countCommits(stats, t.rounds);
      return result;
    },
    Math.max(opts.intervalMs, 250),
  );
  const stopPolling = pollTable(pipeline, produced);
  const load = loadavg()[0]!;
  let lagAtStop = 0n;
  let drainMs = 0;
  let seconds = 0;
  try {
    await esm.start();
    sweep.start();
    const began = performance.now();
    await withProducer(pipeline.kafka, (producer) =>
      produceSteadily(
        producer,
        pipeline.names.topic,
        partitions,
        opts,
        produced,
        THRESHOLDS.threshold,
      ),
    );
    seconds = (performance.now() - began) / 1000;
    const stoppedAt = performance.now();
    lagAtStop = await esm.lag();
    await esm.runUntilIdle({ timeoutMs: 600_000, pollMs: 50 });
    drainMs = performance.now() - stoppedAt;
    await sweep.stop();
    await sweep.flush();
    // The poller sees the last commit within one poll.
    await sleep(200);
  } finally {
    await stopPolling();
    await sweep.stop();
    await esm.stop();
  }

  const table = await pipeline.iceberg.catalog.loadTable(pipeline.iceberg.table);
  const files = await planFiles(pipeline.iceberg.io, table);
  const rows = (
    await Promise.all(files.map((f) => readRows(pipeline.iceberg.io, f, SENSOR_ALERTS_SCHEMA)))
  ).flat();
  const lineage = new Set(rows.map((r) => `${r.source_partition}:${r.source_offset}`));
  const metadataBytes = (await pipeline.iceberg.io.read(table.metadataLocation)).length;
  const fresh = produced.freshnessMs();
  const bytes = files.reduce((sum, f) => sum + Number(f.file.fileSizeInBytes), 0);
  const correct = rows.length === produced.alertCount && lineage.size === rows.length;
  return {
    P: partitions,
    window: `${windowMs / 1000} s`,
    readings: produced.readings,
    'commits/s': round(stats.commits / seconds, 1),
    'conflicts/commit': stats.commits
      ? round((stats.attempts - stats.commits) / stats.commits, 2)
      : 0,
    'fresh p50 s': round(percentile(fresh, 50) / 1000, 2),
    'fresh p95 s': round(percentile(fresh, 95) / 1000, 2),
    'fresh p99 s': round(percentile(fresh, 99) / 1000, 2),
    'lag at stop': Number(lagAtStop),
    'to 0 lag s': round(drainMs / 1000, 2),
    'failed batches': esm.stats.divertedBatches,
    retries: esm.stats.retries,
    'data files': files.length,
    'mean file KB': files.length ? round(bytes / files.length / 1024, 1) : 0,
    'metadata KB': round(metadataBytes / 1024, 1),
    correct: correct
      ? `yes (${rows.length})`
      : `NO: ${rows.length} rows, ${lineage.size} lineages, ${produced.alertCount} expected`,
    load: round(load, 2),
  };
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The runner delivering to a function that does nothing: delivery latency alone. */
async function baseline(opts: Options, partitions: number): Promise<Row> {
  const id = `scale_base_p${partitions}_${randomBytes(3).toString('hex')}`;
  const pipeline = await openLocalPipeline(runNames(id), { partitions });
  const latencies: number[] = [];
  const esm = new EventSourceMappingRunner({
    kafka: pipeline.kafka,
    topic: pipeline.names.topic,
    groupId: pipeline.names.groupId,
    invoke: async (event) => {
      const now = Date.now();
      for (const records of Object.values(event.records)) {
        for (const r of records) latencies.push(now - r.timestamp);
      }
      return null;
    },
    batchSize: opts.batchSize,
    batchWindowMs: 0,
    partitionsConcurrently: partitions,
    logger: quietRunnerLogger,
  });
  try {
    await esm.start();
    await withProducer(pipeline.kafka, (producer) =>
      produceSteadily(
        producer,
        pipeline.names.topic,
        partitions,
        { ...opts, seconds: Math.min(opts.seconds, 10) },
        new Produced(),
        THRESHOLDS.threshold,
      ),
    );
    await esm.runUntilIdle({ timeoutMs: 600_000, pollMs: 50 });
  } finally {
    await esm.stop();
  }
  latencies.sort((a, b) => a - b);
  return {
    P: partitions,
    window: 'baseline: deliver only, 0 s',
    readings: latencies.length,
    'fresh p50 s': round(percentile(latencies, 50) / 1000, 3),
    'fresh p95 s': round(percentile(latencies, 95) / 1000, 3),
    'fresh p99 s': round(percentile(latencies, 99) / 1000, 3),
    load: round(loadavg()[0]!, 2),
  };
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  if (!(await allReady())) {
    throw new Error('the local services are not running: start them with `npm run services:up`');
  }
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  log(
    `steady ${opts.rate} readings/s for ${opts.seconds} s; partitions ${opts.partitions.join(', ')}; ` +
      `windows ${opts.windowsMs.map((w) => `${w / 1000} s`).join(', ')}; commit interval ` +
      `${opts.intervalMs / 1000} s; batch size ${opts.batchSize}`,
  );
  const rows: Row[] = [];
  for (const p of opts.partitions) {
    rows.push(await baseline(opts, p));
    log(`P=${p} baseline done`);
    for (const w of opts.windowsMs) {
      rows.push(await scenario(opts, p, w));
      log(`P=${p} window ${w / 1000} s done: ${JSON.stringify(rows.at(-1))}`);
    }
  }
  console.log('');
  console.log(textTable(rows, undefined, {}));
  console.log('');
  const interval = opts.intervalMs / 1000;
  for (const row of rows.filter((r) => typeof r['commits/s'] === 'number')) {
    const checks = [
      [
        `commits/s <= ${round(1 / Math.max(interval, 0.001) + 1, 2)}`,
        Number(row['commits/s']) <= 1 / Math.max(interval, 0.001) + 1,
      ],
      [`freshness p99 <= ${2 * interval + 1} s`, Number(row['fresh p99 s']) <= 2 * interval + 1],
      ['0 failed batches', row['failed batches'] === 0],
      ['lag 0 within 2 s of stopping', Number(row['to 0 lag s']) <= 2],
      ['rows correct', String(row.correct).startsWith('yes')],
    ] as const;
    console.log(
      `P=${row.P} window ${row.window}: ` +
        checks.map(([label, ok]) => `${ok ? 'PASS' : 'FAIL'} ${label}`).join('; '),
    );
  }
  console.log(
    'freshness = send of a reading above the threshold -> first poll of the catalog that shows ' +
      `the committed offset covering it (polls every 100 ms); conflicts = commit attempts ` +
      'beyond the first per commit; load = 1-minute load average when the scenario started.',
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
