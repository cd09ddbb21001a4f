export type IcebergErrorKind =
  | 'commit-conflict'
  | 'commit-state-unknown'
  | 'no-such-table'
  | 'no-such-namespace'
  | 'catalog'
  | 'validation'
  | 'io';

/** Base of every error the Iceberg package throws; `retryable` tells a caller whether trying again is safe. */
export class IcebergError extends Error {
  readonly kind: IcebergErrorKind;
  readonly retryable: boolean;

  constructor(
    message: string,
    kind: IcebergErrorKind,
    retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'IcebergError';
    this.kind = kind;
    this.retryable = retryable;
  }
}

/** The catalog rejected a commit because a requirement no longer holds (HTTP 409). */
export class CommitConflictError extends IcebergError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'commit-conflict', true, options);
    this.name = 'CommitConflictError';
  }
}

/** A commit may or may not have been applied (5xx, timeout, lost response): reload before retrying. */
export class CommitStateUnknownError extends IcebergError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'commit-state-unknown', false, options);
    this.name = 'CommitStateUnknownError';
  }
}

export class NoSuchTableError extends IcebergError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'no-such-table', false, options);
    this.name = 'NoSuchTableError';
  }
}

export class NoSuchNamespaceError extends IcebergError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'no-such-namespace', false, options);
    this.name = 'NoSuchNamespaceError';
  }
}

/** Any other catalog failure; `status` is the HTTP status when there was a response. */
export class CatalogError extends IcebergError {
  readonly status: number | undefined;

  constructor(
    message: string,
    options?: { cause?: unknown; status?: number; retryable?: boolean },
  ) {
    super(message, 'catalog', options?.retryable ?? false, options);
    this.name = 'CatalogError';
    this.status = options?.status;
  }
}

/** Input that does not fit the table (schema, types, partition spec, file contents). */
export class ValidationError extends IcebergError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'validation', false, options);
    this.name = 'ValidationError';
  }
}

export class FileIOError extends IcebergError {
  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, 'io', options?.retryable ?? true, options);
    this.name = 'FileIOError';
  }
}
