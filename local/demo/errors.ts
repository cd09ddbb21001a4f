/** Base of the demo's errors: each carries one message that tells the user what failed. */
export class DemoError extends Error {
  override readonly name: string = 'DemoError';
}

/** A command-line flag of `npm run demo` is unknown or out of range. */
export class DemoUsageError extends DemoError {
  override readonly name = 'DemoUsageError';
}

/** A step of the demo (services, topic, table, pipeline, checks) failed. */
export class DemoStepError extends DemoError {
  override readonly name = 'DemoStepError';
}
