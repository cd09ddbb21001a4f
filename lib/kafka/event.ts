import { z } from 'zod';
import { KafkaEventError } from './errors';

/** One Kafka record as the functions see it, decoded from a Lambda Kafka event. */
export interface KafkaRecord {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit; bigint keeps them exact and matches the table's `long`. */
  offset: bigint;
  /** Milliseconds since the epoch. */
  timestamp: number;
  timestampType: 'CREATE_TIME' | 'LOG_APPEND_TIME';
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: KafkaHeader[];
  /**
   * Keys of headers the event carried in a shape that could not be decoded (not a byte array);
   * they are left out of `headers` rather than failing the batch. Absent when there were none.
   */
  undecodableHeaders?: string[];
}

export interface KafkaHeader {
  key: string;
  value: Uint8Array;
}

/**
 * A record as it appears in a Lambda Kafka event: base64 key and value, headers as byte arrays
 * (0..255 here; some runtimes deliver Java's signed bytes, -128..127, which are read as well).
 */
export interface LambdaKafkaRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: 'CREATE_TIME' | 'LOG_APPEND_TIME';
  key?: string;
  value?: string;
  headers: Record<string, number[]>[];
}

/**
 * Marks an event that puts a diverted batch back: `source` names the on-failure destination and
 * the batch in it. A classifier de-duplicates such records by lineage, not by committed offsets.
 */
export interface ReplayMarker {
  source: string;
}

export interface MskKafkaEvent {
  eventSource: 'aws:kafka';
  eventSourceArn: string;
  bootstrapServers: string;
  records: Record<string, LambdaKafkaRecord[]>;
  replay?: ReplayMarker;
}

export interface SelfManagedKafkaEvent {
  eventSource: 'SelfManagedKafka';
  bootstrapServers: string;
  records: Record<string, LambdaKafkaRecord[]>;
  replay?: ReplayMarker;
}

/** The two shapes Lambda's Kafka event source mappings deliver. */
export type LambdaKafkaEvent = MskKafkaEvent | SelfManagedKafkaEvent;

const recordSchema = z.object({
  topic: z.string().min(1),
  partition: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  timestamp: z.number(),
  timestampType: z.enum(['CREATE_TIME', 'LOG_APPEND_TIME']),
  key: z.string().nullish(),
  value: z.string().nullish(),
  // Decoded leniently by decodeHeaders: a header the function cannot read must not fail a batch.
  headers: z.unknown(),
});

const eventSchema = z.object({
  eventSource: z.enum(['aws:kafka', 'SelfManagedKafka']),
  eventSourceArn: z.string().optional(),
  bootstrapServers: z.string().optional(),
  records: z.record(z.string(), z.array(recordSchema)),
});

/** The `records` map key Lambda uses: `<topic>-<partition>`. */
export function eventSourceKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/**
 * Flattens a Lambda Kafka event (MSK `aws:kafka` or `SelfManagedKafka`) into records in
 * delivery order: per `topic-partition` group, in the order Lambda listed them.
 */
export function decodeKafkaEvent(event: unknown): KafkaRecord[] {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) {
    throw new KafkaEventError(`not a Lambda Kafka event: ${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  const out: KafkaRecord[] = [];
  for (const [groupKey, records] of Object.entries(parsed.data.records)) {
    for (const r of records) {
      if (groupKey !== eventSourceKey(r.topic, r.partition)) {
        throw new KafkaEventError(
          `record ${r.topic}/${r.partition}@${r.offset} listed under ${groupKey}`,
        );
      }
      out.push({
        topic: r.topic,
        partition: r.partition,
        offset: BigInt(r.offset),
        timestamp: r.timestamp,
        timestampType: r.timestampType,
        key: r.key == null ? null : base64Bytes(r.key),
        value: r.value == null ? null : base64Bytes(r.value),
        ...decodeHeaders(r.headers),
      });
    }
  }
  return out;
}

const isByte = (n: unknown): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n >= -128 && n <= 255;

/**
 * Header values as bytes. Lambda lists them as arrays of numbers: unsigned (0..255), or Java's
 * signed bytes (-128..127) from some runtimes; both are read. Anything else (a string, null,
 * numbers out of range, a malformed list) is left out and its key reported.
 */
export function decodeHeaders(raw: unknown): Pick<KafkaRecord, 'headers' | 'undecodableHeaders'> {
  const headers: KafkaHeader[] = [];
  const undecodable: string[] = [];
  if (raw !== undefined && raw !== null) {
    const entries = Array.isArray(raw) ? raw : [raw];
    for (const entry of entries) {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
        undecodable.push('(malformed header entry)');
        continue;
      }
      for (const [key, value] of Object.entries(entry)) {
        if (Array.isArray(value) && value.every(isByte)) {
          headers.push({ key, value: Uint8Array.from(value, (n) => n & 0xff) });
        } else {
          undecodable.push(key);
        }
      }
    }
  }
  return undecodable.length > 0 ? { headers, undecodableHeaders: undecodable } : { headers };
}

const replaySchema = z.object({ source: z.string().min(1) });

/**
 * The replay marker of an event, when it has one: the replay tool's events carry
 * `"replay": {"source": "<destination>#<batch>"}` beside the usual Lambda Kafka fields.
 * Throws KafkaEventError when the field is there but malformed, rather than treating a replay
 * as a normal delivery.
 */
export function replayMarkerOf(event: unknown): ReplayMarker | undefined {
  if (event === null || typeof event !== 'object' || !('replay' in event)) return undefined;
  const parsed = replaySchema.safeParse((event as { replay: unknown }).replay);
  if (!parsed.success) {
    throw new KafkaEventError(`malformed replay marker: ${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  return { source: parsed.data.source };
}

/** The same event, marked as the replay of a diverted batch from `source`. */
export function withReplayMarker<E extends LambdaKafkaEvent>(event: E, source: string): E {
  return { ...event, replay: { source } };
}

export type BuildEventOptions =
  | { eventSource: 'SelfManagedKafka'; bootstrapServers: string }
  | { eventSource: 'aws:kafka'; bootstrapServers: string; eventSourceArn: string };

/** Builds the event Lambda would deliver for these records (the local event source mapping). */
export function buildKafkaEvent(
  records: readonly KafkaRecord[],
  options: BuildEventOptions,
): LambdaKafkaEvent {
  const grouped: Record<string, LambdaKafkaRecord[]> = {};
  for (const r of records) {
    const key = eventSourceKey(r.topic, r.partition);
    const list = grouped[key] ?? [];
    grouped[key] = list;
    const record: LambdaKafkaRecord = {
      topic: r.topic,
      partition: r.partition,
      offset: Number(r.offset),
      timestamp: r.timestamp,
      timestampType: r.timestampType,
      headers: r.headers.map((h) => ({ [h.key]: Array.from(h.value) })),
    };
    // Lambda leaves out a null key or value rather than sending null.
    if (r.key !== null) record.key = Buffer.from(r.key).toString('base64');
    if (r.value !== null) record.value = Buffer.from(r.value).toString('base64');
    list.push(record);
  }
  return options.eventSource === 'aws:kafka'
    ? {
        eventSource: 'aws:kafka',
        eventSourceArn: options.eventSourceArn,
        bootstrapServers: options.bootstrapServers,
        records: grouped,
      }
    : {
        eventSource: 'SelfManagedKafka',
        bootstrapServers: options.bootstrapServers,
        records: grouped,
      };
}

function base64Bytes(text: string): Uint8Array {
  const buf = Buffer.from(text, 'base64');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
