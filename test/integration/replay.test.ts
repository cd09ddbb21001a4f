import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { createIdempotentProducer } from '../../lib/kafka/client';
import { decodeKafkaEvent, type LambdaKafkaEvent, replayMarkerOf } from '../../lib/kafka/event';
import { ensureTopic } from '../../lib/kafka/topics';
import { localEndpoints } from '../../local/endpoints';
import {
  type FailureDestination,
  jsonLinesFailureDestination,
  kafkaFailureDestination,
  objectStoreFailureDestination,
} from '../../local/esm/failure-destination';
import type { Invoker } from '../../local/esm/invokers';
import { type InProcessHandler, inProcessInvoker } from '../../local/esm/invokers';
import { EventSourceMappingRunner } from '../../local/esm/runner';
import { localS3FileIO, localS3Options } from '../../local/object-store';
import { replay, replayComplete } from '../../local/replay/replay';
import { readDestination } from '../../local/replay/sources';
import {
  expectedRows,
  flushStaged,
  kafka,
  type Names,
  newClassifier,
  produceToPartitions,
  tableRows,
  uniqueNames,
} from './classifier-helpers';
import { compareKeys } from './support/outage-pipeline';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.allSettled(cleanups.splice(0).map((c) => c()));
});

type DestinationKind = 'jsonl' | 's3' | 'kafka' | 'metadata-only';

async function destinationFor(
  kind: DestinationKind,
  names: Names,
): Promise<{ uri: string; destination: FailureDestination }> {
  if (kind === 's3') {
    const uri = `s3://${localEndpoints().warehouseBucket}/failed-batches/${names.table}`;
    return { uri, destination: objectStoreFailureDestination(localS3FileIO(), uri) };
  }
  if (kind === 'kafka') {
    const topic = `${names.topic}_failed`;
    await ensureTopic(kafka(), topic, { partitions: 1 });
    const producer = createIdempotentProducer(kafka());
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    return { uri: `kafka://${topic}`, destination: kafkaFailureDestination(producer, topic) };
  }
  const uri = join(await mkdtemp(join(tmpdir(), 'replay-')), 'failed.jsonl');
  return { uri, destination: jsonLinesFailureDestination(uri) };
}

/**
 * Lambda's SQS and SNS destinations keep only the metadata (offsets), not the records: the
 * replay has to read them back from Kafka.
 */
async function dropPayloads(path: string): Promise<void> {
  const lines = (await readFile(path, 'utf8')).trim().split('\n');
  const stripped = lines.map((line) => {
    const { payload: _, ...metadata } = JSON.parse(line) as Record<string, unknown>;
    return JSON.stringify(metadata);
  });
  await writeFile(path, `${stripped.join('\n')}\n`);
}

/** The classifier, failing the batches that start at these offsets, as an outage would. */
function failingSome(names: Names, failFirstOffsets: Set<string>): Invoker {
  const classifier = inProcessInvoker(newClassifier(names) as InProcessHandler);
  return async (event) => {
    const [records] = Object.values(event.records);
    const first = records![0]!;
    if (failFirstOffsets.has(`${first.partition}:${first.offset}`)) {
      throw new Error('S3 unavailable: connect ECONNREFUSED');
    }
    return classifier(event);
  };
}

/** Produces, runs the mapping with bounded retries so that some batches are diverted. */
async function divertSome(names: Names, kind: DestinationKind) {
  const produced = await produceToPartitions(names, { numReadings: 400, partitions: 2, seed: 31 });
  const { uri, destination } = await destinationFor(kind, names);
  const esm = new EventSourceMappingRunner({
    kafka: kafka(),
    topic: names.topic,
    groupId: names.group,
    invoke: failingSome(names, new Set(['0:0', '0:100', '1:50', '1:150'])),
    batchSize: 50,
    batchWindowMs: 100,
    maxRetries: 1,
    retryBaseMs: 10,
    onFailure: destination,
    logger: quiet,
  });
  cleanups.push(() => esm.stop());
  await esm.start();
  const stats = await esm.runUntilIdle({ timeoutMs: 120_000 });
  await esm.stop();
  await flushStaged(names);
  if (kind === 'metadata-only') await dropPayloads(uri);
  return { produced, uri, stats };
}

const DIVERTED = (names: Names) => [
  `${names.topic}-0@0-49`,
  `${names.topic}-0@100-149`,
  `${names.topic}-1@50-99`,
  `${names.topic}-1@150-199`,
];

const classifierFor = (names: Names) => inProcessInvoker(newClassifier(names) as InProcessHandler);

const s3 = () => new S3Client({ ...localS3Options(), region: localEndpoints().s3Region });

/** The classifier in process, keeping every event the replay sends it. */
function recordingClassifier(names: Names) {
  const events: LambdaKafkaEvent[] = [];
  const classifier = classifierFor(names);
  const invoke: Invoker = async (event) => {
    events.push(event);
    return classifier(event);
  };
  return { events, invoke };
}

