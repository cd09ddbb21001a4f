/** Base of the local event source mapping runner's errors. */
export class EsmError extends Error {
  override readonly name: string = 'EsmError';
}

/** The function returned an error (or the Invoke call itself failed) for a batch. */
export class InvokeError extends EsmError {
  override readonly name = 'InvokeError';
}

/** A batch exhausted its retries and could not be written to the on-failure destination. */
export class FailureDestinationError extends EsmError {
  override readonly name = 'FailureDestinationError';
}

/** The runner did not reach the awaited state in time. */
export class RunnerTimeoutError extends EsmError {
  override readonly name = 'RunnerTimeoutError';
}

/** A command-line flag of `npm run esm` is unknown, missing or out of range. */
export class EsmUsageError extends EsmError {
  override readonly name = 'EsmUsageError';
}
