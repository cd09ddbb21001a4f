import type { PartitionSpec } from '../spec/partition-spec';
import type { Schema } from '../spec/schema';
import type { Snapshot } from '../spec/snapshot';
import type { LoadedTable, TableIdentifier } from '../spec/table-metadata';
import type { Deadline } from '../util/deadline';

/** The REST protocol's commit requirements; a catalog checks each against the current metadata. */
export type TableRequirement =
  | { type: 'assert-create' }
  | { type: 'assert-table-uuid'; uuid: string }
  | { type: 'assert-ref-snapshot-id'; ref: string; 'snapshot-id': bigint | null }
  | { type: 'assert-last-assigned-field-id'; 'last-assigned-field-id': number }
  | { type: 'assert-current-schema-id'; 'current-schema-id': number }
  | { type: 'assert-last-assigned-partition-id'; 'last-assigned-partition-id': number }
  | { type: 'assert-default-spec-id'; 'default-spec-id': number }
  | { type: 'assert-default-sort-order-id'; 'default-sort-order-id': number };

/** The REST protocol's metadata updates this package sends (appends, replaces, expiry). */
export type TableUpdate =
  | { action: 'add-snapshot'; snapshot: Snapshot }
  | {
      action: 'set-snapshot-ref';
      'ref-name': string;
      type: 'branch' | 'tag';
      'snapshot-id': bigint;
      'max-ref-age-ms'?: number;
      'max-snapshot-age-ms'?: number;
      'min-snapshots-to-keep'?: number;
    }
  | { action: 'remove-snapshots'; 'snapshot-ids': bigint[] }
  | { action: 'remove-snapshot-ref'; 'ref-name': string }
  | { action: 'set-properties'; updates: Record<string, string> }
  | { action: 'remove-properties'; removals: string[] }
  | { action: 'upgrade-format-version'; 'format-version': number };

export interface TableCommit {
  requirements: TableRequirement[];
  updates: TableUpdate[];
}

export interface CatalogRequestOptions {
  /** Requests (and their retries) stop at the deadline with DeadlineExceededError. */
  deadline?: Deadline;
}

export interface CommitOptions extends CatalogRequestOptions {
  /** Sent as `Idempotency-Key`; resending the identical request must reuse it. */
  idempotencyKey: string;
}

/** What the transaction layer needs from a catalog; RestCatalog and InMemoryCatalog implement it. */
export interface Catalog {
  /**
   * False for a catalog known to accept a commit asserting that `main` has no snapshot even when
   * it has one (Nessie 0.99 does): an append to an empty table then starts with an empty snapshot
   * so that the data commit asserts a real snapshot id. Default true.
   */
  readonly enforcesEmptyRefRequirement?: boolean;
  loadTable(ident: TableIdentifier, options?: CatalogRequestOptions): Promise<LoadedTable>;
  commitTable(
    ident: TableIdentifier,
    commit: TableCommit,
    options: CommitOptions,
  ): Promise<LoadedTable>;
}

/** Creating tables, which the writer's setup needs besides loading and committing. */
export interface TableCreator {
  createNamespaceIfAbsent(namespace: string[], options?: CatalogRequestOptions): Promise<void>;
  createTableIfAbsent(
    ident: TableIdentifier,
    schema: Schema,
    spec: PartitionSpec,
    properties?: Record<string, string>,
    options?: CatalogRequestOptions,
  ): Promise<LoadedTable>;
  dropTable(ident: TableIdentifier, options?: CatalogRequestOptions): Promise<void>;
}
