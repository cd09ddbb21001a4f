export {
  type CommitPlan,
  type LineageLookup,
  lineageQueries,
  type PlannedBatch,
  planCommit,
} from './commit-plan';
export {
  type CommitRoundDeps,
  type CommitRoundResult,
  chooseBatches,
  runCommitRound,
} from './commit-round';
export { type CommitAttempt, type CommitterOptions, GroupCommitter } from './committer';
export {
  type CommitterState,
  readCommitterState,
  type TableIdentity,
} from './committer-state';
export { type Deadline, DeadlineExceededError, deadlineAfter, NO_DEADLINE } from './deadline';
export * from './errors';
export { BATCHES_PREFIX, COMMITTER_STATE_KEY, parseBatchKey, stagingRoot } from './layout';
export { S3StagingStore } from './s3-staging-store';
export { stageBatch } from './stage';
export { decodeStagedBatch, encodeStagedBatch, type StagedBatch } from './staged-batch';
export { MemoryStagingStore, type StagingStore } from './staging-store';
