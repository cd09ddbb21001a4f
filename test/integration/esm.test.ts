import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClassifierResult } from '../../functions/classifier/create-handler';
import type { KafkaRecord } from '../../lib/kafka/event';
import { jsonLinesFailureDestination } from '../../local/esm/failure-destination';
import { type InProcessHandler, type Invoker, inProcessInvoker } from '../../local/esm/invokers';
import { type EsmRunnerOptions, EventSourceMappingRunner } from '../../local/esm/runner';
import {
  expectedRows,
  flushStaged,
  kafka,
  type Names,
  newClassifier,
  produceToPartitions,
  tableOffsets,
  tableRows,
  uniqueNames,
} from './classifier-helpers';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const runners: EventSourceMappingRunner[] = [];

function runner(names: Names, invoke: Invoker, extra: Partial<EsmRunnerOptions> = {}) {
  const r = new EventSourceMappingRunner({
    kafka: kafka(),
    topic: names.topic,
    groupId: names.group,
    invoke,
    batchSize: 50,
    batchWindowMs: 100,
    retryBaseMs: 20,
    logger: quiet,
    ...extra,
  });
  runners.push(r);
  return r;
}

const classifierInvoker = (names: Names) =>
  inProcessInvoker(newClassifier(names) as InProcessHandler);

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
});

