/** A configuration value is missing, malformed or inconsistent with another one. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super(`Invalid deployment configuration:\n  - ${problems.join('\n  - ')}`, options);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** The configuration file named by `-c config=<path>` cannot be read or parsed. */
export class ConfigFileError extends Error {
  constructor(path: string, options?: { cause?: unknown }) {
    super(`Cannot read the configuration file ${path}`, options);
    this.name = 'ConfigFileError';
  }
}
