import { randomBytes } from 'node:crypto';
import type { Producer } from 'kafkajs';
import {
  type ClassifierHandler,
  createClassifierHandler,
} from '../../functions/classifier/create-handler';
import {
  type CommitterHandler,
  createCommitterHandler,
} from '../../functions/committer/create-handler';
import { generateReadings } from '../../functions/generator/readings';
import {
  type ClassifierConfig,
  type CommitterConfig,
  parseClassifierConfig,
  parseCommitterConfig,
} from '../../functions/shared/config';
import { connectIceberg, type IcebergClients } from '../../functions/shared/iceberg';
import { offsetsSummaryKey, readCommittedOffsets } from '../../lib/alerts/offsets';
import type { SensorReading } from '../../lib/alerts/reading';
import { SENSOR_ALERTS_SCHEMA } from '../../lib/alerts/table';
import { parseTimestampMicros } from '../../lib/alerts/timestamp';
import { mainAncestry, planFiles, type Row, readRows } from '../../lib/iceberg';
import { createIdempotentProducer, createKafka, parseBrokers } from '../../lib/kafka/client';
import type { KafkaRecord } from '../../lib/kafka/event';
import { ensureTopic } from '../../lib/kafka/topics';
import { localEndpoints } from '../../local/endpoints';
import { classifierEnv } from '../../local/esm/local-env';

process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

/** Names unique to one test, so tests never see each other's topics, groups or tables. */
export function uniqueNames(label: string) {
  const id = `${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  return {
    topic: `it_${id}`,
    alertsTopic: `it_${id}_alerts`,
    group: `it_${id}`,
    table: `alerts_${id}`,
    namespace: 'it',
  };
}

export type Names = ReturnType<typeof uniqueNames>;

function namesEnv(names: Names, extra: Record<string, string> = {}) {
  return classifierEnv(
    {
      ...process.env,
      ICEBERG_NAMESPACE: names.namespace,
      ICEBERG_TABLE: names.table,
      DEAD_LETTER_TARGET: `s3://${localEndpoints().warehouseBucket}/dead-letters/${names.table}`,
      SENSOR_TOPIC: names.topic,
      ALERTS_TOPIC: names.alertsTopic,
      ...extra,
    },
    names.group,
  );
}

export function classifierConfig(
  names: Names,
  extra: Record<string, string> = {},
): ClassifierConfig {
  return parseClassifierConfig(namesEnv(names, extra));
}

export function committerConfig(names: Names): CommitterConfig {
  return parseCommitterConfig(namesEnv(names));
}

/**
 * A fresh classifier, as a new Lambda execution environment would build it. `intervalMs` is its
 * commit interval (COMMIT_INTERVAL_MS; default 1 s).
 */
export function newClassifier(
  names: Names,
  options: { intervalMs?: number; extra?: Record<string, string> } = {},
): ClassifierHandler {
  const extra: Record<string, string> = {
    // No committer runs beside these classifiers, so each commits once the interval has passed.
    ...(options.intervalMs === undefined
      ? {}
      : {
          COMMIT_INTERVAL_MS: String(options.intervalMs),
          COMMIT_FALLBACK_AFTER_MS: String(options.intervalMs),
        }),
    ...options.extra,
  };
  return createClassifierHandler(classifierConfig(names, extra));
}

/** A fresh committer function (the sweep). */
export function newCommitter(names: Names): CommitterHandler {
  return createCommitterHandler(committerConfig(names));
}

/** Lands everything staged so far, as the committer's schedule would. */
export async function flushStaged(names: Names) {
  return newCommitter(names)({ source: 'test' });
}

export const kafka = () => createKafka({ brokers: parseBrokers(localEndpoints().kafkaBrokers) });

export interface Produced {
  reading: SensorReading;
  partition: number;
  offset: bigint;
}

/**
 * Produces seeded readings round-robin over the partitions of a new topic. On a fresh topic
 * the n-th message of a partition has offset n, so each reading's lineage is known.
 */
