import { OffsetsSummaryError } from './errors';

/** Partition number -> last offset committed to the table. */
export type PartitionOffsets = Record<number, bigint>;

/**
 * Snapshot summary property holding the consumer group's committed offsets for one topic,
 * named after the Iceberg Kafka Connect sink's `kafka.connect.offsets.<topic>.<group>`.
 */
export function offsetsSummaryKey(topic: string, groupId: string): string {
  return `${OFFSETS_SUMMARY_PREFIX}${topic}.${groupId}`;
}

const OFFSETS_SUMMARY_PREFIX = 'sensor-alerts.offsets.';

/**
 * The offsets of every topic and consumer group recorded in a snapshot summary. A commit carries
 * them all forward, so the newest snapshot holds each map even where the catalog keeps no older
 * snapshots (Nessie serves only the current one).
 */
export function offsetsSummaries(summary: Record<string, string> | undefined): {
  [key: string]: string;
} {
  const out: { [key: string]: string } = {};
  for (const [key, value] of Object.entries(summary ?? {})) {
    if (key.startsWith(OFFSETS_SUMMARY_PREFIX)) out[key] = value;
  }
  return out;
}

/** Reads `{"<partition>": <offset>}`; offsets are written as JSON numbers or decimal strings. */
export function parseOffsetsSummary(text: string | undefined): PartitionOffsets {
  if (text === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new OffsetsSummaryError(`offsets summary is not JSON: ${text}`, { cause });
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new OffsetsSummaryError(`offsets summary is not an object: ${text}`);
  }
  const out: PartitionOffsets = {};
  for (const [partition, offset] of Object.entries(json)) {
    const p = Number(partition);
    const valid =
      Number.isInteger(p) &&
      p >= 0 &&
      ((typeof offset === 'number' && Number.isSafeInteger(offset)) ||
        (typeof offset === 'string' && /^-?\d+$/.test(offset)));
    if (!valid) throw new OffsetsSummaryError(`bad entry ${partition}=${offset} in ${text}`);
    out[p] = BigInt(offset as number | string);
  }
  return out;
}

/** Writes offsets as JSON numbers while they are safe integers (always, for real Kafka offsets). */
export function formatOffsetsSummary(offsets: PartitionOffsets): string {
  const entries = Object.entries(offsets)
    .map(([p, o]) => [Number(p), o] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([p, o]) => `"${p}":${o <= BigInt(Number.MAX_SAFE_INTEGER) ? o : `"${o}"`}`);
  return `{${entries.join(',')}}`;
}

/** Per partition, the larger of the two offsets. */
export function mergeOffsets(a: PartitionOffsets, b: PartitionOffsets): PartitionOffsets {
  const out: PartitionOffsets = { ...a };
  for (const [p, o] of Object.entries(b)) {
    const key = Number(p);
    const prev = out[key];
    out[key] = prev === undefined || o > prev ? o : prev;
  }
  return out;
}

/** True when the record was already committed to the table. */
export function isCommitted(
  committed: PartitionOffsets,
  partition: number,
  offset: bigint,
): boolean {
  const last = committed[partition];
  return last !== undefined && offset <= last;
}

/** Where a consumer group's committed offsets were found. */
export type OffsetsSource = 'table-property' | 'snapshot-summary' | 'none';

interface OffsetsHolder {
  properties?: Record<string, string>;
  /** Summaries of `main`'s snapshots, newest first. */
  summaries: Iterable<Record<string, string>>;
}

/**
 * A consumer group's committed offsets for one topic. They are kept twice by every commit: in
 * the table property named like the summary key, which other writers' commits, maintenance and
 * snapshot expiry all leave alone, and in the snapshot summary (as the Kafka Connect sink does).
 * The summary is read only when the property is absent, for tables written before it existed.
 */
export function readCommittedOffsets(
  holder: OffsetsHolder,
  key: string,
): { offsets: PartitionOffsets; source: OffsetsSource } {
  const property = holder.properties?.[key];
  if (property !== undefined) {
    return { offsets: parseOffsetsSummary(property), source: 'table-property' };
  }
  for (const summary of holder.summaries) {
    const value = summary[key];
    if (value !== undefined) {
      return { offsets: parseOffsetsSummary(value), source: 'snapshot-summary' };
    }
  }
  return { offsets: {}, source: 'none' };
}
