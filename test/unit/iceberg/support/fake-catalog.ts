import {
  type Catalog,
  CommitConflictError,
  CommitStateUnknownError,
  type LoadedTable,
  mainSnapshotId,
  type Snapshot,
  type TableCommit,
} from '../../../../lib/iceberg';

export type Fault = 'conflict' | 'unknown-applied' | 'unknown-not-applied';

/**
 * In-memory catalog that checks assert-ref-snapshot-id like a real one and can be told to
 * fail the next commits in a given way.
 */
export class FakeCatalog implements Catalog {
  readonly commits: { commit: TableCommit; idempotencyKey: string }[] = [];
  readonly faults: Fault[] = [];

  constructor(public table: LoadedTable) {}

  async loadTable(): Promise<LoadedTable> {
    return this.table;
  }

  /** Applies a commit as a concurrent writer would, moving `main` under the caller's feet. */
  apply(commit: TableCommit): LoadedTable {
    const requirement = commit.requirements.find((r) => r.type === 'assert-ref-snapshot-id');
    const current = mainSnapshotId(this.table.metadata) ?? null;
    if (requirement && requirement['snapshot-id'] !== current) {
      throw new CommitConflictError(`main is ${current}`);
    }
    let metadata = this.table.metadata;
    for (const update of commit.updates) {
      if (update.action === 'add-snapshot') {
        const snapshot: Snapshot = update.snapshot;
        metadata = {
          ...metadata,
          'last-sequence-number': snapshot['sequence-number'],
          snapshots: [...(metadata.snapshots ?? []), snapshot],
        };
      }
      if (update.action === 'set-snapshot-ref') {
        metadata = {
          ...metadata,
          'current-snapshot-id': update['snapshot-id'],
          refs: {
            ...metadata.refs,
            [update['ref-name']]: { 'snapshot-id': update['snapshot-id'], type: 'branch' },
          },
        };
      }
    }
    this.table = { ...this.table, metadata };
    return this.table;
  }

  async commitTable(
    _ident: unknown,
    commit: TableCommit,
    options: { idempotencyKey: string },
  ): Promise<LoadedTable> {
    this.commits.push({ commit, idempotencyKey: options.idempotencyKey });
    const fault = this.faults.shift();
    if (fault === 'conflict') throw new CommitConflictError('injected conflict');
    if (fault === 'unknown-not-applied') throw new CommitStateUnknownError('injected 503');
    const table = this.apply(commit);
    if (fault === 'unknown-applied') throw new CommitStateUnknownError('injected lost response');
    return table;
  }
}
