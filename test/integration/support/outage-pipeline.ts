import type { Producer } from 'kafkajs';
import { createClassifierHandler } from '../../../functions/classifier/create-handler';
import { createCommitterHandler } from '../../../functions/committer/create-handler';
import { generateReadings } from '../../../functions/generator/readings';
import {
  type ClassifierConfig,
  parseClassifierConfig,
  parseCommitterConfig,
} from '../../../functions/shared/config';
import { connectIceberg } from '../../../functions/shared/iceberg';
import { SENSOR_ALERTS_SCHEMA } from '../../../lib/alerts/table';
import { planFiles, readRows } from '../../../lib/iceberg';
import { createIdempotentProducer } from '../../../lib/kafka/client';
import { ensureTopic } from '../../../lib/kafka/topics';
import { type InProcessHandler, inProcessInvoker } from '../../../local/esm/invokers';
import { classifierEnv } from '../../../local/esm/local-env';
import { kafka, type Names, type Produced, rowKey } from '../classifier-helpers';

/** The classifier's configuration for a table on the services `env` points at. */
export function classifierConfigFor(names: Names, env: NodeJS.ProcessEnv): ClassifierConfig {
  return parseClassifierConfig(
    classifierEnv(
      {
        ...env,
        ICEBERG_NAMESPACE: names.namespace,
        ICEBERG_TABLE: names.table,
        DEAD_LETTER_TARGET: `s3://warehouse/dead-letters/${names.table}`,
        ALERTS_TOPIC: names.alertsTopic,
      },
      names.group,
    ),
  );
}

export const classifierInvokerFor = (config: ClassifierConfig) =>
  inProcessInvoker(createClassifierHandler(config) as InProcessHandler);

/** Lands everything staged on the services `env` points at, as the committer's sweep would. */
export async function flushStagedFor(names: Names, env: NodeJS.ProcessEnv) {
  const config = parseCommitterConfig(
    classifierEnv(
      {
        ...env,
        ICEBERG_NAMESPACE: names.namespace,
        ICEBERG_TABLE: names.table,
        SENSOR_TOPIC: names.topic,
      },
      names.group,
    ),
  );
  return createCommitterHandler(config)({ source: 'test' });
}

/** Every row of the table's current snapshot as sorted comparable keys (see expectedRows). */
export async function tableKeys(config: ClassifierConfig): Promise<string[]> {
  const iceberg = await connectIceberg(config.iceberg);
  const table = await iceberg.catalog.loadTable(iceberg.table);
  const files = await planFiles(iceberg.io, table);
  const rows = (
    await Promise.all(files.map((f) => readRows(iceberg.io, f, SENSOR_ALERTS_SCHEMA)))
  ).flat();
  return rows.map(rowKey).sort();
}

/** Missing and doubled rows of `actual` against `expected` (both sorted keys). */
export function compareKeys(expected: readonly string[], actual: readonly string[]) {
  const counts = new Map<string, number>();
  for (const key of actual) counts.set(key, (counts.get(key) ?? 0) + 1);
  const missing = expected.filter((key) => !counts.has(key)).length;
  const duplicated = [...counts.values()].reduce((n, c) => n + (c > 1 ? c - 1 : 0), 0);
  const unexpected = actual.filter((key) => !expected.includes(key)).length;
  return { expected: expected.length, actual: actual.length, missing, duplicated, unexpected };
}

/**
 * Produces seeded readings to a new topic in small waves, round-robin over its partitions, until
 * all are sent or `stop()` is called; records each reading's partition and offset.
 */
export async function produceSteadily(
  names: Names,
  options: { readings: number; partitions: number; perWave: number; everyMs: number; seed: number },
) {
  const produced: Produced[] = [];
  let stopping = false;
  const readings = [
    ...generateReadings({
      numReadings: options.readings,
      numSensors: 10,
      seed: options.seed,
      startTime: '2026-11-26T17:41:42Z',
    }),
  ];
  const k = kafka();
  await ensureTopic(k, names.topic, { partitions: options.partitions });
  const done = (async () => {
    const producer: Producer = createIdempotentProducer(k);
    await producer.connect();
    try {
      for (let wave = 0; !stopping && wave * options.perWave < readings.length; wave++) {
        const partition = wave % options.partitions;
        const batch = readings.slice(wave * options.perWave, (wave + 1) * options.perWave);
        const [meta] = await producer.send({
          topic: names.topic,
          acks: -1,
          messages: batch.map((g) => ({ key: g.key, value: JSON.stringify(g.reading), partition })),
        });
        const base = BigInt(meta!.baseOffset!);
        batch.forEach((g, i) => {
          produced.push({ reading: g.reading, partition, offset: base + BigInt(i) });
        });
        await new Promise((r) => setTimeout(r, options.everyMs));
      }
    } finally {
      await producer.disconnect();
    }
  })();
  return {
    produced,
    done,
    stop: async () => {
      stopping = true;
      await done;
    },
  };
}
