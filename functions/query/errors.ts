/** Base class of the query function's errors. */
export class QueryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The request names no known query or is malformed. */
export class QueryRequestError extends QueryError {}

/** The function's configuration (environment) is invalid. */
export class QueryConfigError extends QueryError {}

/** Athena ended a query in FAILED or CANCELLED, or did not finish within the timeout. */
export class AthenaQueryError extends QueryError {
  constructor(
    message: string,
    readonly queryExecutionId: string | undefined,
    readonly state: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A result value could not be converted to JSON without losing information. */
export class QueryResultError extends QueryError {}

/** The local engine could not read the table's data files. */
export class LocalEngineError extends QueryError {}
