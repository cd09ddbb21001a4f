import type { Catalog, TableRequirement } from '../catalog/types';
import { CommitConflictError } from '../errors';
import type { FileIO } from '../io/file-io';
import { ManifestEntryStatus } from '../spec/data-file';
import type { ManifestFile } from '../spec/manifest-file';
import type { Snapshot } from '../spec/snapshot';
import type { LoadedTable, TableIdentifier, TableMetadata } from '../spec/table-metadata';
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from '../util/backoff';
import { Deadline } from '../util/deadline';
import { uuidV7 } from './ids';
import { readManifestEntries } from './manifest-merge';
import { snapshotManifests } from './replace-commit';

/** `gc.enabled=false` (Nessie sets it: it collects unreferenced files itself). */
export function gcEnabled(metadata: TableMetadata): boolean {
  return metadata.properties?.['gc.enabled']?.trim().toLowerCase() !== 'false';
}

export interface ExpireSnapshotsOptions {
  /** Snapshots committed before this time (ms) may expire. */
  olderThanMs: number;
  /** Newest ancestors of each branch kept whatever their age (at least 1; a ref's own setting wins). */
  retainLast: number;
  /** Also delete the files only expired snapshots referenced (default true). */
  deleteFiles?: boolean;
  maxAttempts?: number;
  backoff?: BackoffOptions;
  deadline?: Deadline;
  /** Report what would expire, commit nothing. */
  dryRun?: boolean;
}

export interface ExpireSnapshotsResult {
  status: 'expired' | 'nothing-to-expire' | 'gc-disabled' | 'dry-run';
  message?: string;
  expired: bigint[];
  retained: number;
  deletedFiles: string[];
  failedDeletes: { path: string; reason: string }[];
}

/**
 * The snapshots to keep, as Iceberg Java's RemoveSnapshots decides: every ref's snapshot; along
 * each branch, the ancestors younger than its max snapshot age or among its newest
 * min-snapshots-to-keep; any snapshot on no branch that is younger than the cutoff.
 */
export function snapshotsToRetain(
  metadata: TableMetadata,
  olderThanMs: number,
  retainLast: number,
  now = Date.now(),
): Set<bigint> {
  const snapshots = new Map((metadata.snapshots ?? []).map((s) => [s['snapshot-id'], s]));
  const keep = new Set<bigint>();
  const onBranch = new Set<bigint>();
  for (const ref of Object.values(metadata.refs ?? {})) {
    keep.add(ref['snapshot-id']);
    if (ref.type !== 'branch') continue;
    const minKeep = Math.max(1, ref['min-snapshots-to-keep'] ?? retainLast);
    const cutoff =
      ref['max-snapshot-age-ms'] !== undefined ? now - ref['max-snapshot-age-ms'] : olderThanMs;
    let count = 0;
    for (
      let s: Snapshot | undefined = snapshots.get(ref['snapshot-id']);
      s;
      s = s['parent-snapshot-id'] === undefined ? undefined : snapshots.get(s['parent-snapshot-id'])
    ) {
      onBranch.add(s['snapshot-id']);
      count++;
      if (count <= minKeep || s['timestamp-ms'] >= cutoff) keep.add(s['snapshot-id']);
    }
  }
  for (const s of snapshots.values()) {
    if (!onBranch.has(s['snapshot-id']) && s['timestamp-ms'] >= olderThanMs)
      keep.add(s['snapshot-id']);
  }
  return keep;
}

async function reachableFiles(
  io: FileIO,
  snapshots: readonly Snapshot[],
  liveOnly: boolean,
  cache: Map<string, Promise<string[]>>,
  deadline: Deadline,
): Promise<Set<string>> {
  const out = new Set<string>();
  const filesOf = (m: ManifestFile) => {
    const key = `${liveOnly}:${m.manifestPath}`;
    let found = cache.get(key);
    if (!found) {
      found = readManifestEntries(io, m, { deadline }).then((entries) =>
        entries
          .filter((e) => !liveOnly || e.status !== ManifestEntryStatus.Deleted)
          .map((e) => e.dataFile.filePath),
      );
      cache.set(key, found);
    }
    return found;
  };
  for (const snapshot of snapshots) {
    out.add(snapshot['manifest-list']);
    for (const manifest of await snapshotManifests(io, snapshot, deadline)) {
      out.add(manifest.manifestPath);
      for (const path of await filesOf(manifest)) out.add(path);
    }
  }
  return out;
}

