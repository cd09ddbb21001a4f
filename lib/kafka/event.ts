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
}

export interface KafkaHeader {
  key: string;
  value: Uint8Array;
}

/** A record as it appears in a Lambda Kafka event: base64 key and value, headers as byte arrays. */
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

export interface MskKafkaEvent {
  eventSource: 'aws:kafka';
  eventSourceArn: string;
  bootstrapServers: string;
  records: Record<string, LambdaKafkaRecord[]>;
}

export interface SelfManagedKafkaEvent {
  eventSource: 'SelfManagedKafka';
  bootstrapServers: string;
  records: Record<string, LambdaKafkaRecord[]>;
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
  headers: z.array(z.record(z.string(), z.array(z.number().int().min(0).max(255)))).default([]),
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
        headers: r.headers.flatMap((h) =>
          Object.entries(h).map(([key, bytes]) => ({ key, value: Uint8Array.from(bytes) })),
        ),
      });
    }
  }
  return out;
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
