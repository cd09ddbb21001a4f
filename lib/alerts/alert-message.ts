import { z } from 'zod';
import type { SensorAlertRow } from './classify';
import { AlertMessageError } from './errors';
import { SEVERITIES, type Severity } from './severity';
import { formatTimestampMicros, readTimestampMicros } from './timestamp';

/**
 * The alert stream's wire format: one Kafka message per alert, published by the classifier.
 *
 * - key: the sensor id (UTF-8), so one sensor's alerts stay in order on one partition;
 * - value: an {@link AlertMessage} as JSON;
 * - headers: the source record's topic, partition and offset (UTF-8 decimal strings) and
 *   `alert-id` = `<source topic>:<partition>:<offset>`.
 *
 * The alert id names the reading the alert came from, so it is the same on every delivery of
 * that reading: a consumer drops duplicates by it.
 */
export interface AlertMessage {
  alert_id: string;
  sensor_id: string;
  temperature: number;
  alert_type: Severity;
  /** ISO-8601 UTC with microseconds: `YYYY-MM-DDTHH:MM:SS.ffffffZ`. */
  reading_timestamp: string;
  processing_timestamp: string;
  location: string | null;
  source_topic: string;
  source_partition: number;
  /** Decimal string: an offset can exceed 2^53. */
  source_offset: string;
}

export const ALERT_HEADERS = {
  sourceTopic: 'source-topic',
  sourcePartition: 'source-partition',
  sourceOffset: 'source-offset',
  alertId: 'alert-id',
} as const;

/** A message as a Kafka client sends it (kafkajs's `Message` accepts this shape). */
export interface EncodedAlert {
  key: string;
  value: string;
  headers: Record<string, string>;
}

type Bytes = Buffer | Uint8Array | string;

/** A message as a Kafka client hands it over (kafkajs's `KafkaMessage` fits). */
export interface ReceivedAlert {
  key?: Bytes | null;
  value: Bytes | null;
  headers?: Record<string, Bytes | Bytes[] | undefined>;
}

/** The stable id of the alert of a source record. Kafka topic names cannot hold ':'. */
export function alertIdOf(topic: string, partition: number, offset: bigint | string): string {
  return `${topic}:${partition}:${offset.toString()}`;
}

/** The message of a classified row; `sourceTopic` is the topic the reading was read from. */
export function toAlertMessage(row: SensorAlertRow, sourceTopic: string): AlertMessage {
  return {
    alert_id: alertIdOf(sourceTopic, row.source_partition, row.source_offset),
    sensor_id: row.sensor_id,
    temperature: row.temperature,
    alert_type: row.alert_type,
    reading_timestamp: formatTimestampMicros(row.reading_timestamp),
    processing_timestamp: formatTimestampMicros(row.processing_timestamp),
    location: row.location,
    source_topic: sourceTopic,
    source_partition: row.source_partition,
    source_offset: row.source_offset.toString(),
  };
}

/** Key, value and headers of a classified row's alert message. */
export function encodeAlert(row: SensorAlertRow, sourceTopic: string): EncodedAlert {
  const message = toAlertMessage(row, sourceTopic);
  return {
    key: message.sensor_id,
    value: JSON.stringify(message),
    headers: {
      [ALERT_HEADERS.sourceTopic]: message.source_topic,
      [ALERT_HEADERS.sourcePartition]: String(message.source_partition),
      [ALERT_HEADERS.sourceOffset]: message.source_offset,
      [ALERT_HEADERS.alertId]: message.alert_id,
    },
  };
}

const UTC_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const timestamp = z
  .string()
  .regex(UTC_MICROS, 'must be YYYY-MM-DDTHH:MM:SS.ffffffZ')
  .refine((t) => readTimestampMicros(t).ok, 'must be a real UTC time');

const messageSchema = z
  .object({
    alert_id: z.string().min(1),
    sensor_id: z.string().min(1),
    temperature: z.number().refine(Number.isFinite, 'must be finite'),
    alert_type: z.enum(SEVERITIES as [Severity, ...Severity[]]),
    reading_timestamp: timestamp,
    processing_timestamp: timestamp,
    location: z.string().nullable(),
    source_topic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a Kafka topic name'),
    source_partition: z.number().int().min(0).max(2_147_483_647),
    source_offset: z.string().regex(/^(0|[1-9]\d{0,18})$/, 'must be a decimal offset'),
  })
  .refine(
    (m) => m.alert_id === alertIdOf(m.source_topic, m.source_partition, m.source_offset),
    'alert_id must be <source_topic>:<source_partition>:<source_offset>',
  );

const text = (b: Bytes) => (typeof b === 'string' ? b : Buffer.from(b).toString('utf8'));

function headerText(headers: ReceivedAlert['headers'], name: string): string | undefined {
  const h = headers?.[name];
  if (h === undefined) return undefined;
  if (Array.isArray(h)) {
    if (h.length !== 1) throw new AlertMessageError(`header ${name} appears ${h.length} times`);
    return text(h[0]!);
  }
  return text(h);
}

/**
 * Decodes and validates a received alert message. The headers, when present, must agree with
 * the value, and so must the key; anything else is an {@link AlertMessageError}.
 */
export function decodeAlert(received: ReceivedAlert): AlertMessage {
  if (received.value === null) throw new AlertMessageError('alert message has no value');
  let json: unknown;
  try {
    json = JSON.parse(text(received.value));
  } catch (cause) {
    throw new AlertMessageError('alert message value is not JSON', { cause });
  }
  const parsed = messageSchema.safeParse(json);
  if (!parsed.success) {
    throw new AlertMessageError(`invalid alert message: ${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  const message = parsed.data;
  const expected: Record<string, string> = {
    [ALERT_HEADERS.sourceTopic]: message.source_topic,
    [ALERT_HEADERS.sourcePartition]: String(message.source_partition),
    [ALERT_HEADERS.sourceOffset]: message.source_offset,
    [ALERT_HEADERS.alertId]: message.alert_id,
  };
  for (const [name, value] of Object.entries(expected)) {
    const got = headerText(received.headers, name);
    if (got !== undefined && got !== value) {
      throw new AlertMessageError(`header ${name}=${got} disagrees with the value (${value})`);
    }
  }
  if (received.key !== undefined && received.key !== null) {
    const key = text(received.key);
    if (key !== message.sensor_id) {
      throw new AlertMessageError(`key ${key} is not the sensor id ${message.sensor_id}`);
    }
  }
  return message;
}

/** The table row of a decoded message (timestamps back to microseconds). */
export function alertRowOf(message: AlertMessage): SensorAlertRow {
  const micros = (t: string) => {
    const r = readTimestampMicros(t);
    if (!r.ok) throw new AlertMessageError(`timestamp ${t} ${r.reason}`);
    return r.micros;
  };
  return {
    sensor_id: message.sensor_id,
    temperature: message.temperature,
    alert_type: message.alert_type,
    reading_timestamp: micros(message.reading_timestamp),
    processing_timestamp: micros(message.processing_timestamp),
    location: message.location,
    source_partition: message.source_partition,
    source_offset: BigInt(message.source_offset),
  };
}

/**
 * Keeps the first message of every alert id, in order: what a consumer of the stream does to
 * see each alert once after a redelivery.
 */
export function dedupeByAlertId<M extends { alert_id: string }>(messages: Iterable<M>): M[] {
  const seen = new Set<string>();
  const out: M[] = [];
  for (const m of messages) {
    if (seen.has(m.alert_id)) continue;
    seen.add(m.alert_id);
    out.push(m);
  }
  return out;
}
