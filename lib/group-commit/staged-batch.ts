import type { SensorAlertRow } from '../alerts/classify';
import { SEVERITIES, type Severity } from '../alerts/severity';
import { StagedBatchFormatError } from './errors';

/**
 * One delivered batch of one topic-partition, classified and waiting to be committed: the
 * offsets of the whole batch (not only of its alerts) and its alert rows. The unit of
 * exactly-once under group commit (see commit-plan.ts for the rules).
 */
export interface StagedBatch {
  topic: string;
  partition: number;
  firstOffset: bigint;
  lastOffset: bigint;
  consumerGroup: string;
  stagedAtMs: number;
  counts: { records: number; alerts: number; belowThreshold: number; rejected: number };
  /** Present when the batch was put back by the replay tool after being diverted. */
  replay?: { source: string };
  rows: SensorAlertRow[];
}

export const STAGED_BATCH_FORMAT = 'sensor-alerts.staged-batch/1';

const COLUMNS = [
  'sensor_id',
  'temperature',
  'alert_type',
  'reading_timestamp',
  'processing_timestamp',
  'location',
  'source_partition',
  'source_offset',
] as const;

type WireRow = [string, number, string, string, string, string | null, number, string];

interface WireBatch {
  format: typeof STAGED_BATCH_FORMAT;
  topic: string;
  partition: number;
  firstOffset: string;
  lastOffset: string;
  consumerGroup: string;
  stagedAtMs: number;
  counts: StagedBatch['counts'];
  replay?: { source: string };
  columns: typeof COLUMNS;
  rows: WireRow[];
}

/** JSON with 64-bit values as decimal strings; rows as arrays in `columns` order. */
export function encodeStagedBatch(batch: StagedBatch): Uint8Array {
  const wire: WireBatch = {
    format: STAGED_BATCH_FORMAT,
    topic: batch.topic,
    partition: batch.partition,
    firstOffset: batch.firstOffset.toString(),
    lastOffset: batch.lastOffset.toString(),
    consumerGroup: batch.consumerGroup,
    stagedAtMs: batch.stagedAtMs,
    counts: batch.counts,
    ...(batch.replay ? { replay: batch.replay } : {}),
    columns: COLUMNS,
    rows: batch.rows.map((r) => [
      r.sensor_id,
      r.temperature,
      r.alert_type,
      r.reading_timestamp.toString(),
      r.processing_timestamp.toString(),
      r.location,
      r.source_partition,
      r.source_offset.toString(),
    ]),
  };
  return new TextEncoder().encode(JSON.stringify(wire));
}

export function decodeStagedBatch(bytes: Uint8Array, where: string): StagedBatch {
  const fail = (why: string): never => {
    throw new StagedBatchFormatError(`staged batch ${where}: ${why}`);
  };
  let wire: WireBatch;
  try {
    wire = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new StagedBatchFormatError(`staged batch ${where} is not JSON`, { cause });
  }
  if (wire?.format !== STAGED_BATCH_FORMAT) fail(`unknown format ${String(wire?.format)}`);
  if (JSON.stringify(wire.columns) !== JSON.stringify(COLUMNS)) fail('unexpected columns');
  if (!Array.isArray(wire.rows)) fail('rows missing');
  const firstOffset = offset(wire.firstOffset) ?? fail('bad firstOffset');
  const lastOffset = offset(wire.lastOffset) ?? fail('bad lastOffset');
  if (lastOffset < firstOffset) fail('lastOffset below firstOffset');
  if (!Number.isInteger(wire.partition) || wire.partition < 0) fail('bad partition');
  const rows = wire.rows.map((w, i): SensorAlertRow => {
    const row = Array.isArray(w) && w.length === COLUMNS.length ? w : fail(`row ${i} malformed`);
    const [sensorId, temperature, alertType, reading, processing, location, partition, off] = row;
    const sourceOffset = offset(off);
    const readingTs = micros(reading);
    const processingTs = micros(processing);
    if (
      typeof sensorId !== 'string' ||
      typeof temperature !== 'number' ||
      !SEVERITIES.includes(alertType as Severity) ||
      readingTs === undefined ||
      processingTs === undefined ||
      (location !== null && typeof location !== 'string') ||
      partition !== wire.partition ||
      sourceOffset === undefined ||
      sourceOffset < firstOffset ||
      sourceOffset > lastOffset
    ) {
      fail(`row ${i} malformed`);
    }
    return {
      sensor_id: sensorId,
      temperature,
      alert_type: alertType as Severity,
      reading_timestamp: readingTs!,
      processing_timestamp: processingTs!,
      location,
      source_partition: partition,
      source_offset: sourceOffset!,
    };
  });
  return {
    topic: wire.topic,
    partition: wire.partition,
    firstOffset,
    lastOffset,
    consumerGroup: wire.consumerGroup,
    stagedAtMs: wire.stagedAtMs,
    counts: wire.counts,
    ...(wire.replay ? { replay: { source: String(wire.replay.source) } } : {}),
    rows,
  };
}

function offset(text: unknown): bigint | undefined {
  return typeof text === 'string' && /^\d{1,19}$/.test(text) ? BigInt(text) : undefined;
}

function micros(text: unknown): bigint | undefined {
  return typeof text === 'string' && /^-?\d{1,19}$/.test(text) ? BigInt(text) : undefined;
}
