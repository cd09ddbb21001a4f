import { isSafeNumber, parse } from 'lossless-json';
import { CatalogError } from '../errors';
import type { Snapshot, SnapshotRef } from '../spec/snapshot';
import type { TableMetadata } from '../spec/table-metadata';

/** Parses catalog JSON keeping integers beyond 2^53 exact (as bigint). */
export function parseCatalogJson(text: string): unknown {
  return parse(text, null, (value) => {
    if (/^-?\d+$/.test(value)) return isSafeNumber(value) ? Number(value) : BigInt(value);
    return Number(value);
  });
}

const big = (v: unknown): bigint => {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  throw new CatalogError(`expected an integer id, got ${String(v)}`);
};

const optionalBig = (v: unknown): bigint | undefined =>
  v === undefined || v === null ? undefined : big(v);

function normalizeSnapshot(raw: Record<string, unknown>): Snapshot {
  const parent = optionalBig(raw['parent-snapshot-id']);
  const summary = (raw.summary ?? { operation: 'append' }) as Record<string, unknown>;
  return {
    ...(raw as unknown as Snapshot),
    'snapshot-id': big(raw['snapshot-id']),
    ...(parent === undefined
      ? { 'parent-snapshot-id': undefined }
      : { 'parent-snapshot-id': parent }),
    // format v1 snapshots have no sequence number: it is 0 by definition
    'sequence-number': optionalBig(raw['sequence-number']) ?? 0n,
    'timestamp-ms': Number(raw['timestamp-ms']),
    summary: Object.fromEntries(
      Object.entries(summary).map(([k, v]) => [k, String(v)]),
    ) as Snapshot['summary'],
  };
}

/** Table metadata with every 64-bit id and sequence number as bigint, whatever size it has. */
export function normalizeTableMetadata(raw: unknown): TableMetadata {
  if (typeof raw !== 'object' || raw === null)
    throw new CatalogError('table metadata is not an object');
  const m = raw as Record<string, unknown>;
  const refs: Record<string, SnapshotRef> = {};
  for (const [name, ref] of Object.entries(
    (m.refs ?? {}) as Record<string, Record<string, unknown>>,
  )) {
    refs[name] = { ...(ref as unknown as SnapshotRef), 'snapshot-id': big(ref['snapshot-id']) };
  }
  const current = m['current-snapshot-id'];
  return {
    ...(m as unknown as TableMetadata),
    'last-sequence-number': optionalBig(m['last-sequence-number']) ?? 0n,
    'last-updated-ms': Number(m['last-updated-ms']),
    'current-snapshot-id':
      current === undefined || current === null || big(current) === -1n ? null : big(current),
    snapshots: ((m.snapshots ?? []) as Record<string, unknown>[]).map(normalizeSnapshot),
    refs,
    'snapshot-log': ((m['snapshot-log'] ?? []) as Record<string, unknown>[]).map((e) => ({
      'snapshot-id': big(e['snapshot-id']),
      'timestamp-ms': Number(e['timestamp-ms']),
    })),
  };
}