describe('local event source mapping with the classifier in process', () => {
  it('delivers every reading once: the table holds exactly the expected alerts with lineage', async () => {
    // Prepare
    const names = uniqueNames('e2e');
    const produced = await produceToPartitions(names, {
      numReadings: 300,
      partitions: 3,
      seed: 11,
    });
    const started = BigInt(Date.now()) * 1000n;
    // Partitions in parallel, as Lambda runs them: their commits race on the same table.
    const esm = runner(names, classifierInvoker(names), { partitionsConcurrently: 3 });

    // Act
    await esm.start();
    const stats = await esm.runUntilIdle({ timeoutMs: 120_000 });
    await flushStaged(names);

    // Assess
    const { keys, rows } = await tableRows(names);
    expect(keys).toEqual(expectedRows(produced));
    expect(rows.every((r) => (r.processing_timestamp as bigint) >= started)).toBe(true);
    expect(stats).toMatchObject({ records: 300, divertedBatches: 0, retries: 0 });
    expect(await tableOffsets(names)).toEqual({ 0: 99n, 1: 99n, 2: 99n });
  });

  it('adds no duplicates when the process dies between staging a batch and the offset commit', async () => {
    // Prepare
    const names = uniqueNames('crash');
    const produced = await produceToPartitions(names, {
      numReadings: 120,
      partitions: 1,
      seed: 12,
    });
    const first = runner(names, classifierInvoker(names), { afterInvoke: () => 'crash' });
    await first.start();
    await first.runUntil((s) => s.crashed);
    await first.stop();
    await flushStaged(names);
    const afterCrash = await tableRows(names);

    // Act: a new consumer in the same group gets the first batch again.
    const results: ClassifierResult[] = [];
    const invokeClassifier = classifierInvoker(names);
    const second = runner(names, async (event) => {
      const result = (await invokeClassifier(event)) as ClassifierResult;
      results.push(result);
      return result;
    });
    await second.start();
    await second.runUntilIdle({ timeoutMs: 120_000 });
    await flushStaged(names);

    // Assess: the first batch was staged twice and counted once.
    expect(afterCrash.keys).toEqual(expectedRows(produced.slice(0, 50)));
    expect(results[0]).toMatchObject({
      records: 50,
      staged: [expect.objectContaining({ firstOffset: '0' })],
    });
    expect((await tableRows(names)).keys).toEqual(expectedRows(produced));
  });

  it('adds nothing when the consumer group is reset to the start of the topic', async () => {
    // Prepare
    const names = uniqueNames('reset');
    const produced = await produceToPartitions(names, {
      numReadings: 200,
      partitions: 2,
      seed: 14,
    });
    const first = runner(names, classifierInvoker(names), { partitionsConcurrently: 2 });
    await first.start();
    await first.runUntilIdle({ timeoutMs: 120_000 });
    await first.stop();
    await flushStaged(names);
    const before = await tableRows(names);
    const admin = kafka().admin();
    await admin.connect();
    await admin.resetOffsets({ groupId: names.group, topic: names.topic, earliest: true });
    await admin.disconnect();

    // Act: every record is delivered again.
    const second = runner(names, classifierInvoker(names), { partitionsConcurrently: 2 });
    await second.start();
    const stats = await second.runUntilIdle({ timeoutMs: 120_000 });
    await flushStaged(names);

    // Assess
    expect(stats.records).toBe(200);
    expect(before.keys).toEqual(expectedRows(produced));
    expect((await tableRows(names)).keys).toEqual(expectedRows(produced));
    expect(await tableOffsets(names)).toEqual({ 0: 99n, 1: 99n });
  });

  it('retries a failing batch until it succeeds by default, logging every retry', async () => {
    // Prepare: the first batch fails five times (an outage), then goes through.
    const names = uniqueNames('until_ok');
    await produceToPartitions(names, { numReadings: 60, partitions: 1, seed: 14 });
    let failures = 0;
    const warnings: { message: string; extra: Record<string, unknown> }[] = [];
    const esm = runner(
      names,
      async (event) => {
        const first = Object.values(event.records)[0]![0]!;
        if (first.offset === 0 && failures < 5) {
          failures++;
          throw new Error(`store unavailable (${failures})`);
        }
        return null;
      },
      {
        retryMaxMs: 40,
        logger: {
          ...quiet,
          warn: (message, extra) =>
            void warnings.push({ message, extra: (extra ?? {}) as Record<string, unknown> }),
        },
      },
    );

    // Act
    await esm.start();
    const stats = await esm.runUntilIdle({ timeoutMs: 60_000 });

    // Assess
    expect(stats).toMatchObject({ batches: 2, records: 60, retries: 5, divertedBatches: 0 });
    expect(warnings.map((w) => w.extra)).toEqual(
      [1, 2, 3, 4, 5].map((attempt) => ({
        partition: 0,
        firstOffset: '0',
        lastOffset: '49',
        records: 50,
        attempt,
        retries: 'until it succeeds',
        retryInMs: expect.any(Number),
        error: `store unavailable (${attempt})`,
      })),
    );
  });

  it('with bounded retries, sends a failing batch to the on-failure destination, says so loudly and moves on', async () => {
    // Prepare
    const names = uniqueNames('failing');
    await produceToPartitions(names, { numReadings: 60, partitions: 1, seed: 13 });
    const path = join(await mkdtemp(join(tmpdir(), 'esm-failed-')), 'failed.jsonl');
    let calls = 0;
    const seen: KafkaRecord[][] = [];
    const errors: { message: string; extra: unknown }[] = [];
    const esm = runner(
      names,
      async (event) => {
        calls++;
        const first = Object.values(event.records)[0]![0]!;
        if (first.offset === 0) throw new Error('poison batch');
        return null;
      },
      {
        maxRetries: 2,
        onFailure: jsonLinesFailureDestination(path),
        afterInvoke: (r) => void seen.push([...r]),
        logger: { ...quiet, error: (message, extra) => void errors.push({ message, extra }) },
      },
    );

    // Act
    await esm.start();
    const stats = await esm.runUntilIdle({ timeoutMs: 60_000 });

    // Assess
    const failed = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(failed.map((f) => f.KafkaBatchInfo.recordsInfo)).toEqual([
      {
        [`${names.topic}-0`]: expect.objectContaining({
          firstRecordOffset: '0',
          lastRecordOffset: '49',
        }),
      },
    ]);
    expect(failed[0].requestContext).toMatchObject({
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 3,
    });
    expect(failed[0].errorMessage).toBe('poison batch');
    expect(JSON.parse(failed[0].payload).records[`${names.topic}-0`]).toHaveLength(50);
    expect(stats).toMatchObject({
      batches: 2,
      records: 60,
      divertedBatches: 1,
      divertedRecords: 50,
      retries: 2,
    });
    expect(calls).toBe(4);
    expect(seen.map((b) => b.length)).toEqual([10]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain(
      `BATCH DIVERTED: 50 records of partition 0, offsets 0-49, went to ${path} after 3 attempts`,
    );
    expect(errors[0]!.message).toContain(`npm run replay -- ${path}`);
  });
});
