import { randomUUID } from 'node:crypto';
import { StagedBatchFormatError } from './errors';

/**
 * Where things live under a staging root (one root per topic and consumer group):
 *
 *   batches/<partition>-<first offset>-<last offset>-<id>.json   one staged batch each
 *   committer.json                                               the commit lease and state
 *
 * Numbers are zero-padded so that a listing comes back ordered by partition, then first offset,
 * and a key alone tells which records its batch covers.
 */
export const BATCHES_PREFIX = 'batches/';
export const COMMITTER_STATE_KEY = 'committer.json';

export interface BatchKey {
  key: string;
  partition: number;
  firstOffset: bigint;
  lastOffset: bigint;
}

const pad = (n: bigint | number, width: number) => n.toString().padStart(width, '0');

export function batchKey(partition: number, firstOffset: bigint, lastOffset: bigint): string {
  const id = randomUUID().slice(0, 8);
  return `${BATCHES_PREFIX}${pad(partition, 10)}-${pad(firstOffset, 20)}-${pad(lastOffset, 20)}-${id}.json`;
}

const KEY_PATTERN = /^batches\/(\d{10})-(\d{20})-(\d{20})-[0-9a-f]{8}\.json$/;

export function parseBatchKey(key: string): BatchKey {
  const m = KEY_PATTERN.exec(key);
  if (!m) throw new StagedBatchFormatError(`not a staged batch key: ${key}`);
  return { key, partition: Number(m[1]), firstOffset: BigInt(m[2]!), lastOffset: BigInt(m[3]!) };
}

/**
 * The staging root of one table, topic and consumer group under a base URI (which should lie
 * outside every table's location, where other engines' orphan-file cleanup would not look).
 * Group ids may hold any character, so every name is percent-encoded into one path segment.
 */
export function stagingRoot(
  baseUri: string,
  table: { namespace: readonly string[]; name: string },
  topic: string,
  consumerGroup: string,
): string {
  const base = baseUri.replace(/\/+$/, '');
  const segments = [[...table.namespace, table.name].join('.'), topic, consumerGroup];
  return `${base}/${segments.map(encodeURIComponent).join('/')}/`;
}
