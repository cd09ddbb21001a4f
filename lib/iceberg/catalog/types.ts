import type { PartitionSpec } from '../spec/partition-spec';
import type { Schema } from '../spec/schema';
import type { Snapshot } from '../spec/snapshot';
import type { LoadedTable, TableIdentifier } from '../spec/table-metadata';

export type TableRequirement =
  | { type: 'assert-create' }
  | { type: 'assert-table-uuid'; uuid: string }
  | { type: 'assert-ref-snapshot-id'; ref: string; 'snapshot-id': bigint | null }
  | { type: 'assert-current-schema-id'; 'current-schema-id': number }
  | { type: 'assert-default-spec-id'; 'default-spec-id': number };

export type TableUpdate =
  | { action: 'add-snapshot'; snapshot: Snapshot }
  | {
      action: 'set-snapshot-ref';
      'ref-name': string;
      type: 'branch' | 'tag';
      'snapshot-id': bigint;
    }
  | { action: 'set-properties'; updates: Record<string, string> }
  | { action: 'remove-properties'; removals: string[] };

export interface TableCommit {
  requirements: TableRequirement[];
  updates: TableUpdate[];
}

export interface CommitOptions {
  /** Sent as `Idempotency-Key`; resending the identical request must reuse it. */
  idempotencyKey: string;
}

/** What the transaction layer needs from a catalog; RestCatalog implements it, tests fake it. */
export interface Catalog {
  /**
   * False for a catalog known to accept a commit asserting that `main` has no snapshot even when
   * it has one (Nessie 0.99 does): an append to an empty table then starts with an empty snapshot
   * so that the data commit asserts a real snapshot id. Default true.
   */
  readonly enforcesEmptyRefRequirement?: boolean;
  loadTable(ident: TableIdentifier): Promise<LoadedTable>;
  commitTable(
    ident: TableIdentifier,
    commit: TableCommit,
    options: CommitOptions,
  ): Promise<LoadedTable>;
}

export interface CreateTableRequest {
  schema: Schema;
  spec: PartitionSpec;
  properties?: Record<string, string>;
  location?: string;
}
