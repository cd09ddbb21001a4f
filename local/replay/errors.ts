/** Root of the replay tool's errors. */
export class ReplayError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReplayError';
  }
}

/** A command-line flag or argument of `npm run replay` is wrong or missing. */
export class ReplayUsageError extends ReplayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReplayUsageError';
  }
}

/** The on-failure destination could not be read at all. */
export class ReplaySourceError extends ReplayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReplaySourceError';
  }
}
