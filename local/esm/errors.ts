/** Root of the local event source mapping's errors. */
export class EsmError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EsmError';
  }
}

/** The function returned an error (or the Invoke call itself failed) for a batch. */
export class InvokeError extends EsmError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvokeError';
  }
}

/** A batch exhausted its retries and could not be written to the on-failure destination. */
export class FailureDestinationError extends EsmError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FailureDestinationError';
  }
}

/** The runner did not reach the awaited state in time. */
export class RunnerTimeoutError extends EsmError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunnerTimeoutError';
  }
}

/** A command-line flag of `npm run esm` is unknown, missing or out of range. */
export class EsmUsageError extends EsmError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EsmUsageError';
  }
}

/** The runner's options contradict each other. */
export class RunnerConfigError extends EsmError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunnerConfigError';
  }
}
