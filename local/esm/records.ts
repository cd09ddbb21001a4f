import type { KafkaMessage } from 'kafkajs';
import type { KafkaHeader, KafkaRecord } from '../../lib/kafka/event';

// Bit 3 of the record batch attributes: the broker, not the producer, set the timestamp.
const LOG_APPEND_TIME = 0x08;

const bytes = (b: Buffer | string): Uint8Array =>
  typeof b === 'string' ? new TextEncoder().encode(b) : new Uint8Array(b);

/** Converts a kafkajs message into the record shape the Lambda event carries. */
export function toKafkaRecord(topic: string, partition: number, m: KafkaMessage): KafkaRecord {
  const headers: KafkaHeader[] = [];
  for (const [key, value] of Object.entries(m.headers ?? {})) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.push({ key, value: bytes(v) });
  }
  return {
    topic,
    partition,
    offset: BigInt(m.offset),
    timestamp: Number(m.timestamp),
    timestampType: m.attributes & LOG_APPEND_TIME ? 'LOG_APPEND_TIME' : 'CREATE_TIME',
    key: m.key === null ? null : bytes(m.key),
    value: m.value === null ? null : bytes(m.value),
    headers,
  };
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Delay before retry `attempt` (1-based): exponential, capped, with full jitter. */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random = Math.random) {
  return Math.round(random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1)));
}
