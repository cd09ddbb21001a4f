import { readManifestList, writeManifestList } from '../avro/manifest-list';
import type { Catalog } from '../catalog/types';
import {
  CommitConflictError,
  CommitStateUnknownError,
  DeadlineExceededError,
  UnsupportedTableError,
} from '../errors';
import type { FileIO } from '../io/file-io';
import type { ManifestEntry } from '../spec/data-file';
import type { ManifestFile } from '../spec/manifest-file';
import { type Snapshot, withTotals } from '../spec/snapshot';
import {
  type LoadedTable,
  mainSnapshot,
  type TableIdentifier,
  tableName,
} from '../spec/table-metadata';
import { assertWritable, type FormatVersion, formatVersion } from '../spec/table-support';
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from '../util/backoff';
import type { Clock } from '../util/clock';
import { Deadline } from '../util/deadline';
import { COMMIT_ID_SUMMARY_KEY, findOwnCommit, reloadAfterUnknown } from './append';
import { newSnapshotId, randomUUID, uuidV7 } from './ids';
import { readManifestEntries } from './manifest-merge';
import { metadataPath, snapshotCommit } from './snapshot-producer';

/**
 * A rewrite planned on an older snapshot no longer fits the table: a file it removes is no
 * longer live, or a delete file was added that may apply to one. Plan again on the new table.
 * `outcomeUncertain` is set when an earlier attempt of the same rewrite may have landed out of
 * sight, so that the caller keeps the files it wrote (orphan cleanup removes them if not).
 */
export class StaleRewriteError extends CommitConflictError {
  override readonly name = 'StaleRewriteError';
  outcomeUncertain = false;
}

/** What one attempt of a replace snapshot consists of, built on the attempt's base. */
export interface ReplaceAttempt {
  /** The new snapshot's whole manifest list. */
  manifests: ManifestFile[];
  /** Operation counters (added/deleted files, records, sizes); totals are added from the parent. */
  summary: Record<string, string>;
  /** Manifests this attempt wrote, deleted if it does not land. */
  written: string[];
}

export interface ReplaceContext {
  base: LoadedTable;
  parent: Snapshot;
  snapshotId: bigint;
  sequenceNumber: bigint;
  formatVersion: FormatVersion;
  attempt: number;
  /** Entries of a manifest, inherited metadata filled in, read once per manifest and call. */
  entries(manifest: ManifestFile): Promise<ManifestEntry[]>;
  deadline: Deadline;
}

export interface ReplaceCommitOptions {
  /** Extra summary properties from the attempt's base (e.g. a writer's state carried forward). */
  summary?: (base: LoadedTable) => Record<string, string>;
  /** Attempts in total (default 10). */
  maxAttempts?: number;
  commitId?: string;
  backoff?: BackoffOptions;
  deadline?: Deadline;
  clock?: Clock;
}

export interface ReplaceResult {
  snapshotId: bigint;
  attempts: number;
  table: LoadedTable;
}

/**
 * Commits a `replace` snapshot (compaction, manifest rewrite: the table's rows do not change)
 * with the snapshot-commit requirements (table UUID, `main` at the parent). On a conflict the
 * table is reloaded and the attempt built again on the new `main`, so a concurrent append is
 * kept and `build` re-validates what it removes (throwing StaleRewriteError when it cannot).
 * An unknown outcome reloads and looks for this commit before trying again. Manifests written by
 * attempts that did not land are deleted, unless some attempt's outcome stayed unknown.
 */
