import type { SensorAlertRow } from '../alerts/classify';
import type { PartitionOffsets } from '../alerts/offsets';
import type { StagedBatch } from './staged-batch';

/**
 * The exactly-once rules of group commit. The unit is the staged batch: one delivery of one
 * topic-partition, offsets `first..last`, with the alert rows among them. `c` is the partition's
 * committed offset (the last offset whose alerts are all in the table; none yet: -1). A round
 * takes the partition's staged batches in order of first offset, the longest first among equals,
 * and for each:
 *
 * 1. Rows above `c` are appended, and `c` becomes `last`. A gap (`first > c + 1`) is not waited
 *    for: Kafka offsets are not contiguous (transaction markers, compaction), and a batch the
 *    event source mapping gave up on goes to its on-failure destination, from where only the
 *    replay tool brings it back.
 * 2. Rows at or below `c` are appended only when their lineage (source_partition,
 *    source_offset) is neither in the table nor taken earlier in the round. Such rows come from
 *    a redelivery (Lambda redelivers a failed batch from the same first offset, with as many
 *    records as are there by then: all of them are found in the table and dropped), from a
 *    replay of a diverted batch (none are found: the gap is filled), or from a batch that a
 *    listing missed while a later one was committed (object stores whose listings are not
 *    strongly consistent, such as S3Proxy's file system backend, do this under load).
 * 3. A batch that adds no row and does not move `c` is discarded.
 *
 * So a batch is counted once whichever delivery, replay or listing brings it, and replaying
 * twice adds nothing. Only rows at or below `c` cost a look at the table, which in steady
 * operation none are. A row a user deleted from the table comes back if its batch is
 * redelivered or replayed after the delete.
 */
export interface PlannedBatch {
  key: string;
  batch: StagedBatch;
}

export interface CommitPlan {
  rows: SensorAlertRow[];
  /** Committed offsets after the commit, for every partition the round touched. */
  offsets: PartitionOffsets;
  /** Every batch the round settled (taken or discarded): removed once the commit holds. */
  settledKeys: string[];
  /** Batches that added rows or moved the committed offset. */
  batchesTaken: number;
  batchesDiscarded: number;
  /** Rows dropped because the table already holds them. */
  duplicateRows: number;
}

/** Whether the table already holds the row of this partition and offset. */
export type LineageLookup = (partition: number, offset: bigint) => boolean;

/**
 * The rows whose lineage the plan will ask about (rule 2): those at or below the committed
 * offset their batch meets in the round's order. Taking rows never changes how `c` moves, so
 * this is exactly the set `planCommit` looks up.
 */
export function lineageQueries(
  committed: PartitionOffsets,
  batches: readonly PlannedBatch[],
): { partition: number; offsets: bigint[] }[] {
  const ordered = [...batches].sort((a, b) => compareBatches(a.batch, b.batch));
  const cs = new Map<number, bigint>();
  const queries = new Map<number, bigint[]>();
  for (const { batch } of ordered) {
    const p = batch.partition;
    const c = cs.get(p) ?? committed[p] ?? -1n;
    const below = batch.rows.filter((r) => r.source_offset <= c).map((r) => r.source_offset);
    if (below.length > 0) queries.set(p, [...(queries.get(p) ?? []), ...below]);
    if (batch.lastOffset > c) cs.set(p, batch.lastOffset);
  }
  return [...queries].map(([partition, offsets]) => ({ partition, offsets }));
}

interface BatchRange {
  partition: number;
  firstOffset: bigint;
  lastOffset: bigint;
}

/** Partition, then first offset, then the longest batch first among equal first offsets. */
export function compareBatches(a: BatchRange, b: BatchRange): number {
  return (
    a.partition - b.partition ||
    cmp(a.firstOffset, b.firstOffset) ||
    cmp(b.lastOffset, a.lastOffset)
  );
}

const cmp = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

export function planCommit(
  committed: PartitionOffsets,
  batches: readonly PlannedBatch[],
  inTable: LineageLookup,
): CommitPlan {
  const plan: CommitPlan = {
    rows: [],
    offsets: {},
    settledKeys: [],
    batchesTaken: 0,
    batchesDiscarded: 0,
    duplicateRows: 0,
  };
  const ordered = [...batches].sort((a, b) => compareBatches(a.batch, b.batch));
  const taken = new Map<number, Set<bigint>>();
  for (const { key, batch } of ordered) {
    const p = batch.partition;
    const c = plan.offsets[p] ?? committed[p] ?? -1n;
    const takenHere = taken.get(p) ?? new Set<bigint>();
    taken.set(p, takenHere);
    plan.settledKeys.push(key);
    const fresh = batch.rows.filter(
      (row) =>
        row.source_offset > c ||
        (!inTable(p, row.source_offset) && !takenHere.has(row.source_offset)),
    );
    plan.duplicateRows += batch.rows.length - fresh.length;
    if (batch.lastOffset <= c && fresh.length === 0) {
      plan.batchesDiscarded++;
      continue;
    }
    for (const row of fresh) takenHere.add(row.source_offset);
    plan.rows.push(...fresh);
    plan.batchesTaken++;
    plan.offsets[p] = batch.lastOffset > c ? batch.lastOffset : c;
  }
  // A partition whose batches were all discarded keeps its committed offset: nothing to write.
  for (const [p, o] of Object.entries(plan.offsets)) {
    if (committed[Number(p)] === o) delete plan.offsets[Number(p)];
  }
  return plan;
}
