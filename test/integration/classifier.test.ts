import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { ClassifierResult } from '../../functions/classifier/create-handler';
import { stagingClient } from '../../functions/shared/group-commit';
import { offsetsSummaryKey } from '../../lib/alerts/offsets';
import {
  CommittedOffsetsMissingError,
  GroupCommitter,
  S3StagingStore,
  stagingRoot,
  TableLostError,
} from '../../lib/group-commit';
import { buildKafkaEvent } from '../../lib/kafka/event';
import { localEndpoints } from '../../local/endpoints';
import {
  classifierConfig,
  expectedRows,
  flushStaged,
  kafkaRecord,
  type Names,
  newClassifier,
  newCommitter,
  openTable,
  type Produced,
  pyIcebergArgs,
  syntheticReadings,
  tableOffsets,
  tableRows,
  uniqueNames,
} from './classifier-helpers';
import { writeWithPyIceberg } from './support/pyiceberg';

const event = (names: Names, readings: readonly Produced[], replay?: string) => ({
  ...buildKafkaEvent(
    readings.map((r) => kafkaRecord(names.topic, r)),
    { eventSource: 'SelfManagedKafka', bootstrapServers: '127.0.0.1:9092' },
  ),
  ...(replay ? { replay: { source: replay } } : {}),
});

/** A classifier that commits only on the first invocation of its environment. */
const stagingOnly = (names: Names) => newClassifier(names, { intervalMs: 900_000 });

function stagingStore(names: Names) {
  const config = classifierConfig(names);
  return new S3StagingStore(
    stagingClient(config.iceberg),
    stagingRoot(
      config.groupCommit.stagingUri,
      { namespace: [names.namespace], name: names.table },
      names.topic,
      names.group,
    ),
  );
}

