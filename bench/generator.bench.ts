/**
 * Generator benchmark on the local Kafka: readings/s of the generator function's handler, run in
 * process (the Lambda runtime harness is not part of this benchmark), against two baselines
 * measured in the same run: generating and serializing the readings without Kafka, and plain
 * kafkajs sending the same pre-serialized messages with the same producer settings. It then
 * prints the per-invocation cap the stack derives from a timeout and the assumed deployed rate
 * (`infra/generator-limits.ts`) next to what the measured rate would allow.
 *
 *   npm run bench:generator
 *   npm run bench:generator -- --readings 500000 --partitions 3 --batch-size 5000
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { Message } from 'kafkajs';
import { createGeneratorHandler } from '../functions/generator/create-handler';
import { DEFAULT_STOP_BEFORE_TIMEOUT_MS } from '../functions/generator/limits';
import { generateReadings } from '../functions/generator/readings';
import {
  ASSUMED_GENERATOR_READINGS_PER_VCPU_SECOND,
  assumedGeneratorRate,
  generatorMaxReadings,
  LAMBDA_MB_PER_VCPU,
} from '../infra/generator-limits';
import { createIdempotentProducer, createKafka, parseBrokers } from '../lib/kafka/client';
import { ensureTopic } from '../lib/kafka/topics';
import { textTable } from '../local/demo/text-table';
import { localEndpoints } from '../local/endpoints';
import { allReady } from '../local/services/manager';
import { perSecond } from './support/stats';

interface BenchOptions {
  readings: number;
  partitions: number;
  batchSize: number;
}

const BENCH_FLAGS = {
  readings: { type: 'string', default: '200000' },
  partitions: { type: 'string', default: '3' },
  'batch-size': { type: 'string', default: '5000' },
} as const;

class BenchUsageError extends Error {}

function parseOptions(argv: string[]): BenchOptions {
  let values: { readings: string; partitions: string; 'batch-size': string };
  try {
    ({ values } = parseArgs({ args: argv, options: BENCH_FLAGS }));
  } catch (error) {
    throw new BenchUsageError((error as Error).message);
  }
  const int = (text: string, name: string, min: number) => {
    const n = text.trim() === '' ? Number.NaN : Number(text);
    if (!Number.isSafeInteger(n) || n < min) {
      throw new BenchUsageError(`--${name} must be an integer >= ${min}, got "${text}"`);
    }
    return n;
  };
  return {
    readings: int(values.readings, 'readings', 1),
    partitions: int(values.partitions, 'partitions', 1),
    batchSize: int(values['batch-size'], 'batch-size', 1),
  };
}

const log = (line: string) => console.log(`bench: ${line}`);
const secs = (ms: number) => Math.round(ms / 10) / 100;

/** A Lambda context whose clock runs from now, as a fresh invocation's would. */
function lambdaContext(timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    functionName: 'sensor-generator-bench',
    awsRequestId: randomBytes(8).toString('hex'),
    getRemainingTimeInMillis: () => deadline - Date.now(),
  } as unknown as Context;
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  if (!(await allReady())) {
    throw new Error('the local services are not running: start them with `npm run services:up`');
  }
  const endpoints = localEndpoints();
  const kafka = createKafka({
    brokers: parseBrokers(endpoints.kafkaBrokers),
    clientId: 'sensor-generator-bench',
    logLevel: 'NOTHING',
  });
  const topic = (label: string) => `bench_generator_${label}_${randomBytes(3).toString('hex')}`;
  const request = { numReadings: opts.readings, numSensors: 100, seed: 7 };
  log(
    `${opts.readings} readings, ${opts.partitions} partitions, ${opts.batchSize} per send, ` +
      'idempotent producer, acks from all replicas',
  );
  const rows: { scenario: string; readings: number; seconds: number; 'readings/s': number }[] = [];

  // Baseline 1: the CPU cost of making the readings, without Kafka.
  let began = performance.now();
  let bytes = 0;
  for (const { reading } of generateReadings({ ...request, numSensors: 100 })) {
    bytes += JSON.stringify(reading).length;
  }
  let ms = performance.now() - began;
  rows.push({
    scenario: 'baseline: generate + serialize',
    readings: opts.readings,
    seconds: secs(ms),
    'readings/s': perSecond(opts.readings, ms),
  });
  log(`average reading ${Math.round(bytes / opts.readings)} bytes of JSON`);

  // Baseline 2: the Kafka cost alone, messages built before the clock starts.
  const plainTopic = topic('plain');
  await ensureTopic(kafka, plainTopic, { partitions: opts.partitions });
  const messages: Message[] = [...generateReadings(request)].map(({ key, reading }) => ({
    key,
    value: JSON.stringify(reading),
  }));
  const plain = createIdempotentProducer(kafka);
  await plain.connect();
  try {
    began = performance.now();
    for (let i = 0; i < messages.length; i += opts.batchSize) {
      await plain.send({
        topic: plainTopic,
        acks: -1,
        messages: messages.slice(i, i + opts.batchSize),
      });
    }
    ms = performance.now() - began;
  } finally {
    await plain.disconnect();
  }
  rows.push({
    scenario: 'baseline: kafkajs send, pre-serialized',
    readings: opts.readings,
    seconds: secs(ms),
    'readings/s': perSecond(opts.readings, ms),
  });

  // The generator function's handler, as Lambda would call it (minus the runtime).
  const handlerTopic = topic('handler');
  await ensureTopic(kafka, handlerTopic, { partitions: opts.partitions });
  const producer = createIdempotentProducer(kafka);
  const handler = createGeneratorHandler({
    topic: handlerTopic,
    limits: { maxReadings: opts.readings, stopBeforeTimeoutMs: DEFAULT_STOP_BEFORE_TIMEOUT_MS },
    logger: new Logger({ serviceName: 'sensor-generator', logLevel: 'WARN' }),
    batchSize: opts.batchSize,
    producer: async () => {
      await producer.connect();
      return producer;
    },
  });
  let measured: number;
  try {
    // A first small invocation connects the producer, as a cold start would.
    await handler({ numReadings: 1 }, lambdaContext(900_000));
    began = performance.now();
    const result = await handler(request, lambdaContext(900_000));
    ms = performance.now() - began;
    if (result.sent !== opts.readings) {
      throw new Error(`the handler sent ${result.sent} of ${opts.readings} readings`);
    }
    measured = perSecond(result.sent, ms);
  } finally {
    await producer.disconnect();
  }
  rows.push({
    scenario: 'generator handler, in process',
    readings: opts.readings,
    seconds: secs(ms),
    'readings/s': measured,
  });

  console.log('');
  console.log(textTable(rows));
  console.log('');
  // What the stack lets one invocation accept, per memory size and timeout, and how long the
  // measured in-process rate would take for it.
  const caps = [512, LAMBDA_MB_PER_VCPU].flatMap((memoryMb) =>
    [60, 300, 900].map((timeoutSeconds) => {
      const assumed = assumedGeneratorRate(memoryMb);
      const cap = generatorMaxReadings(timeoutSeconds, assumed);
      return {
        'memory MB': memoryMb,
        'timeout s': timeoutSeconds,
        'assumed readings/s': assumed,
        'cap (stack)': cap,
        's for the cap at the measured rate': secs((cap / Math.max(1, measured)) * 1000),
      };
    }),
  );
  console.log(textTable(caps));
  console.log('');
  const headroom = measured / ASSUMED_GENERATOR_READINGS_PER_VCPU_SECOND;
  console.log(
    `${headroom >= 1 ? 'PASS' : 'FAIL'}  measured in-process rate ${measured}/s is ` +
      `${headroom.toFixed(1)}x the per-vCPU rate the stack's cap assumes ` +
      `(${ASSUMED_GENERATOR_READINGS_PER_VCPU_SECOND}/s)`,
  );
  console.log(
    'readings/s = readings / wall time of the scenario; the handler row includes generation, ' +
      'serialization and every acknowledged send. The cap the stack sets also leaves ' +
      `${DEFAULT_STOP_BEFORE_TIMEOUT_MS} ms before the timeout unused.`,
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
