import { z } from 'zod';
import { readTimestampMicros } from './timestamp';

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
  /** A string holds a lone UTF-16 surrogate (a JSON escape such as `\ud800`): not Unicode text. */
  | 'invalid_text'
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
    .transform((s, ctx) => {
      const parsed = readTimestampMicros(s);
      if (parsed.ok) return parsed.micros;
      ctx.addIssue({ code: 'custom', message: parsed.reason });
      return z.NEVER;
    }),
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
  const malformed = firstLoneSurrogate(json, '');
  if (malformed !== undefined) {
    return { ok: false, reason: 'invalid_text', detail: malformed };
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
      readingTimestampMicros: r.timestamp,
      location: r.location ?? null,
    },
  };
}

// Below this depth a value is not a reading anyway; the walk stops instead of recursing on.
const MAX_DEPTH = 32;

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Where the first string (or key) with a lone surrogate is, described for the dead letter.
 * `JSON.parse` turns an escaped `\ud800` into a string that is not valid Unicode; stored, it
 * would come back as U+FFFD, silently altered.
 */
function firstLoneSurrogate(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return describeSurrogate(value, path || '(root)');
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const keyProblem = describeSurrogate(key, `${path || '(root)'} key`);
    if (keyProblem !== undefined) return keyProblem;
    const childPath = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    const found = firstLoneSurrogate(child, childPath, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function describeSurrogate(text: string, where: string): string | undefined {
  const m = LONE_SURROGATE.exec(text);
  if (!m) return undefined;
  const hex = m[0].charCodeAt(0).toString(16).padStart(4, '0');
  return `${where}: lone surrogate \\u${hex} at index ${m.index} is not valid Unicode text`;
}
