export type SnapshotOperation = 'append' | 'replace' | 'overwrite' | 'delete';

export interface Snapshot {
  'snapshot-id': bigint;
  'parent-snapshot-id'?: bigint;
  'sequence-number': bigint;
  'timestamp-ms': number;
  'manifest-list': string;
  summary: Record<string, string> & { operation: SnapshotOperation | string };
  'schema-id'?: number;
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

const TOTALS = [
  'total-data-files',
  'total-delete-files',
  'total-records',
  'total-files-size',
  'total-position-deletes',
  'total-equality-deletes',
] as const;

function total(parent: Record<string, string> | undefined, key: string): bigint {
  const raw = parent?.[key];
  return raw !== undefined && /^-?\d+$/.test(raw) ? BigInt(raw) : 0n;
}

/**
 * Summary of a fast append: the added counters, and the totals carried forward from the
 * parent. Extra properties never override the standard keys.
 */
export function appendSummary(
  counters: AppendCounters,
  parentSummary: Record<string, string> | undefined,
  extra: Record<string, string> = {},
): Snapshot['summary'] {
  const totals: Record<(typeof TOTALS)[number], bigint> = {
    'total-data-files': total(parentSummary, 'total-data-files') + BigInt(counters.addedDataFiles),
    'total-delete-files': total(parentSummary, 'total-delete-files'),
    'total-records': total(parentSummary, 'total-records') + counters.addedRecords,
    'total-files-size': total(parentSummary, 'total-files-size') + counters.addedFilesSize,
    'total-position-deletes': total(parentSummary, 'total-position-deletes'),
    'total-equality-deletes': total(parentSummary, 'total-equality-deletes'),
  };
  const summary: Record<string, string> = { ...extra };
  summary.operation = 'append';
  summary['added-data-files'] = String(counters.addedDataFiles);
  summary['added-records'] = String(counters.addedRecords);
  summary['added-files-size'] = String(counters.addedFilesSize);
  summary['changed-partition-count'] = String(counters.changedPartitionCount);
  for (const key of TOTALS) summary[key] = String(totals[key]);
  return summary as Snapshot['summary'];
}