describe('classifier and group commit against the REST catalog and the object store', () => {
  it('counts a redelivery once, whether it grew or shrank', async () => {
    // Prepare
    const names = uniqueNames('redeliver');
    const readings = syntheticReadings(150, 0, 5);
    const classifier = newClassifier(names, { intervalMs: 0 });

    // Act: 0..59, then the same batch redelivered with more records, then a shorter copy.
    const first = await classifier(event(names, readings.slice(0, 60)));
    await classifier(event(names, readings.slice(0, 120)));
    await classifier(event(names, readings.slice(0, 30)));
    await classifier(event(names, readings.slice(120)));
    await flushStaged(names);

    // Assess
    expect((await tableRows(names)).keys).toEqual(expectedRows(readings));
    expect(first).toMatchObject({
      records: 60,
      commits: [expect.objectContaining({ status: 'committed' })],
    });
    expect(await tableOffsets(names)).toEqual({ 0: 149n });
  });

  it('lands the batches of many partitions and environments in one commit', async () => {
    // Prepare: eight execution environments, one partition each, staging at the same time.
    const names = uniqueNames('group');
    const parts = Array.from({ length: 8 }, (_, p) => syntheticReadings(40, p, 30 + p));
    await stagingOnly(names)(event(names, syntheticReadings(1, 9, 1)));

    // Act
    const results: ClassifierResult[] = await Promise.all(
      parts.map((readings) => stagingOnly(names)(event(names, readings))),
    );
    const sweep = await flushStaged(names);

    // Assess
    expect(results.every((r) => r.commits.length === 0 && r.staged[0]?.key)).toBe(true);
    expect(sweep.topics[0]?.rounds).toEqual([
      expect.objectContaining({ status: 'committed', batchesTaken: 8, dataFiles: 1 }),
    ]);
    expect((await tableRows(names)).keys).toEqual(
      expectedRows([...syntheticReadings(1, 9, 1), ...parts.flat()]),
    );
  });

  it('settles batches left behind by a crash between the commit and their removal', async () => {
    // Prepare
    const names = uniqueNames('cleanup');
    const readings = syntheticReadings(80, 0, 7);
    await stagingOnly(names)(event(names, readings.slice(0, 1)));
    await stagingOnly(names)(event(names, readings.slice(1)));
    const iceberg = await openTable(names);
    const crashing = new GroupCommitter({
      store: stagingStore(names),
      catalog: iceberg.catalog,
      io: iceberg.io,
      table: iceberg.table,
      topic: names.topic,
      consumerGroup: names.group,
      afterCommit: () => {
        throw new Error('killed after the commit');
      },
    });

    // Act
    await expect(crashing.flush()).rejects.toThrow('killed after the commit');
    const left = await stagingStore(names).list('batches/');
    const sweep = await flushStaged(names);

    // Assess
    expect(left).toHaveLength(1);
    expect(sweep.topics[0]?.rounds[0]).toMatchObject({ status: 'settled', batchesDiscarded: 1 });
    expect((await tableRows(names)).keys).toEqual(expectedRows(readings));
    expect(await stagingStore(names).list('batches/')).toEqual([]);
  });

  it('appends a batch that a listing missed while a later one was committed', async () => {
    // Prepare: 0..49 and 50..99 staged; a listing that misses the first (as S3Proxy's file
    // system backend does under load) lets a round commit only the second.
    const names = uniqueNames('latelist');
    const readings = syntheticReadings(100, 0, 12);
    await stagingOnly(names)(event(names, readings.slice(0, 1)));
    await stagingOnly(names)(event(names, readings.slice(1, 50)));
    await stagingOnly(names)(event(names, readings.slice(50)));
    const store = stagingStore(names);
    const [missed] = await store.list('batches/');
    const blind = Object.assign(Object.create(store), {
      list: async (prefix: string) =>
        (await store.list(prefix)).filter((o) => o.key !== missed!.key),
    });
    const iceberg = await openTable(names);
    const round = await new GroupCommitter({
      store: blind,
      catalog: iceberg.catalog,
      io: iceberg.io,
      table: iceberg.table,
      topic: names.topic,
      consumerGroup: names.group,
    }).flush();
    const afterBlind = await tableRows(names);

    // Act
    await flushStaged(names);

    // Assess
    expect(round[0]).toMatchObject({ status: 'committed' });
    expect(afterBlind.keys).toEqual(expectedRows([...readings.slice(0, 1), ...readings.slice(50)]));
    expect((await tableRows(names)).keys).toEqual(expectedRows(readings));
    expect(await tableOffsets(names)).toEqual({ 0: 99n });
  });

  it('adds nothing twice when two committers run at once', async () => {
    // Prepare
    const names = uniqueNames('two');
    const parts = Array.from({ length: 4 }, (_, p) => syntheticReadings(60, p, 40 + p));
    await stagingOnly(names)(event(names, syntheticReadings(1, 9, 2)));
    await Promise.all(parts.map((r) => stagingOnly(names)(event(names, r))));

    // Act: two sweeps at once; neither waits for the other's lease.
    await Promise.all([flushStaged(names), flushStaged(names)]);

    // Assess
    expect((await tableRows(names)).keys).toEqual(
      expectedRows([...syntheticReadings(1, 9, 2), ...parts.flat()]),
    );
  });

  it('fills a gap left by a diverted batch from its replay, exactly once', async () => {
    // Prepare: 0..49 and 100..149 delivered; 50..99 went to the on-failure destination.
    const names = uniqueNames('gap');
    const readings = syntheticReadings(150, 0, 8);
    const classifier = newClassifier(names, { intervalMs: 0 });
    await classifier(event(names, readings.slice(0, 50)));
    await classifier(event(names, readings.slice(100)));
    await flushStaged(names);
    const withGap = await tableRows(names);

    // Act
    await classifier(event(names, readings.slice(50, 100), 'failed-batches.jsonl#1'));
    await flushStaged(names);
    const replayed = await tableRows(names);
    await newClassifier(names)(event(names, readings.slice(50, 100), 'failed-batches.jsonl#1'));
    await flushStaged(names);

    // Assess
    expect(withGap.keys).toEqual(expectedRows([...readings.slice(0, 50), ...readings.slice(100)]));
    expect(replayed.keys).toEqual(expectedRows(readings));
    expect((await tableRows(names)).keys).toEqual(expectedRows(readings));
    expect(await tableOffsets(names)).toEqual({ 0: 149n });
  });

  it('keeps exactly-once through commits of another engine, which carry no offsets', async () => {
    // Prepare
    const names = uniqueNames('foreign');
    const readings = syntheticReadings(100, 0, 9);
    await newClassifier(names)(event(names, readings));
    await flushStaged(names);
    const foreignRow = {
      sensor_id: 'spark_sensor',
      temperature: 99.5,
      alert_type: 'CRITICAL',
      reading_timestamp: '1795714902000000',
      processing_timestamp: '1795714902000000',
      location: 'zone_9',
      source_partition: 7,
      source_offset: '1',
    };
    await writeWithPyIceberg(pyIcebergArgs(names), { action: 'append', rows: [foreignRow] });
    const rewritten = await writeWithPyIceberg(pyIcebergArgs(names), { action: 'rewrite' });

    // Act: the whole batch is delivered again.
    await newClassifier(names)(event(names, readings));
    await flushStaged(names);

    // Assess
    const { keys } = await tableRows(names);
    expect(keys.filter((k) => !k.startsWith('7|'))).toEqual(expectedRows(readings));
    expect(keys.filter((k) => k.startsWith('7|'))).toHaveLength(1);
    expect(rewritten.properties[offsetsSummaryKey(names.topic, names.group)]).toBe('{"0":99}');
  });

  it('stops, adding nothing, when the offsets are gone from a table that holds rows', async () => {
    // Prepare: a foreign commit hides our summaries (Nessie serves only the current snapshot),
    // then the property is removed.
    const names = uniqueNames('lostoffsets');
    const readings = syntheticReadings(60, 0, 10);
    await newClassifier(names)(event(names, readings));
    await flushStaged(names);
    await writeWithPyIceberg(pyIcebergArgs(names), { action: 'rewrite' });
    await writeWithPyIceberg(pyIcebergArgs(names), {
      action: 'remove-property',
      key: offsetsSummaryKey(names.topic, names.group),
    });

    // Act
    const redelivered = await newClassifier(names, { intervalMs: 0 })(event(names, readings));
    const sweep = flushStaged(names);

    // Assess
    expect(redelivered.commits[0]).toMatchObject({
      error: expect.stringContaining('committedOffsetsMissing'),
    });
    await expect(sweep).rejects.toThrow(CommittedOffsetsMissingError);
    expect((await tableRows(names)).keys).toEqual(expectedRows(readings));
    expect(await stagingStore(names).list('batches/')).toHaveLength(1);
  });

  it('never creates a new empty table over one the catalog lost', async () => {
    // Prepare
    const names = uniqueNames('losttable');
    const readings = syntheticReadings(60, 0, 11);
    await newClassifier(names)(event(names, readings.slice(0, 30)));
    const iceberg = await openTable(names);
    await iceberg.catalog.dropTable(iceberg.table);

    // Act: a new execution environment receives the next batch.
    const result = await newClassifier(names)(event(names, readings.slice(30)));
    const sweep = flushStaged(names);

    // Assess: the batch is staged and kept; the table is not created again.
    expect(result.staged[0]?.key).toBeTruthy();
    await expect(sweep).rejects.toThrow(TableLostError);
    await expect(iceberg.catalog.loadTable(iceberg.table)).rejects.toThrow();
    expect(await stagingStore(names).list('batches/')).toHaveLength(1);
  });

  it('sends malformed records to the dead letter target and accounts for every record', async () => {
    // Prepare
    const names = uniqueNames('rejects');
    const readings = syntheticReadings(10, 0, 9);
    const records = readings.map((r) => kafkaRecord(names.topic, r));
    records.push({ ...records[0]!, offset: 10n, value: Uint8Array.from([0xff, 0xfe]) });
    records.push({
      ...records[0]!,
      offset: 11n,
      value: new TextEncoder().encode('{"sensor_id":""}'),
    });

    // Act
    const result = await newClassifier(names)(
      buildKafkaEvent(records, { eventSource: 'SelfManagedKafka', bootstrapServers: 'local' }),
    );
    await flushStaged(names);

    // Assess
    expect(result.rejected).toBe(2);
    expect(result.alerts + result.belowThreshold + result.rejected).toBe(12);
    expect((await tableRows(names)).keys).toEqual(expectedRows(readings));
    const { io } = await openTable(names);
    const base = `s3://${localEndpoints().warehouseBucket}/dead-letters/${names.table}/${names.topic}/0`;
    const letters = await Promise.all(
      ['10', '11'].map(async (o) =>
        JSON.parse(new TextDecoder().decode(await io.read(`${base}/${o}.json`))),
      ),
    );
    expect(letters.map((l) => [l.offset, l.reason])).toEqual([
      ['10', 'not_utf8'],
      ['11', 'invalid_reading'],
    ]);
    expect(letters[0].value).toBe(Buffer.from([0xff, 0xfe]).toString('base64'));
  });

  it('commits every interval from a committer run while the invocations only stage', async () => {
    // Prepare: the classifier as deployed (interval 1 s, commits itself 3 s after a round).
    const names = uniqueNames('run');
    const readings = syntheticReadings(120, 0, 11);
    const classifier = newClassifier(names);
    await stagingOnly(names)(event(names, syntheticReadings(1, 1, 1)));

    // Act: a four-second run, with a batch staged every 400 ms meanwhile.
    const run = newCommitter(names)({ runForMs: 4_000 });
    await sleep(200);
    const results: ClassifierResult[] = [];
    for (let i = 0; i < 6; i++) {
      results.push(await classifier(event(names, readings.slice(i * 20, (i + 1) * 20))));
      await sleep(400);
    }
    const done = await run;

    // Assess
    expect(results.flatMap((r) => r.commits)).toEqual([]);
    const rounds = done.topics[0]!.rounds;
    expect(rounds.length).toBeGreaterThanOrEqual(2);
    expect(rounds.length).toBeLessThanOrEqual(5);
    expect(rounds.every((r) => r.status === 'committed')).toBe(true);
    await flushStaged(names);
    expect((await tableRows(names)).keys).toEqual(
      expectedRows([...syntheticReadings(1, 1, 1), ...readings]),
    );
  });
});
