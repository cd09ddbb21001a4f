import { randomUUID } from 'node:crypto';
import { CommitConflictError, NoSuchNamespaceError, NoSuchTableError } from '../errors';
import { joinLocation } from '../io/location';
import type { PartitionSpec } from '../spec/partition-spec';
import type { Schema } from '../spec/schema';
import {
  type LoadedTable,
  mainSnapshotId,
  type TableIdentifier,
  type TableMetadata,
  tableName,
} from '../spec/table-metadata';
import { applyCommit } from './table-changes';
import type {
  Catalog,
  CatalogRequestOptions,
  CommitOptions,
  TableCommit,
  TableCreator,
} from './types';

export interface InMemoryCatalogOptions {
  /** Where new tables are placed: `<warehouse>/<namespace>/<table>` (default `s3://warehouse`). */
  warehouse?: string;
  /** Milliseconds since the epoch for timestamps the catalog sets (default Date.now). */
  now?: () => number;
  /**
   * Accept a commit asserting that `main` has no snapshot even when it has one, as Nessie 0.99
   * does; appends then start a table with an empty snapshot. Default true (enforced).
   */
  enforcesEmptyRefRequirement?: boolean;
}

/** What the catalog answered to one commit request. */
export interface CommitRecord {
  ident: TableIdentifier;
  commit: TableCommit;
  idempotencyKey: string;
  outcome: 'applied' | 'conflict' | 'rejected';
  error?: Error;
}

export interface CreateTableOptions {
  properties?: Record<string, string>;
  location?: string;
  /** Default 2 (or the `format-version` property). */
  formatVersion?: number;
}

const key = (ident: TableIdentifier) => JSON.stringify([ident.namespace, ident.name]);

/**
 * A catalog in memory with the REST semantics: every requirement type is checked and every
 * update applied as Iceberg Java's server does (see table-changes), each commit writes a new
 * metadata location, and concurrent writers see each other's commits. For tests and benchmarks;
 * the real services are for integration tests.
 */
export class InMemoryCatalog implements Catalog, TableCreator {
  readonly enforcesEmptyRefRequirement: boolean;
  /** Every commit request, in order, with its outcome. */
  readonly commits: CommitRecord[] = [];
  /** Serve only the current snapshot of `main` in loaded metadata, as Nessie 0.99 does. */
  servesCurrentSnapshotOnly = false;

  private readonly tables = new Map<string, LoadedTable>();
  private readonly namespaces = new Set<string>();
  private readonly warehouse: string;
  private readonly now: () => number;

  constructor(options: InMemoryCatalogOptions = {}) {
    this.warehouse = options.warehouse ?? 's3://warehouse';
    this.now = options.now ?? Date.now;
    this.enforcesEmptyRefRequirement = options.enforcesEmptyRefRequirement ?? true;
  }

  async namespaceExists(namespace: string[]): Promise<boolean> {
    return this.namespaces.has(JSON.stringify(namespace));
  }

  async createNamespaceIfAbsent(namespace: string[]): Promise<void> {
    this.namespaces.add(JSON.stringify(namespace));
  }

  /** Creates a table as the REST server does (no snapshot, one sort order, properties kept). */
  createTable(
    ident: TableIdentifier,
    schema: Schema,
    spec: PartitionSpec,
    options: CreateTableOptions = {},
  ): LoadedTable {
    if (!this.namespaces.has(JSON.stringify(ident.namespace))) {
      throw new NoSuchNamespaceError(`no namespace for ${tableName(ident)}`);
    }
    if (this.tables.has(key(ident))) {
      throw new CommitConflictError(
        `Requirement failed: table already exists: ${tableName(ident)}`,
      );
    }
    const { 'format-version': versionProperty, ...properties } = options.properties ?? {};
    const version = options.formatVersion ?? Number(versionProperty ?? 2);
    const location =
      options.location ?? joinLocation(this.warehouse, ...ident.namespace, ident.name);
    const metadata: TableMetadata = {
      'format-version': version,
      'table-uuid': randomUUID(),
      location,
      'last-sequence-number': 0n,
      'last-updated-ms': this.now(),
      'last-column-id': Math.max(0, ...schema.fields.map((f) => f.id)),
      schemas: [structuredClone(schema)],
      'current-schema-id': schema['schema-id'],
      'partition-specs': [structuredClone(spec)],
      'default-spec-id': spec['spec-id'],
      'last-partition-id': Math.max(999, ...spec.fields.map((f) => f['field-id'])),
      'sort-orders': [{ 'order-id': 0, fields: [] }],
      'default-sort-order-id': 0,
      properties,
      'current-snapshot-id': null,
      snapshots: [],
      refs: {},
      'snapshot-log': [],
      'metadata-log': [],
      ...(version >= 3 ? { 'next-row-id': 0n } : {}),
    };
    const table = { metadataLocation: this.metadataPath(metadata, 0), metadata };
    this.tables.set(key(ident), table);
    return this.serve(table);
  }

