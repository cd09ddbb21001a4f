import { parseReading, type RejectReason } from './reading';
import { type AlertThresholds, DEFAULT_THRESHOLDS, type Severity, severityOf } from './severity';

/** One row of the sensor_alerts table (column names as in the table schema). */
export type SensorAlertRow = {
  sensor_id: string;
  temperature: number;
  alert_type: Severity;
  reading_timestamp: bigint;
  processing_timestamp: bigint;
  location: string | null;
  source_partition: number;
  source_offset: bigint;
};

/** The parts of a Kafka record that classification needs. */
export interface ClassifiableRecord {
  topic: string;
  partition: number;
  offset: bigint;
  value: Uint8Array | null;
}

export interface RejectedRecord<R extends ClassifiableRecord = ClassifiableRecord> {
  record: R;
  reason: RejectReason;
  detail: string;
}

export interface Classification<R extends ClassifiableRecord = ClassifiableRecord> {
  alerts: SensorAlertRow[];
  belowThreshold: number;
  rejected: RejectedRecord<R>[];
}

export interface ClassifyOptions {
  thresholds?: AlertThresholds;
  /** Stamped on every alert of the batch, microseconds since the epoch. */
  processingTimestampMicros: bigint;
  maxValueBytes?: number;
}

/** Sorts every record into exactly one of: alert, below threshold, rejected. Pure. */
export function classifyRecords<R extends ClassifiableRecord>(
  records: readonly R[],
  options: ClassifyOptions,
): Classification<R> {
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const out: Classification<R> = { alerts: [], belowThreshold: 0, rejected: [] };
  for (const record of records) {
    const parsed = parseReading(record.value, options.maxValueBytes);
    if (!parsed.ok) {
      out.rejected.push({ record, reason: parsed.reason, detail: parsed.detail });
      continue;
    }
    const { reading } = parsed;
    const severity = severityOf(reading.temperature, thresholds);
    if (severity === undefined) {
      out.belowThreshold++;
      continue;
    }
    out.alerts.push({
      sensor_id: reading.sensorId,
      temperature: reading.temperature,
      alert_type: severity,
      reading_timestamp: reading.readingTimestampMicros,
      processing_timestamp: options.processingTimestampMicros,
      location: reading.location,
      source_partition: record.partition,
      source_offset: record.offset,
    });
  }
  return out;
}
