import type { Catalog, TableCommit } from '../catalog/types';
import {
  CommitConflictError,
  CommitStateUnknownError,
  IcebergError,
  ValidationError,
} from '../errors';
import type { FileIO } from '../io/file-io';
import type { DataFile } from '../spec/data-file';
import type { Snapshot } from '../spec/snapshot';
import type { TableIdentifier } from '../spec/table-metadata';
import { type LoadedTable, mainAncestry, mainSnapshotId } from '../spec/table-metadata';
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF, sleep } from './backoff';
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
   * extra summary properties, or `{ abandon }` to stop without committing.
   */
  prepare?: (base: LoadedTable) => Promise<PrepareResult> | PrepareResult;
  /** Attempts in total (default 8). */
  maxAttempts?: number;
  /** Id stored in the summary under COMMIT_ID_SUMMARY_KEY (default a random UUID). */
  commitId?: string;
  backoff?: BackoffOptions;
}

export type AppendResult =
  | {
      status: 'committed';
      snapshotId: bigint;
      sequenceNumber: bigint;
      attempts: number;
      table: LoadedTable;
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
    };

function findOwnCommit(table: LoadedTable, commitId: string, snapshotId: bigint) {
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

function committedAs(own: Snapshot, attempts: number, table: LoadedTable): AppendResult {
  return {
    status: 'committed',
    snapshotId: own['snapshot-id'],
    sequenceNumber: own['sequence-number'],
    attempts,
    table,
  };
}

async function reloadAfterUnknown(
  catalog: Catalog,
  ident: TableIdentifier,
  backoff: BackoffOptions,
  cause: unknown,
): Promise<LoadedTable> {
  let last: unknown = cause;
  for (let i = 1; i <= 5; i++) {
    try {
      return await catalog.loadTable(ident);
    } catch (error) {
      last = error;
      if (error instanceof IcebergError && !error.retryable && error.kind !== 'catalog')
        throw error;
      await sleep(backoffDelay(i, backoff));
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
 * fastAppend does it too, but an empty commit racing a data commit could undo that commit.
 * Returns the table as reloaded.
 */
export async function ensureFirstSnapshot(
  catalog: Catalog,
  io: FileIO,
  ident: TableIdentifier,
  loaded?: LoadedTable,
): Promise<LoadedTable> {
  const base = loaded ?? (await catalog.loadTable(ident));
  if (catalog.enforcesEmptyRefRequirement !== false || mainSnapshotId(base.metadata)) return base;
  const { commit } = await produceEmptySnapshot(io, base, newSnapshotId());
  try {
    await catalog.commitTable(ident, commit, { idempotencyKey: uuidV7() });
  } catch (error) {
    // Another writer got there first, or the outcome is unknown: the reload tells.
    if (!(error instanceof CommitConflictError || error instanceof CommitStateUnknownError)) {
      throw error;
    }
  }
  return catalog.loadTable(ident);
}

/**
 * Appends data files as one new snapshot on `main` (the spec's fast append). The manifest is
 * written once; each attempt writes a new manifest list on its parent. A 409 reloads and
 * re-applies; an unknown outcome reloads and looks for this commit before trying again.
 */
export async function fastAppend(
  catalog: Catalog,
  io: FileIO,
  ident: TableIdentifier,
  dataFiles: readonly DataFile[],
  opts: AppendOptions = {},
): Promise<AppendResult> {
  if (dataFiles.length === 0) throw new ValidationError('fast append needs at least one data file');
  const maxAttempts = opts.maxAttempts ?? 8;
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const commitId = opts.commitId ?? randomUUID();
  // One snapshot id for every attempt keeps the manifest's entries valid across retries.
  const snapshotId = newSnapshotId();
  let written: WrittenManifest | undefined;
  let base = await catalog.loadTable(ident);
  // Set once an attempt's outcome was unknown: from then on every reload looks for our commit.
  let uncertain = false;
  // The identical request may be resent with its key; a changed request gets a new key.
  let previous:
    | {
        parent: bigint | undefined;
        summary: string;
        commit: TableCommit;
        key: string;
        sequenceNumber: bigint;
      }
    | undefined;

  for (let attempt = 1; ; attempt++) {
    base = await ensureFirstSnapshot(catalog, io, ident, base);
    const prepared = opts.prepare ? await opts.prepare(base) : {};
    if ('abandon' in prepared) {
      return {
        status: 'abandoned',
        reason: prepared.abandon,
        attempts: attempt,
        table: base,
        uncertain,
      };
    }
    const summary = { ...prepared.summary, [COMMIT_ID_SUMMARY_KEY]: commitId };
    const parent = mainSnapshotId(base.metadata);
    const properties = prepared.properties ?? {};
    const summaryKey = JSON.stringify([summary, properties]);
    let request: NonNullable<typeof previous>;
    if (previous && previous.parent === parent && previous.summary === summaryKey) {
      request = previous;
    } else {
      written ??= await writeAppendManifest(io, base, snapshotId, dataFiles);
      const produced = await produceAppend(
        io,
        base,
        written,
        snapshotId,
        dataFiles,
        summary,
        attempt,
        properties,
      );
      request = {
        parent,
        summary: summaryKey,
        commit: produced.commit,
        key: uuidV7(),
        sequenceNumber: produced.snapshot['sequence-number'],
      };
    }
    previous = request;

    try {
      const table = await catalog.commitTable(ident, request.commit, {
        idempotencyKey: request.key,
      });
      return {
        status: 'committed',
        snapshotId,
        sequenceNumber: request.sequenceNumber,
        attempts: attempt,
        table,
      };
    } catch (error) {
      if (error instanceof CommitConflictError) {
        if (attempt >= maxAttempts) throw error;
        await sleep(backoffDelay(attempt, backoff));
        base = await catalog.loadTable(ident);
        // A resent request can conflict with its own earlier, late-landing copy.
        const own = uncertain ? findOwnCommit(base, commitId, snapshotId) : undefined;
        if (own) return committedAs(own, attempt, base);
        continue;
      }
      if (error instanceof CommitStateUnknownError) {
        const reloaded = await reloadAfterUnknown(catalog, ident, backoff, error);
        const own = findOwnCommit(reloaded, commitId, snapshotId);
        if (own) return committedAs(own, attempt, reloaded);
        uncertain = true;
        if (attempt >= maxAttempts) throw error;
        // a failing catalog is often a busy one: back off as for a conflict
        await sleep(backoffDelay(attempt, backoff));
        base = reloaded;
        continue;
      }
      throw error;
    }
  }
}
