import { createHash } from 'node:crypto';
import type { Producer } from 'kafkajs';
import type { RejectedRecord } from '../../lib/alerts/classify';
import type { FileIO } from '../../lib/iceberg';
import type { KafkaRecord } from '../../lib/kafka/event';
import { sendGroups } from '../../lib/kafka/send-groups';
import { DeadLetterError } from './errors';

/** What the dead letter target receives for each rejected record (one JSON document). */
export interface DeadLetterEntry {
  reason: string;
  detail: string;
  topic: string;
  partition: number;
  /** Decimal string: Kafka offsets are 64-bit. */
  offset: string;
  /** Kafka record timestamp, milliseconds since the epoch. */
  timestamp: number;
  consumerGroup: string;
  rejectedAt: string;
  /**
   * Original key and value, base64, null when the record had none. In an entry too large for its
   * target they hold only a prefix of the original (see `truncated`).
   */
  key: string | null;
  value: string | null;
  /** Size and SHA-256 (hex) of the whole original value, so a truncated entry still names it. */
  valueBytes: number | null;
  valueSha256: string | null;
  keyBytes: number | null;
  keySha256: string | null;
  /** Present when `key` or `value` were cut to fit the target's size limit. */
  truncated?: { key: boolean; value: boolean; limitBytes: number };
  /** Where the whole entry was stored when it did not fit (an object store URI). */
  original?: string;
}

export interface DeadLetterSink {
  /** Resolves only once every entry is durably stored; rejects otherwise. */
  write(entries: readonly DeadLetterEntry[]): Promise<void>;
}

const b64 = (bytes: Uint8Array | null) =>
  bytes === null ? null : Buffer.from(bytes).toString('base64');
const sha256 = (bytes: Uint8Array | null) =>
  bytes === null ? null : createHash('sha256').update(bytes).digest('hex');

export function deadLetterEntry(
  rejected: RejectedRecord<KafkaRecord>,
  consumerGroup: string,
  now: Date = new Date(),
): DeadLetterEntry {
  const r = rejected.record;
  return {
    reason: rejected.reason,
    detail: rejected.detail,
    topic: r.topic,
    partition: r.partition,
    offset: r.offset.toString(),
    timestamp: r.timestamp,
    consumerGroup,
    rejectedAt: now.toISOString(),
    key: b64(r.key),
    value: b64(r.value),
    valueBytes: r.value === null ? null : r.value.byteLength,
    valueSha256: sha256(r.value),
    keyBytes: r.key === null ? null : r.key.byteLength,
    keySha256: sha256(r.key),
  };
}

/** Stable per record, so a redelivered batch overwrites (S3) or can be de-duplicated (Kafka). */
export function deadLetterId(entry: DeadLetterEntry): string {
  return `${entry.topic}-${entry.partition}-${entry.offset}`;
}

const sizeOf = (entry: DeadLetterEntry) => Buffer.byteLength(JSON.stringify(entry));

// Room for what a cut adds (the `truncated` field) and for rounding to whole base64 groups.
const CUT_MARGIN = 256;
const MAX_DETAIL_CHARS = 4096;

/**
 * The entry itself when it fits in `limitBytes` of JSON; otherwise the same entry with its key
 * and value cut to a prefix (whole base64 groups) so that it fits, marked `truncated`. The
 * digests and sizes of the originals stay, so the record is still identified exactly.
 */
export function fitDeadLetter(entry: DeadLetterEntry, limitBytes: number): DeadLetterEntry {
  if (sizeOf(entry) <= limitBytes) return entry;
  const detail =
    entry.detail.length > MAX_DETAIL_CHARS
      ? `${entry.detail.slice(0, MAX_DETAIL_CHARS)}...`
      : entry.detail;
  const bare: DeadLetterEntry = { ...entry, detail, key: null, value: null };
  const room = limitBytes - sizeOf(bare) - CUT_MARGIN;
  if (room < 0) {
    throw new DeadLetterError(
      `dead letter ${deadLetterId(entry)} does not fit in ${limitBytes} bytes even without its key and value`,
    );
  }
  // Keys are short in practice; the value gets what the key leaves.
  const keyChars = Math.min(entry.key?.length ?? 0, Math.floor(room / 8 / 4) * 4);
  const valueChars = Math.min(entry.value?.length ?? 0, Math.floor((room - keyChars) / 4) * 4);
  const key = entry.key === null ? null : entry.key.slice(0, keyChars);
  const value = entry.value === null ? null : entry.value.slice(0, valueChars);
  return {
    ...bare,
    key,
    value,
    truncated: {
      key: entry.key !== null && key !== entry.key,
      value: entry.value !== null && value !== entry.value,
      limitBytes,
    },
  };
}

