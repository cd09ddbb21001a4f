import { z } from 'zod';
import { parseTimestampMicros } from './timestamp';

/** Largest message value the classifier accepts; a reading is well under 200 bytes. */
export const DEFAULT_MAX_VALUE_BYTES = 64 * 1024;
export const MAX_TEXT_FIELD_LENGTH = 256;

/** A sensor reading as it travels on the topic (one JSON object per message). */
export interface SensorReading {
  sensor_id: string;
  temperature: number;
  /** ISO-8601; without a zone it means UTC. */
  timestamp: string;
  location?: string | null;
}

/** A reading that passed validation, with its timestamp resolved to epoch microseconds. */
export interface ValidReading {
  sensorId: string;
  temperature: number;
  readingTimestampMicros: bigint;
  location: string | null;
}

export type RejectReason =
  | 'empty_value'
  | 'oversized'
  | 'not_utf8'
  | 'invalid_json'
  | 'invalid_reading';

export type ParsedReading =
  | { ok: true; reading: ValidReading }
  | { ok: false; reason: RejectReason; detail: string };

// Unknown fields are tolerated (and ignored) so that producers can add fields without
// sending every reading to the dead letter target.
const readingSchema = z.object({
  sensor_id: z.string().min(1).max(MAX_TEXT_FIELD_LENGTH),
  temperature: z.number().refine(Number.isFinite, 'must be a finite number'),
  timestamp: z
    .string()
    .max(64)
    .refine((s) => parseTimestampMicros(s) !== undefined, 'must be an ISO-8601 timestamp'),
  location: z.string().max(MAX_TEXT_FIELD_LENGTH).nullish(),
});

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Validates one message value (raw bytes). Pure: never throws for bad input. */
export function parseReading(
  value: Uint8Array | null,
  maxValueBytes: number = DEFAULT_MAX_VALUE_BYTES,
): ParsedReading {
  if (value === null || value.byteLength === 0) {
    return { ok: false, reason: 'empty_value', detail: 'message has no value' };
  }
  if (value.byteLength > maxValueBytes) {
    return {
      ok: false,
      reason: 'oversized',
      detail: `value is ${value.byteLength} bytes, limit ${maxValueBytes}`,
    };
  }
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return { ok: false, reason: 'not_utf8', detail: 'value is not valid UTF-8' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: 'invalid_json', detail: (error as Error).message };
  }
  const result = readingSchema.safeParse(json);
  if (!result.success) {
    const detail = result.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    return { ok: false, reason: 'invalid_reading', detail };
  }
  const r = result.data;
  return {
    ok: true,
    reading: {
      sensorId: r.sensor_id,
      temperature: r.temperature,
      readingTimestampMicros: parseTimestampMicros(r.timestamp)!,
      location: r.location ?? null,
    },
  };
}
