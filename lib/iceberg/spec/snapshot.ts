export type SnapshotOperation = 'append' | 'replace' | 'overwrite' | 'delete';

export interface Snapshot {
  'snapshot-id': bigint;
  'parent-snapshot-id'?: bigint;
  /** 0 in format v1, where snapshots have none (and none is sent). */
  'sequence-number': bigint;
  'timestamp-ms': number;
  'manifest-list': string;
  summary: Record<string, string> & { operation: SnapshotOperation | string };
  'schema-id'?: number;
  /** v3: the table's next-row-id when the snapshot was committed. */
  'first-row-id'?: bigint;
  /** v3: row ids this snapshot assigned (the table's next-row-id grows by it). */
  'added-rows'?: bigint;
}

export interface SnapshotRef {
  'snapshot-id': bigint;
  type: 'branch' | 'tag';
  'max-ref-age-ms'?: number;
  'max-snapshot-age-ms'?: number;
  'min-snapshots-to-keep'?: number;
}

export const MAIN_BRANCH = 'main';

/** Counters the reference implementation keeps in every snapshot summary. */
export interface AppendCounters {
  addedDataFiles: number;
  addedRecords: bigint;
  addedFilesSize: bigint;
  changedPartitionCount: number;
}

/** Each total and the added/removed counters that move it, as Iceberg Java pairs them. */
const TOTALS = [
  ['total-records', 'added-records', 'deleted-records'],
  ['total-files-size', 'added-files-size', 'removed-files-size'],
  ['total-data-files', 'added-data-files', 'deleted-data-files'],
  ['total-delete-files', 'added-delete-files', 'removed-delete-files'],
  ['total-position-deletes', 'added-position-deletes', 'removed-position-deletes'],
  ['total-equality-deletes', 'added-equality-deletes', 'removed-equality-deletes'],
] as const;

/** The totals of a table's first snapshot start from zero. */
export const NO_PARENT = 'no-parent';

function integer(raw: string | undefined): bigint | undefined {
  return raw !== undefined && /^-?\d+$/.test(raw) ? BigInt(raw) : undefined;
}

/**
 * Adds the totals to a summary the way Iceberg Java does: each is the parent's total moved by
 * this snapshot's added and removed counters. Where the parent has no such total (a snapshot
 * another writer left without one, or a parent the catalog does not serve) the total is left out,
 * since counting from zero would state a wrong number. A table's first snapshot starts at zero.
 */
export function withTotals(
  summary: Record<string, string>,
  parentSummary: Record<string, string> | undefined | typeof NO_PARENT,
): Record<string, string> {
  const out = { ...summary };
  for (const [total, added, removed] of TOTALS) {
    const previous = parentSummary === NO_PARENT ? 0n : integer(parentSummary?.[total]);
    if (previous === undefined || previous < 0n) continue;
    const next = previous + (integer(summary[added]) ?? 0n) - (integer(summary[removed]) ?? 0n);
    if (next >= 0n) out[total] = String(next);
  }
  return out;
}

/**
 * Summary of an append: the added counters and the totals carried forward from the parent.
 * Extra properties never override the standard keys.
 */
export function appendSummary(
  counters: AppendCounters,
  parentSummary: Record<string, string> | undefined | typeof NO_PARENT,
  extra: Record<string, string> = {},
): Snapshot['summary'] {
  const summary: Record<string, string> = { ...extra };
  for (const [total, added, removed] of TOTALS) {
    delete summary[total];
    delete summary[added];
    delete summary[removed];
  }
  summary.operation = 'append';
  summary['added-data-files'] = String(counters.addedDataFiles);
  summary['added-records'] = String(counters.addedRecords);
  summary['added-files-size'] = String(counters.addedFilesSize);
  summary['changed-partition-count'] = String(counters.changedPartitionCount);
  return withTotals(summary, parentSummary) as Snapshot['summary'];
}
