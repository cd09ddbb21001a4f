import { CatalogError } from '../errors';
import type { Snapshot, SnapshotRef } from '../spec/snapshot';
import type { TableMetadata } from '../spec/table-metadata';
import type { TableUpdate } from './types';

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
  const firstRowId = optionalBig(raw['first-row-id']);
  const addedRows = optionalBig(raw['added-rows']);
  const summary = (raw.summary ?? { operation: 'append' }) as Record<string, unknown>;
  const snapshot: Snapshot = {
    ...(raw as unknown as Snapshot),
    'snapshot-id': big(raw['snapshot-id']),
    // format v1 snapshots have no sequence number: it is 0 by definition
    'sequence-number': optionalBig(raw['sequence-number']) ?? 0n,
    'timestamp-ms': Number(raw['timestamp-ms']),
    summary: Object.fromEntries(
      Object.entries(summary).map(([k, v]) => [k, String(v)]),
    ) as Snapshot['summary'],
  };
  delete snapshot['parent-snapshot-id'];
  delete snapshot['first-row-id'];
  delete snapshot['added-rows'];
  if (parent !== undefined) snapshot['parent-snapshot-id'] = parent;
  if (firstRowId !== undefined) snapshot['first-row-id'] = firstRowId;
  if (addedRows !== undefined) snapshot['added-rows'] = addedRows;
  return snapshot;
}

/**
 * Table metadata with every 64-bit id and sequence number as bigint, whatever size it has. The
 * v1 single `schema` and `partition-spec` fields become one-element lists, as v2 readers do.
 */
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
  const schemas =
    m.schemas ??
    (m.schema ? [{ 'schema-id': 0, ...(m.schema as Record<string, unknown>) }] : undefined);
  const specs =
    m['partition-specs'] ??
    (m['partition-spec'] ? [{ 'spec-id': 0, fields: m['partition-spec'] }] : undefined);
  const nextRowId = optionalBig(m['next-row-id']);
  const metadata: TableMetadata = {
    ...(m as unknown as TableMetadata),
    schemas: schemas as TableMetadata['schemas'],
    'current-schema-id': (m['current-schema-id'] as number | undefined) ?? 0,
    'partition-specs': specs as TableMetadata['partition-specs'],
    'default-spec-id': (m['default-spec-id'] as number | undefined) ?? 0,
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
  delete metadata['next-row-id'];
  if (nextRowId !== undefined) metadata['next-row-id'] = nextRowId;
  return metadata;
}

/**
 * Updates as Iceberg Java serializes them: a snapshot's sequence number is left out when it is
 * 0 (format v1, where snapshots have none).
 */
export function wireUpdates(updates: readonly TableUpdate[]): unknown[] {
  return updates.map((update) => {
    if (update.action !== 'add-snapshot' || update.snapshot['sequence-number'] !== 0n) {
      return update;
    }
    const { 'sequence-number': _omitted, ...snapshot } = update.snapshot;
    return { ...update, snapshot };
  });
}
