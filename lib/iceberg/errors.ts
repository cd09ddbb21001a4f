export type IcebergErrorKind =
  | 'commit-conflict'
  | 'commit-state-unknown'
  | 'no-such-table'
  | 'no-such-namespace'
  | 'catalog'
  | 'validation'
  | 'io'
  | 'deadline';

/** Base of every error the Iceberg package throws; `retryable` tells a caller whether trying again is safe. */
export class IcebergError extends Error {
  override readonly name: string = 'IcebergError';
  readonly kind: IcebergErrorKind;
  readonly retryable: boolean;

  constructor(
    message: string,
    kind: IcebergErrorKind,
    retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.kind = kind;
    this.retryable = retryable;
  }
}

/** The catalog rejected a commit because a requirement no longer holds (HTTP 409). */
export class CommitConflictError extends IcebergError {
  override readonly name: string = 'CommitConflictError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'commit-conflict', true, options);
  }
}

/** A commit may or may not have been applied (5xx, timeout, lost response): reload before retrying. */
export class CommitStateUnknownError extends IcebergError {
  override readonly name: string = 'CommitStateUnknownError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'commit-state-unknown', false, options);
  }
}

export class NoSuchTableError extends IcebergError {
  override readonly name: string = 'NoSuchTableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'no-such-table', false, options);
  }
}

export class NoSuchNamespaceError extends IcebergError {
  override readonly name: string = 'NoSuchNamespaceError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'no-such-namespace', false, options);
  }
}

/** Any other catalog failure; `status` is the HTTP status when there was a response. */
export class CatalogError extends IcebergError {
  override readonly name: string = 'CatalogError';
  readonly status: number | undefined;

  constructor(
    message: string,
    options?: { cause?: unknown; status?: number; retryable?: boolean },
  ) {
    super(message, 'catalog', options?.retryable ?? false, options);
    this.status = options?.status;
  }
}

/** The catalog kept answering that it is throttling requests, whatever status it used for it. */
export class CatalogThrottledError extends CatalogError {
  override readonly name: string = 'CatalogThrottledError';
  constructor(message: string, options?: { cause?: unknown; status?: number }) {
    super(message, { ...options, retryable: true });
  }
}

/** Input that does not fit the table (schema, types, partition spec, file contents). */
export class ValidationError extends IcebergError {
  override readonly name: string = 'ValidationError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'validation', false, options);
  }
}

/**
 * The table uses something this package cannot write or read correctly (a format version, a
 * column type, a transform): refused when the table is loaded, before any data is processed.
 */
export class UnsupportedTableError extends ValidationError {
  override readonly name = 'UnsupportedTableError';
}

export class FileIOError extends IcebergError {
  override readonly name: string = 'FileIOError';
  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, 'io', options?.retryable ?? true, options);
  }
}

/**
 * The caller's deadline was reached: no new request or retry was started, or one in flight was
 * cut off. Retryable as a whole (a Lambda invocation fails and is delivered again).
 */
export class DeadlineExceededError extends IcebergError {
  override readonly name: string = 'DeadlineExceededError';
  readonly activity: string;
  readonly remainingMs: number;
  /** True when a commit request may have reached the catalog: its files must be kept. */
  readonly commitOutcomeUnknown: boolean;

  constructor(
    activity: string,
    remainingMs: number,
    options?: { cause?: unknown; commitOutcomeUnknown?: boolean },
  ) {
    const left = Math.max(0, Math.round(remainingMs));
    super(`deadline reached while ${activity} (${left} ms left)`, 'deadline', true, options);
    this.activity = activity;
    this.remainingMs = remainingMs;
    this.commitOutcomeUnknown = options?.commitOutcomeUnknown ?? false;
  }
}
