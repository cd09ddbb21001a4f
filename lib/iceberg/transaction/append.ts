import type { Catalog, TableCommit } from '../catalog/types';
import {
  CommitConflictError,
  CommitStateUnknownError,
  DeadlineExceededError,
  IcebergError,
  ValidationError,
} from '../errors';
import type { FileIO } from '../io/file-io';
import type { DataFile } from '../spec/data-file';
import type { Snapshot } from '../spec/snapshot';
import {
  type LoadedTable,
  mainAncestry,
  mainSnapshotId,
  type TableIdentifier,
  tableName,
} from '../spec/table-metadata';
import { assertWritable } from '../spec/table-support';
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from '../util/backoff';
import type { Clock } from '../util/clock';
import { Deadline } from '../util/deadline';
import { type AttemptFiles, type CleanupReport, deleteQuietly } from './cleanup';
import { newSnapshotId, randomUUID, uuidV7 } from './ids';
import {
  produceAppend,
  produceEmptySnapshot,
  type WrittenManifest,
  writeAppendManifest,
} from './snapshot-producer';

/** Summary key holding the id of the logical commit, used to recognise our own snapshot. */
export const COMMIT_ID_SUMMARY_KEY = 'commit-id';

export type PrepareResult =
  | {
      summary?: Record<string, string>;
      /** Table properties set in the same atomic commit as the snapshot. */
      properties?: Record<string, string>;
    }
  | { abandon: string };

export interface AppendOptions {
  /**
   * Called with the table state an attempt commits on top of (first attempt, after each
   * conflict reload, after a state-unknown reload that did not find our commit). Returns
   * extra summary properties and table properties, or `{ abandon }` to stop without committing.
   */
  prepare?: (base: LoadedTable) => Promise<PrepareResult> | PrepareResult;
  /** Attempts in total (default 8). */
  maxAttempts?: number;
  /** Id stored in the summary under COMMIT_ID_SUMMARY_KEY (default a random UUID). */
  commitId?: string;
  backoff?: BackoffOptions;
  /**
   * Nothing (load, attempt, backoff, reload, file write) starts or waits past it; reaching it
   * throws DeadlineExceededError, with `commitOutcomeUnknown` when a commit may have landed.
   */
  deadline?: Deadline;
  /** Clock for backoff sleeps when there is no deadline (tests). */
  clock?: Clock;
}

export type AppendResult =
  | {
      status: 'committed';
      snapshotId: bigint;
      sequenceNumber: bigint;
      attempts: number;
      table: LoadedTable;
      /** Manifest lists and manifests of failed attempts that were deleted (or failed to be). */
      cleanup: CleanupReport;
    }
  | {
      status: 'abandoned';
      reason: string;
      attempts: number;
      table: LoadedTable;
      /**
       * True when an earlier attempt's outcome was unknown and its commit was not found: it may
       * still have landed out of sight (a catalog that keeps only the current snapshot, or a late
       * request), so its files must not be deleted.
       */
      uncertain: boolean;
      cleanup: CleanupReport;
    };

const NO_CLEANUP: CleanupReport = { deleted: [], failed: [] };

/** The snapshot on `main`'s ancestry that is this commit (by snapshot id or commit id). */
export function findOwnCommit(table: LoadedTable, commitId: string, snapshotId: bigint) {
  for (const snapshot of mainAncestry(table.metadata)) {
    if (
      snapshot['snapshot-id'] === snapshotId ||
      snapshot.summary[COMMIT_ID_SUMMARY_KEY] === commitId
    ) {
      return snapshot;
    }
  }
  return undefined;
}

/** Reloads after a commit whose outcome is unknown, retrying a failing catalog a few times. */
export async function reloadAfterUnknown(
  catalog: Catalog,
  ident: TableIdentifier,
  backoff: BackoffOptions,
  deadline: Deadline,
  cause: unknown,
): Promise<LoadedTable> {
  let last: unknown = cause;
  const activity = `reloading ${tableName(ident)} after a commit with unknown outcome`;
  for (let i = 1; i <= 5; i++) {
    try {
      return await catalog.loadTable(ident, { deadline });
    } catch (error) {
      last = error;
      if (error instanceof DeadlineExceededError) throw error;
      if (error instanceof IcebergError && !error.retryable && error.kind !== 'catalog')
        throw error;
      await deadline.sleep(backoffDelay(i, backoff), activity);
    }
  }
  throw new CommitStateUnknownError('commit outcome unknown and the table cannot be reloaded', {
    cause: last,
  });
}

