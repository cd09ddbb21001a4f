import { ValidationError } from '../errors';
import type { PartitionSpec } from './partition-spec';
import type { Schema } from './schema';
import { MAIN_BRANCH, type Snapshot, type SnapshotRef } from './snapshot';

export interface TableIdentifier {
  namespace: string[];
  name: string;
}

/** Table metadata (format v1 to v3) with every 64-bit id and sequence number as bigint. */
export interface TableMetadata {
  'format-version': number;
  'table-uuid': string;
  location: string;
  'last-sequence-number': bigint;
  'last-updated-ms': number;
  'last-column-id': number;
  schemas: Schema[];
  'current-schema-id': number;
  'partition-specs': PartitionSpec[];
  'default-spec-id': number;
  'last-partition-id': number;
  properties?: Record<string, string>;
  'current-snapshot-id'?: bigint | null;
  snapshots?: Snapshot[];
  refs?: Record<string, SnapshotRef>;
  'snapshot-log'?: { 'snapshot-id': bigint; 'timestamp-ms': number }[];
  'metadata-log'?: { 'metadata-file': string; 'timestamp-ms': number }[];
  'sort-orders'?: unknown[];
  'default-sort-order-id'?: number;
  /** v3: the first row id the next snapshot assigns. */
  'next-row-id'?: bigint;
  [key: string]: unknown;
}

/** What a catalog returns for a table: where its metadata lives and the metadata itself. */
export interface LoadedTable {
  metadataLocation: string;
  metadata: TableMetadata;
}

export function currentSchema(metadata: TableMetadata): Schema {
  const schema = metadata.schemas.find((s) => s['schema-id'] === metadata['current-schema-id']);
  if (!schema) throw new ValidationError('table metadata has no current schema');
  return schema;
}

export function defaultSpec(metadata: TableMetadata): PartitionSpec {
  const spec = metadata['partition-specs'].find(
    (s) => s['spec-id'] === metadata['default-spec-id'],
  );
  if (!spec) throw new ValidationError('table metadata has no default partition spec');
  return spec;
}

/** `namespace.name`, as errors and logs name a table. */
export function tableName(ident: TableIdentifier): string {
  return [...ident.namespace, ident.name].join('.');
}

export function snapshotById(metadata: TableMetadata, id: bigint): Snapshot | undefined {
  return metadata.snapshots?.find((s) => s['snapshot-id'] === id);
}

/** Snapshot id the `main` branch points at; undefined for a table without snapshots. */
export function mainSnapshotId(metadata: TableMetadata): bigint | undefined {
  const ref = metadata.refs?.[MAIN_BRANCH]?.['snapshot-id'];
  if (ref !== undefined) return ref;
  const current = metadata['current-snapshot-id'];
  return current === null || current === undefined || current === -1n ? undefined : current;
}

export function mainSnapshot(metadata: TableMetadata): Snapshot | undefined {
  const id = mainSnapshotId(metadata);
  return id === undefined ? undefined : snapshotById(metadata, id);
}

/** Snapshots of `main` from the newest back through parents (stops where history was expired). */
export function* mainAncestry(metadata: TableMetadata): Generator<Snapshot> {
  let snapshot = mainSnapshot(metadata);
  const seen = new Set<bigint>();
  while (snapshot && !seen.has(snapshot['snapshot-id'])) {
    seen.add(snapshot['snapshot-id']);
    yield snapshot;
    const parent = snapshot['parent-snapshot-id'];
    snapshot = parent === undefined ? undefined : snapshotById(metadata, parent);
  }
}

/** Newest snapshot on `main` whose summary carries `key`. */
export function findNewestSnapshotWith(metadata: TableMetadata, key: string): Snapshot | undefined {
  for (const snapshot of mainAncestry(metadata)) {
    if (Object.hasOwn(snapshot.summary, key)) return snapshot;
  }
  return undefined;
}