const replayOnce = async (uri: string, invoke: Invoker) =>
  replay(await readDestination(uri, { s3, kafka }), { invoke, kafka, logger: quiet });

/** Replays, then lands what the classifier staged, as the replay command does. */
const replayAndCommit = async (uri: string, invoke: Invoker, names: Names) => {
  const report = await replayOnce(uri, invoke);
  await flushStaged(names);
  return report;
};

const KINDS: [DestinationKind][] = [['jsonl'], ['s3'], ['kafka'], ['metadata-only']];

describe('npm run replay', () => {
  it.each(KINDS)(
    'reads the batches diverted to a %s destination and invokes the classifier once per batch, in offset order, marked as a replay',
    async (kind) => {
      // Prepare
      const names = uniqueNames(`replay_${kind.replace('-', '_')}`);
      const { produced, uri, stats } = await divertSome(names, kind);
      const { events, invoke } = recordingClassifier(names);

      // Act
      const first = await replayOnce(uri, invoke);
      const second = await replayOnce(uri, invoke);

      // Assess
      expect(stats.divertedBatches).toBe(4);
      for (const report of [first, second]) {
        expect(replayComplete(report)).toBe(true);
        expect(report.replayed.map((b) => b.records)).toEqual([50, 50, 50, 50]);
        expect(report.replayed.map((b) => b.source.split('#')[1])).toEqual(DIVERTED(names));
      }
      expect(events).toHaveLength(8);
      const sources = events.map((e) => replayMarkerOf(e)?.source);
      expect(sources.slice(0, 4)).toEqual(first.replayed.map((b) => b.source));
      expect(sources.slice(4)).toEqual(sources.slice(0, 4));
      expect(sources.every((s) => s?.startsWith(kind === 'kafka' ? 'kafka://' : uri))).toBe(true);
      // Each event holds exactly the diverted records, as produced.
      const byLineage = new Map(produced.map((p) => [`${p.partition}:${p.offset}`, p.reading]));
      for (const event of events.slice(0, 4)) {
        const records = decodeKafkaEvent(event);
        expect(records).toHaveLength(50);
        for (const r of records) {
          const original = byLineage.get(`${r.partition}:${r.offset}`);
          expect(JSON.parse(new TextDecoder().decode(r.value!))).toEqual(original);
        }
      }
    },
  );

  it.each(KINDS)(
    'puts the batches diverted to a %s destination back into the table: every alert exactly once, a second replay adds nothing',
    async (kind) => {
      // Prepare
      const names = uniqueNames(`replay_table_${kind.replace('-', '_')}`);
      const { produced, uri } = await divertSome(names, kind);
      const expected = expectedRows(produced);
      const beforeReplay = compareKeys(expected, (await tableRows(names)).keys);

      // Act
      const first = await replayAndCommit(uri, classifierFor(names), names);
      const afterFirst = compareKeys(expected, (await tableRows(names)).keys);
      const second = await replayAndCommit(uri, classifierFor(names), names);
      const afterSecond = compareKeys(expected, (await tableRows(names)).keys);

      // Assess
      console.log(`[replay ${kind} into the table]`, { beforeReplay, afterFirst, afterSecond });
      expect(beforeReplay.missing).toBeGreaterThan(0);
      expect(replayComplete(first) && replayComplete(second)).toBe(true);
      expect(afterFirst).toMatchObject({ missing: 0, duplicated: 0, unexpected: 0 });
      expect(afterSecond).toEqual(afterFirst);
    },
  );

  it('reports records past retention and exits non-zero', async () => {
    // Prepare: batches diverted with their offsets only, then Kafka deletes the first 120 of partition 0.
    const names = uniqueNames('replay_expired');
    const { uri } = await divertSome(names, 'metadata-only');
    const admin = kafka().admin();
    await admin.connect();
    await admin.fetchTopicMetadata({ topics: [names.topic] });
    await admin.deleteTopicRecords({
      topic: names.topic,
      partitions: [{ partition: 0, offset: '120' }],
    });
    await admin.disconnect();

    // Act
    const run = spawnSync('npx', ['tsx', 'local/replay/cli.ts', uri, '--group', names.group], {
      encoding: 'utf8',
      env: {
        ...process.env,
        ICEBERG_NAMESPACE: names.namespace,
        ICEBERG_TABLE: names.table,
        DEAD_LETTER_TARGET: `s3://${localEndpoints().warehouseBucket}/dead-letters/${names.table}`,
        POWERTOOLS_LOG_LEVEL: 'WARN',
      },
      timeout: 120_000,
    });

    // Assess
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('replayed 3 batches, 130 records');
    expect(run.stderr).toMatch(
      new RegExp(
        `NOT REPLAYED \\S+#${names.topic}-0@0-49: ${names.topic}-0@0-49: past the topic retention`,
      ),
    );
    expect(run.stderr).toMatch(
      new RegExp(
        `NOT REPLAYED \\S+#${names.topic}-0@100-149: ${names.topic}-0@100-119: past the topic retention`,
      ),
    );
  });
});
