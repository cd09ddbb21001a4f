import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEsmArgs } from '../../local/esm/args';
import { EventSourceMappingRunner } from '../../local/esm/runner';
import { runnerOptions } from '../../local/esm/setup';
import { expectedRows, kafka, uniqueNames } from './classifier-helpers';
import {
  classifierConfigFor,
  classifierInvokerFor,
  compareKeys,
  flushStagedFor,
  produceSteadily,
  tableKeys,
} from './support/outage-pipeline';
import { type PrivateServices, startPrivateServices } from './support/private-services';

let services: PrivateServices;

beforeAll(async () => {
  services = await startPrivateServices();
});

afterAll(async () => {
  await services?.close();
});

interface Logged {
  level: 'info' | 'warn' | 'error';
  message: string;
  extra: Record<string, unknown>;
}

describe('local event source mapping through object store outages', () => {
  it('loses and doubles nothing when S3 is down for 15 s and then for 60 s while it runs', async () => {
    // Prepare: the runner exactly as `npm run esm` builds it with its default flags.
    const names = uniqueNames('s3_outage');
    const options = parseEsmArgs([
      '--topic',
      names.topic,
      '--group',
      names.group,
      '--batch-size',
      '50',
      '--window-ms',
      '100',
      '--concurrency',
      '3',
    ]);
    const config = classifierConfigFor(names, services.env);
    const logged: Logged[] = [];
    const log = (level: Logged['level']) => (message: string, extra?: object) =>
      void logged.push({ level, message, extra: (extra ?? {}) as Record<string, unknown> });
    const brokers = services.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
    const esm = new EventSourceMappingRunner(
      runnerOptions(options, {
        kafka: kafka(),
        brokers,
        invoke: classifierInvokerFor(config),
        logger: { info: log('info'), warn: log('warn'), error: log('error') },
      }),
    );
    const producer = await produceSteadily(names, {
      readings: 3_000,
      partitions: 3,
      perWave: 12,
      everyMs: 300,
      seed: 21,
    });

    // Act: two outages while readings keep arriving and the runner keeps delivering them.
    try {
      await esm.start();
      await sleep(5_000);
      await services.stop('s3');
      await sleep(15_000);
      await services.start('s3');
      await sleep(8_000);
      await services.stop('s3');
      await sleep(60_000);
      await services.start('s3');
      await producer.stop();
      await esm.runUntilIdle({ timeoutMs: 240_000 });
      await flushStagedFor(names, services.env);
    } finally {
      await producer.stop();
      await esm.stop();
    }

    // Assess
    const expected = expectedRows(producer.produced);
    const comparison = compareKeys(expected, await tableKeys(config));
    console.log('[s3 outages 15 s + 60 s]', {
      produced: producer.produced.length,
      ...comparison,
      retries: esm.stats.retries,
      diverted: esm.stats.divertedBatches,
    });
    expect(comparison).toMatchObject({ missing: 0, duplicated: 0, unexpected: 0 });
    expect(comparison.actual).toBe(expected.length);
    expect(esm.stats.divertedBatches).toBe(0);
    expect(esm.stats.records).toBe(producer.produced.length);
    const retries = logged.filter((l) => l.message === 'invocation failed; retrying');
    expect(retries.length).toBe(esm.stats.retries);
    expect(retries.length).toBeGreaterThan(0);
    for (const r of retries) {
      expect(r.extra).toMatchObject({
        attempt: expect.any(Number),
        partition: expect.any(Number),
        firstOffset: expect.any(String),
        lastOffset: expect.any(String),
        error: expect.any(String),
      });
    }
  }, 420_000);
});