/**
 * Gives a table without a snapshot an empty first one, where the catalog would not enforce the
 * "no snapshot yet" requirement of a data commit (Nessie 0.99). Several writers may do this at
 * once: the snapshots are empty, so whichever stays loses nothing, and the data commits after it
 * assert a real snapshot id. Call it when creating a table, before appends may run concurrently:
 * the appends do it too, but an empty commit racing a data commit could undo that commit.
 * Returns the table as reloaded.
 */
export async function ensureFirstSnapshot(
  catalog: Catalog,
  io: FileIO,
  ident: TableIdentifier,
  loaded?: LoadedTable,
  options: { deadline?: Deadline } = {},
): Promise<LoadedTable> {
  const { deadline } = options;
  const base = loaded ?? (await catalog.loadTable(ident, { deadline }));
  if (catalog.enforcesEmptyRefRequirement !== false || mainSnapshotId(base.metadata)) return base;
  const { commit } = await produceEmptySnapshot(io, base, newSnapshotId(), deadline);
  try {
    await catalog.commitTable(ident, commit, { idempotencyKey: uuidV7(), deadline });
  } catch (error) {
    // Another writer got there first, or the outcome is unknown: the reload tells.
    if (!(error instanceof CommitConflictError || error instanceof CommitStateUnknownError)) {
      throw error;
    }
  }
  return catalog.loadTable(ident, { deadline });
}

/**
 * Iceberg Java's fast append (`newFastAppend`): one new manifest for the data files plus every
 * manifest of the parent snapshot, never merged. See `mergeAppend` for the retry behaviour.
 */
export function fastAppend(
  catalog: Catalog,
  io: FileIO,
  ident: TableIdentifier,
  dataFiles: readonly DataFile[],
  opts: AppendOptions = {},
): Promise<AppendResult> {
  return commitAppend(catalog, io, ident, dataFiles, opts, false);
}

/**
 * Iceberg Java's merge append (`newAppend`): as the fast append, but once the table properties
 * say so (`commit.manifest-merge.enabled`, `commit.manifest.min-count-to-merge`,
 * `commit.manifest.target-size-bytes`) manifests are merged, so that frequent small appends
 * keep a bounded manifest count. The manifest is written once; each attempt writes a new
 * manifest list on its parent. A 409 reloads and re-applies; an unknown outcome reloads and
 * looks for this commit before trying again. What failed attempts wrote (manifest lists, merged
 * manifests) is deleted once the outcome is known, as Java's snapshot producer does, and never
 * after an attempt whose outcome stayed unknown; data files are the caller's.
 */
export function mergeAppend(
  catalog: Catalog,
  io: FileIO,
  ident: TableIdentifier,
  dataFiles: readonly DataFile[],
  opts: AppendOptions = {},
): Promise<AppendResult> {
  return commitAppend(catalog, io, ident, dataFiles, opts, true);
}

interface Request {
  parent: bigint | undefined;
  summary: string;
  commit: TableCommit;
  key: string;
  sequenceNumber: bigint;
  files: AttemptFiles;
}

