/** The function returned an error (or the Invoke call itself failed) for a batch. */
export class InvokeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvokeError';
  }
}

/** A batch exhausted its retries and could not be written to the on-failure destination. */
export class FailureDestinationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FailureDestinationError';
  }
}

/** The runner did not reach the awaited state in time. */
export class RunnerTimeoutError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunnerTimeoutError';
  }
}

/** A command-line flag of `npm run esm` is unknown, missing or out of range. */
export class EsmUsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EsmUsageError';
  }
}
