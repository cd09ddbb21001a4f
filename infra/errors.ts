/** Base of the errors the deployment code throws while reading its configuration. */
export class InfraError extends Error {
  override readonly name: string = 'InfraError';
}

/** A configuration value is missing, malformed or inconsistent with another one. */
export class ConfigError extends InfraError {
  override readonly name: string = 'ConfigError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super(`Invalid deployment configuration:\n  - ${problems.join('\n  - ')}`, options);
    this.problems = problems;
  }
}

/** The configuration file named by `-c config=<path>` cannot be read or parsed. */
export class ConfigFileError extends InfraError {
  override readonly name: string = 'ConfigFileError';
  constructor(path: string, options?: { cause?: unknown }) {
    super(`Cannot read the configuration file ${path}`, options);
  }
}
