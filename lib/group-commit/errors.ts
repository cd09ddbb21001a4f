/** Root of every error the group-commit package throws. */
export class GroupCommitError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GroupCommitError';
  }
}

/** A staged-batch object or its key is not in the format this package writes. */
export class StagedBatchFormatError extends GroupCommitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StagedBatchFormatError';
  }
}

/** The staging store could not be read or written; the caller should retry. */
export class StagingStoreError extends GroupCommitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StagingStoreError';
  }
}

/**
 * The table holds rows but none of the places that keep this consumer group's committed offsets
 * has them, so a commit could append records a second time. Nothing is committed until the
 * offsets are restored (see the message for how).
 */
export class CommittedOffsetsMissingError extends GroupCommitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CommittedOffsetsMissingError';
  }
}

/**
 * The table this pipeline committed to before is gone, or a different table now has its name:
 * the catalog lost it. Nothing creates a new empty table over it.
 */
export class TableLostError extends GroupCommitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TableLostError';
  }
}

/** Another committer kept changing the committed offsets while this round tried to commit. */
export class CommitContentionError extends GroupCommitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CommitContentionError';
  }
}