const entryPath = (base: string, e: DeadLetterEntry) =>
  `${base}/${e.topic}/${e.partition}/${e.offset}.json`;

async function writeEntry(io: FileIO, path: string, entry: DeadLetterEntry): Promise<void> {
  try {
    await io.write(path, new TextEncoder().encode(JSON.stringify(entry)));
  } catch (cause) {
    throw new DeadLetterError(`could not write dead letter ${path}: ${reasonOf(cause)}`, {
      cause,
    });
  }
}

async function eachWithConcurrency<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export interface FileSinkOptions {
  concurrency?: number;
  /** Largest object the store takes (S3: 5 GiB per PUT); larger entries are cut to fit. */
  maxEntryBytes?: number;
}

/**
 * One object per rejected record at `<base>/<topic>/<partition>/<offset>.json`: writing the
 * same record again replaces the object, so redeliveries leave no duplicates.
 */
export function fileDeadLetterSink(
  io: FileIO,
  baseUri: string,
  options: FileSinkOptions | number = {},
): DeadLetterSink {
  const { concurrency = 8, maxEntryBytes = 5 * 1024 ** 3 } =
    typeof options === 'number' ? { concurrency: options } : options;
  const base = baseUri.replace(/\/+$/, '');
  return {
    async write(entries) {
      await eachWithConcurrency(entries, concurrency, (entry) =>
        writeEntry(io, entryPath(base, entry), fitDeadLetter(entry, maxEntryBytes)),
      );
    },
  };
}

/**
 * The broker's default `message.max.bytes` is 1,048,588 bytes for a whole record batch; this
 * leaves room for the batch and record headers and the key.
 */
export const KAFKA_DEAD_LETTER_MAX_BYTES = 1_000_000;

export interface KafkaSinkOptions {
  /** Largest JSON entry per message, and the most JSON sent in one produce call. */
  maxMessageBytes?: number;
  /** Where an entry too large for a message is stored whole, the message pointing to it. */
  overflow?: { io: FileIO; baseUri: string };
}

/**
 * Sends entries to a Kafka topic keyed by `<topic>-<partition>-<offset>`. A redelivered batch
 * sends its entries again; readers de-duplicate by key (or the topic is compacted). An entry
 * larger than a message may be is still sent: cut to fit, with the digest and size of the
 * original, and stored whole beside it first when an overflow store is given. Sends are split
 * so that no record batch passes the broker's limit.
 */
export function kafkaDeadLetterSink(
  producer: Producer,
  topic: string,
  options: KafkaSinkOptions = {},
): DeadLetterSink {
  const limit = options.maxMessageBytes ?? KAFKA_DEAD_LETTER_MAX_BYTES;
  const overflowBase = options.overflow?.baseUri.replace(/\/+$/, '');
  const prepare = async (entry: DeadLetterEntry): Promise<DeadLetterEntry> => {
    if (sizeOf(entry) <= limit) return entry;
    if (!options.overflow || overflowBase === undefined) return fitDeadLetter(entry, limit);
    const original = entryPath(overflowBase, entry);
    await writeEntry(options.overflow.io, original, entry);
    return fitDeadLetter({ ...entry, original }, limit);
  };
  return {
    async write(entries) {
      if (entries.length === 0) return;
      const prepared: DeadLetterEntry[] = [];
      for (const entry of entries) prepared.push(await prepare(entry));
      const messages = prepared.map((e) => ({ key: deadLetterId(e), value: JSON.stringify(e) }));
      const groups = sendGroups(messages, limit, (m) => Buffer.byteLength(m.value) + 128);
      try {
        for (const group of groups) await producer.send({ topic, acks: -1, messages: group });
      } catch (cause) {
        throw new DeadLetterError(
          `could not send ${entries.length} dead letters to ${topic}: ${reasonOf(cause)}`,
          { cause },
        );
      }
    },
  };
}

// Lambda reports only the message of a failed invocation, so the cause has to be in it.
function reasonOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