export async function produceToPartitions(
  names: Names,
  options: { numReadings: number; partitions: number; seed: number },
): Promise<Produced[]> {
  const k = kafka();
  await ensureTopic(k, names.topic, { partitions: options.partitions });
  const producer: Producer = createIdempotentProducer(k);
  await producer.connect();
  const produced: Produced[] = [];
  const generated = [
    ...generateReadings({
      numReadings: options.numReadings,
      numSensors: 10,
      seed: options.seed,
      startTime: '2026-11-26T17:41:42Z',
    }),
  ];
  try {
    for (let p = 0; p < options.partitions; p++) {
      const mine = generated.filter((_, i) => i % options.partitions === p);
      await producer.send({
        topic: names.topic,
        acks: -1,
        messages: mine.map((g) => ({ key: g.key, value: JSON.stringify(g.reading), partition: p })),
      });
      mine.forEach((g, n) => {
        produced.push({ reading: g.reading, partition: p, offset: BigInt(n) });
      });
    }
  } finally {
    await producer.disconnect();
  }
  return produced;
}

/** A Kafka record as the mapping would deliver it, for invoking the handler directly. */
export function kafkaRecord(topic: string, p: Produced): KafkaRecord {
  return {
    topic,
    partition: p.partition,
    offset: p.offset,
    timestamp: Date.now(),
    timestampType: 'CREATE_TIME',
    key: new TextEncoder().encode(p.reading.sensor_id),
    value: new TextEncoder().encode(JSON.stringify(p.reading)),
    headers: [],
  };
}

/** Seeded readings with known lineage, without going through Kafka. */
export function syntheticReadings(
  numReadings: number,
  partition: number,
  seed: number,
): Produced[] {
  return [
    ...generateReadings({ numReadings, numSensors: 5, seed, startTime: '2026-11-26T08:00:00Z' }),
  ].map((g, i) => ({ reading: g.reading, partition, offset: BigInt(i) }));
}

/**
 * The rows the table must hold for these readings, written independently of the classifier:
 * readings above 80 become alerts, CRITICAL above 90, HIGH above 85, else MEDIUM.
 */
export function expectedRows(produced: readonly Produced[]): string[] {
  return produced
    .filter((p) => p.reading.temperature > 80)
    .map((p) => {
      const t = p.reading.temperature;
      const severity = t > 90 ? 'CRITICAL' : t > 85 ? 'HIGH' : 'MEDIUM';
      return rowKey({
        sensor_id: p.reading.sensor_id,
        temperature: t,
        alert_type: severity,
        reading_timestamp: parseTimestampMicros(p.reading.timestamp)!,
        location: p.reading.location ?? null,
        source_partition: p.partition,
        source_offset: p.offset,
      });
    })
    .sort();
}

export function rowKey(r: Row): string {
  return [
    r.source_partition,
    r.source_offset,
    r.sensor_id,
    r.temperature,
    r.alert_type,
    r.reading_timestamp,
    r.location,
  ].join('|');
}

export async function openTable(names: Names): Promise<IcebergClients> {
  return connectIceberg(classifierConfig(names).iceberg);
}

/** Every row of the table's current snapshot, as sorted comparable keys. */
export async function tableRows(names: Names): Promise<{ keys: string[]; rows: Row[] }> {
  const iceberg = await openTable(names);
  const table = await iceberg.catalog.loadTable(iceberg.table);
  const files = await planFiles(iceberg.io, table);
  const rows = (
    await Promise.all(files.map((f) => readRows(iceberg.io, f, SENSOR_ALERTS_SCHEMA)))
  ).flat();
  return { keys: rows.map(rowKey).sort(), rows };
}

/** The committed offsets as the table property holds them (and where they came from). */
export async function tableOffsets(names: Names) {
  const iceberg = await openTable(names);
  const table = await iceberg.catalog.loadTable(iceberg.table);
  const found = readCommittedOffsets(
    {
      properties: table.metadata.properties,
      summaries: [...mainAncestry(table.metadata)].map((s) => s.summary),
    },
    offsetsSummaryKey(names.topic, names.group),
  );
  return found.source === 'table-property' ? found.offsets : { source: found.source };
}

/** How PyIceberg reaches this test's table. */
export function pyIcebergArgs(names: Names) {
  const e = localEndpoints();
  return {
    uri: e.catalogUri,
    warehouse: e.catalogWarehouse,
    namespace: names.namespace,
    table: names.table,
    s3_endpoint: e.s3Endpoint,
    s3_region: e.s3Region,
    s3_access_key_id: e.s3AccessKeyId,
    s3_secret_access_key: e.s3SecretAccessKey,
  };
}
