import {
  type Catalog,
  CommitConflictError,
  CommitStateUnknownError,
  type LoadedTable,
  MAIN_BRANCH,
  type TableCommit,
  type TableMetadata,
} from '../../../lib/iceberg';
import { emptyTable } from '../iceberg/support/fixtures';

/**
 * A one-table catalog in memory that enforces `assert-ref-snapshot-id` like a REST catalog
 * (409 on a moved branch). `beforeCommit` runs before a commit is checked, so a test can slip
 * another writer's commit in between a load and a commit.
 */
export class MemoryCatalog implements Catalog {
  metadata: TableMetadata = emptyTable().metadata;
  commits = 0;
  conflicts = 0;
  beforeCommit: (() => Promise<void>) | undefined;
  /** Applies the next commit, runs this (another writer, say), then loses the response. */
  loseNextResponse: (() => Promise<void>) | undefined;
  /** Serve only the current snapshot in the metadata, as Nessie does. */
  currentSnapshotOnly = false;

  async loadTable(): Promise<LoadedTable> {
    const metadata = structuredClone(this.metadata);
    if (this.currentSnapshotOnly) {
      metadata.snapshots = metadata.snapshots?.filter(
        (s) => s['snapshot-id'] === metadata['current-snapshot-id'],
      );
    }
    return { metadataLocation: 'memory', metadata };
  }

  async commitTable(_ident: unknown, commit: TableCommit): Promise<LoadedTable> {
    const hook = this.beforeCommit;
    this.beforeCommit = undefined;
    if (hook) await hook();
    for (const req of commit.requirements) {
      if (req.type !== 'assert-ref-snapshot-id') continue;
      const current = this.metadata.refs?.[req.ref]?.['snapshot-id'] ?? null;
      if (current !== req['snapshot-id']) {
        this.conflicts++;
        throw new CommitConflictError(`branch ${req.ref} moved`);
      }
    }
    const next = structuredClone(this.metadata);
    for (const update of commit.updates) {
      if (update.action === 'add-snapshot') {
        next.snapshots = [...(next.snapshots ?? []), update.snapshot];
        next['last-sequence-number'] = update.snapshot['sequence-number'];
      } else if (update.action === 'set-snapshot-ref') {
        next.refs = {
          ...next.refs,
          [update['ref-name']]: { type: update.type, 'snapshot-id': update['snapshot-id'] },
        };
        if (update['ref-name'] === MAIN_BRANCH) next['current-snapshot-id'] = update['snapshot-id'];
      } else if (update.action === 'set-properties') {
        next.properties = { ...next.properties, ...update.updates };
      } else if (update.action === 'remove-properties') {
        const properties = { ...next.properties };
        for (const key of update.removals) delete properties[key];
        next.properties = properties;
      }
    }
    this.metadata = next;
    this.commits++;
    const lost = this.loseNextResponse;
    this.loseNextResponse = undefined;
    if (lost) {
      await lost();
      throw new CommitStateUnknownError('response lost');
    }
    return this.loadTable();
  }
}