async function commitAppend(
  catalog: Catalog,
  io: FileIO,
  ident: TableIdentifier,
  dataFiles: readonly DataFile[],
  opts: AppendOptions,
  merge: boolean,
): Promise<AppendResult> {
  if (dataFiles.length === 0) throw new ValidationError('an append needs at least one data file');
  const name = tableName(ident);
  const maxAttempts = opts.maxAttempts ?? 8;
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const deadline = opts.deadline ?? Deadline.none(opts.clock);
  const commitId = opts.commitId ?? randomUUID();
  // One snapshot id for every attempt keeps the manifest's entries valid across retries.
  const snapshotId = newSnapshotId();
  let written: WrittenManifest | undefined;
  const attempts: AttemptFiles[] = [];
  let base = await catalog.loadTable(ident, { deadline });
  assertWritable(base.metadata, name);
  // Set once an attempt's outcome was unknown: from then on every reload looks for our commit,
  // and nothing this append wrote is deleted.
  let uncertain = false;
  // The identical request may be resent with its key; a changed request gets a new key.
  let previous: Request | undefined;

  const cleanUp = (committed?: AttemptFiles) =>
    uncertain
      ? Promise.resolve(NO_CLEANUP)
      : deleteQuietly(io, attempts, written, committed, deadline);
  const committedAs = async (own: Snapshot, attempt: number, table: LoadedTable) => ({
    status: 'committed' as const,
    snapshotId: own['snapshot-id'],
    sequenceNumber: own['sequence-number'],
    attempts: attempt,
    table,
    cleanup: NO_CLEANUP,
  });

  try {
    for (let attempt = 1; ; attempt++) {
      deadline.check(`starting commit attempt ${attempt} to ${name}`);
      base = await ensureFirstSnapshot(catalog, io, ident, base, { deadline });
      const prepared = opts.prepare ? await opts.prepare(base) : {};
      if ('abandon' in prepared) {
        return {
          status: 'abandoned',
          reason: prepared.abandon,
          attempts: attempt,
          table: base,
          uncertain,
          cleanup: await cleanUp(),
        };
      }
      const summary = { ...prepared.summary, [COMMIT_ID_SUMMARY_KEY]: commitId };
      const parent = mainSnapshotId(base.metadata);
      const properties = prepared.properties ?? {};
      const summaryKey = JSON.stringify([summary, properties]);
      let request: Request;
      if (previous && previous.parent === parent && previous.summary === summaryKey) {
        request = previous;
      } else {
        written ??= await writeAppendManifest(io, base, snapshotId, dataFiles, deadline);
        const files: AttemptFiles = { written: [], referenced: [], outcome: 'pending' };
        attempts.push(files);
        const produced = await produceAppend(io, base, {
          written,
          snapshotId,
          dataFiles,
          summary,
          properties,
          attempt,
          merge,
          deadline,
        });
        files.written.push(produced.manifestList, ...produced.mergedManifests);
        files.referenced.push(...produced.referenced);
        request = {
          parent,
          summary: summaryKey,
          commit: produced.commit,
          key: uuidV7(),
          sequenceNumber: produced.snapshot['sequence-number'],
          files,
        };
      }
      previous = request;

      try {
        const table = await catalog.commitTable(ident, request.commit, {
          idempotencyKey: request.key,
          deadline,
        });
        request.files.outcome = 'committed';
        return {
          status: 'committed',
          snapshotId,
          sequenceNumber: request.sequenceNumber,
          attempts: attempt,
          table,
          cleanup: await cleanUp(request.files),
        };
      } catch (error) {
        if (error instanceof CommitConflictError) {
          // A resent request can conflict with its own earlier, late-landing copy.
          if (request.files.outcome !== 'unknown') request.files.outcome = 'conflict';
          if (attempt >= maxAttempts) {
            await cleanUp();
            throw error;
          }
          await deadline.sleep(
            backoffDelay(attempt, backoff),
            `backing off before attempt ${attempt + 1} to ${name}`,
          );
          base = await catalog.loadTable(ident, { deadline });
          const own = uncertain ? findOwnCommit(base, commitId, snapshotId) : undefined;
          if (own) return committedAs(own, attempt, base);
          continue;
        }
        if (error instanceof CommitStateUnknownError) {
          request.files.outcome = 'unknown';
          uncertain = true;
          const reloaded = await reloadAfterUnknown(catalog, ident, backoff, deadline, error);
          const own = findOwnCommit(reloaded, commitId, snapshotId);
          if (own) return committedAs(own, attempt, reloaded);
          if (attempt >= maxAttempts) throw error;
          // a failing catalog is often a busy one: back off as for a conflict
          await deadline.sleep(
            backoffDelay(attempt, backoff),
            `backing off before attempt ${attempt + 1} to ${name}`,
          );
          base = reloaded;
          continue;
        }
        if (error instanceof DeadlineExceededError) {
          if (error.commitOutcomeUnknown) {
            request.files.outcome = 'unknown';
            uncertain = true;
          }
          throw error;
        }
        // Refused outright (a 400, say): this attempt did not land.
        request.files.outcome = 'rejected';
        await cleanUp();
        throw error;
      }
    }
  } catch (error) {
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