export async function commitReplace(
  catalog: Catalog,
  io: FileIO,
  ident: TableIdentifier,
  build: (ctx: ReplaceContext) => Promise<ReplaceAttempt>,
  opts: ReplaceCommitOptions = {},
): Promise<ReplaceResult> {
  const name = tableName(ident);
  const maxAttempts = opts.maxAttempts ?? 10;
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const deadline = opts.deadline ?? Deadline.none(opts.clock);
  const commitId = opts.commitId ?? randomUUID();
  const snapshotId = newSnapshotId();
  const cache = new Map<string, Promise<ManifestEntry[]>>();
  const entries = (manifest: ManifestFile) => {
    let found = cache.get(manifest.manifestPath);
    if (!found) {
      found = readManifestEntries(io, manifest, { deadline });
      found.catch(() => cache.delete(manifest.manifestPath));
      cache.set(manifest.manifestPath, found);
    }
    return found;
  };
  const failedWrites: string[] = [];
  let uncertain = false;
  const cleanUp = async () => {
    if (uncertain || !io.delete) return;
    await Promise.all(
      failedWrites.splice(0).map((path) => io.delete!(path, { deadline }).catch(() => undefined)),
    );
  };

  let base = await catalog.loadTable(ident, { deadline });
  try {
    for (let attempt = 1; ; attempt++) {
      deadline.check(`starting replace attempt ${attempt} on ${name}`);
      assertWritable(base.metadata, name);
      const version = formatVersion(base.metadata, name);
      if (version === 3) {
        throw new UnsupportedTableError(
          `${name} is a format v3 table: rewriting it would need row lineage carried over, which this writer does not do`,
        );
      }
      const parent = mainSnapshot(base.metadata);
      if (!parent) throw new StaleRewriteError(`${name} has no current snapshot to rewrite`);
      const sequenceNumber = version === 1 ? 0n : base.metadata['last-sequence-number'] + 1n;
      let built: ReplaceAttempt;
      try {
        built = await build({
          base,
          parent,
          snapshotId,
          sequenceNumber,
          formatVersion: version,
          attempt,
          entries,
          deadline,
        });
      } catch (error) {
        if (error instanceof StaleRewriteError) error.outcomeUncertain = uncertain;
        throw error;
      }
      failedWrites.push(...built.written);
      const listPath = metadataPath(base, `snap-${snapshotId}-${attempt}-${randomUUID()}.avro`);
      await io.write(
        listPath,
        writeManifestList(built.manifests, {
          snapshotId,
          parentSnapshotId: parent['snapshot-id'],
          sequenceNumber,
          formatVersion: version,
        }),
        { deadline },
      );
      failedWrites.push(listPath);
      const summary = withTotals(
        {
          ...(opts.summary ? opts.summary(base) : {}),
          ...built.summary,
          operation: 'replace',
          [COMMIT_ID_SUMMARY_KEY]: commitId,
        },
        parent.summary,
      ) as Snapshot['summary'];
      const snapshot: Snapshot = {
        'snapshot-id': snapshotId,
        'parent-snapshot-id': parent['snapshot-id'],
        'sequence-number': sequenceNumber,
        'timestamp-ms': Math.max(Date.now(), base.metadata['last-updated-ms'] ?? 0),
        'manifest-list': listPath,
        summary,
        'schema-id': base.metadata['current-schema-id'],
      };
      const commit = snapshotCommit(base, snapshot, parent['snapshot-id']);
      const committedFiles = [...built.written, listPath];
      try {
        const table = await catalog.commitTable(ident, commit, {
          idempotencyKey: uuidV7(),
          deadline,
        });
        for (const path of committedFiles) failedWrites.splice(failedWrites.indexOf(path), 1);
        await cleanUp();
        return { snapshotId, attempts: attempt, table };
      } catch (error) {
        if (error instanceof CommitConflictError) {
          if (attempt >= maxAttempts) throw error;
          await deadline.sleep(
            backoffDelay(attempt, backoff),
            `backing off before replace ${attempt + 1}`,
          );
          base = await catalog.loadTable(ident, { deadline });
          if (uncertain && findOwnCommit(base, commitId, snapshotId)) {
            return { snapshotId, attempts: attempt, table: base };
          }
          continue;
        }
        if (error instanceof CommitStateUnknownError) {
          uncertain = true;
          const reloaded = await reloadAfterUnknown(catalog, ident, backoff, deadline, error);
          if (findOwnCommit(reloaded, commitId, snapshotId)) {
            return { snapshotId, attempts: attempt, table: reloaded };
          }
          if (attempt >= maxAttempts) throw error;
          await deadline.sleep(
            backoffDelay(attempt, backoff),
            `backing off before replace ${attempt + 1}`,
          );
          base = reloaded;
          continue;
        }
        if (error instanceof DeadlineExceededError && error.commitOutcomeUnknown) uncertain = true;
        throw error;
      }
    }
  } catch (error) {
    await cleanUp();
    // Whatever ran into the deadline, the caller must know whether a commit may have landed.
    if (error instanceof DeadlineExceededError && uncertain && !error.commitOutcomeUnknown) {
      throw new DeadlineExceededError(error.activity, error.remainingMs, {
        cause: error,
        commitOutcomeUnknown: true,
      });
    }
    throw error;
  }
}

/** The manifests of a snapshot's list. */
export async function snapshotManifests(
  io: FileIO,
  snapshot: Snapshot,
  deadline?: Deadline,
): Promise<ManifestFile[]> {
  return readManifestList(await io.read(snapshot['manifest-list'], { deadline })).manifests;
}