/**
 * Removes old snapshots with a `remove-snapshots` update (REST spec), asserting the table and
 * every ref as loaded so that a concurrent commit makes it reload and decide again, then deletes
 * the manifest lists, manifests and data files that only expired snapshots referenced (never
 * anything outside the table location). Skipped with a message when `gc.enabled=false`.
 */
export async function expireSnapshots(
  catalog: Catalog,
  io: FileIO,
  ident: TableIdentifier,
  opts: ExpireSnapshotsOptions,
): Promise<ExpireSnapshotsResult> {
  const deadline = opts.deadline ?? Deadline.none();
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const maxAttempts = opts.maxAttempts ?? 10;
  const result: ExpireSnapshotsResult = {
    status: 'nothing-to-expire',
    expired: [],
    retained: 0,
    deletedFiles: [],
    failedDeletes: [],
  };
  let base: LoadedTable = await catalog.loadTable(ident, { deadline });
  for (let attempt = 1; ; attempt++) {
    const { metadata } = base;
    if (!gcEnabled(metadata)) {
      return {
        ...result,
        status: 'gc-disabled',
        retained: metadata.snapshots?.length ?? 0,
        message:
          'gc.enabled=false on this table (Nessie sets it and collects unreferenced files itself): snapshots not expired',
      };
    }
    const keep = snapshotsToRetain(metadata, opts.olderThanMs, opts.retainLast);
    const all = metadata.snapshots ?? [];
    const expired = all.filter((s) => !keep.has(s['snapshot-id']));
    result.retained = all.length - expired.length;
    result.expired = expired.map((s) => s['snapshot-id']);
    if (expired.length === 0) return result;
    if (opts.dryRun) return { ...result, status: 'dry-run' };
    const uuid = metadata['table-uuid'];
    const requirements: TableRequirement[] = [
      ...(uuid ? [{ type: 'assert-table-uuid' as const, uuid: String(uuid) }] : []),
      ...Object.entries(metadata.refs ?? {}).map(([ref, r]) => ({
        type: 'assert-ref-snapshot-id' as const,
        ref,
        'snapshot-id': r['snapshot-id'],
      })),
    ];
    try {
      await catalog.commitTable(
        ident,
        {
          requirements,
          updates: [{ action: 'remove-snapshots', 'snapshot-ids': result.expired }],
        },
        { idempotencyKey: uuidV7(), deadline },
      );
    } catch (error) {
      if (!(error instanceof CommitConflictError) || attempt >= maxAttempts) throw error;
      await deadline.sleep(backoffDelay(attempt, backoff), 'backing off before expiring again');
      base = await catalog.loadTable(ident, { deadline });
      continue;
    }
    result.status = 'expired';
    if (opts.deleteFiles === false || !io.delete) return result;
    // Decided on the metadata the commit asserted: the expired snapshots' files minus what any
    // retained snapshot still holds live.
    const cache = new Map<string, Promise<string[]>>();
    const retained = all.filter((s) => keep.has(s['snapshot-id']));
    const stillUsed = await reachableFiles(io, retained, true, cache, deadline);
    const used = await reachableFiles(io, expired, true, cache, deadline);
    const location = `${metadata.location.replace(/\/+$/, '')}/`;
    const doomed = [...used].filter((p) => !stillUsed.has(p) && p.startsWith(location));
    for (const path of doomed) {
      try {
        await io.delete(path, { deadline });
        result.deletedFiles.push(path);
      } catch (error) {
        result.failedDeletes.push({ path, reason: (error as Error).message });
      }
    }
    return result;
  }
}

export { reachableFiles as filesReferencedBy };
