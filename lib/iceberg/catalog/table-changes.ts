import { CatalogError, CommitConflictError } from '../errors';
import { MAIN_BRANCH, type Snapshot, type SnapshotRef } from '../spec/snapshot';
import type { TableMetadata } from '../spec/table-metadata';
import type { TableRequirement, TableUpdate } from './types';

/**
 * Commit semantics as Iceberg Java's REST server applies them (UpdateRequirement,
 * TableMetadata.Builder, CatalogHandlers.commit): a failed requirement and a stale sequence
 * number or first-row-id are conflicts (409, retry on fresh metadata); an update that cannot
 * apply is a bad request (400, not retryable).
 */

function conflict(message: string): CommitConflictError {
  return new CommitConflictError(`Requirement failed: ${message}`);
}

function badRequest(message: string): CatalogError {
  return new CatalogError(message, { status: 400, retryable: false });
}

/** Throws CommitConflictError when a requirement does not hold for `base` (absent: no table). */
export function checkRequirement(
  requirement: TableRequirement,
  base: TableMetadata | undefined,
): void {
  if (requirement.type === 'assert-create') {
    if (base) throw conflict('table already exists');
    return;
  }
  if (!base) throw conflict(`table does not exist (${requirement.type})`);
  switch (requirement.type) {
    case 'assert-table-uuid':
      if (requirement.uuid.toLowerCase() !== String(base['table-uuid']).toLowerCase()) {
        throw conflict(
          `UUID does not match: expected ${base['table-uuid']} != ${requirement.uuid}`,
        );
      }
      return;
    case 'assert-ref-snapshot-id': {
      const ref = base.refs?.[requirement.ref];
      const expected = requirement['snapshot-id'];
      if (ref) {
        if (expected === null)
          throw conflict(`${ref.type} ${requirement.ref} was created concurrently`);
        if (expected !== ref['snapshot-id']) {
          throw conflict(
            `${ref.type} ${requirement.ref} has changed: expected id ${expected} != ${ref['snapshot-id']}`,
          );
        }
      } else if (expected !== null) {
        throw conflict(`branch or tag ${requirement.ref} is missing, expected ${expected}`);
      }
      return;
    }
    case 'assert-last-assigned-field-id':
      if (base['last-column-id'] !== requirement['last-assigned-field-id']) {
        throw conflict(
          `last assigned field id changed: expected id ${requirement['last-assigned-field-id']} != ${base['last-column-id']}`,
        );
      }
      return;
    case 'assert-current-schema-id':
      if (base['current-schema-id'] !== requirement['current-schema-id']) {
        throw conflict(
          `current schema changed: expected id ${requirement['current-schema-id']} != ${base['current-schema-id']}`,
        );
      }
      return;
    case 'assert-last-assigned-partition-id':
      if (base['last-partition-id'] !== requirement['last-assigned-partition-id']) {
        throw conflict(
          `last assigned partition id changed: expected id ${requirement['last-assigned-partition-id']} != ${base['last-partition-id']}`,
        );
      }
      return;
    case 'assert-default-spec-id':
      if (base['default-spec-id'] !== requirement['default-spec-id']) {
        throw conflict(
          `default partition spec changed: expected id ${requirement['default-spec-id']} != ${base['default-spec-id']}`,
        );
      }
      return;
    case 'assert-default-sort-order-id':
      if ((base['default-sort-order-id'] ?? 0) !== requirement['default-sort-order-id']) {
        throw conflict(
          `default sort order changed: expected id ${requirement['default-sort-order-id']} != ${base['default-sort-order-id'] ?? 0}`,
        );
      }
      return;
  }
}

/** Metadata being built by one commit, with what the snapshot log needs to know. */
interface Draft {
  metadata: TableMetadata;
  added: Set<bigint>;
  removed: boolean;
  nowMs: number;
}

function addSnapshot(draft: Draft, snapshot: Snapshot): void {
  const m = draft.metadata;
  const version = Number(m['format-version']);
  const snapshots = m.snapshots ?? [];
  if (snapshots.some((s) => s['snapshot-id'] === snapshot['snapshot-id'])) {
    throw badRequest(`Snapshot already exists for id: ${snapshot['snapshot-id']}`);
  }
  if (
    version > 1 &&
    snapshot['parent-snapshot-id'] !== undefined &&
    !(snapshot['sequence-number'] > m['last-sequence-number'])
  ) {
    throw new CommitConflictError(
      `Validation failed, please retry: Cannot add snapshot with sequence number ${snapshot['sequence-number']} older than last sequence number ${m['last-sequence-number']}`,
    );
  }
  if (version >= 3) {
    const first = snapshot['first-row-id'];
    if (first === undefined) throw badRequest('Cannot add a snapshot: first-row-id is null');
    const next = m['next-row-id'] ?? 0n;
    if (first < next) {
      throw new CommitConflictError(
        `Validation failed, please retry: Cannot add a snapshot, first-row-id is behind table next-row-id: ${first} < ${next}`,
      );
    }
    m['next-row-id'] = next + (snapshot['added-rows'] ?? 0n);
  }
  m['last-sequence-number'] = snapshot['sequence-number'];
  m['last-updated-ms'] = Math.max(m['last-updated-ms'], snapshot['timestamp-ms']);
  m.snapshots = [...snapshots, snapshot];
  draft.added.add(snapshot['snapshot-id']);
}

