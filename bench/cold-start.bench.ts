/**
 * Cold and warm starts of each bundle as Lambda runs it: the stack's bundle under the AWS Lambda
 * Runtime Interface Emulator and the Node runtime interface client on Node 22, against the local
 * services. Per function: the runtime's init (Node start, module load, handler init, reported by
 * the emulator), the first request as the caller sees it (init included), warm requests, and the
 * runtime process's peak RSS. Baseline in the same run: an empty handler under the same runtime.
 *
 *   npm run bench:cold-start
 *   npm run bench:cold-start -- --warm 10 --readings 500
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { FunctionName } from '../infra/constructs/bundling';
import { buildKafkaEvent, type KafkaRecord } from '../lib/kafka/event';
import { openLocalPipeline, runNames } from '../local/demo/local-pipeline';
import { textTable } from '../local/demo/text-table';
import { readTopic } from '../local/demo/topic-reader';
import { localEndpoints } from '../local/endpoints';
import type { InvocationOutcome } from '../local/services/lambda-runtime/emulator';
import {
  localFunctionEnv,
  startStagedFunction,
} from '../local/services/lambda-runtime/staged-function';
import { ensureLambdaRuntime } from '../local/services/lambda-runtime/toolchain';
import { allReady } from '../local/services/manager';
import { cacheDir } from '../local/services/paths';
import { percentile } from './support/stats';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface Figures {
  name: string;
  initMs: number | undefined;
  coldMs: number;
  warmMs: number[];
  peakRssMb: number | undefined;
}

function usage(message: string): never {
  console.error(`bench:cold-start: ${message}`);
  console.error('usage: npm run bench:cold-start -- [--warm N (1-100)] [--readings N (1-100000)]');
  process.exit(2);
}

function positive(text: string, flag: string, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) usage(`--${flag} must be 1-${max}, got "${text}"`);
  return n;
}

function check(outcome: InvocationOutcome, what: string): InvocationOutcome {
  if (outcome.error) {
    throw new Error(`${what} failed: ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
  }
  return outcome;
}

async function measure(
  name: string,
  start: () => ReturnType<typeof startStagedFunction>,
  events: readonly unknown[],
): Promise<Figures> {
  const staged = await start();
  try {
    const [first, ...rest] = events;
    const cold = check(await staged.fn.invoke(first), `${name} cold`);
    const warmMs: number[] = [];
    for (const [index, event] of rest.entries()) {
      warmMs.push(check(await staged.fn.invoke(event), `${name} warm ${index + 1}`).durationMs);
    }
    const rss = await staged.fn.peakRssBytes();
    return {
      name,
      initMs: cold.initMs,
      coldMs: cold.durationMs,
      warmMs,
      peakRssMb: rss === undefined ? undefined : rss / 1024 / 1024,
    };
  } finally {
    await staged.dispose();
  }
}

async function main(): Promise<void> {
  let values: { warm: string; readings: string };
  try {
    ({ values } = parseArgs({
      options: {
        warm: { type: 'string', default: '5' },
        readings: { type: 'string', default: '200' },
      },
      strict: true,
    }) as { values: { warm: string; readings: string } });
  } catch (error) {
    usage((error as Error).message);
  }
  const warm = positive(values.warm, 'warm', 100);
  const readings = positive(values.readings, 'readings', 100_000);
  if (!(await allReady())) {
    console.error('bench:cold-start: the local services are not running; npm run services:up');
    process.exit(1);
  }
  const tools = await ensureLambdaRuntime({ cache: cacheDir(), report: console.log });
  const names = runNames(`cold_${randomBytes(4).toString('hex')}`);
  const pipeline = await openLocalPipeline(names, { partitions: 1 });
  const env = (fn: FunctionName) => localFunctionEnv(fn, names);
  const runs = warm + 1;
  const figures: Figures[] = [];

  // Baseline: the runtime with a handler that does nothing.
  const emptyDir = await mkdtemp(join(tmpdir(), 'lambda-empty-'));
  await writeFile(join(emptyDir, 'index.mjs'), 'export const handler = async () => ({});\n');
  figures.push(
    await measure(
      'empty handler (baseline)',
      () => startStagedFunction('generator', tools, {}, { codeDir: emptyDir }),
      Array.from({ length: runs }, () => ({})),
    ),
  );
  await rm(emptyDir, { recursive: true, force: true });

  const generatorEvents = Array.from({ length: runs }, (_, i) => ({
    numReadings: readings,
    numSensors: 10,
    seed: 1000 + i,
    topic: names.topic,
  }));
  figures.push(
    await measure(
      `generator (${readings} readings)`,
      () => startStagedFunction('generator', tools, env('generator')),
      generatorEvents,
    ),
  );

  // One event per generator invocation: each classifier invocation appends new alerts.
  const { records } = await readTopic(pipeline.kafka, names.topic);
  const bootstrapServers = localEndpoints().kafkaBrokers;
  const classifierEvents = Array.from({ length: runs }, (_, i) => {
    const batch: KafkaRecord[] = records.slice(i * readings, (i + 1) * readings).map((r) => ({
      topic: names.topic,
      partition: r.partition,
      offset: r.offset,
      timestamp: r.timestamp,
      timestampType: 'CREATE_TIME',
      key: null,
      value: r.value,
      headers: [],
    }));
    return buildKafkaEvent(batch, { eventSource: 'SelfManagedKafka', bootstrapServers });
  });
  figures.push(
    await measure(
      `classifier (${readings} records)`,
      () => startStagedFunction('classifier', tools, env('classifier')),
      classifierEvents,
    ),
  );

  const queries = ['alert-summary', 'latest-critical', 'validations'];
  figures.push(
    await measure(
      'query (local engine)',
      () => startStagedFunction('query', tools, env('query')),
      Array.from({ length: runs }, (_, i) => ({ query: queries[i % queries.length] })),
    ),
  );

  const ms = (value: number | undefined) => (value === undefined ? 'n/a' : value.toFixed(0));
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  console.log(
    `\nCold and warm starts under the Lambda Runtime Interface Emulator (${warm} warm requests each)`,
  );
  console.log(
    textTable(
      figures.map((f) => {
        const w = sorted(f.warmMs);
        return {
          function: f.name,
          'init ms': ms(f.initMs),
          'cold request ms': ms(f.coldMs),
          'warm p50 ms': ms(percentile(w, 50)),
          'warm min-max ms': `${ms(w[0])}-${ms(w[w.length - 1])}`,
          'peak RSS MB': f.peakRssMb === undefined ? 'n/a' : f.peakRssMb.toFixed(0),
        };
      }),
    ),
  );
}

await main();
process.exit(0);