  async createTableIfAbsent(
    ident: TableIdentifier,
    schema: Schema,
    spec: PartitionSpec,
    properties: Record<string, string> = {},
  ): Promise<LoadedTable> {
    const existing = this.tables.get(key(ident));
    if (existing) return this.serve(existing);
    return this.createTable(ident, schema, spec, { properties });
  }

  async loadTable(
    ident: TableIdentifier,
    options: CatalogRequestOptions = {},
  ): Promise<LoadedTable> {
    options.deadline?.check(`loading ${tableName(ident)}`);
    return this.serve(this.stored(ident));
  }

  async dropTable(ident: TableIdentifier): Promise<void> {
    this.tables.delete(key(ident));
  }

  async commitTable(
    ident: TableIdentifier,
    commit: TableCommit,
    options: CommitOptions,
  ): Promise<LoadedTable> {
    options.deadline?.check(`committing to ${tableName(ident)}`);
    const record: CommitRecord = {
      ident,
      commit: structuredClone(commit),
      idempotencyKey: options.idempotencyKey,
      outcome: 'applied',
    };
    this.commits.push(record);
    try {
      const table = this.stored(ident);
      const requirements = this.enforcesEmptyRefRequirement
        ? commit.requirements
        : commit.requirements.filter(
            (r) => !(r.type === 'assert-ref-snapshot-id' && r['snapshot-id'] === null),
          );
      const metadata = applyCommit(table.metadata, requirements, commit.updates, this.now());
      const version = (table.metadata['metadata-log']?.length ?? 0) + 1;
      metadata['metadata-log'] = [
        ...(table.metadata['metadata-log'] ?? []),
        {
          'metadata-file': table.metadataLocation,
          'timestamp-ms': table.metadata['last-updated-ms'],
        },
      ];
      const next = { metadataLocation: this.metadataPath(metadata, version), metadata };
      this.tables.set(key(ident), next);
      return this.serve(next);
    } catch (error) {
      record.outcome = error instanceof CommitConflictError ? 'conflict' : 'rejected';
      record.error = error as Error;
      throw error;
    }
  }

  /** The table as stored, every snapshot included (what a test asserts on). */
  metadataOf(ident: TableIdentifier): TableMetadata {
    return structuredClone(this.stored(ident).metadata);
  }

  private stored(ident: TableIdentifier): LoadedTable {
    const table = this.tables.get(key(ident));
    if (!table) throw new NoSuchTableError(`no table ${tableName(ident)}`);
    return table;
  }

  /** A copy, so callers never share state with the catalog. */
  private serve(table: LoadedTable): LoadedTable {
    const metadata = structuredClone(table.metadata);
    if (this.servesCurrentSnapshotOnly) {
      const current = mainSnapshotId(metadata);
      metadata.snapshots = metadata.snapshots?.filter((s) => s['snapshot-id'] === current);
    }
    return { metadataLocation: table.metadataLocation, metadata };
  }

  private metadataPath(metadata: TableMetadata, version: number): string {
    const name = `${String(version).padStart(5, '0')}-${randomUUID()}.metadata.json`;
    return joinLocation(metadata.location, 'metadata', name);
  }
}