function setRef(draft: Draft, name: string, ref: SnapshotRef): void {
  const m = draft.metadata;
  const snapshot = m.snapshots?.find((s) => s['snapshot-id'] === ref['snapshot-id']);
  if (!snapshot) throw badRequest(`Cannot set ${name} to unknown snapshot: ${ref['snapshot-id']}`);
  if (name === MAIN_BRANCH && ref.type !== 'branch') {
    throw badRequest(`Cannot set ${MAIN_BRANCH} to a tag, it must be a branch`);
  }
  const existing = m.refs?.[name];
  if (existing && JSON.stringify(existing, bigintJson) === JSON.stringify(ref, bigintJson)) return;
  if (name === MAIN_BRANCH) {
    m['current-snapshot-id'] = ref['snapshot-id'];
    // A rollback to an older snapshot is logged at the time of the change.
    const at = draft.added.has(ref['snapshot-id']) ? snapshot['timestamp-ms'] : draft.nowMs;
    m['snapshot-log'] = [
      ...(m['snapshot-log'] ?? []),
      { 'snapshot-id': ref['snapshot-id'], 'timestamp-ms': at },
    ];
  }
  m.refs = { ...m.refs, [name]: ref };
}

function removeRef(draft: Draft, name: string): void {
  const m = draft.metadata;
  if (name === MAIN_BRANCH) m['current-snapshot-id'] = null;
  if (m.refs?.[name]) {
    const { [name]: _removed, ...rest } = m.refs;
    m.refs = rest;
  }
}

function removeSnapshots(draft: Draft, ids: readonly bigint[]): void {
  const m = draft.metadata;
  const remove = new Set(ids);
  m.snapshots = (m.snapshots ?? []).filter((s) => !remove.has(s['snapshot-id']));
  const live = new Set(m.snapshots.map((s) => s['snapshot-id']));
  for (const [name, ref] of Object.entries(m.refs ?? {})) {
    if (!live.has(ref['snapshot-id'])) removeRef(draft, name);
  }
  for (const key of ['statistics', 'partition-statistics'] as const) {
    const files = m[key];
    if (Array.isArray(files)) {
      m[key] = files.filter(
        (f: { 'snapshot-id'?: unknown }) => !remove.has(BigInt(String(f['snapshot-id']))),
      );
    }
  }
  draft.removed = draft.removed || ids.length > 0;
}

/** Applies one update to the metadata being built; throws CatalogError (400) when it cannot. */
function applyUpdate(draft: Draft, update: TableUpdate): void {
  const m = draft.metadata;
  switch (update.action) {
    case 'add-snapshot':
      addSnapshot(draft, update.snapshot);
      return;
    case 'set-snapshot-ref': {
      const ref: SnapshotRef = { 'snapshot-id': update['snapshot-id'], type: update.type };
      if (update['max-ref-age-ms'] !== undefined) ref['max-ref-age-ms'] = update['max-ref-age-ms'];
      if (update['max-snapshot-age-ms'] !== undefined)
        ref['max-snapshot-age-ms'] = update['max-snapshot-age-ms'];
      if (update['min-snapshots-to-keep'] !== undefined)
        ref['min-snapshots-to-keep'] = update['min-snapshots-to-keep'];
      setRef(draft, update['ref-name'], ref);
      return;
    }
    case 'remove-snapshot-ref':
      removeRef(draft, update['ref-name']);
      return;
    case 'remove-snapshots':
      removeSnapshots(draft, update['snapshot-ids']);
      return;
    case 'set-properties':
      m.properties = { ...m.properties, ...update.updates };
      return;
    case 'remove-properties': {
      const properties = { ...m.properties };
      for (const key of update.removals) delete properties[key];
      m.properties = properties;
      return;
    }
    case 'upgrade-format-version': {
      const target = update['format-version'];
      const current = Number(m['format-version']);
      if (target > 3)
        throw badRequest(
          `Cannot upgrade table to unsupported format version: v${target} (supported: v3)`,
        );
      if (target < current) throw badRequest(`Cannot downgrade v${current} table to v${target}`);
      m['format-version'] = target;
      if (target >= 3 && m['next-row-id'] === undefined) m['next-row-id'] = 0n;
      return;
    }
    default:
      throw badRequest(`unknown update ${(update as { action?: unknown }).action}`);
  }
}

/**
 * The snapshot log after a commit that removed snapshots: an entry whose snapshot is gone drops
 * every entry before it, so the log never claims a snapshot was current across a gap.
 */
function trimSnapshotLog(m: TableMetadata): void {
  const live = new Set((m.snapshots ?? []).map((s) => s['snapshot-id']));
  const log: NonNullable<TableMetadata['snapshot-log']> = [];
  for (const entry of m['snapshot-log'] ?? []) {
    if (live.has(entry['snapshot-id'])) log.push(entry);
    else log.length = 0;
  }
  m['snapshot-log'] = log;
}

/**
 * The metadata a catalog would store for this commit: every requirement checked against `base`,
 * then every update applied in order. `base` is not modified.
 */
export function applyCommit(
  base: TableMetadata,
  requirements: readonly TableRequirement[],
  updates: readonly TableUpdate[],
  nowMs: number,
): TableMetadata {
  for (const requirement of requirements) checkRequirement(requirement, base);
  const draft: Draft = { metadata: structuredClone(base), added: new Set(), removed: false, nowMs };
  for (const update of updates) applyUpdate(draft, update);
  if (draft.removed) trimSnapshotLog(draft.metadata);
  draft.metadata['last-updated-ms'] = Math.max(draft.metadata['last-updated-ms'], nowMs);
  return draft.metadata;
}

function bigintJson(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
