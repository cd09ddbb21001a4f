import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalQueryEngine } from '../../functions/query/local-engine';
import { runNamedQuery } from '../../functions/query/queries';
import { allAlertsSql } from '../../functions/query/sql';
import { severityOf } from '../../lib/alerts/severity';
import { expectedAlerts } from '../../local/demo/checks';
import {
  type LocalPipeline,
  localClassifier,
  localCommitter,
  openLocalPipeline,
  produceGenerated,
  quietRunnerLogger,
  runNames,
} from '../../local/demo/local-pipeline';
import { readTopic } from '../../local/demo/topic-reader';
import { inProcessInvoker } from '../../local/esm/invokers';
import { EventSourceMappingRunner, type RunnerStats } from '../../local/esm/runner';

const thresholds = { threshold: 80, high: 85, critical: 90 };
const queryThresholds = { alertThreshold: 80, criticalThreshold: 90 };
const READINGS = 400;

/** The lineage-carrying columns compared between what was produced and what the table holds. */
interface AlertLineage {
  sensor_id: string;
  temperature: number;
  alert_type: string;
  source_partition: number;
  source_offset: number;
}

const byLineage = (a: AlertLineage, b: AlertLineage) =>
  a.source_partition - b.source_partition || a.source_offset - b.source_offset;

let pipeline: LocalPipeline;
let engine: LocalQueryEngine;

async function runClassifier(): Promise<RunnerStats> {
  const runner = new EventSourceMappingRunner({
    kafka: pipeline.kafka,
    topic: pipeline.names.topic,
    groupId: pipeline.names.groupId,
    invoke: inProcessInvoker(localClassifier(pipeline, thresholds), 'sensor-classifier'),
    batchSize: 50,
    batchWindowMs: 100,
    logger: quietRunnerLogger,
  });
  try {
    await runner.start();
    const stats = await runner.runUntilIdle({ timeoutMs: 120_000 });
    await localCommitter(pipeline)({ source: 'test' });
    return stats;
  } finally {
    await runner.stop();
  }
}

async function tableAlerts(): Promise<AlertLineage[]> {
  const rows = await engine.run(allAlertsSql(engine.tableRef));
  return rows.map((row) => ({
    sensor_id: row.sensor_id as string,
    temperature: row.temperature as number,
    alert_type: row.alert_type as string,
    source_partition: row.source_partition as number,
    source_offset: row.source_offset as number,
  }));
}

describe('pipeline end to end on the local services', () => {
  let produced: Awaited<ReturnType<typeof produceGenerated>>;
  let firstRun: RunnerStats;

  beforeAll(async () => {
    pipeline = await openLocalPipeline(runNames(`e2e_${randomBytes(4).toString('hex')}`));
    engine = new LocalQueryEngine({
      catalog: pipeline.iceberg.catalog,
      io: pipeline.iceberg.io,
      ident: pipeline.iceberg.table,
    });
    produced = await produceGenerated(pipeline, {
      readings: READINGS,
      sensors: 10,
      seed: 20_261_126,
    });
    firstRun = await runClassifier();
  });

  afterAll(async () => {
    await engine?.close();
  });

  it('consumes every produced reading', () => {
    // Assess
    expect(firstRun.records).toBe(READINGS);
  });

  it('holds exactly one alert per reading above the threshold, with its Kafka lineage', async () => {
    // Prepare: the independent view of the topic, read back with plain kafkajs.
    const { records } = await readTopic(pipeline.kafka, pipeline.names.topic);
    const expected: AlertLineage[] = [];
    for (const record of records) {
      const reading = JSON.parse(record.value!.toString('utf8'));
      const alertType = severityOf(reading.temperature, thresholds);
      if (alertType === undefined) continue;
      expected.push({
        sensor_id: reading.sensor_id,
        temperature: reading.temperature,
        alert_type: alertType,
        source_partition: record.partition,
        source_offset: Number(record.offset),
      });
    }

    // Act
    const actual = await tableAlerts();

    // Assess
    expect(records).toHaveLength(READINGS);
    expect(expected.length).toBeGreaterThan(0);
    expect(actual.sort(byLineage)).toEqual(expected.sort(byLineage));
  });

  it('summarises the same counts per severity as the produced readings give', async () => {
    // Prepare
    const alerts = expectedAlerts(produced, thresholds);
    const expectedCounts = (['CRITICAL', 'HIGH', 'MEDIUM'] as const)
      .map((type) => ({
        alert_type: type,
        alert_count: alerts.filter((a) => a.alert_type === type).length,
        max_temperature: Math.max(
          ...alerts.filter((a) => a.alert_type === type).map((a) => a.temperature),
        ),
      }))
      .filter((row) => row.alert_count > 0);

    // Act
    const summary = await runNamedQuery(engine, 'alert-summary', queryThresholds);

    // Assess
    expect(
      summary.rows.map(({ alert_type, alert_count, max_temperature }) => ({
        alert_type,
        alert_count,
        max_temperature,
      })),
    ).toEqual(expectedCounts);
  });

  it('passes every validation', async () => {
    // Act
    const validations = await runNamedQuery(engine, 'validations', queryThresholds);

    // Assess
    expect(validations.rows.filter((v) => !v.passed)).toEqual([]);
    expect(validations.passed).toBe(true);
  });

  it('returns the latest CRITICAL alerts newest first', async () => {
    // Prepare
    const newest = expectedAlerts(produced, thresholds)
      .filter((a) => a.alert_type === 'CRITICAL')
      .map((a) => a.reading_timestamp)
      .sort()
      .reverse()
      .slice(0, 10);

    // Act
    const latest = await runNamedQuery(engine, 'latest-critical', queryThresholds);

    // Assess
    expect(latest.rows.map((r) => r.reading_timestamp)).toEqual(newest);
  });

  it('adds nothing when the whole topic is delivered again to the same consumer group', async () => {
    // Prepare: rewind the group, as a lost offset commit or a replayed mapping would.
    const before = await tableAlerts();
    const admin = pipeline.kafka.admin();
    await admin.connect();
    await admin
      .resetOffsets({
        groupId: pipeline.names.groupId,
        topic: pipeline.names.topic,
        earliest: true,
      })
      .finally(() => admin.disconnect());

    // Act
    const replay = await runClassifier();
    const after = await tableAlerts();

    // Assess
    expect(replay.records).toBe(READINGS);
    expect(after.sort(byLineage)).toEqual(before.sort(byLineage));
  });
});
