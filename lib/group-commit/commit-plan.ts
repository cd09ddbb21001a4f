import type { SensorAlertRow } from '../alerts/classify';
import type { PartitionOffsets } from '../alerts/offsets';
import type { StagedBatch } from './staged-batch';

/**
 * The exactly-once rules of group commit. The unit is the staged batch: one delivery of one
 * topic-partition, offsets `first..last`, with the alert rows among them. `c` is the partition's
 * committed offset (the last offset whose alerts are in the table; none yet: -1). A round takes
 * the partition's staged batches in order of first offset, the longest first among equals, and
 * for each:
 *
 * 1. `last <= c` and not a replay: a redelivery of records already in the table. Its rows are
 *    dropped and the batch discarded.
 * 2. `first <= c < last`: a redelivery that grew (Lambda redelivers from the same first offset,
 *    with as many records as are there by then). Only its rows above `c` are appended; `c`
 *    becomes `last`.
 * 3. `first > c + 1`: a gap. Kafka offsets are not contiguous (transaction markers, compaction),
 *    and a batch the event source mapping gave up on is skipped to its on-failure destination,
 *    so a gap is never waited for: the batch is appended whole and `c` becomes `last`. Records of
 *    a skipped batch come back only through the replay tool.
 * 4. A replay (a diverted batch put back by the replay tool): rows above `c` are appended as in 2;
 *    rows at or below `c` are appended only when their (partition, offset) lineage is neither in
 *    the table nor taken earlier in this round, so replaying twice adds nothing.
 *
 * No batch of a partition is taken before an earlier one: the listing that finds them follows
 * the rule in commit-round.ts, so a batch staged before another is never missed while the later
 * one is committed (which would make rule 1 drop it).
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

/** (partition, offset) pairs of replayed rows that the table already holds. */
export type LineageLookup = (partition: number, offset: bigint) => boolean;

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
    const fresh = batch.rows.filter((row) => {
      if (row.source_offset > c) return true;
      if (!batch.replay) return false;
      return !inTable(p, row.source_offset) && !takenHere.has(row.source_offset);
    });
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
