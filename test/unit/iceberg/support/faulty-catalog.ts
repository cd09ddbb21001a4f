import { SENSOR_ALERTS_PARTITION_SPEC, SENSOR_ALERTS_SCHEMA } from '../../../../lib/alerts/table';
import {
  type Catalog,
  type CatalogRequestOptions,
  CommitConflictError,
  type CommitOptions,
  CommitStateUnknownError,
  InMemoryCatalog,
  type InMemoryCatalogOptions,
  type LoadedTable,
  type TableCommit,
  type TableIdentifier,
  type TableMetadata,
} from '../../../../lib/iceberg';

export type Fault = 'conflict' | 'unknown-applied' | 'unknown-not-applied';

export const IDENT: TableIdentifier = { namespace: ['demo'], name: 'sensor_alerts' };

/**
 * The library's InMemoryCatalog (the one set of commit semantics) with faults injected in front
 * of it: it checks and applies nothing itself. `faults` fails the next commits in a given way;
 * `beforeCommit` slips another writer in between a load and a commit; `loseNextResponse` lets a
 * commit land and then loses its answer.
 */
export class FaultyCatalog implements Catalog {
  readonly faults: Fault[] = [];
  /** Every commit request this catalog was sent, faulted ones included. */
  readonly commits: { commit: TableCommit; idempotencyKey: string }[] = [];
  conflicts = 0;
  beforeCommit: (() => Promise<void>) | undefined;
  loseNextResponse: (() => Promise<void>) | undefined;

  constructor(
    readonly inner: InMemoryCatalog,
    readonly ident: TableIdentifier = IDENT,
  ) {}

  get enforcesEmptyRefRequirement(): boolean {
    return this.inner.enforcesEmptyRefRequirement;
  }

  /** The table as stored (every snapshot), for assertions. */
  get metadata(): TableMetadata {
    return this.inner.metadataOf(this.ident);
  }

  /** Commits the catalog applied (conflicts and injected failures not counted). */
  get applied(): number {
    return this.inner.commits.filter((c) => c.outcome === 'applied').length;
  }

  get table(): LoadedTable {
    return { metadataLocation: 'memory', metadata: this.metadata };
  }

  loadTable(ident: TableIdentifier = this.ident, options?: CatalogRequestOptions) {
    return this.inner.loadTable(ident, options);
  }

  /** Commits as another writer would, bypassing the faults. */
  apply(commit: TableCommit): Promise<LoadedTable> {
    return this.inner.commitTable(this.ident, commit, { idempotencyKey: 'other-writer' });
  }

  async commitTable(
    ident: TableIdentifier,
    commit: TableCommit,
    options: CommitOptions,
  ): Promise<LoadedTable> {
    this.commits.push({ commit, idempotencyKey: options.idempotencyKey });
    const hook = this.beforeCommit;
    this.beforeCommit = undefined;
    if (hook) await hook();
    const fault = this.faults.shift();
    if (fault === 'conflict') throw new CommitConflictError('injected conflict');
    if (fault === 'unknown-not-applied') throw new CommitStateUnknownError('injected 503');
    let table: LoadedTable;
    try {
      table = await this.inner.commitTable(ident, commit, options);
    } catch (error) {
      if (error instanceof CommitConflictError) this.conflicts++;
      throw error;
    }
    if (fault === 'unknown-applied') throw new CommitStateUnknownError('injected lost response');
    const lost = this.loseNextResponse;
    this.loseNextResponse = undefined;
    if (lost) {
      await lost();
      throw new CommitStateUnknownError('response lost');
    }
    return table;
  }
}

/** A catalog holding an empty sensor_alerts table `demo.sensor_alerts`. */
export function catalogWithTable(
  options: InMemoryCatalogOptions & {
    properties?: Record<string, string>;
    formatVersion?: number;
  } = {},
): FaultyCatalog {
  const inner = new InMemoryCatalog(options);
  void inner.createNamespaceIfAbsent(IDENT.namespace);
  inner.createTable(IDENT, SENSOR_ALERTS_SCHEMA, SENSOR_ALERTS_PARTITION_SPEC, {
    ...(options.properties ? { properties: options.properties } : {}),
    ...(options.formatVersion ? { formatVersion: options.formatVersion } : {}),
  });
  return new FaultyCatalog(inner);
}
