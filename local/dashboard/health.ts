import type { Admin } from 'kafkajs';
import { offsetsSummaryKey, parseOffsetsSummary } from '../../lib/alerts/offsets';
import {
  type LoadedTable,
  mainAncestry,
  mainSnapshot,
  type TableIdentifier,
} from '../../lib/iceberg';

export interface PartitionHealth {
  partition: number;
  /** Next offset to be written (the log end). */
  end: string;
  /** Next offset the classifier's consumer group reads; null when it has committed none. */
  groupOffset: string | null;
  /** Records on the partition the group has not committed yet. */
  lag: string;
  /** Last source offset the table's commits recorded for the partition; null when none. */
  tableOffset: string | null;
  /** Records on the partition not yet in the table (end - 1 - tableOffset). */
  tableLag: string;
}

export interface TableHealth {
  table: string;
  /** Epoch ms of the snapshot `main` points at: the table's last change. */
  lastChangeMs: number | null;
  lastChangeOperation: string | null;
  /** Epoch ms of the newest snapshot the group commit made (it carries the offsets). */
  lastGroupCommitMs: number | null;
  /** Age of the last change at the time of the answer, ms. */
  freshnessMs: number | null;
  snapshots: number;
}

export interface PipelineHealth {
  at: number;
  readingsTopic: string;
  groupId: string;
  partitions: PartitionHealth[];
  totalLag: string;
  totalTableLag: string;
  table: TableHealth | null;
  errors: string[];
}

export interface HealthSources {
  admin: Pick<Admin, 'fetchTopicOffsets' | 'fetchOffsets'>;
  readingsTopic: string;
  groupId: string;
  /** Loads the alerts table; absent when the dashboard has no catalog settings. */
  loadTable?: () => Promise<LoadedTable>;
  table: TableIdentifier;
  now?: () => number;
}

const max = (a: bigint, b: bigint) => (a > b ? a : b);

/** Lag per partition from the topic's offsets, the group's and the table's committed ones. */
export function partitionHealth(
  ends: { partition: number; high: string; low: string }[],
  group: { partition: number; offset: string }[],
  tableOffsets: Record<number, bigint>,
): PartitionHealth[] {
  const committed = new Map(group.map((p) => [p.partition, BigInt(p.offset)]));
  return [...ends]
    .sort((a, b) => a.partition - b.partition)
    .map((end) => {
      const high = BigInt(end.high);
      const low = BigInt(end.low);
      const at = committed.get(end.partition) ?? -1n;
      // -1: the group has committed nothing here and reads from the start (TRIM_HORIZON).
      const from = at < 0n ? low : at;
      const inTable = tableOffsets[end.partition];
      const tableNext = inTable === undefined ? low : max(inTable + 1n, low);
      return {
        partition: end.partition,
        end: high.toString(),
        groupOffset: at < 0n ? null : at.toString(),
        lag: max(high - from, 0n).toString(),
        tableOffset: inTable === undefined ? null : inTable.toString(),
        tableLag: max(high - tableNext, 0n).toString(),
      };
    });
}

/** What the table's metadata says about its freshness and the group commit. */
export function tableHealth(
  loaded: LoadedTable,
  name: string,
  offsetsKey: string,
  now: number,
): { health: TableHealth; offsets: Record<number, bigint> } {
  const metadata = loaded.metadata;
  const current = mainSnapshot(metadata);
  let lastGroupCommitMs: number | null = null;
  for (const snapshot of mainAncestry(metadata)) {
    if (snapshot.summary[offsetsKey] !== undefined) {
      lastGroupCommitMs = snapshot['timestamp-ms'];
      break;
    }
  }
  // The table property survives other engines' commits and snapshot expiry; the summary is
  // the fallback for a table written before the property existed.
  const text = metadata.properties?.[offsetsKey] ?? current?.summary[offsetsKey];
  const lastChangeMs = current?.['timestamp-ms'] ?? null;
  return {
    health: {
      table: name,
      lastChangeMs,
      lastChangeOperation: current?.summary.operation ?? null,
      lastGroupCommitMs,
      freshnessMs: lastChangeMs === null ? null : Math.max(0, now - lastChangeMs),
      snapshots: metadata.snapshots?.length ?? 0,
    },
    offsets: parseOffsetsSummary(text),
  };
}

/** One answer of the health panel; a source that fails is reported, the others still answer. */
export async function readHealth(sources: HealthSources): Promise<PipelineHealth> {
  const now = (sources.now ?? Date.now)();
  const errors: string[] = [];
  const name = [...sources.table.namespace, sources.table.name].join('.');
  const offsetsKey = offsetsSummaryKey(sources.readingsTopic, sources.groupId);
  const [ends, group, loaded] = await Promise.allSettled([
    sources.admin.fetchTopicOffsets(sources.readingsTopic),
    sources.admin.fetchOffsets({ groupId: sources.groupId, topics: [sources.readingsTopic] }),
    sources.loadTable ? sources.loadTable() : Promise.resolve(undefined),
  ]);
  let table: TableHealth | null = null;
  let tableOffsets: Record<number, bigint> = {};
  if (loaded.status === 'fulfilled' && loaded.value) {
    try {
      const t = tableHealth(loaded.value, name, offsetsKey, now);
      table = t.health;
      tableOffsets = t.offsets;
    } catch (error) {
      errors.push(`table ${name}: ${(error as Error).message}`);
    }
  } else if (loaded.status === 'rejected') {
    errors.push(`table ${name}: ${(loaded.reason as Error).message}`);
  }
  if (ends.status === 'rejected') {
    errors.push(`topic ${sources.readingsTopic}: ${(ends.reason as Error).message}`);
  }
  if (group.status === 'rejected') {
    errors.push(`group ${sources.groupId}: ${(group.reason as Error).message}`);
  }
  const partitions =
    ends.status === 'fulfilled'
      ? partitionHealth(
          ends.value,
          group.status === 'fulfilled' ? (group.value[0]?.partitions ?? []) : [],
          tableOffsets,
        )
      : [];
  const sum = (pick: (p: PartitionHealth) => string) =>
    partitions.reduce((total, p) => total + BigInt(pick(p)), 0n).toString();
  return {
    at: now,
    readingsTopic: sources.readingsTopic,
    groupId: sources.groupId,
    partitions,
    totalLag: sum((p) => p.lag),
    totalTableLag: sum((p) => p.tableLag),
    table,
    errors,
  };
}
